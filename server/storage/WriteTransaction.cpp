#include "WriteTransaction.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <stdexcept>

namespace pygmi::server {

WriteTransaction::WriteTransaction(QSqlDatabase db)
    : m_db(std::move(db))
{
    bool ok = false;
    if (m_db.driverName() == QLatin1String("QSQLITE")) {
        QSqlQuery begin(m_db);
        ok = begin.exec(QStringLiteral("BEGIN IMMEDIATE"));
    } else {
        ok = m_db.transaction();
    }
    if (!ok)
        throw std::runtime_error("cannot begin a transaction: " + m_db.lastError().text().toStdString());
    m_open = true;
}

WriteTransaction::~WriteTransaction()
{
    if (!m_open)
        return;
    QSqlQuery rollback(m_db);
    rollback.exec(QStringLiteral("ROLLBACK"));
}

void WriteTransaction::commit()
{
    QSqlQuery commit(m_db);
    if (!commit.exec(QStringLiteral("COMMIT")))
        throw std::runtime_error("cannot commit: " + commit.lastError().text().toStdString());
    m_open = false;
}

} // namespace pygmi::server
