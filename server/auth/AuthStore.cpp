#include "AuthStore.h"

#include "common/Secrets.h"
#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace pygmi::server {

namespace {

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QVariant nullableText(const QString &text)
{
    return text.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

std::optional<std::int64_t> optionalInt(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

QString codeHash(const QString &codeId, const QString &code)
{
    // The id salts the hash so that equal codes do not share a fingerprint.
    return Secrets::sha256Hex(codeId + u':' + code);
}

} // namespace

AuthStore::AuthStore(const Database &database)
    : m_database(database)
{ }

std::optional<AuthStore::User> AuthStore::userWhere(const QString &column, const QString &value) const
{
    // `column` is one of two constants below, never input.
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT id, kind, email, display_name, password_hash, email_verified_at, locked_at, created_at,"
                       " accepted_notice_version FROM users WHERE ")
        + column + QStringLiteral(" = ?"));
    query.addBindValue(value);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    User user;
    user.id = query.value(0).toString();
    user.kind = query.value(1).toString();
    user.email = query.value(2).isNull() ? QString() : query.value(2).toString();
    user.displayName = query.value(3).toString();
    user.passwordHash = query.value(4).toString();
    user.emailVerifiedAt = optionalInt(query.value(5));
    user.lockedAt = optionalInt(query.value(6));
    user.createdAt = query.value(7).toLongLong();
    user.acceptedNoticeVersion = query.value(8).toString();
    return user;
}

std::optional<AuthStore::User> AuthStore::userByEmail(const QString &normalizedEmail) const
{
    return userWhere(QStringLiteral("email"), normalizedEmail);
}

std::optional<AuthStore::User> AuthStore::userById(const QString &id) const
{
    return userWhere(QStringLiteral("id"), id);
}

void AuthStore::insertUser(const User &user, std::int64_t now) const
{
    QSqlQuery insert = m_database.prepare(QStringLiteral(
        "INSERT INTO users (id, kind, email, display_name, password_hash, email_verified_at, age_confirmed_at,"
        " accepted_notice_version, notice_accepted_at, locked_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, ?)"));
    insert.addBindValue(user.id);
    insert.addBindValue(user.kind);
    insert.addBindValue(nullableText(user.email));
    insert.addBindValue(user.displayName);
    insert.addBindValue(nullableText(user.passwordHash));
    insert.addBindValue(QVariant::fromValue<qint64>(now));
    insert.addBindValue(user.acceptedNoticeVersion);
    insert.addBindValue(QVariant::fromValue<qint64>(now));
    insert.addBindValue(QVariant::fromValue<qint64>(user.createdAt));
    Database::exec(insert);
}

bool AuthStore::createUserWithSession(const User &user, std::int64_t now, const QString &deviceName,
                                      TokenLifetimes lifetimes, Tokens *tokens) const
{
    WriteTransaction transaction(m_database.connection());
    if (userByEmail(user.email))
        return false;
    insertUser(user, now);
    *tokens = insertFamily(user.id, deviceName, now, lifetimes);
    transaction.commit();
    return true;
}

AuthStore::Tokens AuthStore::insertFamily(const QString &userId, const QString &deviceName, std::int64_t now,
                                          TokenLifetimes lifetimes) const
{
    Tokens tokens;
    tokens.familyId = newId();
    QSqlQuery family = m_database.prepare(
        QStringLiteral("INSERT INTO token_families (id, user_id, device_name, created_at) VALUES (?, ?, ?, ?)"));
    family.addBindValue(tokens.familyId);
    family.addBindValue(userId);
    family.addBindValue(nullableText(deviceName.isEmpty() ? QString() : deviceName));
    family.addBindValue(QVariant::fromValue<qint64>(now));
    Database::exec(family);
    insertTokens(tokens.familyId, now, lifetimes, &tokens);
    return tokens;
}

void AuthStore::insertTokens(const QString &familyId, std::int64_t now, TokenLifetimes lifetimes, Tokens *tokens) const
{
    tokens->familyId = familyId;
    tokens->accessToken = Secrets::randomToken();
    tokens->refreshToken = Secrets::randomToken();
    QSqlQuery access = m_database.prepare(QStringLiteral(
        "INSERT INTO access_tokens (token_hash, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)"));
    access.addBindValue(Secrets::sha256Hex(tokens->accessToken));
    access.addBindValue(familyId);
    access.addBindValue(QVariant::fromValue<qint64>(now));
    access.addBindValue(QVariant::fromValue<qint64>(now + lifetimes.accessMs));
    Database::exec(access);
    QSqlQuery refresh = m_database.prepare(QStringLiteral(
        "INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)"));
    refresh.addBindValue(Secrets::sha256Hex(tokens->refreshToken));
    refresh.addBindValue(familyId);
    refresh.addBindValue(QVariant::fromValue<qint64>(now));
    refresh.addBindValue(QVariant::fromValue<qint64>(now + lifetimes.refreshMs));
    Database::exec(refresh);
}

