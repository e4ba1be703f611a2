#pragma once

#include <QString>
#include <QStringList>

namespace pygmi::core {

// A file made ready to upload: metadata removed into a private copy (unless the creator keeps it),
// hashed, and typed from its bytes. Runs on a worker thread (it reads and writes whole files).
struct PreparedFile
{
    bool ok = false;
    QString errorCode; // empty_file | unsupported_type | too_large | corrupt | unreadable | io_error
    QString media; // image | video
    QString mime;
    QString path; // what is uploaded: the scrubbed copy, or the original when nothing had to change
    qint64 size = 0;
    QString sha256; // hex, of `path`
    // What was found: removed, or kept when the creator asked (finding codes of MetadataScrubber).
    QStringList metadataFound;
};

class FilePreparer
{
public:
    static constexpr qint64 kImageMaxBytes = 64LL * 1024 * 1024;

    // `copyPath`: where a scrubbed copy may be written (its suffix is added by the caller).
    static PreparedFile prepare(const QString &sourcePath, bool keepMetadata, const QString &copyPath);
    static QString sha256OfFile(const QString &path);
};

} // namespace pygmi::core
