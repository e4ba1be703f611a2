#include "DataExporter.h"

#include "DataCatalog.h"
#include "ZipStreamWriter.h"
#include "common/Clock.h"
#include "storage/BlobStore.h"
#include "storage/Database.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlField>
#include <QSqlQuery>
#include <QSqlRecord>
#include <stdexcept>

namespace pygmi::server {

namespace {

QJsonValue jsonOf(const QVariant &value)
{
    if (value.isNull())
        return QJsonValue::Null;
    switch (value.metaType().id()) {
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::ULongLong:
    case QMetaType::UInt:
        return QJsonValue(value.toLongLong());
    case QMetaType::Double:
        return QJsonValue(value.toDouble());
    default:
        return QJsonValue(value.toString());
    }
}

QString extensionForMime(const QString &mime)
{
    if (mime == u"image/png")
        return QStringLiteral("png");
    if (mime == u"image/jpeg")
        return QStringLiteral("jpg");
    if (mime == u"image/webp")
        return QStringLiteral("webp");
    if (mime == u"video/webm")
        return QStringLiteral("webm");
    if (mime == u"video/mp4")
        return QStringLiteral("mp4");
    return QStringLiteral("bin");
}

} // namespace

DataExporter::DataExporter(const Database &database, const BlobStore &blobs)
    : m_database(database)
    , m_blobs(blobs)
{ }

DataExporter::Result DataExporter::write(const Options &options, const QString &path) const
{
    const QString partial = path + QStringLiteral(".part");
    QFile out(partial);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw std::runtime_error("cannot create the export file");
    ZipStreamWriter zip(out);
    const auto check = [&](bool ok) {
        if (!ok) {
            out.close();
            QFile::remove(partial);
            throw std::runtime_error("cannot write the export file");
        }
    };
    QJsonArray files;
    QJsonObject counts;
    struct Media
    {
        QString name;
        QString sha256;
        QString category;
        QString table;
        QString rowId;
    };
    std::vector<Media> media;
    QStringList categories;
    for (const DataCatalog::Category &category : DataCatalog::categories()) {
        if (options.categories.isEmpty() || options.categories.contains(category.id))
            categories.append(category.id);
    }

    for (const QString &categoryId : std::as_const(categories)) {
        const DataCatalog::Category *category = DataCatalog::category(categoryId);
        const QString fileName = categoryId + QStringLiteral(".json");
        check(zip.beginEntry(fileName, options.nowMs));
        const QJsonObject head { { QStringLiteral("format"), QStringLiteral("pygmi-export") },
                                 { QStringLiteral("version"), 1 },
                                 { QStringLiteral("category"), categoryId },
                                 { QStringLiteral("title"), category->title },
                                 { QStringLiteral("retention"), category->retention } };
        QByteArray opening = QJsonDocument(head).toJson(QJsonDocument::Compact);
        opening.chop(1); // keep the object open for "tables"
        check(zip.append(opening + ",\"tables\":{"));
        bool firstTable = true;
        for (const DataCatalog::Table &table : DataCatalog::tables()) {
            if (table.category != categoryId)
                continue;
            // Table and column names come from the catalog, never from the request.
            QString sql = QStringLiteral("SELECT * FROM %1 WHERE %2 = ?").arg(table.table, table.userColumn);
            if (!table.timeColumn.isEmpty() && options.fromMs)
                sql += QStringLiteral(" AND %1 >= ?").arg(table.timeColumn);
            if (!table.timeColumn.isEmpty() && options.toMs)
                sql += QStringLiteral(" AND %1 <= ?").arg(table.timeColumn);
            sql += QStringLiteral(" ORDER BY %1").arg(table.timeColumn.isEmpty() ? table.userColumn : table.timeColumn);
            QSqlQuery query = m_database.prepare(sql);
            query.setForwardOnly(true);
            query.addBindValue(options.userId);
            if (!table.timeColumn.isEmpty() && options.fromMs)
                query.addBindValue(QVariant::fromValue<qint64>(*options.fromMs));
            if (!table.timeColumn.isEmpty() && options.toMs)
                query.addBindValue(QVariant::fromValue<qint64>(*options.toMs));
            Database::exec(query);
            check(zip.append(QByteArray(firstTable ? "" : ",") + '"' + table.table.toUtf8() + "\":["));
            firstTable = false;
            int rows = 0;
            while (query.next()) {
                const QSqlRecord record = query.record();
                QJsonObject row;
                for (int i = 0; i < record.count(); ++i) {
                    const QString column = record.fieldName(i);
                    row.insert(column,
                               table.withheld.contains(column) ? QJsonValue(QStringLiteral("withheld"))
                                                               : jsonOf(query.value(i)));
                }
                const QString rowId = row.value(QLatin1String("id")).toString();
                for (const DataCatalog::Blob &blob : table.blobs) {
                    const QString sha = row.value(blob.column).toString();
                    if (sha.isEmpty() || m_blobs.pathFor(sha).isEmpty())
                        continue;
                    const QString extension = blob.extension.isEmpty()
                        ? extensionForMime(row.value(QLatin1String("mime")).toString())
                        : blob.extension;
                    const QString name = QStringLiteral("media/%1/%2%3.%4")
                                             .arg(table.table, rowId.isEmpty() ? sha : rowId, blob.suffix, extension);
                    media.push_back(Media { name, sha, categoryId, table.table, rowId });
                    row.insert(blob.column + QStringLiteral("_file"), name);
                }
                check(zip.append((rows == 0 ? QByteArray() : QByteArray(","))
                                 + QJsonDocument(row).toJson(QJsonDocument::Compact)));
                ++rows;
            }
            check(zip.append("]"));
            counts.insert(table.table, rows);
        }
        check(zip.append("}}"));
        check(zip.finishEntry());
        const ZipStreamWriter::Entry &entry = zip.entries().back();
        files.append(QJsonObject { { QStringLiteral("path"), entry.name },
                                   { QStringLiteral("bytes"), qint64(entry.bytes) },
                                   { QStringLiteral("sha256"), entry.sha256 },
                                   { QStringLiteral("category"), categoryId } });
    }

    for (const Media &item : media) {
        const QString blobPath = m_blobs.pathFor(item.sha256);
        if (!QFileInfo::exists(blobPath))
            continue; // listed in the row, gone from the store (retention ran in between)
        check(zip.addFile(item.name, blobPath, options.nowMs));
        const ZipStreamWriter::Entry &entry = zip.entries().back();
        files.append(QJsonObject { { QStringLiteral("path"), entry.name },
                                   { QStringLiteral("bytes"), qint64(entry.bytes) },
                                   { QStringLiteral("sha256"), entry.sha256 },
                                   { QStringLiteral("category"), item.category },
                                   { QStringLiteral("table"), item.table },
                                   { QStringLiteral("row_id"), item.rowId } });
    }

    QJsonObject range;
    if (options.fromMs)
        range.insert(QStringLiteral("from"), Clock::toIso(*options.fromMs));
    if (options.toMs)
        range.insert(QStringLiteral("to"), Clock::toIso(*options.toMs));
    const QJsonObject manifest {
        { QStringLiteral("format"), QStringLiteral("pygmi-export") },
        { QStringLiteral("version"), 1 },
        { QStringLiteral("request_id"), options.requestId },
        { QStringLiteral("user_id"), options.userId },
        { QStringLiteral("created_at"), Clock::toIso(options.nowMs) },
        { QStringLiteral("categories"), QJsonArray::fromStringList(categories) },
        { QStringLiteral("range"), range },
        { QStringLiteral("row_counts"), counts },
        { QStringLiteral("times"), QStringLiteral("Columns ending in _at are milliseconds since 1970-01-01 UTC") },
        { QStringLiteral("files"), files },
    };
    check(zip.addEntry(QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson(QJsonDocument::Indented),
                       options.nowMs));
    check(zip.finish());
    out.close();

    // The archive's own checksum, read back in pieces.
    Result result;
    QFile done(partial);
    if (!done.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the export file back");
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&done))
        throw std::runtime_error("cannot hash the export file");
    result.bytes = std::uint64_t(done.size());
    result.sha256 = QString::fromLatin1(hash.result().toHex());
    result.files = int(files.size()) + 1;
    done.close();
    QFile::remove(path);
    if (!QFile::rename(partial, path))
        throw std::runtime_error("cannot move the export file into place");
    return result;
}

} // namespace pygmi::server