AuthStore::Tokens AuthStore::startFamily(const QString &userId, const QString &deviceName, std::int64_t now,
                                         TokenLifetimes lifetimes) const
{
    WriteTransaction transaction(m_database.connection());
    Tokens tokens = insertFamily(userId, deviceName, now, lifetimes);
    transaction.commit();
    return tokens;
}

AuthStore::RefreshOutcome AuthStore::rotate(const QString &refreshToken, std::int64_t now,
                                            TokenLifetimes lifetimes) const
{
    RefreshOutcome outcome;
    WriteTransaction transaction(m_database.connection());
    QSqlQuery find = m_database.prepare(
        QStringLiteral("SELECT r.family_id, r.expires_at, r.used_at, f.revoked_at, f.user_id, u.locked_at"
                       " FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id"
                       " JOIN users u ON u.id = f.user_id WHERE r.token_hash = ?"));
    find.addBindValue(Secrets::sha256Hex(refreshToken));
    Database::exec(find);
    if (!find.next())
        return outcome;
    const QString familyId = find.value(0).toString();
    const std::int64_t expiresAt = find.value(1).toLongLong();
    const bool used = !find.value(2).isNull();
    const bool revoked = !find.value(3).isNull();
    const QString userId = find.value(4).toString();
    const bool locked = !find.value(5).isNull();
    find.finish();
    if (revoked || locked)
        return outcome;
    if (used) {
        // A rotated token came back: someone holds a copy. End the whole sign-in.
        QSqlQuery revoke = m_database.prepare(
            QStringLiteral("UPDATE token_families SET revoked_at = ?, revoked_reason = ? WHERE id = ?"));
        revoke.addBindValue(QVariant::fromValue<qint64>(now));
        revoke.addBindValue(QStringLiteral("refresh_reused"));
        revoke.addBindValue(familyId);
        Database::exec(revoke);
        transaction.commit();
        outcome.result = RefreshResult::Reused;
        outcome.userId = userId;
        return outcome;
    }
    if (expiresAt <= now)
        return outcome;
    QSqlQuery markUsed = m_database.prepare(
        QStringLiteral("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"));
    markUsed.addBindValue(QVariant::fromValue<qint64>(now));
    markUsed.addBindValue(Secrets::sha256Hex(refreshToken));
    Database::exec(markUsed);
    insertTokens(familyId, now, lifetimes, &outcome.tokens);
    transaction.commit();
    outcome.result = RefreshResult::Rotated;
    outcome.userId = userId;
    return outcome;
}

AuthStore::AccessOutcome AuthStore::checkAccess(const QString &accessToken, std::int64_t now) const
{
    AccessOutcome outcome;
    QSqlQuery find = m_database.prepare(
        QStringLiteral("SELECT a.expires_at, f.id, f.user_id FROM access_tokens a"
                       " JOIN token_families f ON f.id = a.family_id JOIN users u ON u.id = f.user_id"
                       " WHERE a.token_hash = ? AND f.revoked_at IS NULL AND u.locked_at IS NULL"));
    find.addBindValue(Secrets::sha256Hex(accessToken));
    Database::exec(find);
    if (!find.next())
        return outcome;
    outcome.result = find.value(0).toLongLong() <= now ? AccessResult::Expired : AccessResult::Valid;
    outcome.familyId = find.value(1).toString();
    outcome.userId = find.value(2).toString();
    return outcome;
}

void AuthStore::revokeFamily(const QString &familyId, const QString &reason, std::int64_t now) const
{
    QSqlQuery revoke = m_database.prepare(QStringLiteral(
        "UPDATE token_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL"));
    revoke.addBindValue(QVariant::fromValue<qint64>(now));
    revoke.addBindValue(reason);
    revoke.addBindValue(familyId);
    Database::exec(revoke);
}

void AuthStore::revokeAllFamilies(const QString &userId, const QString &reason, std::int64_t now) const
{
    QSqlQuery revoke = m_database.prepare(QStringLiteral(
        "UPDATE token_families SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL"));
    revoke.addBindValue(QVariant::fromValue<qint64>(now));
    revoke.addBindValue(reason);
    revoke.addBindValue(userId);
    Database::exec(revoke);
}

