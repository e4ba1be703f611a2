#pragma once

namespace pygmi::server {

// For --exit-with-stdin: the app's supervisor holds our stdin open; when the app ends (even by
// crashing) the pipe closes and we shut down instead of lingering as an orphan.
class StdinWatcher
{
public:
    // Sends this process SIGTERM at end of file, so the normal signal path shuts down cleanly.
    static void start();
    // After this, end of file no longer signals (shutdown has begun anyway).
    static void disarm();
};

} // namespace pygmi::server
