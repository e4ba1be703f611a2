#include "StdinWatcher.h"

#include <atomic>
#include <csignal>
#include <thread>
#include <unistd.h>

namespace pygmi::server {

namespace {
std::atomic<bool> s_armed { false };
}

void StdinWatcher::start()
{
    s_armed = true;
    // A blocking read on its own thread works for pipes, terminals and files alike; the thread is
    // detached because nothing can interrupt read(2) portably, and process exit ends it.
    std::thread([] {
        char buffer[256];
        for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n > 0)
                continue;
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        if (s_armed.exchange(false))
            ::kill(::getpid(), SIGTERM);
    }).detach();
}

void StdinWatcher::disarm()
{
    s_armed = false;
}

} // namespace pygmi::server
