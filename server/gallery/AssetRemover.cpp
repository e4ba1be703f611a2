#include "AssetRemover.h"

#include "common/Logging.h"
#include "events/EventHub.h"
#include "storage/BlobStore.h"

#include <QJsonObject>
#include <QSet>

namespace pygmi::server {

AssetRemover::AssetRemover(const GalleryStore &store, const BlobStore &blobs, EventHub &events)
    : m_store(store)
    , m_blobs(blobs)
    , m_events(events)
{ }

void AssetRemover::finish(const std::vector<GalleryStore::Removed> &removed, const QString &reason)
{
    QSet<QString> hashes;
    for (const auto &row : removed) {
        hashes.insert(row.sha256);
        if (!row.posterSha256.isEmpty())
            hashes.insert(row.posterSha256);
    }
    {
        // Check-and-delete must not interleave with a writer storing the same bytes for a new row.
        const auto lock = m_blobs.lockReferences();
        for (const QString &sha : std::as_const(hashes))
            collect(sha);
    }
    for (const auto &row : removed) {
        m_events.publish(row.userId,
                         QJsonObject { { QStringLiteral("type"), QStringLiteral("asset.deleted") },
                                       { QStringLiteral("asset_id"), row.id },
                                       { QStringLiteral("reason"), reason } });
    }
}

void AssetRemover::collect(const QString &sha256)
{
    // Content-addressed: another row (of this or another user) may hold the same bytes.
    if (m_store.isReferenced(sha256))
        return;
    for (const QString &thumb : m_store.removeThumbnails(sha256)) {
        if (!m_store.isThumbnailReferenced(thumb))
            m_blobs.remove(thumb);
    }
    if (!m_blobs.remove(sha256))
        qCWarning(lcStorage) << "a deleted asset's blob could not be removed";
}

} // namespace pygmi::server
