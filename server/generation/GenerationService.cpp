#include "GenerationService.h"

#include "ProviderRegistry.h"
#include "TrainingChoice.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "events/EventHub.h"
#include "storage/BlobStore.h"
#include "storage/Database.h"

#include <QJsonArray>
#include <QUuid>

namespace pygmi::server {

namespace {

GenerationSpec specFrom(const QJsonObject &request)
{
    GenerationSpec spec;
    spec.prompt = request.value(QStringLiteral("prompt")).toString();
    spec.negativePrompt = request.value(QStringLiteral("negative_prompt")).toString();
    spec.style = request.value(QStringLiteral("style")).toString();
    spec.media = request.value(QStringLiteral("media")).toString();
    spec.model = request.value(QStringLiteral("model")).toString();
    spec.width = request.value(QStringLiteral("width")).toInt();
    spec.height = request.value(QStringLiteral("height")).toInt();
    spec.count = request.value(QStringLiteral("count")).toInt(1);
    spec.seed = static_cast<std::uint64_t>(request.value(QStringLiteral("seed")).toInteger());
    spec.durationS = request.value(QStringLiteral("duration_s")).toDouble();
    spec.fps = request.value(QStringLiteral("fps")).toInt();
    return spec;
}

} // namespace

// Turns a provider's reports into events and (less often) database writes.
class GenerationService::Callbacks : public ProviderCallbacks
{
public:
    Callbacks(GenerationService &service, QString userId, QString jobId)
        : m_service(service)
        , m_userId(std::move(userId))
        , m_jobId(std::move(jobId))
    { }

    void progress(int step, int total) override
    {
        const std::int64_t now = m_service.m_clock.nowMs();
        const bool last = step >= total;
        if (last || step <= 1 || now - m_lastEventMs >= m_service.m_settings.progressIntervalMs) {
            m_lastEventMs = now;
            m_service.m_events.publish(m_userId,
                                       QJsonObject { { QStringLiteral("type"), QStringLiteral("job.progress") },
                                                     { QStringLiteral("job_id"), m_jobId },
                                                     { QStringLiteral("step"), step },
                                                     { QStringLiteral("total"), total },
                                                     { QStringLiteral("t_ms"), qint64(wallMs()) } });
        }
        if (last || now - m_lastStoredMs >= 250) {
            m_lastStoredMs = now;
            m_service.m_store.updateProgress(m_jobId, step, total);
        }
    }

    bool wantsPreview() override
    {
        const std::int64_t now = m_service.m_clock.nowMs();
        if (m_lastPreviewMs >= 0 && now - m_lastPreviewMs < m_service.m_settings.previewIntervalMs)
            return false;
        m_lastPreviewMs = now;
        return true;
    }

    void preview(int step, const QByteArray &jpeg, int width, int height) override
    {
        m_service.m_events.publishTransient(
            m_userId,
            QJsonObject { { QStringLiteral("type"), QStringLiteral("job.preview") },
                          { QStringLiteral("job_id"), m_jobId },
                          { QStringLiteral("step"), step },
                          { QStringLiteral("mime"), QStringLiteral("image/jpeg") },
                          { QStringLiteral("width"), width },
                          { QStringLiteral("height"), height },
                          { QStringLiteral("data"), QString::fromLatin1(jpeg.toBase64()) },
                          { QStringLiteral("t_ms"), qint64(wallMs()) } });
    }

private:
    // Real time (not the test clock): for measuring delivery latency on the same machine.
    static std::int64_t wallMs()
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    GenerationService &m_service;
    QString m_userId;
    QString m_jobId;
    std::int64_t m_lastEventMs = 0;
    std::int64_t m_lastStoredMs = 0;
    std::int64_t m_lastPreviewMs = -1;
};

GenerationService::GenerationService(Settings settings, const GenerationStore &store, const ProviderRegistry &providers,
                                     const BlobStore &blobs, EventHub &events, const Clock &clock,
                                     const TrainingChoice &training)
    : m_settings(settings)
    , m_store(store)
    , m_providers(providers)
    , m_blobs(blobs)
    , m_training(training)
    , m_events(events)
    , m_clock(clock)
{ }

GenerationService::~GenerationService()
{
    stop();
}

void GenerationService::start()
{
    const auto unfinished = m_store.recoverUnfinished(m_settings.localMode, m_clock.nowMs());
    if (!unfinished.empty()) {
        qCInfo(lcGeneration) << unfinished.size() << "unfinished jobs from the last run"
                             << (m_settings.localMode ? "resumed" : "failed as interrupted");
    }
    if (m_settings.localMode) {
        std::lock_guard lock(m_mutex);
        for (const auto &job : unfinished)
            m_queue.push_back(job.id);
    }
    for (int i = 0; i < m_settings.workers; ++i)
        m_threads.emplace_back([this] { workerLoop(); });
}

void GenerationService::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping && m_threads.empty())
            return;
        m_stopping = true;
        for (const auto &run : std::as_const(m_running))
            run->cancel();
    }
    m_wake.notify_all();
    for (std::thread &thread : m_threads)
        thread.join();
    m_threads.clear();
}

void GenerationService::enqueue(const QString &generationId)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(generationId);
    }
    m_wake.notify_one();
}

void GenerationService::cancel(const QString &generationId)
{
    std::lock_guard lock(m_mutex);
    m_queue.erase(std::remove(m_queue.begin(), m_queue.end(), generationId), m_queue.end());
    if (const auto it = m_running.constFind(generationId); it != m_running.constEnd())
        (*it)->cancel();
}

void GenerationService::publishState(const GenerationStore::Generation &generation)
{
    m_events.publish(generation.userId,
                     QJsonObject { { QStringLiteral("type"), QStringLiteral("job.state") },
                                   { QStringLiteral("job"), m_store.toJson(generation) } });
}

