#pragma once

#include "AccountEraser.h"

#include <QString>
#include <memory>
#include <vector>

namespace pygmi::server {

class AssetRemover;
class BlobStore;
class Database;
class GalleryStore;

// The registry of per-area erasers and the one function that deletes an account everywhere.
// The built-in areas: content (generations, moderation decisions, and assets through the gallery's
// deletion: blobs and thumbnails),
// privacy (export files), mail (outbox messages to the account's addresses), profile (avatar).
class AccountErasure
{
public:
    AccountErasure(const Database &database, const BlobStore &blobs, const GalleryStore &gallery, AssetRemover &remover,
                   QString dataDir);

    void add(std::unique_ptr<AccountEraser> eraser);
    // Runs every eraser, then deletes the users row. Throws on failure.
    ErasureReport eraseAccount(const QString &userId) const;
    // "Delete all my content now": the erasers of the content areas only (content, gallery,
    // references); the account stays.
    ErasureReport eraseContent(const QString &userId) const;

    // Helpers for erasers: delete a user's rows of `table` (counted in the report), and remove a
    // blob file unless another row of any user still refers to it (with BlobStore::lockReferences()
    // held).
    static void deleteRows(const Database &database, const QString &table, const QString &userColumn,
                           const QString &userId, ErasureReport &report);
    static bool removeBlobIfUnused(const Database &database, const BlobStore &blobs, const QString &sha256);

private:
    const Database &m_database;
    const BlobStore &m_blobs;
    QString m_dataDir;
    std::vector<std::unique_ptr<AccountEraser>> m_erasers;
};

} // namespace pygmi::server
