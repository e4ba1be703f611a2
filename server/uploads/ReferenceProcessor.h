#pragma once

#include "UploadStore.h"

#include <QString>
#include <cstdint>
#include <optional>

namespace pygmi::server {

class BlobStore;

// Turns a completely received upload into a reference: the type is sniffed from the bytes, an
// image's size is read from its header and checked before anything decodes it, metadata is removed
// again (defence in depth; unless the creator chose to keep it), the picture is decoded once to prove
// it is whole and to make a thumbnail, and the bytes move into the blob store.
class ReferenceProcessor
{
public:
    struct Limits
    {
        std::int64_t imageMaxPixels = 50'000'000;
        int imageMaxSide = 16384;
        std::int64_t imageMaxBytes = 64LL * 1024 * 1024;
        std::int64_t retentionMs = 30LL * 24 * 3600 * 1000;
    };

    struct Outcome
    {
        std::optional<UploadStore::Reference> reference; // set on success (possibly an existing one)
        int status = 422;
        QString errorCode;
        QString errorMessage;
    };

    ReferenceProcessor(Limits limits, const UploadStore &store, const BlobStore &blobs);

    // `partialPath` holds exactly upload.length bytes; it is consumed (moved or deleted).
    Outcome process(const UploadStore::Upload &upload, const QString &partialPath, std::int64_t nowMs) const;

    static constexpr int kThumbnailSide = 256;

private:
    Outcome refuse(const QString &code, const QString &message) const;

    Limits m_limits;
    const UploadStore &m_store;
    const BlobStore &m_blobs;
};

} // namespace pygmi::server
