#pragma once

#include "uploads/UploadItem.h"

#include <QList>
#include <QString>

namespace pygmi::core {

// Upload progress in a small local SQLite database (WAL), so uploads continue after the app quits
// or crashes: file identity (path, size, mtime), hash, upload URL and confirmed offset. Losing it
// loses nothing the server has. Used on the UI thread only.
class UploadStateStore
{
public:
    explicit UploadStateStore(QString databasePath);
    ~UploadStateStore();

    bool open();
    QList<UploadItem> load(const QString &scope) const;
    void save(const QString &scope, const UploadItem &item) const;
    void remove(const QString &id) const;

private:
    QString m_path;
    QString m_connection;
};

} // namespace pygmi::core
