#include "AccountErasure.h"

#include "DataCatalog.h"
#include "common/Logging.h"
#include "gallery/AssetRemover.h"
#include "gallery/GalleryStore.h"
#include "storage/BlobStore.h"
#include "storage/BlobUsage.h"
#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QSqlQuery>

namespace pygmi::server {

namespace {

// Generations, assets and decisions. Assets go through the gallery's deletion (rows, search
// entries, then blobs and thumbnails no other row uses, and asset.deleted to the user's devices).
class ContentEraser : public AccountEraser
{
public:
    ContentEraser(const Database &database, const BlobStore &blobs, const GalleryStore &gallery, AssetRemover &remover)
        : m_database(database)
        , m_blobs(blobs)
        , m_gallery(gallery)
        , m_remover(remover)
    { }
    QString area() const override { return QStringLiteral("content"); }
    void erase(const QString &userId, ErasureReport &report) override
    {
        QStringList ids;
        QSqlQuery find = m_database.prepare(QStringLiteral("SELECT id FROM assets WHERE user_id = ?"));
        find.addBindValue(userId);
        Database::exec(find);
        while (find.next())
            ids.append(find.value(0).toString());
        find.finish();
        for (qsizetype from = 0; from < ids.size(); from += 200) {
            const auto removed = m_gallery.remove(userId, ids.mid(from, 200));
            report.rows[QStringLiteral("assets")] += std::int64_t(removed.size());
            m_remover.finish(removed, QStringLiteral("deleted"));
            for (const auto &row : removed) {
                for (const QString &sha : { row.sha256, row.posterSha256 }) {
                    if (!sha.isEmpty() && !QFile::exists(m_blobs.pathFor(sha)))
                        ++report.files;
                }
            }
        }
        WriteTransaction transaction(m_database.connection());
        AccountErasure::deleteRows(m_database, QStringLiteral("moderation_decisions"), QStringLiteral("user_id"),
                                   userId, report);
        AccountErasure::deleteRows(m_database, QStringLiteral("generations"), QStringLiteral("user_id"), userId,
                                   report);
        transaction.commit();
    }

private:
    const Database &m_database;
    const BlobStore &m_blobs;
    const GalleryStore &m_gallery;
    AssetRemover &m_remover;
};

// The avatar's bytes.
class ProfileEraser : public AccountEraser
{
public:
    ProfileEraser(const Database &database, const BlobStore &blobs)
        : m_database(database)
        , m_blobs(blobs)
    { }
    QString area() const override { return QStringLiteral("profile"); }
    void erase(const QString &userId, ErasureReport &report) override
    {
        QSqlQuery find = m_database.prepare(QStringLiteral("SELECT avatar_sha256 FROM users WHERE id = ?"));
        find.addBindValue(userId);
        Database::exec(find);
        const QString sha = find.next() ? find.value(0).toString() : QString();
        find.finish();
        if (sha.isEmpty())
            return;
        QSqlQuery clear = m_database.prepare(QStringLiteral("UPDATE users SET avatar_sha256 = NULL WHERE id = ?"));
        clear.addBindValue(userId);
        Database::exec(clear);
        const auto blobLock = m_blobs.lockReferences();
        if (AccountErasure::removeBlobIfUnused(m_database, m_blobs, sha))
            ++report.files;
    }

private:
    const Database &m_database;
    const BlobStore &m_blobs;
};

// Export archives (files under exports/) and their rows.
class ExportEraser : public AccountEraser
{
public:
    ExportEraser(const Database &database, QString dataDir)
        : m_database(database)
        , m_dataDir(std::move(dataDir))
    { }
    QString area() const override { return QStringLiteral("exports"); }
    void erase(const QString &userId, ErasureReport &report) override
    {
        QSqlQuery find = m_database.prepare(QStringLiteral("SELECT id FROM privacy_exports WHERE user_id = ?"));
        find.addBindValue(userId);
        Database::exec(find);
        const QDir exports(QDir(m_dataDir).filePath(QStringLiteral("exports")));
        while (find.next()) {
            const QString file = exports.filePath(find.value(0).toString() + QStringLiteral(".zip"));
            if (QFile::exists(file) && QFile::remove(file))
                ++report.files;
            QFile::remove(file + QStringLiteral(".part"));
        }
        find.finish();
        AccountErasure::deleteRows(m_database, QStringLiteral("privacy_exports"), QStringLiteral("user_id"), userId,
                                   report);
    }

private:
    const Database &m_database;
    QString m_dataDir;
};

// Mail waiting in (or delivered through) the outbox to the account's addresses.
class OutboxEraser : public AccountEraser
{
public:
    OutboxEraser(const Database &database, QString dataDir)
        : m_database(database)
        , m_dataDir(std::move(dataDir))
    { }
    QString area() const override { return QStringLiteral("mail"); }
    void erase(const QString &userId, ErasureReport &report) override
    {
        QSqlQuery find = m_database.prepare(QStringLiteral("SELECT email, pending_email FROM users WHERE id = ?"));
        find.addBindValue(userId);
        Database::exec(find);
        QStringList addresses;
        if (find.next()) {
            for (int i = 0; i < 2; ++i) {
                if (!find.value(i).isNull() && !find.value(i).toString().isEmpty())
                    addresses.append(find.value(i).toString().toLower());
            }
        }
        find.finish();
        if (addresses.isEmpty())
            return;
        const QDir outbox(QDir(m_dataDir).filePath(QStringLiteral("outbox")));
        for (const QString &name : outbox.entryList({ QStringLiteral("*.eml") }, QDir::Files)) {
            QFile file(outbox.filePath(name));
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const QByteArray head = file.read(4096).toLower();
            file.close();
            for (const QString &address : std::as_const(addresses)) {
                if (head.contains(address.toUtf8())) {
                    if (QFile::remove(outbox.filePath(name)))
                        ++report.files;
                    break;
                }
            }
        }
    }

private:
    const Database &m_database;
    QString m_dataDir;
};

} // namespace

AccountErasure::AccountErasure(const Database &database, const BlobStore &blobs, const GalleryStore &gallery,
                               AssetRemover &remover, QString dataDir)
    : m_database(database)
    , m_blobs(blobs)
    , m_dataDir(std::move(dataDir))
{
    m_erasers.push_back(std::make_unique<ContentEraser>(database, blobs, gallery, remover));
    m_erasers.push_back(std::make_unique<ProfileEraser>(database, blobs));
    m_erasers.push_back(std::make_unique<ExportEraser>(database, m_dataDir));
    m_erasers.push_back(std::make_unique<OutboxEraser>(database, m_dataDir));
}

void AccountErasure::add(std::unique_ptr<AccountEraser> eraser)
{
    // Feature areas run before the built-in ones that read the account row (mail, profile).
    m_erasers.insert(m_erasers.begin(), std::move(eraser));
}

void AccountErasure::deleteRows(const Database &database, const QString &table, const QString &userColumn,
                                const QString &userId, ErasureReport &report)
{
    // Names come from code, never from input.
    QSqlQuery remove = database.prepare(QStringLiteral("DELETE FROM %1 WHERE %2 = ?").arg(table, userColumn));
    remove.addBindValue(userId);
    Database::exec(remove);
    const int removed = remove.numRowsAffected();
    if (removed > 0)
        report.rows[table] += removed;
}

bool AccountErasure::removeBlobIfUnused(const Database &database, const BlobStore &blobs, const QString &sha256)
{
    const QString path = blobs.pathFor(sha256);
    if (path.isEmpty())
        return false;
    // Every catalog table with blob columns may share the bytes, and so may the gallery's thumbnails.
    if (BlobUsage::inUse(database, sha256))
        return false;
    for (const DataCatalog::Table &table : DataCatalog::tables()) {
        for (const DataCatalog::Blob &blob : table.blobs) {
            QSqlQuery used = database.prepare(
                QStringLiteral("SELECT 1 FROM %1 WHERE %2 = ? LIMIT 1").arg(table.table, blob.column));
            used.addBindValue(sha256);
            Database::exec(used);
            if (used.next())
                return false;
        }
    }
    return QFile::remove(path);
}

ErasureReport AccountErasure::eraseContent(const QString &userId) const
{
    static const QStringList contentAreas { QStringLiteral("content"), QStringLiteral("gallery"),
                                            QStringLiteral("references"), QStringLiteral("uploads") };
    ErasureReport report;
    for (const auto &eraser : m_erasers) {
        if (contentAreas.contains(eraser->area()))
            eraser->erase(userId, report);
    }
    return report;
}

ErasureReport AccountErasure::eraseAccount(const QString &userId) const
{
    ErasureReport report;
    const bool sqlite = m_database.connection().driverName().startsWith(u"QSQLITE");
    if (sqlite) {
        // Deleted rows are overwritten with zeros instead of lingering in free pages of the file.
        QSqlQuery secure = m_database.prepare(QStringLiteral("PRAGMA secure_delete = ON"));
        Database::exec(secure);
    }
    for (const auto &eraser : m_erasers) {
        eraser->erase(userId, report);
        qCInfo(lcStorage) << "erased area" << eraser->area();
    }
    // Everything else hangs off the account row and goes with it (ON DELETE CASCADE); the counts
    // are taken first so that the receipt can say what went.
    WriteTransaction transaction(m_database.connection());
    for (const DataCatalog::Table &table : DataCatalog::tables()) {
        if (table.table == u"users")
            continue;
        deleteRows(m_database, table.table, table.userColumn, userId, report);
    }
    QSqlQuery tokens = m_database.prepare(QStringLiteral("DELETE FROM token_families WHERE user_id = ?"));
    tokens.addBindValue(userId);
    Database::exec(tokens);
    deleteRows(m_database, QStringLiteral("users"), QStringLiteral("id"), userId, report);
    transaction.commit();
    if (sqlite) {
        // Old page images in the write-ahead log go too (best effort: a reader may hold them briefly).
        QSqlQuery checkpoint = m_database.prepare(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        if (!checkpoint.exec())
            qCInfo(lcStorage) << "checkpoint after erasure postponed";
    }
    return report;
}

} // namespace pygmi::server
