#include "SsoStore.h"

#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace pygmi::server {

namespace {

QVariant text(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

QVariant integer(std::int64_t value)
{
    return QVariant::fromValue<qint64>(value);
}

SsoStore::Identity identityFrom(const QSqlQuery &query)
{
    SsoStore::Identity identity;
    identity.id = query.value(0).toString();
    identity.userId = query.value(1).toString();
    identity.providerId = query.value(2).toString();
    identity.issuer = query.value(3).toString();
    identity.subject = query.value(4).toString();
    identity.email = query.value(5).toString();
    identity.name = query.value(6).toString();
    identity.createdAt = query.value(7).toLongLong();
    if (!query.value(8).isNull())
        identity.lastUsedAt = query.value(8).toLongLong();
    return identity;
}

const QString kIdentityColumns
    = QStringLiteral("id, user_id, provider_id, issuer, subject, email, name, created_at, last_used_at");

} // namespace

SsoStore::SsoStore(const Database &database)
    : m_database(database)
{ }

void SsoStore::createAttempt(const Attempt &attempt, const QString &stateHash, std::int64_t now) const
{
    QSqlQuery insert = m_database.prepare(QStringLiteral(
        "INSERT INTO sso_attempts (id, state_hash, provider_id, nonce, provider_verifier, app_redirect_uri, app_state,"
        " app_code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &value :
         { QVariant(attempt.id), QVariant(stateHash), QVariant(attempt.providerId), QVariant(attempt.nonce),
           QVariant(attempt.providerVerifier), QVariant(attempt.appRedirectUri), QVariant(attempt.appState),
           QVariant(attempt.appCodeChallenge), integer(now), integer(attempt.expiresAt) })
        insert.addBindValue(value);
    Database::exec(insert);
}

std::optional<SsoStore::Attempt> SsoStore::takeAttempt(const QString &stateHash, std::int64_t now) const
{
    WriteTransaction transaction(m_database.connection());
    QSqlQuery find = m_database.prepare(QStringLiteral(
        "SELECT id, provider_id, nonce, provider_verifier, app_redirect_uri, app_state, app_code_challenge,"
        " expires_at FROM sso_attempts WHERE state_hash = ? AND used_at IS NULL AND expires_at > ?"));
    find.addBindValue(stateHash);
    find.addBindValue(integer(now));
    Database::exec(find);
    if (!find.next())
        return std::nullopt;
    Attempt attempt { find.value(0).toString(), find.value(1).toString(),  find.value(2).toString(),
                      find.value(3).toString(), find.value(4).toString(),  find.value(5).toString(),
                      find.value(6).toString(), find.value(7).toLongLong() };
    find.finish();
    QSqlQuery mark = m_database.prepare(QStringLiteral("UPDATE sso_attempts SET used_at = ? WHERE id = ?"));
    mark.addBindValue(integer(now));
    mark.addBindValue(attempt.id);
    Database::exec(mark);
    transaction.commit();
    return attempt;
}

void SsoStore::createGrant(const Grant &grant, const QString &tokenHash, std::int64_t now) const
{
    QSqlQuery insert = m_database.prepare(QStringLiteral(
        "INSERT INTO sso_grants (token_hash, kind, provider_id, issuer, subject, email, name, redirect_uri,"
        " code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &value :
         { QVariant(tokenHash), QVariant(grant.kind), QVariant(grant.providerId), QVariant(grant.issuer),
           QVariant(grant.subject), text(grant.email), text(grant.name), text(grant.redirectUri),
           text(grant.codeChallenge), integer(now), integer(grant.expiresAt) })
        insert.addBindValue(value);
    Database::exec(insert);
}

std::optional<SsoStore::Grant> SsoStore::peekGrant(const QString &tokenHash, const QString &kind,
                                                   std::int64_t now) const
{
    QSqlQuery find = m_database.prepare(QStringLiteral(
        "SELECT kind, provider_id, issuer, subject, email, name, redirect_uri, code_challenge, expires_at"
        " FROM sso_grants WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?"));
    find.addBindValue(tokenHash);
    find.addBindValue(kind);
    find.addBindValue(integer(now));
    Database::exec(find);
    if (!find.next())
        return std::nullopt;
    return Grant { find.value(0).toString(), find.value(1).toString(), find.value(2).toString(),
                   find.value(3).toString(), find.value(4).toString(), find.value(5).toString(),
                   find.value(6).toString(), find.value(7).toString(), find.value(8).toLongLong() };
}

bool SsoStore::consumeGrant(const QString &tokenHash, const QString &kind, std::int64_t now) const
{
    QSqlQuery mark = m_database.prepare(QStringLiteral(
        "UPDATE sso_grants SET used_at = ? WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?"));
    mark.addBindValue(integer(now));
    mark.addBindValue(tokenHash);
    mark.addBindValue(kind);
    mark.addBindValue(integer(now));
    Database::exec(mark);
    return mark.numRowsAffected() == 1;
}

std::optional<SsoStore::Identity> SsoStore::identityBySubject(const QString &issuer, const QString &subject) const
{
    QSqlQuery find = m_database.prepare(QStringLiteral("SELECT ") + kIdentityColumns
                                        + QStringLiteral(" FROM sso_identities WHERE issuer = ? AND subject = ?"));
    find.addBindValue(issuer);
    find.addBindValue(subject);
    Database::exec(find);
    if (!find.next())
        return std::nullopt;
    return identityFrom(find);
}

QList<SsoStore::Identity> SsoStore::identitiesOf(const QString &userId) const
{
    QSqlQuery find = m_database.prepare(QStringLiteral("SELECT ") + kIdentityColumns
                                        + QStringLiteral(" FROM sso_identities WHERE user_id = ? ORDER BY created_at"));
    find.addBindValue(userId);
    Database::exec(find);
    QList<Identity> result;
    while (find.next())
        result.append(identityFrom(find));
    return result;
}

bool SsoStore::addIdentity(const QString &userId, const Grant &grant, std::int64_t now, Identity *added) const
{
    WriteTransaction transaction(m_database.connection());
    if (identityBySubject(grant.issuer, grant.subject))
        return false;
    Identity identity;
    identity.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    identity.userId = userId;
    identity.providerId = grant.providerId;
    identity.issuer = grant.issuer;
    identity.subject = grant.subject;
    identity.email = grant.email;
    identity.name = grant.name;
    identity.createdAt = now;
    identity.lastUsedAt = now;
    QSqlQuery insert = m_database.prepare(QStringLiteral("INSERT INTO sso_identities (") + kIdentityColumns
                                          + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &value :
         { QVariant(identity.id), QVariant(userId), QVariant(grant.providerId), QVariant(grant.issuer),
           QVariant(grant.subject), text(grant.email), text(grant.name), integer(now), integer(now) })
        insert.addBindValue(value);
    Database::exec(insert);
    transaction.commit();
    if (added)
        *added = identity;
    return true;
}

void SsoStore::touchIdentity(const QString &identityId, std::int64_t now) const
{
    QSqlQuery update = m_database.prepare(QStringLiteral("UPDATE sso_identities SET last_used_at = ? WHERE id = ?"));
    update.addBindValue(integer(now));
    update.addBindValue(identityId);
    Database::exec(update);
}

SsoStore::RemoveResult SsoStore::removeIdentity(const QString &userId, const QString &identityId) const
{
    WriteTransaction transaction(m_database.connection());
    QSqlQuery count = m_database.prepare(
        QStringLiteral("SELECT (SELECT COUNT(*) FROM sso_identities WHERE user_id = ?),"
                       " (SELECT COUNT(*) FROM sso_identities WHERE user_id = ? AND id = ?),"
                       " (SELECT COUNT(*) FROM users WHERE id = ? AND password_hash IS NOT NULL)"));
    count.addBindValue(userId);
    count.addBindValue(userId);
    count.addBindValue(identityId);
    count.addBindValue(userId);
    Database::exec(count);
    count.next();
    const int identities = count.value(0).toInt();
    const bool owned = count.value(1).toInt() == 1;
    const bool hasPassword = count.value(2).toInt() == 1;
    count.finish();
    if (!owned)
        return RemoveResult::NotFound;
    if (identities <= 1 && !hasPassword)
        return RemoveResult::LastMethod;
    QSqlQuery remove = m_database.prepare(QStringLiteral("DELETE FROM sso_identities WHERE id = ? AND user_id = ?"));
    remove.addBindValue(identityId);
    remove.addBindValue(userId);
    Database::exec(remove);
    transaction.commit();
    return RemoveResult::Removed;
}

bool SsoStore::createUserWithIdentity(const QString &userId, const QString &displayName, const QString &noticeVersion,
                                      const Grant &grant, std::int64_t now) const
{
    WriteTransaction transaction(m_database.connection());
    if (identityBySubject(grant.issuer, grant.subject))
        return false;
    if (!grant.email.isEmpty()) {
        QSqlQuery taken = m_database.prepare(QStringLiteral("SELECT 1 FROM users WHERE email = ?"));
        taken.addBindValue(grant.email);
        Database::exec(taken);
        if (taken.next())
            return false;
    }
    // An account without a password: it signs in through its identities. The email (only a
    // verified one) counts as verified because the provider vouched for it.
    QSqlQuery user = m_database.prepare(QStringLiteral(
        "INSERT INTO users (id, kind, email, display_name, password_hash, email_verified_at, age_confirmed_at,"
        " accepted_notice_version, notice_accepted_at, locked_at, created_at)"
        " VALUES (?, 'password', ?, ?, NULL, ?, ?, ?, ?, NULL, ?)"));
    user.addBindValue(userId);
    user.addBindValue(text(grant.email));
    user.addBindValue(displayName);
    user.addBindValue(grant.email.isEmpty() ? QVariant(QMetaType::fromType<qint64>()) : integer(now));
    user.addBindValue(integer(now));
    user.addBindValue(noticeVersion);
    user.addBindValue(integer(now));
    user.addBindValue(integer(now));
    Database::exec(user);
    QSqlQuery identity = m_database.prepare(QStringLiteral("INSERT INTO sso_identities (") + kIdentityColumns
                                            + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &value : { QVariant(QUuid::createUuid().toString(QUuid::WithoutBraces)), QVariant(userId),
                                   QVariant(grant.providerId), QVariant(grant.issuer), QVariant(grant.subject),
                                   text(grant.email), text(grant.name), integer(now), integer(now) })
        identity.addBindValue(value);
    Database::exec(identity);
    transaction.commit();
    return true;
}

void SsoStore::sweep(std::int64_t now) const
{
    for (const QString &table : { QStringLiteral("sso_attempts"), QStringLiteral("sso_grants") }) {
        // `table` is one of two constants.
        QSqlQuery remove
            = m_database.prepare(QStringLiteral("DELETE FROM ") + table + QStringLiteral(" WHERE expires_at <= ?"));
        remove.addBindValue(integer(now));
        Database::exec(remove);
    }
}

} // namespace pygmi::server