void GenerationService::workerLoop()
{
    for (;;) {
        QString id;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                break;
            id = m_queue.front();
            m_queue.pop_front();
        }
        try {
            run(id);
        } catch (const std::exception &error) {
            qCWarning(lcGeneration) << "job failed in storage:" << error.what();
            try {
                if (m_store.markFailed(id, QStringLiteral("internal_error"),
                                       QStringLiteral("The server could not finish this job."), m_clock.nowMs())) {
                    if (const auto failed = m_store.find({}, id))
                        publishState(*failed);
                }
            } catch (const std::exception &) { }
        }
    }
    Database::closeThreadConnection();
}

void GenerationService::run(const QString &generationId)
{
    const std::int64_t startedAt = m_clock.nowMs();
    if (!m_store.markRunning(generationId, startedAt))
        return; // cancelled while queued
    auto job = m_store.find({}, generationId);
    if (!job)
        return;
    publishState(*job);

    GenerationProvider *provider = m_providers.find(job->provider);
    if (!provider) {
        if (m_store.markFailed(generationId, QStringLiteral("provider_error"),
                               QStringLiteral("This provider is no longer offered."), m_clock.nowMs()))
            publishState(*m_store.find({}, generationId));
        return;
    }
    const ProviderInfo info = provider->info();
    GenerationSpec spec = specFrom(job->request);
    QJsonArray referencesUsed;
    if (m_referenceLoader) {
        spec.references
            = m_referenceLoader(job->userId, job->request.value(QStringLiteral("references")).toArray());
        for (const ReferenceInput &reference : spec.references) {
            referencesUsed.append(QJsonObject { { QStringLiteral("id"), reference.id },
                                                { QStringLiteral("sha256"), reference.sha256 },
                                                { QStringLiteral("strength"), reference.strength } });
        }
    }
    Callbacks callbacks(*this, job->userId, generationId);
    std::shared_ptr<ProviderRun> providerRun = provider->submit(spec, callbacks);
    {
        std::lock_guard lock(m_mutex);
        m_running.insert(generationId, providerRun);
        if (m_stopping)
            providerRun->cancel();
    }
    // A cancel that came between markRunning and the line above found nothing to stop.
    if (const auto now = m_store.find({}, generationId); !now || now->state != QLatin1String("running"))
        providerRun->cancel();

    const ProviderResult result = providerRun->result();
    {
        std::lock_guard lock(m_mutex);
        m_running.remove(generationId);
    }
    const std::int64_t finishedAt = m_clock.nowMs();

    if (result.outcome == ProviderResult::Outcome::Cancelled)
        return; // the cancel already ended it (or the server is stopping: the next start recovers it)
    if (result.outcome == ProviderResult::Outcome::Failed) {
        if (m_store.markFailed(generationId,
                               result.errorCode.isEmpty() ? QStringLiteral("provider_error") : result.errorCode,
                               result.errorMessage, finishedAt))
            publishState(*m_store.find({}, generationId));
        return;
    }

    const bool excluded = !m_training.optedIn(job->userId);
    QJsonObject params = job->request;
    params.remove(QStringLiteral("id"));
    std::vector<GenerationStore::Asset> assets;
    int index = 0;
    // From storing the blobs to inserting the asset rows, no collector may decide that those bytes
    // are unused (identical bytes may belong to a row being deleted right now).
    auto blobLock = m_blobs.lockReferences();
    for (const ProviderOutput &output : result.outputs) {
        const auto sha = m_blobs.put(output.bytes);
        const auto poster
            = output.posterPng.isEmpty() ? std::optional<QString>(QString()) : m_blobs.put(output.posterPng);
        if (!sha || !poster) {
            if (m_store.markFailed(generationId, QStringLiteral("storage_error"),
                                   QStringLiteral("The server could not store the result."), finishedAt))
                publishState(*m_store.find({}, generationId));
            return;
        }
        GenerationStore::Asset asset;
        asset.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        asset.userId = job->userId;
        asset.generationId = generationId;
        asset.index = index++;
        asset.media = output.media;
        asset.mime = output.mime;
        asset.width = output.width;
        asset.height = output.height;
        if (output.media == QLatin1String("video")) {
            asset.durationMs = static_cast<std::int64_t>(output.durationS * 1000.0 + 0.5);
            asset.fps = output.fps;
            asset.frameCount = output.frameCount;
        }
        asset.bytes = output.bytes.size();
        asset.sha256 = *sha;
        asset.posterSha256 = *poster;
        asset.prompt = spec.prompt;
        asset.negativePrompt = spec.negativePrompt;
        asset.style = spec.style;
        asset.seed = job->seed;
        asset.provider = job->provider;
        asset.model = job->model;
        asset.processedBy = QStringLiteral("%1 on %2").arg(info.name, info.location);
        asset.params = params;
        asset.queuedMs = startedAt - job->createdAt;
        asset.runMs = finishedAt - startedAt;
        asset.excludedFromTraining = excluded;
        asset.referencesUsed = referencesUsed;
        asset.createdAt = finishedAt;
        asset.expiresAt = finishedAt + m_settings.retentionMs;
        assets.push_back(std::move(asset));
    }
    const bool stored = m_store.markSucceeded(generationId, assets, finishedAt);
    blobLock.unlock();
    if (!stored)
        return; // cancelled at the last moment: no asset rows were written
    for (const auto &asset : assets) {
        m_events.publish(job->userId,
                         QJsonObject { { QStringLiteral("type"), QStringLiteral("asset.created") },
                                       { QStringLiteral("asset"), GenerationStore::toJson(asset) } });
    }
    publishState(*m_store.find({}, generationId));
}

} // namespace pygmi::server
