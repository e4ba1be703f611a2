#include "RetentionSweeper.h"

#include "AssetRemover.h"
#include "GalleryStore.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "storage/Database.h"

namespace pygmi::server {

namespace {
constexpr int kBatch = 500;
}

RetentionSweeper::RetentionSweeper(const GalleryStore &store, AssetRemover &remover, const Clock &clock,
                                   std::chrono::milliseconds interval)
    : m_store(store)
    , m_remover(remover)
    , m_clock(clock)
    , m_interval(interval)
{ }

RetentionSweeper::~RetentionSweeper()
{
    stop();
}

void RetentionSweeper::start()
{
    m_thread = std::thread([this] { loop(); });
}

void RetentionSweeper::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

int RetentionSweeper::sweep()
{
    int total = 0;
    for (;;) {
        const auto removed = m_store.removeExpired(m_clock.nowMs(), kBatch);
        if (removed.empty())
            break;
        m_remover.finish(removed, QStringLiteral("expired"));
        total += int(removed.size());
        if (int(removed.size()) < kBatch)
            break;
    }
    if (total > 0)
        qCInfo(lcStorage) << "retention sweep deleted" << total << "expired assets";
    return total;
}

void RetentionSweeper::loop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        try {
            sweep();
        } catch (const std::exception &e) {
            qCWarning(lcStorage) << "retention sweep failed:" << e.what();
        }
        lock.lock();
        m_wake.wait_for(lock, m_interval, [this] { return m_stopping; });
    }
    lock.unlock();
    Database::closeThreadConnection();
}

} // namespace pygmi::server
