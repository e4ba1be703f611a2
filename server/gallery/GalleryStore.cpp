#include "GalleryStore.h"

#include "storage/BlobUsage.h"
#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QVariant>

namespace pygmi::server {

namespace {

QString placeholders(qsizetype n)
{
    QStringList marks;
    for (qsizetype i = 0; i < n; ++i)
        marks << QStringLiteral("?");
    return marks.join(u", ");
}

void bindAll(QSqlQuery &query, const QVariantList &values)
{
    for (const QVariant &value : values)
        query.addBindValue(value);
}

constexpr std::int64_t kFewMatches = 1500;

} // namespace

std::int64_t GalleryStore::searchMatches(const QString &expression) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT COUNT(*) FROM asset_search WHERE asset_search MATCH ?"));
    q.addBindValue(expression);
    Database::exec(q);
    return q.next() ? q.value(0).toLongLong() : 0;
}

GalleryStore::GalleryStore(const Database &database)
    : m_db(database)
{ }

QString GalleryStore::encodeCursor(const Cursor &cursor)
{
    const QString raw = (cursor.sort == Sort::Newest ? QStringLiteral("n:") : QStringLiteral("o:"))
        + QString::number(cursor.createdAt) + u':' + cursor.id;
    return QString::fromLatin1(raw.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<GalleryStore::Cursor> GalleryStore::decodeCursor(const QString &text)
{
    static const QRegularExpression shape(
        QStringLiteral("^([no]):(\\d{1,16}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"));
    const QByteArray raw = QByteArray::fromBase64(text.toLatin1(), QByteArray::Base64UrlEncoding);
    const auto match = shape.match(QString::fromUtf8(raw));
    if (!match.hasMatch())
        return std::nullopt;
    Cursor cursor;
    cursor.sort = match.captured(1) == u"n" ? Sort::Newest : Sort::Oldest;
    cursor.createdAt = match.captured(2).toLongLong();
    cursor.id = match.captured(3);
    return cursor;
}

QString GalleryStore::searchExpression(const QString &text)
{
    // Words only (letters, digits, marks): FTS5 operators and quotes typed by a person are text,
    // not syntax. Each word is a quoted prefix term; all of them must match.
    static const QRegularExpression word(QStringLiteral("[\\p{L}\\p{N}\\p{M}]+"));
    QStringList terms;
    auto it = word.globalMatch(text);
    while (it.hasNext() && terms.size() < 16)
        terms << u'"' + it.next().captured(0) + QStringLiteral("\"*");
    return terms.join(u' ');
}

QString GalleryStore::whereClause(const Query &query, bool withCursor, QVariantList *binds, const QString &userId,
                                  std::int64_t nowMs) const
{
    QString where = QStringLiteral(" WHERE a.user_id = ? AND a.expires_at > ?");
    *binds << userId << qint64(nowMs);
    if (!query.media.isEmpty()) {
        where += QStringLiteral(" AND a.media = ?");
        *binds << query.media;
    }
    if (query.favouritesOnly)
        where += QStringLiteral(" AND a.favourite = 1");
    if (query.from) {
        where += QStringLiteral(" AND a.created_at >= ?");
        *binds << qint64(*query.from);
    }
    if (query.to) {
        where += QStringLiteral(" AND a.created_at < ?");
        *binds << qint64(*query.to);
    }
    if (!query.provider.isEmpty()) {
        where += QStringLiteral(" AND a.provider = ?");
        *binds << query.provider;
    }
    if (!query.model.isEmpty()) {
        where += QStringLiteral(" AND a.model = ?");
        *binds << query.model;
    }
    const QString expression = searchExpression(query.text);
    if (!expression.isEmpty()) {
        // SQLite FTS5; the PostgreSQL engine will put its tsquery here behind the same API.
        // Few matches: look them up by rowid and sort them. Many (a common word): walk the user's
        // (created_at, id) index in page order and stop after one page; "+rowid" keeps SQLite from
        // turning the match list into thousands of lookups and a sort.
        const bool many = withCursor && searchMatches(expression) > kFewMatches; // counting visits every match anyway
        where += many ? QStringLiteral(" AND +a.rowid IN (SELECT rowid FROM asset_search WHERE asset_search MATCH ?)")
                      : QStringLiteral(" AND a.rowid IN (SELECT rowid FROM asset_search WHERE asset_search MATCH ?)");
        *binds << expression;
    }
    if (withCursor && query.after) {
        // Keyset: strictly after the last item seen, so rows inserted meanwhile never shift a page.
        const bool newest = query.sort == Sort::Newest;
        where += newest ? QStringLiteral(" AND (a.created_at < ? OR (a.created_at = ? AND a.id < ?))")
                        : QStringLiteral(" AND (a.created_at > ? OR (a.created_at = ? AND a.id > ?))");
        *binds << qint64(query.after->createdAt) << qint64(query.after->createdAt) << query.after->id;
    }
    return where;
}

std::vector<GenerationStore::Asset> GalleryStore::list(const QString &userId, const Query &query,
                                                       std::int64_t nowMs) const
{
    QVariantList binds;
    // One table in FROM: the column names need no alias.
    QString sql = QStringLiteral("SELECT ") + GenerationStore::assetColumns() + QStringLiteral(" FROM assets a")
        + whereClause(query, true, &binds, userId, nowMs);
    sql += query.sort == Sort::Newest ? QStringLiteral(" ORDER BY a.created_at DESC, a.id DESC")
                                      : QStringLiteral(" ORDER BY a.created_at ASC, a.id ASC");
    sql += QStringLiteral(" LIMIT ?");
    binds << query.limit;
    QSqlQuery q = m_db.prepare(sql);
    bindAll(q, binds);
    Database::exec(q);
    std::vector<GenerationStore::Asset> items;
    while (q.next())
        items.push_back(GenerationStore::readAsset(q));
    return items;
}

std::int64_t GalleryStore::count(const QString &userId, const Query &query, std::int64_t nowMs) const
{
    QVariantList binds;
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT COUNT(*) FROM assets a")
                               + whereClause(query, false, &binds, userId, nowMs));
    bindAll(q, binds);
    Database::exec(q);
    return q.next() ? q.value(0).toLongLong() : 0;
}

std::optional<GenerationStore::Asset> GalleryStore::find(const QString &userId, const QString &id,
                                                         std::int64_t nowMs) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT ") + GenerationStore::assetColumns()
                               + QStringLiteral(" FROM assets WHERE id = ? AND user_id = ? AND expires_at > ?"));
    q.addBindValue(id);
    q.addBindValue(userId);
    q.addBindValue(qint64(nowMs));
    Database::exec(q);
    if (!q.next())
        return std::nullopt;
    return GenerationStore::readAsset(q);
}

