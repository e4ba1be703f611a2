#include "Migrations.h"

#include "common/Logging.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <vector>

namespace pygmi::server {

namespace {

struct Migration
{
    int version;
    const char *name;
    std::vector<const char *> statements; // one statement each: drivers run one at a time
};

const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> list {
        { 1,
          "accounts and sessions",
          {
              // email is stored lower-cased; NULL for the local profile, which has none.
              "CREATE TABLE users ("
              " id TEXT PRIMARY KEY,"
              " kind TEXT NOT NULL CHECK (kind IN ('password', 'local')),"
              " email TEXT UNIQUE,"
              " display_name TEXT NOT NULL,"
              " password_hash TEXT,"
              " email_verified_at BIGINT,"
              " age_confirmed_at BIGINT NOT NULL,"
              " accepted_notice_version TEXT NOT NULL,"
              " notice_accepted_at BIGINT NOT NULL,"
              " locked_at BIGINT,"
              " created_at BIGINT NOT NULL)",
              // A family is one sign-in on one device; every refresh token it ever had belongs to it.
              "CREATE TABLE token_families ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " device_name TEXT,"
              " created_at BIGINT NOT NULL,"
              " revoked_at BIGINT,"
              " revoked_reason TEXT)",
              "CREATE INDEX token_families_user ON token_families(user_id)",
              "CREATE TABLE refresh_tokens ("
              " token_hash TEXT PRIMARY KEY,"
              " family_id TEXT NOT NULL REFERENCES token_families(id) ON DELETE CASCADE,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL,"
              " used_at BIGINT)",
              "CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id)",
              "CREATE TABLE access_tokens ("
              " token_hash TEXT PRIMARY KEY,"
              " family_id TEXT NOT NULL REFERENCES token_families(id) ON DELETE CASCADE,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL)",
              "CREATE INDEX access_tokens_family ON access_tokens(family_id)",
              // purpose: verify_email | reset_password. code_hash = SHA-256(id ':' code).
              "CREATE TABLE one_time_codes ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " purpose TEXT NOT NULL,"
              " code_hash TEXT NOT NULL,"
              " attempts INTEGER NOT NULL DEFAULT 0,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL,"
              " used_at BIGINT)",
              "CREATE INDEX one_time_codes_user ON one_time_codes(user_id, purpose)",
              // At most one row (id = 'install'): the hash of the app's per-install secret.
              "CREATE TABLE local_install ("
              " id TEXT PRIMARY KEY CHECK (id = 'install'),"
              " secret_hash TEXT NOT NULL,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " created_at BIGINT NOT NULL)",
          } },
        { 4,
          "single sign-on identities",
          {
              // Of an ID token only issuer, subject, a verified email and a name are kept.
              "CREATE TABLE sso_identities ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " provider_id TEXT NOT NULL,"
              " issuer TEXT NOT NULL,"
              " subject TEXT NOT NULL,"
              " email TEXT,"
              " name TEXT,"
              " created_at BIGINT NOT NULL,"
              " last_used_at BIGINT,"
              " UNIQUE (issuer, subject))",
              "CREATE INDEX sso_identities_user ON sso_identities(user_id)",
              // One browser round trip; short-lived, single use, deleted once expired.
              "CREATE TABLE sso_attempts ("
              " id TEXT PRIMARY KEY,"
              " state_hash TEXT NOT NULL UNIQUE,"
              " provider_id TEXT NOT NULL,"
              " nonce TEXT NOT NULL,"
              " provider_verifier TEXT NOT NULL,"
              " app_redirect_uri TEXT NOT NULL,"
              " app_state TEXT NOT NULL,"
              " app_code_challenge TEXT NOT NULL,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL,"
              " used_at BIGINT)",
              // kind: code (the app's one-time code) | pending (sign-up or link to confirm).
              "CREATE TABLE sso_grants ("
              " token_hash TEXT PRIMARY KEY,"
              " kind TEXT NOT NULL CHECK (kind IN ('code', 'pending')),"
              " provider_id TEXT NOT NULL,"
              " issuer TEXT NOT NULL,"
              " subject TEXT NOT NULL,"
              " email TEXT,"
              " name TEXT,"
              " redirect_uri TEXT,"
              " code_challenge TEXT,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL,"
              " used_at BIGINT)",
          } },
    };
    return list;
}

} // namespace

int Migrations::latestVersion()
{
    return migrations().back().version;
}

bool Migrations::apply(QSqlDatabase &db, QString *error)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   " version BIGINT PRIMARY KEY,"
                                   " name TEXT NOT NULL,"
                                   " applied_at BIGINT NOT NULL)"))) {
        *error = query.lastError().text();
        return false;
    }
    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) || !query.next()) {
        *error = query.lastError().text();
        return false;
    }
    const int current = query.value(0).isNull() ? 0 : query.value(0).toInt();
    query.finish(); // an open statement would block COMMIT below
    for (const Migration &migration : migrations()) {
        if (migration.version <= current)
            continue;
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        bool ok = true;
        for (const char *statement : migration.statements) {
            QSqlQuery step(db);
            if (!step.exec(QString::fromUtf8(statement))) {
                *error = QStringLiteral("migration %1 failed: %2").arg(migration.version).arg(step.lastError().text());
                ok = false;
                break;
            }
        }
        if (ok) {
            QSqlQuery record(db);
            record.prepare(
                QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"));
            record.addBindValue(migration.version);
            record.addBindValue(QString::fromUtf8(migration.name));
            record.addBindValue(QDateTime::currentMSecsSinceEpoch());
            ok = record.exec();
            if (!ok)
                *error = record.lastError().text();
        }
        if (!ok || !db.commit()) {
            db.rollback();
            if (error->isEmpty())
                *error = db.lastError().text();
            return false;
        }
        qCInfo(lcStorage) << "applied migration" << migration.version << migration.name;
    }
    return true;
}

} // namespace pygmi::server
