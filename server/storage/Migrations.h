#pragma once

#include <QSqlDatabase>
#include <QString>

namespace pygmi::server {

// Versioned schema changes, recorded in schema_migrations. The SQL is the common subset of
// SQLite and PostgreSQL: TEXT ids holding UUID strings, BIGINT times in milliseconds since the
// Unix epoch (UTC), no engine-specific syntax. Never edit a shipped migration: add one.
class Migrations
{
public:
    static bool apply(QSqlDatabase &db, QString *error);
    static int latestVersion();
};

} // namespace pygmi::server
