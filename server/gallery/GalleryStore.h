#pragma once

#include "generation/GenerationStore.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <vector>

namespace pygmi::server {

class Database;

// The gallery's SQL: keyset pages over a user's assets with filters and prompt search, changes
// (favourite, title), deletion and expiry, and the thumbnail index. Every query on behalf of a
// user filters by that user; expired rows are invisible even before the sweep removes them.
class GalleryStore
{
public:
    enum class Sort { Newest, Oldest };

    // Where the previous page ended: (created_at, id) of its last item, in the page's sort.
    struct Cursor
    {
        Sort sort = Sort::Newest;
        std::int64_t createdAt = 0;
        QString id;
    };

    struct Query
    {
        Sort sort = Sort::Newest;
        QString media; // "image" | "video" | empty
        bool favouritesOnly = false;
        std::optional<std::int64_t> from; // created_at >= from (ms)
        std::optional<std::int64_t> to; // created_at < to (ms)
        QString provider;
        QString model;
        QString text; // words of the prompt, negative prompt or title (prefix match)
        std::optional<Cursor> after;
        int limit = 50;
    };

    // What a deletion leaves to clean up outside the database.
    struct Removed
    {
        QString id;
        QString userId;
        QString sha256;
        QString posterSha256;
    };

    struct Thumbnail
    {
        QString sha256;
        int width = 0;
        int height = 0;
    };

    explicit GalleryStore(const Database &database);

    std::vector<GenerationStore::Asset> list(const QString &userId, const Query &query, std::int64_t nowMs) const;
    // How many assets the query matches, ignoring its cursor and limit.
    std::int64_t count(const QString &userId, const Query &query, std::int64_t nowMs) const;
    std::optional<GenerationStore::Asset> find(const QString &userId, const QString &id, std::int64_t nowMs) const;
    // Distinct (provider, model) pairs the user has, for the filter menu.
    std::vector<std::pair<QString, QString>> providers(const QString &userId, std::int64_t nowMs) const;

    // Changes the fields given; false if the asset is not the user's (or expired).
    bool update(const QString &userId, const QString &id, std::optional<bool> favourite, std::optional<QString> title,
                std::int64_t nowMs) const;
    // Sets the favourite flag of those of `ids` the user owns; returns them.
    QStringList setFavourite(const QString &userId, const QStringList &ids, bool favourite, std::int64_t nowMs) const;

    // Deletes the rows (of this user) in one transaction and returns what they referred to.
    std::vector<Removed> remove(const QString &userId, const QStringList &ids) const;
    // Deletes up to `limit` rows of any user whose expires_at has passed.
    std::vector<Removed> removeExpired(std::int64_t nowMs, int limit) const;

    // True while some row (an asset, a thumbnail, a reference, an avatar) still uses these bytes.
    // Ask with BlobStore::lockReferences() held.
    bool isReferenced(const QString &sha256) const;

    std::optional<Thumbnail> thumbnail(const QString &sourceSha256, int size) const;
    void addThumbnail(const QString &sourceSha256, int size, const Thumbnail &thumbnail, std::int64_t bytes,
                      std::int64_t nowMs) const;
    // Removes the index rows of a source's thumbnails and returns the thumbnails' blobs.
    QStringList removeThumbnails(const QString &sourceSha256) const;
    bool isThumbnailReferenced(const QString &thumbSha256) const;

    static QString encodeCursor(const Cursor &cursor);
    static std::optional<Cursor> decodeCursor(const QString &text);
    // The FTS5 query for what a person typed: every word must match as a prefix. Empty if no words.
    static QString searchExpression(const QString &text);

private:
    // Rows of every user matching a search expression (cheap: the full-text index alone).
    std::int64_t searchMatches(const QString &expression) const;
    QString whereClause(const Query &query, bool withCursor, QVariantList *binds, const QString &userId,
                        std::int64_t nowMs) const;

    const Database &m_db;
};

} // namespace pygmi::server
