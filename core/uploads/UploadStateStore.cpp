#include "uploads/UploadStateStore.h"

#include "uploads/UploadLogging.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace pygmi::core {

namespace {

const QString kColumns = QStringLiteral(
    "id, scope, source_path, file_name, source_size, source_mtime, prepared_path, size, sha256, media, mime,"
    " keep_metadata, metadata_found, upload_url, upload_offset, state, reference_id, strength, error_code,"
    " error_message, created_at");

QString stateName(UploadItem::State state)
{
    switch (state) {
    case UploadItem::State::Preparing:
        return QStringLiteral("preparing");
    case UploadItem::State::Queued:
        return QStringLiteral("queued");
    case UploadItem::State::Uploading:
        return QStringLiteral("uploading");
    case UploadItem::State::Paused:
        return QStringLiteral("paused");
    case UploadItem::State::Retrying:
        return QStringLiteral("retrying");
    case UploadItem::State::Done:
        return QStringLiteral("done");
    case UploadItem::State::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

UploadItem::State stateFromName(const QString &name)
{
    for (auto state : { UploadItem::State::Preparing, UploadItem::State::Queued, UploadItem::State::Uploading,
                        UploadItem::State::Paused, UploadItem::State::Retrying, UploadItem::State::Done }) {
        if (stateName(state) == name)
            return state;
    }
    return UploadItem::State::Failed;
}

} // namespace

UploadStateStore::UploadStateStore(QString databasePath)
    : m_path(std::move(databasePath))
    , m_connection(QStringLiteral("pygmi-uploads-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{ }

UploadStateStore::~UploadStateStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool UploadStateStore::open()
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        qCWarning(lcUploads) << "upload state database unavailable:" << db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    return q.exec(
        QStringLiteral("CREATE TABLE IF NOT EXISTS uploads ("
                       " id TEXT PRIMARY KEY, scope TEXT NOT NULL, source_path TEXT NOT NULL,"
                       " file_name TEXT NOT NULL, source_size INTEGER NOT NULL, source_mtime INTEGER NOT NULL,"
                       " prepared_path TEXT, size INTEGER NOT NULL, sha256 TEXT, media TEXT, mime TEXT,"
                       " keep_metadata INTEGER NOT NULL, metadata_found TEXT, upload_url TEXT,"
                       " upload_offset INTEGER NOT NULL, state TEXT NOT NULL, reference_id TEXT,"
                       " strength REAL NOT NULL, error_code TEXT, error_message TEXT,"
                       " created_at INTEGER NOT NULL)"));
}

QList<UploadItem> UploadStateStore::load(const QString &scope) const
{
    QList<UploadItem> items;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT ") + kColumns
              + QStringLiteral(" FROM uploads WHERE scope = ? ORDER BY created_at, id"));
    q.addBindValue(scope);
    if (!q.exec())
        return items;
    while (q.next()) {
        UploadItem item;
        item.id = q.value(0).toString();
        item.sourcePath = q.value(2).toString();
        item.fileName = q.value(3).toString();
        item.sourceSize = q.value(4).toLongLong();
        item.sourceModifiedMs = q.value(5).toLongLong();
        item.preparedPath = q.value(6).toString();
        item.size = q.value(7).toLongLong();
        item.sha256 = q.value(8).toString();
        item.media = q.value(9).toString();
        item.mime = q.value(10).toString();
        item.keepMetadata = q.value(11).toInt() != 0;
        for (const QJsonValue &code : QJsonDocument::fromJson(q.value(12).toString().toUtf8()).array())
            item.metadataFound.append(code.toString());
        item.uploadUrl = q.value(13).toString();
        item.offset = q.value(14).toLongLong();
        item.state = stateFromName(q.value(15).toString());
        item.referenceId = q.value(16).toString();
        item.strength = q.value(17).toDouble();
        item.errorCode = q.value(18).toString();
        item.errorMessage = q.value(19).toString();
        item.createdAtMs = q.value(20).toLongLong();
        items.append(item);
    }
    return items;
}

void UploadStateStore::save(const QString &scope, const UploadItem &item) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO uploads (") + kColumns
              + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(item.id);
    q.addBindValue(scope);
    q.addBindValue(item.sourcePath.isNull() ? QStringLiteral("") : item.sourcePath); // empty: from the library
    q.addBindValue(item.fileName);
    q.addBindValue(item.sourceSize);
    q.addBindValue(item.sourceModifiedMs);
    q.addBindValue(item.preparedPath);
    q.addBindValue(item.size);
    q.addBindValue(item.sha256);
    q.addBindValue(item.media);
    q.addBindValue(item.mime);
    q.addBindValue(item.keepMetadata ? 1 : 0);
    q.addBindValue(QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(item.metadataFound)).toJson(QJsonDocument::Compact)));
    q.addBindValue(item.uploadUrl);
    q.addBindValue(item.offset);
    q.addBindValue(stateName(item.state));
    q.addBindValue(item.referenceId);
    q.addBindValue(item.strength);
    q.addBindValue(item.errorCode);
    q.addBindValue(item.errorMessage);
    q.addBindValue(item.createdAtMs);
    if (!q.exec())
        qCWarning(lcUploads) << "upload state not saved:" << q.lastError().text();
}

void UploadStateStore::remove(const QString &id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("DELETE FROM uploads WHERE id = ?"));
    q.addBindValue(id);
    q.exec();
}

} // namespace pygmi::core
