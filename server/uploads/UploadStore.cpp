#include "UploadStore.h"

#include "common/Clock.h"
#include "storage/BlobUsage.h"
#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QVariant>

namespace pygmi::server {

namespace {

const QString kUploadColumns = QStringLiteral(
    "id, user_id, length, upload_offset, name, declared_sha256, keep_metadata, state, reference_id, error_code,"
    " error_message, created_at, updated_at, expires_at");

const QString kReferenceColumns
    = QStringLiteral("id, user_id, name, media, mime, width, height, bytes, sha256, upload_sha256, thumbnail_sha256,"
                     " metadata_removed, metadata_kept, created_at, expires_at");

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

UploadStore::Upload readUpload(const QSqlQuery &q)
{
    UploadStore::Upload u;
    u.id = q.value(0).toString();
    u.userId = q.value(1).toString();
    u.length = q.value(2).toLongLong();
    u.offset = q.value(3).toLongLong();
    u.name = q.value(4).toString();
    u.declaredSha256 = q.value(5).toString();
    u.keepMetadata = q.value(6).toInt() != 0;
    u.state = q.value(7).toString();
    u.referenceId = q.value(8).toString();
    u.errorCode = q.value(9).toString();
    u.errorMessage = q.value(10).toString();
    u.createdAt = q.value(11).toLongLong();
    u.updatedAt = q.value(12).toLongLong();
    u.expiresAt = q.value(13).toLongLong();
    return u;
}

UploadStore::Reference readReference(const QSqlQuery &q)
{
    UploadStore::Reference r;
    r.id = q.value(0).toString();
    r.userId = q.value(1).toString();
    r.name = q.value(2).toString();
    r.media = q.value(3).toString();
    r.mime = q.value(4).toString();
    r.width = q.value(5).toInt();
    r.height = q.value(6).toInt();
    r.bytes = q.value(7).toLongLong();
    r.sha256 = q.value(8).toString();
    r.uploadSha256 = q.value(9).toString();
    r.thumbnailSha256 = q.value(10).toString();
    for (const QJsonValue &code : QJsonDocument::fromJson(q.value(11).toString().toUtf8()).array())
        r.metadataRemoved.append(code.toString());
    r.metadataKept = q.value(12).toInt() != 0;
    r.createdAt = q.value(13).toLongLong();
    r.expiresAt = q.value(14).toLongLong();
    return r;
}

} // namespace

UploadStore::UploadStore(const Database &database)
    : m_db(database)
{ }

void UploadStore::createUpload(const Upload &u) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("INSERT INTO uploads (") + kUploadColumns
                               + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(u.id);
    q.addBindValue(u.userId);
    q.addBindValue(qint64(u.length));
    q.addBindValue(qint64(u.offset));
    q.addBindValue(u.name);
    q.addBindValue(nullable(u.declaredSha256));
    q.addBindValue(u.keepMetadata ? 1 : 0);
    q.addBindValue(u.state);
    q.addBindValue(nullable(u.referenceId));
    q.addBindValue(nullable(u.errorCode));
    q.addBindValue(nullable(u.errorMessage));
    q.addBindValue(qint64(u.createdAt));
    q.addBindValue(qint64(u.updatedAt));
    q.addBindValue(qint64(u.expiresAt));
    Database::exec(q);
}

std::optional<UploadStore::Upload> UploadStore::findUpload(const QString &userId, const QString &id) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT ") + kUploadColumns
                               + (userId.isEmpty() ? QStringLiteral(" FROM uploads WHERE id = ?")
                                                   : QStringLiteral(" FROM uploads WHERE id = ? AND user_id = ?")));
    q.addBindValue(id);
    if (!userId.isEmpty())
        q.addBindValue(userId);
    Database::exec(q);
    if (!q.next())
        return std::nullopt;
    return readUpload(q);
}

bool UploadStore::uploadExists(const QString &id) const
{
    return findUpload({}, id).has_value();
}

