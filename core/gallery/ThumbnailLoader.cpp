#include "ThumbnailLoader.h"

#include "GalleryCache.h"
#include "api/ApiClient.h"

namespace pygmi::core {

ThumbnailLoader::ThumbnailLoader(ApiClient *api, GalleryCache *cache, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_cache(cache)
{ }

QString ThumbnailLoader::keyFor(const QString &sha256, int size)
{
    return sha256 + u'-' + QString::number(size);
}

QString ThumbnailLoader::cachedPath(const Asset &asset, int size)
{
    return m_cache->thumbnailPath(asset.sha256, size);
}

void ThumbnailLoader::request(const Asset &asset, int size)
{
    const QString key = keyFor(asset.sha256, size);
    if (m_inFlight.contains(key))
        return;
    const QString path = m_cache->thumbnailPath(asset.sha256, size);
    if (!path.isEmpty()) {
        Q_EMIT loaded(key, path);
        return;
    }
    if (m_jobs.contains(key))
        m_queue.removeOne(key); // asked again: move it to the front of the line
    m_jobs.insert(key, Job { asset.id, asset.sha256, size });
    m_queue.append(key);
    pump();
}

void ThumbnailLoader::cancel(const QString &key)
{
    if (m_inFlight.contains(key))
        return; // already on the wire; its bytes are still worth caching
    m_queue.removeOne(key);
    m_jobs.remove(key);
}

void ThumbnailLoader::retainOnly(const QSet<QString> &keys)
{
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if (!keys.contains(*it)) {
            m_jobs.remove(*it);
            it = m_queue.erase(it);
        } else {
            ++it;
        }
    }
}

void ThumbnailLoader::pump()
{
    while (m_inFlight.size() < m_maxInFlight && !m_queue.isEmpty()) {
        const QString key = m_queue.takeLast();
        const Job job = m_jobs.take(key);
        m_inFlight.insert(key);
        ApiRequest request;
        request.path = QStringLiteral("/v1/assets/%1/thumbnail?size=%2").arg(job.assetId).arg(job.size);
        request.idempotent = true;
        request.timeoutMs = 20000;
        m_api->send(request, this, [this, key, job](const ApiResponse &response) {
            m_inFlight.remove(key);
            if (response.ok() && !response.raw.isEmpty()) {
                const QString path = m_cache->storeThumbnail(job.sha256, job.size, response.raw);
                if (!path.isEmpty())
                    Q_EMIT loaded(key, path);
                else
                    Q_EMIT failed(key, false);
            } else {
                const auto kind = response.error.kind();
                Q_EMIT failed(key, kind == ApiError::Kind::Network || kind == ApiError::Kind::Timeout);
            }
            pump();
        });
    }
}

} // namespace pygmi::core
