#include "ReferenceProcessor.h"

#include "MediaDecoder.h"
#include "UploadLogging.h"
#include "media/MediaProbe.h"
#include "media/MetadataScrubber.h"
#include "sketch/MediaEncoder.h"
#include "storage/BlobStore.h"

#include <QCryptographicHash>
#include <QFile>
#include <QLocale>
#include <QUuid>

namespace pygmi::server {

namespace {

using media::MediaKind;
using media::MediaProbe;
using media::MetadataScrubber;

std::optional<QString> sha256OfFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return std::nullopt;
    return QString::fromLatin1(hash.result().toHex());
}

QStringList toStringList(const std::vector<std::string> &codes)
{
    QStringList list;
    for (const std::string &code : codes)
        list.append(QString::fromStdString(code));
    return list;
}

} // namespace

ReferenceProcessor::ReferenceProcessor(Limits limits, const UploadStore &store, const BlobStore &blobs)
    : m_limits(limits)
    , m_store(store)
    , m_blobs(blobs)
{ }

ReferenceProcessor::Outcome ReferenceProcessor::refuse(const QString &code, const QString &message) const
{
    Outcome outcome;
    outcome.errorCode = code;
    outcome.errorMessage = message;
    return outcome;
}

ReferenceProcessor::Outcome ReferenceProcessor::process(const UploadStore::Upload &upload, const QString &partialPath,
                                                        std::int64_t nowMs) const
{
    // Whatever happens, the partial file does not outlive this call.
    struct Cleanup
    {
        QString path;
        ~Cleanup()
        {
            if (!path.isEmpty())
                QFile::remove(path);
        }
    } cleanup { partialPath };
    const QString cleanPath = partialPath + QStringLiteral(".clean");
    struct CleanupClean
    {
        QString path;
        ~CleanupClean() { QFile::remove(path); }
    } cleanupClean { cleanPath };

    QFile file(partialPath);
    if (!file.open(QIODevice::ReadOnly) || file.size() != upload.length)
        return refuse(QStringLiteral("incomplete"), QStringLiteral("The upload's bytes are missing on the server."));
    const QByteArray head = file.read(64);
    const MediaKind kind
        = MediaProbe::sniff(reinterpret_cast<const std::uint8_t *>(head.constData()), std::size_t(head.size()));
    if (kind == MediaKind::Unknown)
        return refuse(QStringLiteral("unsupported_type"),
                      QStringLiteral("This file is not a PNG, JPEG or WebP image or a WebM or MP4 video, whatever its "
                                     "name says."));

    // What the client sent, byte for byte: checked against what it said it would send.
    const auto receivedSha = sha256OfFile(partialPath);
    if (!receivedSha)
        return refuse(QStringLiteral("incomplete"), QStringLiteral("The upload could not be read on the server."));
    if (!upload.declaredSha256.isEmpty() && upload.declaredSha256 != *receivedSha)
        return refuse(QStringLiteral("checksum_mismatch"),
                      QStringLiteral("The file arrived damaged: its SHA-256 differs from the one announced."));

    UploadStore::Reference reference;
    reference.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    reference.userId = upload.userId;
    reference.name = upload.name;
    reference.mime
        = QString::fromLatin1(MediaProbe::mimeType(kind).data(), qsizetype(MediaProbe::mimeType(kind).size()));
    reference.uploadSha256 = *receivedSha;
    reference.metadataKept = upload.keepMetadata;
    reference.createdAt = nowMs;
    reference.expiresAt = nowMs + m_limits.retentionMs;
    QString storedPath; // the file that becomes the blob

    if (MediaProbe::isImage(kind)) {
        reference.media = QStringLiteral("image");
        if (upload.length > m_limits.imageMaxBytes)
            return refuse(QStringLiteral("too_large"),
                          QStringLiteral("Images may be at most %1 MiB.").arg(m_limits.imageMaxBytes / (1024 * 1024)));
        file.seek(0);
        const QByteArray bytes = file.readAll();
        file.close();
        const auto size = MediaProbe::imageSize(reinterpret_cast<const std::uint8_t *>(bytes.constData()),
                                                std::size_t(bytes.size()), kind);
        if (!size)
            return refuse(QStringLiteral("corrupt"), QStringLiteral("The image's header is damaged or missing."));
        const std::int64_t pixels = std::int64_t(size->width) * size->height;
        if (pixels > m_limits.imageMaxPixels || size->width > m_limits.imageMaxSide
            || size->height > m_limits.imageMaxSide)
            return refuse(QStringLiteral("too_many_pixels"),
                          QStringLiteral("This image is %1 × %2 pixels; the most allowed is %3 megapixels and %4 "
                                         "pixels a side.")
                              .arg(size->width)
                              .arg(size->height)
                              .arg(m_limits.imageMaxPixels / 1'000'000)
                              .arg(m_limits.imageMaxSide));
        std::string scrubbed;
        const media::ScrubReport report
            = MetadataScrubber::scrubImage(std::string_view(bytes.constData(), std::size_t(bytes.size())), &scrubbed);
        if (!report.ok)
            return refuse(report.errorCode == "corrupt" ? QStringLiteral("corrupt") : QStringLiteral("unreadable"),
                          QString::fromStdString(report.errorMessage));
        reference.width = size->width;
        reference.height = size->height;
        if (!upload.keepMetadata)
            reference.metadataRemoved = toStringList(report.found);
        QFile clean(cleanPath);
        const QByteArray &keep = upload.keepMetadata ? bytes : QByteArray();
        const bool written = clean.open(QIODevice::WriteOnly | QIODevice::Truncate)
            && (upload.keepMetadata ? clean.write(keep) == keep.size()
                                    : clean.write(scrubbed.data(), qint64(scrubbed.size())) == qint64(scrubbed.size()));
        clean.close();
        if (!written)
            return refuse(QStringLiteral("storage_error"), QStringLiteral("The server could not store the file."));
        storedPath = cleanPath;
    } else {
        reference.media = QStringLiteral("video");
        file.close();
        const media::ScrubReport report
            = MetadataScrubber::scrubVideoFile(QFile::encodeName(partialPath).toStdString(), upload.keepMetadata);
        if (!report.ok)
            return refuse(QStringLiteral("corrupt"), QString::fromStdString(report.errorMessage));
        if (!upload.keepMetadata)
            reference.metadataRemoved = toStringList(report.found);
        storedPath = partialPath;
    }

    // One decode: proves the picture is whole and gives the thumbnail.
    QString decodeError;
    const auto frame = MediaDecoder::firstFrame(storedPath, kThumbnailSide, m_limits.imageMaxPixels, &decodeError);
    if (!frame)
        return refuse(QStringLiteral("corrupt"), QStringLiteral("The file could not be decoded: %1").arg(decodeError));
    if (reference.media == QLatin1String("video")) {
        reference.width = frame->sourceWidth;
        reference.height = frame->sourceHeight;
    }
    int thumbWidth = 0, thumbHeight = 0;
    const QByteArray thumbnail
        = MediaEncoder::jpegPreview(frame->rgb, frame->width, frame->height, kThumbnailSide, &thumbWidth, &thumbHeight);
    const auto storedSha = sha256OfFile(storedPath);
    if (!storedSha)
        return refuse(QStringLiteral("storage_error"), QStringLiteral("The server could not read the file back."));

    // From storing the blobs to inserting the row that uses them, no collector may decide that
    // those bytes are unused (they may be shared with rows being deleted right now).
    const auto blobLock = m_blobs.lockReferences();
    const auto thumbnailSha = thumbnail.isEmpty() ? std::nullopt : m_blobs.put(thumbnail);
    if (!thumbnailSha)
        return refuse(QStringLiteral("storage_error"), QStringLiteral("The server could not store the thumbnail."));
    reference.sha256 = *storedSha;
    reference.bytes = QFile(storedPath).size();
    reference.thumbnailSha256 = *thumbnailSha;

    // The same picture again: the existing reference answers, nothing is stored twice.
    if (auto existing = m_store.findReferenceBySha(upload.userId, reference.sha256)) {
        Outcome outcome;
        outcome.reference = existing;
        return outcome;
    }
    if (!m_blobs.adopt(storedPath, reference.sha256))
        return refuse(QStringLiteral("storage_error"), QStringLiteral("The server could not store the file."));
    m_store.insertReference(reference);
    qCInfo(lcUploads) << "reference stored:" << reference.media << reference.bytes << "bytes,"
                      << reference.metadataRemoved.size() << "kinds of metadata removed";
    Outcome outcome;
    outcome.reference = reference;
    return outcome;
}

} // namespace pygmi::server
