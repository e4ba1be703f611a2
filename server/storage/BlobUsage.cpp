#include "BlobUsage.h"

#include "Database.h"

#include <QSqlQuery>

namespace pygmi::server {

bool BlobUsage::inUse(const Database &database, const QString &sha256)
{
    if (sha256.isEmpty())
        return false;
    // Every column that holds a blob's SHA-256. A feature adding one adds it here.
    QSqlQuery q = database.prepare(QStringLiteral(
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM assets WHERE sha256 = ?)"
        " OR EXISTS (SELECT 1 FROM assets WHERE poster_sha256 = ?)"
        " OR EXISTS (SELECT 1 FROM asset_thumbnails WHERE thumb_sha256 = ?)"
        " OR EXISTS (SELECT 1 FROM reference_files WHERE sha256 = ?)"
        " OR EXISTS (SELECT 1 FROM reference_files WHERE thumbnail_sha256 = ?)"
        " OR EXISTS (SELECT 1 FROM users WHERE avatar_sha256 = ?)"));
    for (int i = 0; i < 6; ++i)
        q.addBindValue(sha256);
    Database::exec(q);
    return q.next();
}

} // namespace pygmi::server
