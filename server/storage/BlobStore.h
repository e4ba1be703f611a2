#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace pygmi::server {

// Content-addressed files under <data-dir>/blobs/<first 2 hex of sha256>/<sha256>. Names come only
// from the hash of the bytes, never from user input; writes go to a temporary file that is
// flushed and renamed into place, so a reader never sees half a blob.
class BlobStore
{
public:
    explicit BlobStore(QString root);

    // Stores `bytes` (a no-op if the same content is already there) and returns its SHA-256 hex.
    std::optional<QString> put(const QByteArray &bytes) const;
    std::optional<QByteArray> read(const QString &sha256) const;
    // Deletes the file (the caller checked that nothing refers to it). True if it is gone.
    bool remove(const QString &sha256) const;
    bool contains(const QString &sha256) const;
    QString pathFor(const QString &sha256) const; // empty for anything that is not a SHA-256 hex
    static QString sha256Hex(const QByteArray &bytes);
    // Moves the file at `filePath` (on the same file system) into the store under `sha256`, which
    // the caller computed; if that blob exists already the file is removed instead.
    bool adopt(const QString &filePath, const QString &sha256) const;

private:
    QString m_root;
};

} // namespace pygmi::server
