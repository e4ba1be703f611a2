#include "uploads/FilePreparer.h"

#include "media/MediaProbe.h"
#include "media/MetadataScrubber.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSaveFile>

namespace pygmi::core {

namespace {

using media::MediaKind;
using media::MediaProbe;
using media::MetadataScrubber;

QStringList toList(const std::vector<std::string> &codes)
{
    QStringList list;
    for (const std::string &code : codes)
        list.append(QString::fromStdString(code));
    return list;
}

PreparedFile failed(const QString &code)
{
    PreparedFile out;
    out.errorCode = code;
    return out;
}

} // namespace

QString FilePreparer::sha256OfFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return {};
    return QString::fromLatin1(hash.result().toHex());
}

PreparedFile FilePreparer::prepare(const QString &sourcePath, bool keepMetadata, const QString &copyPath)
{
    QFile source(sourcePath);
    if (!source.open(QIODevice::ReadOnly))
        return failed(QStringLiteral("unreadable"));
    if (source.size() == 0)
        return failed(QStringLiteral("empty_file"));
    const QByteArray head = source.peek(64);
    const MediaKind kind
        = MediaProbe::sniff(reinterpret_cast<const std::uint8_t *>(head.constData()), std::size_t(head.size()));
    if (kind == MediaKind::Unknown)
        return failed(QStringLiteral("unsupported_type"));

    PreparedFile out;
    const std::string_view mime = MediaProbe::mimeType(kind);
    out.mime = QString::fromLatin1(mime.data(), qsizetype(mime.size()));
    out.media = MediaProbe::isImage(kind) ? QStringLiteral("image") : QStringLiteral("video");
    out.path = sourcePath;

    if (MediaProbe::isImage(kind)) {
        if (source.size() > kImageMaxBytes)
            return failed(QStringLiteral("too_large"));
        const QByteArray bytes = source.readAll();
        std::string scrubbed;
        const media::ScrubReport report
            = MetadataScrubber::scrubImage(std::string_view(bytes.constData(), std::size_t(bytes.size())), &scrubbed);
        if (!report.ok)
            return failed(report.errorCode == "corrupt" ? QStringLiteral("corrupt") : QStringLiteral("unreadable"));
        out.metadataFound = toList(report.found);
        if (!keepMetadata && !report.found.empty()) {
            QSaveFile copy(copyPath);
            if (!copy.open(QIODevice::WriteOnly)
                || copy.write(scrubbed.data(), qint64(scrubbed.size())) != qint64(scrubbed.size()) || !copy.commit())
                return failed(QStringLiteral("io_error"));
            out.path = copyPath;
        }
    } else {
        source.close();
        const media::ScrubReport found
            = MetadataScrubber::scrubVideoFile(QFile::encodeName(sourcePath).toStdString(), true);
        if (!found.ok)
            return failed(QStringLiteral("corrupt"));
        out.metadataFound = toList(found.found);
        if (!keepMetadata && !found.found.empty()) {
            // Videos are scrubbed in place, so on a copy of their own.
            QFile::remove(copyPath);
            if (!QFile::copy(sourcePath, copyPath))
                return failed(QStringLiteral("io_error"));
            QFile::setPermissions(copyPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            const media::ScrubReport scrubbed
                = MetadataScrubber::scrubVideoFile(QFile::encodeName(copyPath).toStdString());
            if (!scrubbed.ok) {
                QFile::remove(copyPath);
                return failed(QStringLiteral("corrupt"));
            }
            out.path = copyPath;
        }
    }
    out.size = QFile(out.path).size();
    out.sha256 = sha256OfFile(out.path);
    if (out.sha256.isEmpty())
        return failed(QStringLiteral("unreadable"));
    out.ok = true;
    return out;
}

} // namespace pygmi::core
