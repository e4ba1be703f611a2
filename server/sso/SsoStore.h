#pragma once

#include <QList>
#include <QString>
#include <cstdint>
#include <optional>

namespace pygmi::server {

class Database;

// Sign-in attempts, one-time grants and linked identities in SQL (bound values only). Of an
// ID token only issuer, subject, a verified email and a name are ever stored. Secrets that
// travel (state, codes, pending tokens) are stored as SHA-256 fingerprints.
class SsoStore
{
public:
    // One browser round trip, from the app's start URL to the provider's callback.
    struct Attempt
    {
        QString id;
        QString providerId;
        QString nonce;
        QString providerVerifier; // our PKCE verifier towards the provider
        QString appRedirectUri;
        QString appState;
        QString appCodeChallenge;
        std::int64_t expiresAt = 0;
    };

    // A verified identity waiting to be redeemed: kind "code" (the app's one-time code, bound to
    // its PKCE challenge and redirect) or "pending" (sign-up or link still to be confirmed).
    struct Grant
    {
        QString kind;
        QString providerId;
        QString issuer;
        QString subject;
        QString email; // verified, or empty
        QString name;
        QString redirectUri;
        QString codeChallenge;
        std::int64_t expiresAt = 0;
    };

    struct Identity
    {
        QString id;
        QString userId;
        QString providerId;
        QString issuer;
        QString subject;
        QString email;
        QString name;
        std::int64_t createdAt = 0;
        std::optional<std::int64_t> lastUsedAt;
    };

    enum class RemoveResult { Removed, NotFound, LastMethod };

    explicit SsoStore(const Database &database);

    void createAttempt(const Attempt &attempt, const QString &stateHash, std::int64_t now) const;
    // The attempt for this state, once: it is marked used in the same step.
    std::optional<Attempt> takeAttempt(const QString &stateHash, std::int64_t now) const;

    void createGrant(const Grant &grant, const QString &tokenHash, std::int64_t now) const;
    std::optional<Grant> peekGrant(const QString &tokenHash, const QString &kind, std::int64_t now) const;
    // Marks the grant used; false if it was already used or expired (a replay or a race).
    bool consumeGrant(const QString &tokenHash, const QString &kind, std::int64_t now) const;

    std::optional<Identity> identityBySubject(const QString &issuer, const QString &subject) const;
    QList<Identity> identitiesOf(const QString &userId) const;
    // False if the (issuer, subject) already belongs to an account.
    bool addIdentity(const QString &userId, const Grant &grant, std::int64_t now, Identity *added = nullptr) const;
    void touchIdentity(const QString &identityId, std::int64_t now) const;
    // Never removes the last way to sign in: an account without a password keeps one identity.
    RemoveResult removeIdentity(const QString &userId, const QString &identityId) const;

    // A new account signed in with this identity (no password). False if the email or the
    // identity is taken meanwhile.
    bool createUserWithIdentity(const QString &userId, const QString &displayName, const QString &noticeVersion,
                                const Grant &grant, std::int64_t now) const;

    // Expired attempts and grants are deleted, not kept.
    void sweep(std::int64_t now) const;

private:
    const Database &m_database;
};

} // namespace pygmi::server
