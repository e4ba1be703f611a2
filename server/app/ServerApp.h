#pragma once

#include "ServerOptions.h"

namespace pygmi::server {

// The composition root of the server: builds storage, services and routes from the options,
// serves until SIGTERM/SIGINT (or stdin EOF with --exit-with-stdin), then shuts down cleanly.
class ServerApp
{
public:
    explicit ServerApp(ServerOptions options);
    // Returns the process exit code.
    int run();

private:
    ServerOptions m_options;
};

} // namespace pygmi::server
