#pragma once

#include <QByteArray>
#include <QString>

namespace pygmi::ui {

// Writes a result to a file the user chose, as PNG, JPEG or WebP (from the file name). The
// generation details (prompt, seed, generator) are embedded only when the user asked for it:
// by default the file carries pixels and nothing else. Safe to call from a pool thread.
class ImageExport
{
public:
    // `metadataJson` empty = no metadata. Returns an empty string on success, else the reason.
    static QString save(const QString &sourcePath, const QString &targetPath, const QByteArray &metadataJson);
    // The format for a file name ("png", "jpg", "webp"), empty if not supported.
    static QByteArray formatFor(const QString &targetPath);
};

} // namespace pygmi::ui