QString AuthStore::issueCode(const QString &userId, const QString &purpose, std::int64_t now, std::int64_t ttlMs) const
{
    WriteTransaction transaction(m_database.connection());
    QSqlQuery retire = m_database.prepare(
        QStringLiteral("UPDATE one_time_codes SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL"));
    retire.addBindValue(QVariant::fromValue<qint64>(now));
    retire.addBindValue(userId);
    retire.addBindValue(purpose);
    Database::exec(retire);
    const QString id = newId();
    const QString code = Secrets::randomDigits(6);
    QSqlQuery insert = m_database.prepare(
        QStringLiteral("INSERT INTO one_time_codes (id, user_id, purpose, code_hash, attempts, created_at, expires_at)"
                       " VALUES (?, ?, ?, ?, 0, ?, ?)"));
    insert.addBindValue(id);
    insert.addBindValue(userId);
    insert.addBindValue(purpose);
    insert.addBindValue(codeHash(id, code));
    insert.addBindValue(QVariant::fromValue<qint64>(now));
    insert.addBindValue(QVariant::fromValue<qint64>(now + ttlMs));
    Database::exec(insert);
    transaction.commit();
    return code;
}

bool AuthStore::consumeCode(const QString &userId, const QString &purpose, const QString &code, std::int64_t now,
                            int maxAttempts) const
{
    WriteTransaction transaction(m_database.connection());
    QSqlQuery find = m_database.prepare(
        QStringLiteral("SELECT id, code_hash, attempts FROM one_time_codes WHERE user_id = ? AND purpose = ?"
                       " AND used_at IS NULL AND expires_at > ? ORDER BY created_at DESC"));
    find.addBindValue(userId);
    find.addBindValue(purpose);
    find.addBindValue(QVariant::fromValue<qint64>(now));
    Database::exec(find);
    if (!find.next())
        return false;
    const QString id = find.value(0).toString();
    const QString storedHash = find.value(1).toString();
    const int attempts = find.value(2).toInt();
    find.finish();
    if (attempts >= maxAttempts)
        return false;
    const bool matches = Secrets::equalConstantTime(codeHash(id, code), storedHash);
    QSqlQuery update = m_database.prepare(
        matches ? QStringLiteral("UPDATE one_time_codes SET used_at = ? WHERE id = ?")
                : QStringLiteral("UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = ?"));
    if (matches)
        update.addBindValue(QVariant::fromValue<qint64>(now));
    update.addBindValue(id);
    Database::exec(update);
    transaction.commit();
    return matches;
}

void AuthStore::setPassword(const QString &userId, const QString &passwordHash) const
{
    QSqlQuery update = m_database.prepare(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"));
    update.addBindValue(passwordHash);
    update.addBindValue(userId);
    Database::exec(update);
}

void AuthStore::markEmailVerified(const QString &userId, std::int64_t now) const
{
    QSqlQuery update = m_database.prepare(
        QStringLiteral("UPDATE users SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL"));
    update.addBindValue(QVariant::fromValue<qint64>(now));
    update.addBindValue(userId);
    Database::exec(update);
}

bool AuthStore::setLocked(const QString &normalizedEmail, bool locked, std::int64_t now) const
{
    WriteTransaction transaction(m_database.connection());
    const std::optional<User> user = userByEmail(normalizedEmail);
    if (!user)
        return false;
    QSqlQuery update = m_database.prepare(QStringLiteral("UPDATE users SET locked_at = ? WHERE id = ?"));
    update.addBindValue(locked ? QVariant::fromValue<qint64>(now) : QVariant(QMetaType::fromType<qint64>()));
    update.addBindValue(user->id);
    Database::exec(update);
    if (locked)
        revokeAllFamilies(user->id, QStringLiteral("account_locked"), now);
    transaction.commit();
    return true;
}

std::optional<AuthStore::LocalInstall> AuthStore::localInstall() const
{
    QSqlQuery find = m_database.prepare(QStringLiteral("SELECT secret_hash, user_id FROM local_install WHERE id = ?"));
    find.addBindValue(QStringLiteral("install"));
    Database::exec(find);
    if (!find.next())
        return std::nullopt;
    return LocalInstall { find.value(0).toString(), find.value(1).toString() };
}

bool AuthStore::createLocalUserWithSession(const User &user, const QString &secretHash, std::int64_t now,
                                           const QString &deviceName, TokenLifetimes lifetimes, Tokens *tokens) const
{
    WriteTransaction transaction(m_database.connection());
    if (localInstall())
        return false;
    insertUser(user, now);
    QSqlQuery insert = m_database.prepare(
        QStringLiteral("INSERT INTO local_install (id, secret_hash, user_id, created_at) VALUES (?, ?, ?, ?)"));
    insert.addBindValue(QStringLiteral("install"));
    insert.addBindValue(secretHash);
    insert.addBindValue(user.id);
    insert.addBindValue(QVariant::fromValue<qint64>(now));
    Database::exec(insert);
    *tokens = insertFamily(user.id, deviceName, now, lifetimes);
    transaction.commit();
    return true;
}

} // namespace pygmi::server
