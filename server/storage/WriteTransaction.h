#pragma once

#include <QSqlDatabase>

namespace pygmi::server {

// A transaction that intends to write. On SQLite it takes the write lock up front
// (BEGIN IMMEDIATE): a deferred transaction that reads and then writes can fail with "busy"
// without waiting when another thread writes at the same time. Rolls back unless committed.
class WriteTransaction
{
public:
    explicit WriteTransaction(QSqlDatabase db);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

    // Throws std::runtime_error on failure.
    void commit();

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace pygmi::server
