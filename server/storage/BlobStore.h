#pragma once

#include <QByteArray>
#include <QString>
#include <mutex>
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

    // Blobs are shared between rows (of any table, any user), so "store the blob + insert the row
    // that refers to it" and "check that no row refers to a blob + delete its file" must not
    // interleave: otherwise a deletion can remove bytes a row has just started to use. Every
    // writer of a referencing row and every collector of unused blobs holds this lock across both
    // steps. Never take it inside a database write transaction (a collector holding it may be
    // waiting for the database).
    std::unique_lock<std::mutex> lockReferences() const { return std::unique_lock(m_referencesMutex); }

private:
    QString m_root;
    mutable std::mutex m_referencesMutex;
};

} // namespace pygmi::server