std::vector<std::pair<QString, QString>> GalleryStore::providers(const QString &userId, std::int64_t nowMs) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT DISTINCT provider, model FROM assets"
                                              " WHERE user_id = ? AND expires_at > ? ORDER BY provider, model"));
    q.addBindValue(userId);
    q.addBindValue(qint64(nowMs));
    Database::exec(q);
    std::vector<std::pair<QString, QString>> pairs;
    while (q.next())
        pairs.emplace_back(q.value(0).toString(), q.value(1).toString());
    return pairs;
}

bool GalleryStore::update(const QString &userId, const QString &id, std::optional<bool> favourite,
                          std::optional<QString> title, std::int64_t nowMs) const
{
    QStringList sets;
    QVariantList binds;
    if (favourite) {
        sets << QStringLiteral("favourite = ?");
        binds << (*favourite ? 1 : 0);
    }
    if (title) {
        sets << QStringLiteral("title = ?");
        binds << *title;
    }
    if (sets.isEmpty())
        return find(userId, id, nowMs).has_value();
    QSqlQuery q = m_db.prepare(QStringLiteral("UPDATE assets SET ") + sets.join(QStringLiteral(", "))
                               + QStringLiteral(" WHERE id = ? AND user_id = ? AND expires_at > ?"));
    binds << id << userId << qint64(nowMs);
    bindAll(q, binds);
    Database::exec(q);
    return q.numRowsAffected() == 1;
}

QStringList GalleryStore::setFavourite(const QString &userId, const QStringList &ids, bool favourite,
                                       std::int64_t nowMs) const
{
    if (ids.isEmpty())
        return {};
    WriteTransaction transaction(m_db.connection());
    QVariantList binds;
    binds << userId << qint64(nowMs);
    for (const QString &id : ids)
        binds << id;
    const QString where
        = QStringLiteral(" WHERE user_id = ? AND expires_at > ? AND id IN (") + placeholders(ids.size()) + u')';
    QSqlQuery select = m_db.prepare(QStringLiteral("SELECT id FROM assets") + where);
    bindAll(select, binds);
    Database::exec(select);
    QStringList owned;
    while (select.next())
        owned << select.value(0).toString();
    select.finish();
    QSqlQuery update = m_db.prepare(QStringLiteral("UPDATE assets SET favourite = ?") + where);
    update.addBindValue(favourite ? 1 : 0);
    bindAll(update, binds);
    Database::exec(update);
    transaction.commit();
    return owned;
}

