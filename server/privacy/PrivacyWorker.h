#pragma once

#include <QJsonArray>
#include <QString>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace pygmi::server {

class AccountErasure;
class BlobStore;
class Clock;
class Database;
class EventHub;
class PrivacyRequests;

// The background side of privacy requests, on its own thread: prepares export archives, carries
// out account deletions whose grace period is over, removes export files at their expiry, and
// expires requests left unverified or unanswered. It wakes when a request arrives and on a tick
// (the clock may have been moved in tests).
class PrivacyWorker
{
public:
    struct Settings
    {
        QString dataDir;
        std::chrono::milliseconds tick { 60000 };
        std::int64_t exportTtlMs = 7LL * 24 * 3600 * 1000;
        std::int64_t erasureRecordMs = 365LL * 24 * 3600 * 1000;
        std::int64_t unansweredMs = 30LL * 24 * 3600 * 1000;
    };

    PrivacyWorker(Settings settings, const Database &database, const BlobStore &blobs, const PrivacyRequests &requests,
                  const AccountErasure &erasure, EventHub &events, const Clock &clock);
    ~PrivacyWorker();

    void start();
    void stop();
    void wake();

    // What an account deletion keeps and why (also shown in the preview before asking).
    static QJsonArray retainedRecords(std::int64_t nowMs, std::int64_t erasureRecordMs);
    QString exportPath(const QString &exportId) const;
    // One pass over everything due (the thread calls it; tests of the admin path may too).
    void runOnce();

private:
    void loop();
    void prepareExports();
    void eraseDueAccounts();
    void removeExpiredExports();
    void expireUnanswered();
    void notify(const QString &userId, const QString &requestId, const QString &status);

    Settings m_settings;
    const Database &m_database;
    const BlobStore &m_blobs;
    const PrivacyRequests &m_requests;
    const AccountErasure &m_erasure;
    EventHub &m_events;
    const Clock &m_clock;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_pending = false;
};

} // namespace pygmi::server
