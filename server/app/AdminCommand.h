#pragma once

#include "ServerOptions.h"

namespace pygmi::server {

// One-off operator tasks on a data directory ("admin lock EMAIL", "admin unlock EMAIL"). Safe
// while the server runs: SQLite in WAL mode takes the write in turn.
class AdminCommand
{
public:
    // Returns the process exit code.
    static int run(const ServerOptions &options);
};

} // namespace pygmi::server