std::vector<GalleryStore::Removed> GalleryStore::remove(const QString &userId, const QStringList &ids) const
{
    if (ids.isEmpty())
        return {};
    WriteTransaction transaction(m_db.connection());
    QVariantList binds;
    binds << userId;
    for (const QString &id : ids)
        binds << id;
    const QString where = QStringLiteral(" WHERE user_id = ? AND id IN (") + placeholders(ids.size()) + u')';
    QSqlQuery select = m_db.prepare(QStringLiteral("SELECT id, user_id, sha256, poster_sha256 FROM assets") + where);
    bindAll(select, binds);
    Database::exec(select);
    std::vector<Removed> removed;
    while (select.next())
        removed.push_back({ select.value(0).toString(), select.value(1).toString(), select.value(2).toString(),
                            select.value(3).toString() });
    select.finish();
    QSqlQuery remove = m_db.prepare(QStringLiteral("DELETE FROM assets") + where);
    bindAll(remove, binds);
    Database::exec(remove);
    transaction.commit();
    return removed;
}

std::vector<GalleryStore::Removed> GalleryStore::removeExpired(std::int64_t nowMs, int limit) const
{
    WriteTransaction transaction(m_db.connection());
    QSqlQuery select = m_db.prepare(QStringLiteral(
        "SELECT id, user_id, sha256, poster_sha256 FROM assets WHERE expires_at <= ? ORDER BY expires_at LIMIT ?"));
    select.addBindValue(qint64(nowMs));
    select.addBindValue(limit);
    Database::exec(select);
    std::vector<Removed> removed;
    while (select.next())
        removed.push_back({ select.value(0).toString(), select.value(1).toString(), select.value(2).toString(),
                            select.value(3).toString() });
    select.finish();
    for (const Removed &row : removed) {
        QSqlQuery remove = m_db.prepare(QStringLiteral("DELETE FROM assets WHERE id = ?"));
        remove.addBindValue(row.id);
        Database::exec(remove);
    }
    transaction.commit();
    return removed;
}

bool GalleryStore::isReferenced(const QString &sha256) const
{
    return BlobUsage::inUse(m_db, sha256);
}

std::optional<GalleryStore::Thumbnail> GalleryStore::thumbnail(const QString &sourceSha256, int size) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral(
        "SELECT thumb_sha256, width, height FROM asset_thumbnails WHERE source_sha256 = ? AND size = ?"));
    q.addBindValue(sourceSha256);
    q.addBindValue(size);
    Database::exec(q);
    if (!q.next())
        return std::nullopt;
    return Thumbnail { q.value(0).toString(), q.value(1).toInt(), q.value(2).toInt() };
}

void GalleryStore::addThumbnail(const QString &sourceSha256, int size, const Thumbnail &thumbnail, std::int64_t bytes,
                                std::int64_t nowMs) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral(
        "INSERT INTO asset_thumbnails (source_sha256, size, thumb_sha256, width, height, bytes, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_sha256, size) DO NOTHING"));
    q.addBindValue(sourceSha256);
    q.addBindValue(size);
    q.addBindValue(thumbnail.sha256);
    q.addBindValue(thumbnail.width);
    q.addBindValue(thumbnail.height);
    q.addBindValue(qint64(bytes));
    q.addBindValue(qint64(nowMs));
    Database::exec(q);
}

QStringList GalleryStore::removeThumbnails(const QString &sourceSha256) const
{
    WriteTransaction transaction(m_db.connection());
    QSqlQuery select
        = m_db.prepare(QStringLiteral("SELECT thumb_sha256 FROM asset_thumbnails WHERE source_sha256 = ?"));
    select.addBindValue(sourceSha256);
    Database::exec(select);
    QStringList thumbs;
    while (select.next())
        thumbs << select.value(0).toString();
    select.finish();
    QSqlQuery remove = m_db.prepare(QStringLiteral("DELETE FROM asset_thumbnails WHERE source_sha256 = ?"));
    remove.addBindValue(sourceSha256);
    Database::exec(remove);
    transaction.commit();
    return thumbs;
}

bool GalleryStore::isThumbnailReferenced(const QString &thumbSha256) const
{
    return BlobUsage::inUse(m_db, thumbSha256);
}

} // namespace pygmi::server