void UploadStore::setOffset(const QString &id, std::int64_t offset, std::int64_t nowMs, std::int64_t expiresAt) const
{
    QSqlQuery q = m_db.prepare(
        QStringLiteral("UPDATE uploads SET upload_offset = ?, updated_at = ?, expires_at = ? WHERE id = ?"));
    q.addBindValue(qint64(offset));
    q.addBindValue(qint64(nowMs));
    q.addBindValue(qint64(expiresAt));
    q.addBindValue(id);
    Database::exec(q);
}

void UploadStore::markCompleted(const QString &id, const QString &referenceId, std::int64_t nowMs) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("UPDATE uploads SET state = 'completed', reference_id = ?, upload_offset "
                                              "= length, updated_at = ? WHERE id = ?"));
    q.addBindValue(referenceId);
    q.addBindValue(qint64(nowMs));
    q.addBindValue(id);
    Database::exec(q);
}

void UploadStore::markFailed(const QString &id, const QString &code, const QString &message, std::int64_t nowMs) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral(
        "UPDATE uploads SET state = 'failed', error_code = ?, error_message = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(code);
    q.addBindValue(message);
    q.addBindValue(qint64(nowMs));
    q.addBindValue(id);
    Database::exec(q);
}

void UploadStore::deleteUpload(const QString &id) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("DELETE FROM uploads WHERE id = ?"));
    q.addBindValue(id);
    Database::exec(q);
}

std::int64_t UploadStore::usedBytes(const QString &userId) const
{
    QSqlQuery refs
        = m_db.prepare(QStringLiteral("SELECT COALESCE(SUM(bytes), 0) FROM reference_files WHERE user_id = ?"));
    refs.addBindValue(userId);
    Database::exec(refs);
    std::int64_t used = refs.next() ? refs.value(0).toLongLong() : 0;
    QSqlQuery pending = m_db.prepare(
        QStringLiteral("SELECT COALESCE(SUM(length), 0) FROM uploads WHERE user_id = ? AND state = 'receiving'"));
    pending.addBindValue(userId);
    Database::exec(pending);
    if (pending.next())
        used += pending.value(0).toLongLong();
    return used;
}

std::vector<QString> UploadStore::expiredUploads(std::int64_t nowMs) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT id FROM uploads WHERE expires_at <= ?"));
    q.addBindValue(qint64(nowMs));
    Database::exec(q);
    std::vector<QString> ids;
    while (q.next())
        ids.push_back(q.value(0).toString());
    return ids;
}

std::vector<QString> UploadStore::uploadIdsOf(const QString &userId) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT id FROM uploads WHERE user_id = ?"));
    q.addBindValue(userId);
    Database::exec(q);
    std::vector<QString> ids;
    while (q.next())
        ids.push_back(q.value(0).toString());
    return ids;
}

void UploadStore::insertReference(const Reference &r) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("INSERT INTO reference_files (") + kReferenceColumns
                               + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(r.id);
    q.addBindValue(r.userId);
    q.addBindValue(r.name);
    q.addBindValue(r.media);
    q.addBindValue(r.mime);
    q.addBindValue(r.width);
    q.addBindValue(r.height);
    q.addBindValue(qint64(r.bytes));
    q.addBindValue(r.sha256);
    q.addBindValue(r.uploadSha256);
    q.addBindValue(r.thumbnailSha256);
    q.addBindValue(
        QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(r.metadataRemoved)).toJson(QJsonDocument::Compact)));
    q.addBindValue(r.metadataKept ? 1 : 0);
    q.addBindValue(qint64(r.createdAt));
    q.addBindValue(qint64(r.expiresAt));
    Database::exec(q);
}

std::optional<UploadStore::Reference> UploadStore::findReference(const QString &userId, const QString &id) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT ") + kReferenceColumns
                               + QStringLiteral(" FROM reference_files WHERE id = ? AND user_id = ?"));
    q.addBindValue(id);
    q.addBindValue(userId);
    Database::exec(q);
    if (!q.next())
        return std::nullopt;
    return readReference(q);
}

