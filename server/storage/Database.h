#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

namespace pygmi::server {

// The SQLite file under the data directory. A QSqlDatabase belongs to the thread that opened it,
// so every thread gets its own named connection on first use and closes it when the thread ends.
class Database
{
public:
    explicit Database(QString filePath);

    // Opens the calling thread's connection, sets WAL and applies pending migrations.
    bool initialise(QString *error);
    QSqlDatabase connection() const;
    // Call on a thread before it ends.
    static void closeThreadConnection();
    QString filePath() const { return m_filePath; }

    // Prepares `sql` on this thread's connection; throws std::runtime_error if that fails.
    QSqlQuery prepare(const QString &sql) const;
    // Runs a prepared query; throws std::runtime_error (without bound values) on failure.
    static void exec(QSqlQuery &query);

private:
    QString m_filePath;
};

} // namespace pygmi::server
