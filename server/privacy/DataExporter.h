#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>

namespace pygmi::server {

class BlobStore;
class Database;

// Writes one user's data as a ZIP (docs/export-format.md): a JSON file per category, the media
// files, and manifest.json listing every file with its size and SHA-256. Rows are read and
// written one at a time and media copied in pieces, so memory stays flat whatever the size.
class DataExporter
{
public:
    struct Options
    {
        QString userId;
        QString requestId;
        QStringList categories; // empty: all
        std::optional<std::int64_t> fromMs; // date range on each table's time column
        std::optional<std::int64_t> toMs;
        std::int64_t nowMs = 0;
    };

    struct Result
    {
        std::uint64_t bytes = 0;
        QString sha256; // of the whole archive
        int files = 0;
    };

    DataExporter(const Database &database, const BlobStore &blobs);

    // Writes to `path` (through a temporary name, renamed when complete). Throws on failure.
    Result write(const Options &options, const QString &path) const;

private:
    const Database &m_database;
    const BlobStore &m_blobs;
};

} // namespace pygmi::server
