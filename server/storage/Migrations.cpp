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
        { 2,
          "generations, assets and moderation decisions",
          {
              // request_body: the body as first sent (canonical JSON), so a retry with the same id can be
              // told apart from a different request; request_json: the normalised request with the seed.
              "CREATE TABLE generations ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " state TEXT NOT NULL CHECK (state IN"
              " ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'blocked')),"
              " request_body TEXT NOT NULL,"
              " request_json TEXT NOT NULL,"
              " seed BIGINT NOT NULL,"
              " provider TEXT NOT NULL,"
              " model TEXT NOT NULL,"
              " media TEXT NOT NULL,"
              " progress_step INTEGER NOT NULL DEFAULT 0,"
              " progress_total INTEGER NOT NULL DEFAULT 0,"
              " error_code TEXT,"
              " error_message TEXT,"
              " moderation_decision_id TEXT,"
              " created_at BIGINT NOT NULL,"
              " started_at BIGINT,"
              " finished_at BIGINT)",
              "CREATE INDEX generations_user_created ON generations(user_id, created_at, id)",
              "CREATE INDEX generations_state ON generations(state)",
              // Every automated check, allowed or blocked: what was decided, when, under which policy.
              "CREATE TABLE moderation_decisions ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " generation_id TEXT NOT NULL,"
              " outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'blocked')),"
              " category TEXT,"
              " reason TEXT,"
              " automated INTEGER NOT NULL,"
              " policy_version TEXT NOT NULL,"
              " decided_at BIGINT NOT NULL)",
              "CREATE INDEX moderation_decisions_user ON moderation_decisions(user_id, decided_at)",
              // Outputs. Bytes live in the blob store under sha256 (and poster_sha256 for videos);
              // expires_at = created_at + the deployment's content retention.
              "CREATE TABLE assets ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " generation_id TEXT NOT NULL REFERENCES generations(id) ON DELETE CASCADE,"
              " idx INTEGER NOT NULL,"
              " media TEXT NOT NULL,"
              " mime TEXT NOT NULL,"
              " width INTEGER NOT NULL,"
              " height INTEGER NOT NULL,"
              " duration_ms BIGINT,"
              " fps INTEGER,"
              " frame_count INTEGER,"
              " bytes BIGINT NOT NULL,"
              " sha256 TEXT NOT NULL,"
              " poster_sha256 TEXT,"
              " prompt TEXT NOT NULL,"
              " negative_prompt TEXT NOT NULL,"
              " style TEXT NOT NULL,"
              " seed BIGINT NOT NULL,"
              " provider TEXT NOT NULL,"
              " model TEXT NOT NULL,"
              " processed_by TEXT NOT NULL,"
              " params_json TEXT NOT NULL,"
              " queued_ms BIGINT NOT NULL,"
              " run_ms BIGINT NOT NULL,"
              " excluded_from_training INTEGER NOT NULL,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL)",
              "CREATE INDEX assets_generation ON assets(generation_id, idx)",
              "CREATE INDEX assets_user_created ON assets(user_id, created_at)",
              "CREATE INDEX assets_expires ON assets(expires_at)",
          } },
        { 3,
          "consent ledger, policy acknowledgements and telemetry",
          {
              // The app's random install id, bound to the first account that uses it.
              "CREATE TABLE installs ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " created_at BIGINT NOT NULL)",
              "CREATE INDEX installs_user ON installs(user_id)",
              // Append-only: rows are inserted, never updated. seq orders events of equal time.
              "CREATE TABLE consent_events ("
              " event_id TEXT PRIMARY KEY,"
              " seq BIGINT NOT NULL UNIQUE,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " install_id TEXT NOT NULL,"
              " purpose TEXT NOT NULL,"
              " state TEXT NOT NULL CHECK (state IN ('granted', 'denied')),"
              " method TEXT NOT NULL,"
              " notice_version TEXT NOT NULL,"
              " ui_copy_version TEXT NOT NULL,"
              " surface TEXT NOT NULL,"
              " app_version TEXT NOT NULL,"
              " os TEXT NOT NULL,"
              " locale TEXT NOT NULL,"
              " gpc_present INTEGER NOT NULL,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL,"
              " receipt TEXT NOT NULL)",
              "CREATE INDEX consent_events_user ON consent_events(user_id, seq)",
              // The current state: the latest event per account, install and purpose.
              "CREATE TABLE consent_state ("
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " install_id TEXT NOT NULL,"
              " purpose TEXT NOT NULL,"
              " state TEXT NOT NULL,"
              " method TEXT NOT NULL,"
              " notice_version TEXT NOT NULL,"
              " event_id TEXT NOT NULL,"
              " updated_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL,"
              " PRIMARY KEY (user_id, install_id, purpose))",
              // A standing "do not sell or share" for the whole account (GPC or the switch).
              "CREATE TABLE sale_share_optouts ("
              " user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
              " source TEXT NOT NULL,"
              " created_at BIGINT NOT NULL)",
              "CREATE TABLE policy_acknowledgements ("
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " notice_version TEXT NOT NULL,"
              " acknowledged_at BIGINT NOT NULL,"
              " PRIMARY KEY (user_id, notice_version))",
              "CREATE TABLE telemetry_events ("
              " id TEXT PRIMARY KEY,"
              " batch_id TEXT NOT NULL,"
              " install_id TEXT NOT NULL,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " name TEXT NOT NULL,"
              " fields TEXT NOT NULL,"
              " occurred_at BIGINT NOT NULL,"
              " received_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL)",
              "CREATE INDEX telemetry_events_install ON telemetry_events(install_id)",
              "CREATE INDEX telemetry_events_batch ON telemetry_events(batch_id)",
              "CREATE INDEX telemetry_events_expiry ON telemetry_events(expires_at)",
              // Proof that an install's deletion request arrived and was carried out.
              "CREATE TABLE telemetry_deletions ("
              " id TEXT PRIMARY KEY,"
              " install_id TEXT NOT NULL,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " events_deleted BIGINT NOT NULL,"
              " requested_at BIGINT NOT NULL)",
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
        { 5,
          "gallery: favourites, titles, thumbnails and prompt search",
          {
              "ALTER TABLE assets ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE assets ADD COLUMN title TEXT NOT NULL DEFAULT ''",
              // Keyset pagination walks (created_at, id) within one user, both directions.
              "CREATE INDEX assets_user_created_id ON assets(user_id, created_at, id)",
              "CREATE INDEX assets_sha256 ON assets(sha256)",
              "CREATE INDEX assets_poster_sha256 ON assets(poster_sha256)",
              // Thumbnails belong to content, not to rows: rows sharing bytes share thumbnails.
              "CREATE TABLE asset_thumbnails ("
              " source_sha256 TEXT NOT NULL,"
              " size INTEGER NOT NULL,"
              " thumb_sha256 TEXT NOT NULL,"
              " width INTEGER NOT NULL,"
              " height INTEGER NOT NULL,"
              " bytes BIGINT NOT NULL,"
              " created_at BIGINT NOT NULL,"
              " PRIMARY KEY (source_sha256, size))",
              // Full-text search over prompts. SQLite: FTS5 whose rowid is the asset row's rowid, kept in
              // step by triggers (the database is never VACUUMed, which could renumber rowids);
              // PostgreSQL will use a tsvector column behind the same API. Statements marked sqlite
              // run only there.
              "/*sqlite*/ CREATE VIRTUAL TABLE asset_search USING fts5("
              " prompt, negative_prompt, title, tokenize = 'unicode61 remove_diacritics 2')",
              "/*sqlite*/ INSERT INTO asset_search (rowid, prompt, negative_prompt, title)"
              " SELECT rowid, prompt, negative_prompt, title FROM assets",
              "/*sqlite*/ CREATE TRIGGER asset_search_insert AFTER INSERT ON assets BEGIN"
              " INSERT INTO asset_search (rowid, prompt, negative_prompt, title)"
              " VALUES (new.rowid, new.prompt, new.negative_prompt, new.title); END",
              "/*sqlite*/ CREATE TRIGGER asset_search_delete AFTER DELETE ON assets BEGIN"
              " DELETE FROM asset_search WHERE rowid = old.rowid; END",
              "/*sqlite*/ CREATE TRIGGER asset_search_update AFTER UPDATE OF title ON assets BEGIN"
              " UPDATE asset_search SET title = new.title WHERE rowid = old.rowid; END",
          } },
        { 6,
          "reference uploads (tus) and the reference library",
          {
              // One tus upload. Bytes live in DATA_DIR/uploads/<id>.part until completion; the row
              // stays (state completed|failed) until it expires, so a client that lost the answer
              // can still learn the outcome. expires_at: 24 h after the last bytes arrived.
              "CREATE TABLE uploads ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " length BIGINT NOT NULL,"
              " upload_offset BIGINT NOT NULL DEFAULT 0,"
              " name TEXT NOT NULL,"
              " declared_sha256 TEXT,"
              " keep_metadata INTEGER NOT NULL DEFAULT 0,"
              " state TEXT NOT NULL CHECK (state IN ('receiving', 'completed', 'failed')),"
              " reference_id TEXT,"
              " error_code TEXT,"
              " error_message TEXT,"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL)",
              "CREATE INDEX uploads_user ON uploads(user_id, state)",
              "CREATE INDEX uploads_expires ON uploads(expires_at)",
              // A finished upload: a content-addressed blob (sha256, after server-side scrubbing)
              // and its thumbnail. upload_sha256 is the hash of the bytes as received, so an identical
              // file is recognised before it is sent again. expires_at: content retention.
              "CREATE TABLE reference_files ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " name TEXT NOT NULL,"
              " media TEXT NOT NULL CHECK (media IN ('image', 'video')),"
              " mime TEXT NOT NULL,"
              " width INTEGER NOT NULL,"
              " height INTEGER NOT NULL,"
              " bytes BIGINT NOT NULL,"
              " sha256 TEXT NOT NULL,"
              " upload_sha256 TEXT NOT NULL,"
              " thumbnail_sha256 TEXT NOT NULL,"
              " metadata_removed TEXT NOT NULL,"
              " metadata_kept INTEGER NOT NULL,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL)",
              "CREATE INDEX reference_files_user ON reference_files(user_id, created_at)",
              "CREATE INDEX reference_files_sha ON reference_files(user_id, sha256)",
              "CREATE INDEX reference_files_upload_sha ON reference_files(user_id, upload_sha256)",
              "CREATE INDEX reference_files_expires ON reference_files(expires_at)",
              // Blobs are shared across tables: "is this blob still used?" looks up every blob column.
              "CREATE INDEX reference_files_blob ON reference_files(sha256)",
              "CREATE INDEX reference_files_thumbnail ON reference_files(thumbnail_sha256)",
              "CREATE INDEX asset_thumbnails_thumb ON asset_thumbnails(thumb_sha256)",
              // Which references an output was made with: [{"id","sha256","strength"}].
              "ALTER TABLE assets ADD COLUMN references_json TEXT NOT NULL DEFAULT '[]'",
          } },
        { 7,
          "privacy requests, profiles, session details, restriction and objections",
          {
              // region decides the regime of a request (gdpr: eu; ccpa: us-ca; other).
              "ALTER TABLE users ADD COLUMN region TEXT NOT NULL DEFAULT 'other'",
              "ALTER TABLE users ADD COLUMN full_name TEXT",
              "ALTER TABLE users ADD COLUMN avatar_sha256 TEXT",
              "ALTER TABLE users ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}'",
              // An address waiting for its confirmation code; the current one stays until then.
              "ALTER TABLE users ADD COLUMN pending_email TEXT",
              // Restriction of processing (no new generations, no analytics) while set.
              "ALTER TABLE users ADD COLUMN restricted_at BIGINT",
              // Sessions: what the devices list shows. Only a country code is kept, never the address.
              "ALTER TABLE token_families ADD COLUMN last_seen_at BIGINT",
              "ALTER TABLE token_families ADD COLUMN app_version TEXT",
              "ALTER TABLE token_families ADD COLUMN country TEXT",
              // Human review of automated decisions.
              "ALTER TABLE moderation_decisions ADD COLUMN reviewed_at BIGINT",
              "ALTER TABLE moderation_decisions ADD COLUMN reviewed_by TEXT",
              "ALTER TABLE moderation_decisions ADD COLUMN review_outcome TEXT",
              // Objections to processing based on legitimate interest, per purpose.
              "CREATE TABLE processing_objections ("
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " purpose TEXT NOT NULL,"
              " created_at BIGINT NOT NULL,"
              " PRIMARY KEY (user_id, purpose))",
              // Data-subject requests: a job with the state machine of docs/privacy-requests.
              "CREATE TABLE privacy_requests ("
              " id TEXT PRIMARY KEY,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " type TEXT NOT NULL,"
              " regime TEXT NOT NULL,"
              " scope TEXT NOT NULL,"
              " status TEXT NOT NULL,"
              " details TEXT NOT NULL DEFAULT '',"
              " submitted_at BIGINT NOT NULL,"
              " acknowledged_at BIGINT,"
              " due_at BIGINT NOT NULL,"
              " extended_due_at BIGINT,"
              " extension_reason TEXT,"
              " reason TEXT,"
              " grace_ends_at BIGINT,"
              " completed_at BIGINT,"
              " result TEXT,"
              " receipt TEXT,"
              " attempts INTEGER NOT NULL DEFAULT 0,"
              " updated_at BIGINT NOT NULL)",
              "CREATE INDEX privacy_requests_user ON privacy_requests(user_id, submitted_at)",
              "CREATE INDEX privacy_requests_status ON privacy_requests(status)",
              "CREATE TABLE privacy_request_events ("
              " id TEXT PRIMARY KEY,"
              " request_id TEXT NOT NULL REFERENCES privacy_requests(id) ON DELETE CASCADE,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " status TEXT NOT NULL,"
              " note TEXT NOT NULL,"
              " actor TEXT NOT NULL,"
              " created_at BIGINT NOT NULL)",
              "CREATE INDEX privacy_request_events_request ON privacy_request_events(request_id, created_at)",
              // Export archives: files under DATA_DIR/exports named by this id, removed at expires_at.
              "CREATE TABLE privacy_exports ("
              " id TEXT PRIMARY KEY,"
              " request_id TEXT NOT NULL REFERENCES privacy_requests(id) ON DELETE CASCADE,"
              " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
              " bytes BIGINT NOT NULL,"
              " sha256 TEXT NOT NULL,"
              " created_at BIGINT NOT NULL,"
              " expires_at BIGINT NOT NULL,"
              " removed_at BIGINT)",
              // What survives an erased account: no user id, email or name, only what the receipt lists.
              "CREATE TABLE erasure_log ("
              " request_id TEXT PRIMARY KEY,"
              " completed_at BIGINT NOT NULL,"
              " keep_until BIGINT NOT NULL,"
              " receipt TEXT NOT NULL)",
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
            // Engine-specific statements say so in a leading comment.
            if (qstrncmp(statement, "/*sqlite*/", 10) == 0 && !db.driverName().startsWith(u"QSQLITE"))
                continue;
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
