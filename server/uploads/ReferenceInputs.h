#pragma once

#include "generation/GenerationProvider.h"

#include <QJsonArray>
#include <QString>
#include <cstdint>
#include <vector>

namespace pygmi::server {

class BlobStore;
class Clock;
class UploadStore;

// What generation needs from the reference library: whether a user may use a reference, and the
// references of a request decoded small for a provider.
class ReferenceInputs
{
public:
    ReferenceInputs(const UploadStore &store, const BlobStore &blobs, const Clock &clock, std::int64_t maxPixels);

    bool usable(const QString &userId, const QString &referenceId) const;
    // [{"id","strength"}] → decoded pictures; references that are gone or unreadable are left out.
    std::vector<ReferenceInput> load(const QString &userId, const QJsonArray &references) const;

    static constexpr int kSampleSide = 256;

private:
    const UploadStore &m_store;
    const BlobStore &m_blobs;
    const Clock &m_clock;
    std::int64_t m_maxPixels;
};

} // namespace pygmi::server
