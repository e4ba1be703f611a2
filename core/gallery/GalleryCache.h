#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QString>
#include <optional>

namespace pygmi::core {

// The gallery's local cache, so that it opens fast and works offline: pages of assets as the
// server sent them, and thumbnails as files named by the asset's SHA-256 and size, indexed in a
// small SQLite database (WAL) with their size and last use. Thumbnails beyond the cap are evicted,
// least recently used first. Losing the cache loses nothing the server has.
class GalleryCache : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kDefaultCapBytes = 512LL * 1024 * 1024;

    explicit GalleryCache(const QString &directory, QObject *parent = nullptr);
    ~GalleryCache() override;

    bool isOpen() const { return m_open; }
    QString directory() const { return m_directory; }

    // Whose pages these are (server and account): pages of one account are never shown to another.
    void setScope(const QString &scope) { m_scope = scope; }
    QString scope() const { return m_scope; }
    // A page of `queryKey` starting at `cursor` ("" = first).
    void storePage(const QString &queryKey, const QString &cursor, const QJsonObject &page);
    std::optional<QJsonObject> page(const QString &queryKey, const QString &cursor) const;
    // Deleted assets leave every stored page (so offline never shows them again).
    void forgetAssets(const QStringList &ids);

    // The thumbnail's file if present (its use is recorded for the LRU), else empty.
    QString thumbnailPath(const QString &sha256, int size);
    QString storeThumbnail(const QString &sha256, int size, const QByteArray &bytes);
    // Deletes every size kept of these bytes (their last asset was deleted or expired).
    void removeThumbnails(const QString &sha256);

    qint64 thumbnailBytes() const { return m_bytes; }
    qint64 totalBytes() const; // thumbnails + the database
    qint64 capBytes() const { return m_cap; }
    void setCapBytes(qint64 cap);
    void clear();

Q_SIGNALS:
    void sizeChanged(qint64 bytes);
    void cleared();

private:
    QString fileFor(const QString &sha256, int size) const;
    void evict();
    void flushUses();

    QString m_directory;
    QString m_connection;
    QString m_scope;
    bool m_open = false;
    qint64 m_bytes = 0;
    qint64 m_cap = kDefaultCapBytes;
    QSet<QString> m_forgotten;
    QHash<QString, qint64> m_uses; // key -> last use, written in batches
    qint64 m_lastFlush = 0;
};

} // namespace pygmi::core