std::optional<UploadStore::Reference> UploadStore::findReferenceBySha(const QString &userId,
                                                                      const QString &sha256) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT ") + kReferenceColumns
                               + QStringLiteral(" FROM reference_files WHERE user_id = ? AND (sha256 = ? OR"
                                                " upload_sha256 = ?) ORDER BY created_at DESC LIMIT 1"));
    q.addBindValue(userId);
    q.addBindValue(sha256);
    q.addBindValue(sha256);
    Database::exec(q);
    if (!q.next())
        return std::nullopt;
    return readReference(q);
}

std::vector<UploadStore::Reference> UploadStore::listReferences(const QString &userId, int limit) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT ") + kReferenceColumns
                               + QStringLiteral(" FROM reference_files WHERE user_id = ?"
                                                " ORDER BY created_at DESC, id DESC LIMIT ?"));
    q.addBindValue(userId);
    q.addBindValue(limit);
    Database::exec(q);
    std::vector<Reference> list;
    while (q.next())
        list.push_back(readReference(q));
    return list;
}

std::optional<UploadStore::Reference> UploadStore::deleteReference(const QString &userId, const QString &id) const
{
    WriteTransaction transaction(m_db.connection());
    auto found = findReference(userId, id);
    if (!found)
        return std::nullopt;
    QSqlQuery q = m_db.prepare(QStringLiteral("DELETE FROM reference_files WHERE id = ? AND user_id = ?"));
    q.addBindValue(id);
    q.addBindValue(userId);
    Database::exec(q);
    transaction.commit();
    return found;
}

std::vector<UploadStore::Reference> UploadStore::expiredReferences(std::int64_t nowMs) const
{
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT ") + kReferenceColumns
                               + QStringLiteral(" FROM reference_files WHERE expires_at <= ?"));
    q.addBindValue(qint64(nowMs));
    Database::exec(q);
    std::vector<Reference> list;
    while (q.next())
        list.push_back(readReference(q));
    return list;
}

bool UploadStore::blobInUse(const QString &sha256) const
{
    return BlobUsage::inUse(m_db, sha256);
}

QJsonObject UploadStore::toJson(const Reference &r)
{
    const QString base = QStringLiteral("/v1/references/") + r.id;
    return QJsonObject {
        { QStringLiteral("id"), r.id },
        { QStringLiteral("name"), r.name },
        { QStringLiteral("media"), r.media },
        { QStringLiteral("mime"), r.mime },
        { QStringLiteral("width"), r.width },
        { QStringLiteral("height"), r.height },
        { QStringLiteral("bytes"), qint64(r.bytes) },
        { QStringLiteral("sha256"), r.sha256 },
        { QStringLiteral("metadata_removed"), QJsonArray::fromStringList(r.metadataRemoved) },
        { QStringLiteral("metadata_kept"), r.metadataKept },
        { QStringLiteral("created_at"), Clock::toIso(r.createdAt) },
        { QStringLiteral("expires_at"), Clock::toIso(r.expiresAt) },
        { QStringLiteral("thumbnail_url"), QString(base + QStringLiteral("/thumbnail")) },
    };
}

QJsonObject UploadStore::toJson(const Upload &u)
{
    QJsonObject json {
        { QStringLiteral("id"), u.id },
        { QStringLiteral("state"), u.state },
        { QStringLiteral("offset"), qint64(u.offset) },
        { QStringLiteral("length"), qint64(u.length) },
        { QStringLiteral("name"), u.name },
        { QStringLiteral("created_at"), Clock::toIso(u.createdAt) },
        { QStringLiteral("expires_at"), Clock::toIso(u.expiresAt) },
        { QStringLiteral("reference_id"), u.referenceId.isEmpty() ? QJsonValue() : QJsonValue(u.referenceId) },
    };
    if (!u.errorCode.isEmpty())
        json.insert(
            QStringLiteral("error"),
            QJsonObject { { QStringLiteral("code"), u.errorCode }, { QStringLiteral("message"), u.errorMessage } });
    return json;
}

} // namespace pygmi::server
