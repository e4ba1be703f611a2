#pragma once

#include "GalleryStore.h"

#include <QString>
#include <vector>

namespace pygmi::server {

class BlobStore;
class EventHub;

// What follows a deleted asset row, for DELETE and for the retention sweep alike: bytes that no
// other row uses are removed from the blob store with their thumbnails (index rows and blobs), and
// the owner's devices hear asset.deleted. The search entry goes with the row (a trigger).
class AssetRemover
{
public:
    AssetRemover(const GalleryStore &store, const BlobStore &blobs, EventHub &events);

    // `reason`: "deleted" (by the user) or "expired" (retention).
    void finish(const std::vector<GalleryStore::Removed> &removed, const QString &reason);

private:
    void collect(const QString &sha256);

    const GalleryStore &m_store;
    const BlobStore &m_blobs;
    EventHub &m_events;
};

} // namespace pygmi::server
