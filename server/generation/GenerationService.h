#pragma once

#include "GenerationStore.h"

#include <QHash>
#include <QString>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace pygmi::server {

class BlobStore;
class Clock;
class EventHub;
class ProviderRegistry;
class ProviderRun;
class TrainingChoice;

// Runs generation jobs on its own worker threads: queued → running → succeeded | failed, with
// cancellation at any point. The database holds the state machine; this class holds the queue,
// the running jobs' cancel handles and the rules for progress, previews and events.
class GenerationService
{
public:
    struct Settings
    {
        int workers = 2;
        bool localMode = false;
        std::int64_t retentionMs = 30LL * 24 * 3600 * 1000;
        std::int64_t previewIntervalMs = 250; // at most ~4 previews a second per job
        std::int64_t progressIntervalMs = 50; // progress events closer than this are coalesced
    };

    GenerationService(Settings settings, const GenerationStore &store, const ProviderRegistry &providers,
                      const BlobStore &blobs, EventHub &events, const Clock &clock, const TrainingChoice &training);
    ~GenerationService();

    // Deals with jobs a previous process left unfinished (see GenerationStore::recoverUnfinished),
    // then starts the workers.
    void start();
    // Cancels running work (it stays "running" in the database, so the next start recovers it) and
    // joins the workers.
    void stop();

    void enqueue(const QString &generationId);
    // After the store marked the job cancelled: drops it from the queue or stops its provider.
    void cancel(const QString &generationId);
    // Sends the job's current state to its owner's event stream.
    void publishState(const GenerationStore::Generation &generation);

    // Decodes the request's references ([{"id","strength"}]) of `userId` for a provider; the ones
    // that no longer exist are left out. Unset: references are ignored.
    using ReferenceLoader = std::function<std::vector<ReferenceInput>(const QString &userId, const QJsonArray &)>;
    void setReferenceLoader(ReferenceLoader loader) { m_referenceLoader = std::move(loader); }

private:
    class Callbacks;

    void workerLoop();
    void run(const QString &generationId);

    Settings m_settings;
    const GenerationStore &m_store;
    const ProviderRegistry &m_providers;
    const BlobStore &m_blobs;
    const TrainingChoice &m_training;
    EventHub &m_events;
    const Clock &m_clock;

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<QString> m_queue;
    QHash<QString, std::shared_ptr<ProviderRun>> m_running;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
    ReferenceLoader m_referenceLoader;
};

} // namespace pygmi::server
