#pragma once

#include <QString>
#include <cstdint>
#include <optional>

namespace pygmi::server {

class Database;

// Accounts, token families and one-time codes in SQL. Every statement is prepared with bound
// values. Tokens and codes arrive in plain text and are stored only as fingerprints.
// All times are milliseconds since the epoch from the server Clock.
class AuthStore
{
public:
    struct User
    {
        QString id;
        QString kind; // "password" | "local"
        QString email; // null for local
        QString displayName;
        QString passwordHash;
        std::optional<std::int64_t> emailVerifiedAt;
        std::optional<std::int64_t> lockedAt;
        std::int64_t createdAt = 0;
        QString acceptedNoticeVersion;
    };

    struct Tokens
    {
        QString familyId;
        QString accessToken;
        QString refreshToken;
    };

    struct TokenLifetimes
    {
        std::int64_t accessMs;
        std::int64_t refreshMs;
    };

    enum class RefreshResult { Rotated, Invalid, Reused };
    struct RefreshOutcome
    {
        RefreshResult result = RefreshResult::Invalid;
        QString userId;
        Tokens tokens;
    };

    enum class AccessResult { Valid, Expired, Invalid };
    struct AccessOutcome
    {
        AccessResult result = AccessResult::Invalid;
        QString userId;
        QString familyId;
    };

    explicit AuthStore(const Database &database);

    std::optional<User> userByEmail(const QString &normalizedEmail) const;
    std::optional<User> userById(const QString &id) const;
    // Inserts the user and its first token family in one transaction; false if the email is taken.
    bool createUserWithSession(const User &user, std::int64_t now, const QString &deviceName, TokenLifetimes lifetimes,
                               Tokens *tokens) const;
    Tokens startFamily(const QString &userId, const QString &deviceName, std::int64_t now,
                       TokenLifetimes lifetimes) const;
    RefreshOutcome rotate(const QString &refreshToken, std::int64_t now, TokenLifetimes lifetimes) const;
    AccessOutcome checkAccess(const QString &accessToken, std::int64_t now) const;
    void revokeFamily(const QString &familyId, const QString &reason, std::int64_t now) const;
    void revokeAllFamilies(const QString &userId, const QString &reason, std::int64_t now) const;

    // A fresh code for `purpose`; earlier unused codes of that purpose stop working.
    QString issueCode(const QString &userId, const QString &purpose, std::int64_t now, std::int64_t ttlMs) const;
    // True once for the right, unexpired code; every wrong try counts, and after maxAttempts
    // wrong tries the code is dead.
    bool consumeCode(const QString &userId, const QString &purpose, const QString &code, std::int64_t now,
                     int maxAttempts) const;

    void setPassword(const QString &userId, const QString &passwordHash) const;
    void markEmailVerified(const QString &userId, std::int64_t now) const;
    // Locking also ends every session of the account. False if no such account.
    bool setLocked(const QString &normalizedEmail, bool locked, std::int64_t now) const;

    // The local profile: the install secret's fingerprint and its user, if set up.
    struct LocalInstall
    {
        QString secretHash;
        QString userId;
    };
    std::optional<LocalInstall> localInstall() const;
    // False if the install is already set up.
    bool createLocalUserWithSession(const User &user, const QString &secretHash, std::int64_t now,
                                    const QString &deviceName, TokenLifetimes lifetimes, Tokens *tokens) const;

private:
    Tokens insertFamily(const QString &userId, const QString &deviceName, std::int64_t now,
                        TokenLifetimes lifetimes) const;
    void insertTokens(const QString &familyId, std::int64_t now, TokenLifetimes lifetimes, Tokens *tokens) const;
    void insertUser(const User &user, std::int64_t now) const;
    std::optional<User> userWhere(const QString &column, const QString &value) const;

    const Database &m_database;
};

} // namespace pygmi::server
