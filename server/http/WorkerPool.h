#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pygmi::server {

// Fixed threads for slow work (password hashing, SQL) so that io threads never block.
// Threads live as long as the pool, which keeps their thread-local database connections valid.
class WorkerPool
{
public:
    using Task = std::function<void()>;

    // `onThreadExit` runs on each worker just before it ends (closes its database connection).
    WorkerPool(int threadCount, Task onThreadExit);
    ~WorkerPool();

    void post(Task task);
    // Finishes queued tasks, then joins the threads.
    void stop();

private:
    void run();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_tasks;
    bool m_stopping = false;
    Task m_onThreadExit;
    std::vector<std::thread> m_threads;
};

} // namespace pygmi::server
