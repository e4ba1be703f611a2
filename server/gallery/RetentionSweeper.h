#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace pygmi::server {

class AssetRemover;
class Clock;
class GalleryStore;

// Deletes assets whose expires_at has passed on the server clock (which tests move), for every
// user: row, search entry, blobs no other row uses, thumbnails. Runs on its own thread every
// `interval`, in batches so one sweep never holds the write lock for long.
class RetentionSweeper
{
public:
    RetentionSweeper(const GalleryStore &store, AssetRemover &remover, const Clock &clock,
                     std::chrono::milliseconds interval);
    ~RetentionSweeper();

    void start();
    void stop();
    // One full pass now (also what the thread does); returns how many assets were deleted.
    int sweep();

private:
    void loop();

    const GalleryStore &m_store;
    AssetRemover &m_remover;
    const Clock &m_clock;
    std::chrono::milliseconds m_interval;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace pygmi::server
