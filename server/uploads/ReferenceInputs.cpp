#include "ReferenceInputs.h"

#include "MediaDecoder.h"
#include "UploadLogging.h"
#include "UploadStore.h"
#include "common/Clock.h"
#include "storage/BlobStore.h"

#include <QJsonObject>

namespace pygmi::server {

ReferenceInputs::ReferenceInputs(const UploadStore &store, const BlobStore &blobs, const Clock &clock,
                                 std::int64_t maxPixels)
    : m_store(store)
    , m_blobs(blobs)
    , m_clock(clock)
    , m_maxPixels(maxPixels)
{ }

bool ReferenceInputs::usable(const QString &userId, const QString &referenceId) const
{
    const auto reference = m_store.findReference(userId, referenceId);
    return reference && reference->expiresAt > m_clock.nowMs();
}

std::vector<ReferenceInput> ReferenceInputs::load(const QString &userId, const QJsonArray &references) const
{
    std::vector<ReferenceInput> inputs;
    for (const QJsonValue &value : references) {
        const QJsonObject entry = value.toObject();
        const auto reference = m_store.findReference(userId, entry.value(QStringLiteral("id")).toString());
        if (!reference)
            continue; // deleted since the request was made: not used
        QString error;
        const auto frame
            = MediaDecoder::firstFrame(m_blobs.pathFor(reference->sha256), kSampleSide, m_maxPixels, &error);
        if (!frame) {
            qCWarning(lcUploads) << "a reference could not be decoded for generation:" << error;
            continue;
        }
        ReferenceInput input;
        input.id = reference->id;
        input.sha256 = reference->sha256;
        input.strength = entry.value(QStringLiteral("strength")).toDouble();
        input.width = frame->width;
        input.height = frame->height;
        input.rgb = frame->rgb;
        inputs.push_back(std::move(input));
    }
    return inputs;
}

} // namespace pygmi::server
