#include "GalleryCache.h"

#include "gallery/GalleryLogging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace pygmi::core {

namespace {

QString keyOf(const QString &sha256, int size)
{
    return sha256 + u'-' + QString::number(size);
}

bool isSha256(const QString &text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return hex.match(text).hasMatch();
}

} // namespace

GalleryCache::GalleryCache(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
    , m_connection(QStringLiteral("gallery-cache-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    QDir().mkpath(m_directory + QStringLiteral("/thumbnails"));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_directory + QStringLiteral("/gallery.sqlite"));
    if (!db.open()) {
        qCWarning(lcGallery) << "gallery cache unavailable:" << db.lastError().text();
        return;
    }
    QSqlQuery q(db);
    const char *setup[] = {
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "CREATE TABLE IF NOT EXISTS pages (query_key TEXT NOT NULL, cursor TEXT NOT NULL, body TEXT NOT NULL,"
        " fetched_at INTEGER NOT NULL, PRIMARY KEY (query_key, cursor))",
        "CREATE TABLE IF NOT EXISTS thumbnails (key TEXT PRIMARY KEY, bytes INTEGER NOT NULL,"
        " last_used INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS thumbnails_lru ON thumbnails(last_used)",
        "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    };
    for (const char *sql : setup) {
        if (!q.exec(QString::fromLatin1(sql))) {
            qCWarning(lcGallery) << "gallery cache set-up failed:" << q.lastError().text();
            return;
        }
    }
    m_open = true;
    if (q.exec(QStringLiteral("SELECT COALESCE(SUM(bytes), 0) FROM thumbnails")) && q.next())
        m_bytes = q.value(0).toLongLong();
    if (q.exec(QStringLiteral("SELECT value FROM settings WHERE name = 'cap'")) && q.next())
        m_cap = std::max<qint64>(16LL * 1024 * 1024, q.value(0).toLongLong());
}

GalleryCache::~GalleryCache()
{
    flushUses();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString GalleryCache::fileFor(const QString &sha256, int size) const
{
    return m_directory + QStringLiteral("/thumbnails/") + sha256.left(2) + u'/' + keyOf(sha256, size)
        + QStringLiteral(".jpg");
}

void GalleryCache::storePage(const QString &queryKey, const QString &cursor, const QJsonObject &page)
{
    if (!m_open)
        return;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO pages (query_key, cursor, body, fetched_at) VALUES (?, ?, ?, ?)"));
    q.addBindValue(queryKey.startsWith(m_scope + u'|') ? queryKey : QString(m_scope + u'|' + queryKey));
    q.addBindValue(cursor.isEmpty() ? QStringLiteral("") : cursor); // never NULL: the first page is ""
    q.addBindValue(QString::fromUtf8(QJsonDocument(page).toJson(QJsonDocument::Compact)));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.exec();
}

std::optional<QJsonObject> GalleryCache::page(const QString &queryKey, const QString &cursor) const
{
    if (!m_open)
        return std::nullopt;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT body FROM pages WHERE query_key = ? AND cursor = ?"));
    q.addBindValue(QString(m_scope + u'|' + queryKey));
    q.addBindValue(cursor.isEmpty() ? QStringLiteral("") : cursor);
    if (!q.exec() || !q.next())
        return std::nullopt;
    QJsonObject page = QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object();
    // Never show what was deleted since, or what the server has deleted by now (its expiry passed).
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QJsonArray kept;
    for (const QJsonValue &item : page.value(QStringLiteral("items")).toArray()) {
        const QJsonObject asset = item.toObject();
        const QDateTime expires
            = QDateTime::fromString(asset.value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs);
        if (!m_forgotten.contains(asset.value(QStringLiteral("id")).toString())
            && (!expires.isValid() || expires > now))
            kept.append(item);
    }
    page.insert(QStringLiteral("items"), kept);
    return page;
}

void GalleryCache::forgetAssets(const QStringList &ids)
{
    for (const QString &id : ids)
        m_forgotten.insert(id);
    if (!m_open || ids.isEmpty())
        return;
    // Rewrite the stored pages that mention them, so a restart offline does not bring them back.
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT query_key, cursor, body FROM pages")))
        return;
    QList<std::tuple<QString, QString, QJsonObject>> changed;
    while (q.next()) {
        const QString body = q.value(2).toString();
        if (std::none_of(ids.cbegin(), ids.cend(), [&](const QString &id) { return body.contains(id); }))
            continue;
        QJsonObject page = QJsonDocument::fromJson(body.toUtf8()).object();
        QJsonArray kept;
        for (const QJsonValue &item : page.value(QStringLiteral("items")).toArray()) {
            if (!ids.contains(item.toObject().value(QStringLiteral("id")).toString()))
                kept.append(item);
        }
        page.insert(QStringLiteral("items"), kept);
        changed.append({ q.value(0).toString(), q.value(1).toString(), page });
    }
    q.finish();
    db.transaction();
    for (const auto &[key, cursor, page] : changed)
        storePage(key, cursor, page);
    db.commit();
}

QString GalleryCache::thumbnailPath(const QString &sha256, int size)
{
    if (!m_open || !isSha256(sha256))
        return {};
    const QString path = fileFor(sha256, size);
    if (!QFileInfo::exists(path))
        return {};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_uses.insert(keyOf(sha256, size), now);
    if (now - m_lastFlush > 5000)
        flushUses();
    return path;
}

QString GalleryCache::storeThumbnail(const QString &sha256, int size, const QByteArray &bytes)
{
    if (!m_open || !isSha256(sha256) || bytes.isEmpty())
        return {};
    const QString path = fileFor(sha256, size);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return {};
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT bytes FROM thumbnails WHERE key = ?"));
    q.addBindValue(keyOf(sha256, size));
    const qint64 previous = q.exec() && q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO thumbnails (key, bytes, last_used) VALUES (?, ?, ?)"));
    q.addBindValue(keyOf(sha256, size));
    q.addBindValue(qint64(bytes.size()));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.exec();
    m_bytes += bytes.size() - previous;
    if (m_bytes > m_cap)
        evict();
    Q_EMIT sizeChanged(m_bytes);
    return path;
}

void GalleryCache::removeThumbnails(const QString &sha256)
{
    if (!m_open || !isSha256(sha256))
        return;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT key, bytes FROM thumbnails WHERE key LIKE ?"));
    q.addBindValue(QString(sha256 + QStringLiteral("-%")));
    if (!q.exec())
        return;
    QList<QPair<QString, qint64>> gone;
    while (q.next())
        gone.append({ q.value(0).toString(), q.value(1).toLongLong() });
    q.finish();
    QSqlQuery remove(db);
    remove.prepare(QStringLiteral("DELETE FROM thumbnails WHERE key = ?"));
    for (const auto &[key, bytes] : std::as_const(gone)) {
        QFile::remove(m_directory + QStringLiteral("/thumbnails/") + key.left(2) + u'/' + key + QStringLiteral(".jpg"));
        m_uses.remove(key);
        remove.addBindValue(key);
        remove.exec();
        m_bytes -= bytes;
    }
    if (!gone.isEmpty())
        Q_EMIT sizeChanged(m_bytes);
}

void GalleryCache::flushUses()
{
    m_lastFlush = QDateTime::currentMSecsSinceEpoch();
    if (!m_open || m_uses.isEmpty())
        return;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE thumbnails SET last_used = ? WHERE key = ?"));
    for (auto it = m_uses.cbegin(); it != m_uses.cend(); ++it) {
        q.addBindValue(it.value());
        q.addBindValue(it.key());
        q.exec();
    }
    db.commit();
    m_uses.clear();
}

void GalleryCache::evict()
{
    flushUses();
    // Down to 90 % of the cap, so eviction does not run on every new thumbnail.
    const qint64 target = m_cap * 9 / 10;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT key, bytes FROM thumbnails ORDER BY last_used ASC")))
        return;
    QStringList gone;
    qint64 bytes = m_bytes;
    while (bytes > target && q.next()) {
        gone << q.value(0).toString();
        bytes -= q.value(1).toLongLong();
    }
    q.finish();
    db.transaction();
    QSqlQuery remove(db);
    remove.prepare(QStringLiteral("DELETE FROM thumbnails WHERE key = ?"));
    for (const QString &key : std::as_const(gone)) {
        QFile::remove(m_directory + QStringLiteral("/thumbnails/") + key.left(2) + u'/' + key + QStringLiteral(".jpg"));
        remove.addBindValue(key);
        remove.exec();
    }
    db.commit();
    m_bytes = bytes;
    qCInfo(lcGallery) << "gallery cache evicted" << gone.size() << "thumbnails";
}

qint64 GalleryCache::totalBytes() const
{
    qint64 total = m_bytes;
    for (const char *name : { "/gallery.sqlite", "/gallery.sqlite-wal" })
        total += QFileInfo(m_directory + QLatin1String(name)).size();
    return total;
}

void GalleryCache::setCapBytes(qint64 cap)
{
    m_cap = std::max<qint64>(16LL * 1024 * 1024, cap);
    if (m_open) {
        QSqlQuery q(QSqlDatabase::database(m_connection));
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO settings (name, value) VALUES ('cap', ?)"));
        q.addBindValue(QString::number(m_cap));
        q.exec();
    }
    if (m_bytes > m_cap)
        evict();
    Q_EMIT sizeChanged(m_bytes);
}

void GalleryCache::clear()
{
    m_uses.clear();
    if (m_open) {
        QSqlQuery q(QSqlDatabase::database(m_connection));
        q.exec(QStringLiteral("DELETE FROM pages"));
        q.exec(QStringLiteral("DELETE FROM thumbnails"));
        q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    QDir(m_directory + QStringLiteral("/thumbnails")).removeRecursively();
    QDir().mkpath(m_directory + QStringLiteral("/thumbnails"));
    m_bytes = 0;
    Q_EMIT sizeChanged(0);
    Q_EMIT cleared();
}

} // namespace pygmi::core
