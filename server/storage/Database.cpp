#include "Database.h"

#include "Migrations.h"
#include "common/Logging.h"

#include <QSqlError>
#include <QThread>
#include <atomic>
#include <stdexcept>

namespace pygmi::server {

namespace {
thread_local QString t_connectionName;
std::atomic<int> s_connectionCounter { 0 };
} // namespace

Database::Database(QString filePath)
    : m_filePath(std::move(filePath))
{ }

QSqlDatabase Database::connection() const
{
    if (!t_connectionName.isEmpty())
        return QSqlDatabase::database(t_connectionName, false);
    t_connectionName = QStringLiteral("pygmi-%1").arg(++s_connectionCounter);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), t_connectionName);
    db.setDatabaseName(m_filePath);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        throw std::runtime_error("cannot open the database: " + db.lastError().text().toStdString());
    // Per-connection settings: SQLite forgets them when a connection closes.
    for (const char *pragma : { "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL" }) {
        QSqlQuery query(db);
        if (!query.exec(QString::fromLatin1(pragma)))
            throw std::runtime_error("cannot configure the database: " + query.lastError().text().toStdString());
    }
    return db;
}

void Database::closeThreadConnection()
{
    if (t_connectionName.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(t_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(t_connectionName);
    t_connectionName.clear();
}

bool Database::initialise(QString *error)
{
    try {
        QSqlDatabase db = connection();
        QSqlQuery wal(db);
        // WAL persists in the file; readers then never wait for the writer.
        if (!wal.exec(QStringLiteral("PRAGMA journal_mode = WAL"))) {
            *error = wal.lastError().text();
            return false;
        }
        wal.finish();
        return Migrations::apply(db, error);
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
        return false;
    }
}

QSqlQuery Database::prepare(const QString &sql) const
{
    QSqlQuery query(connection());
    if (!query.prepare(sql))
        throw std::runtime_error("cannot prepare a statement: " + query.lastError().text().toStdString());
    return query;
}

void Database::exec(QSqlQuery &query)
{
    if (!query.exec())
        throw std::runtime_error("statement failed: " + query.lastError().text().toStdString());
}

} // namespace pygmi::server
