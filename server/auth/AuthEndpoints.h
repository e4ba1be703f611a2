#pragma once

#include "AuthStore.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QHash>
#include <QJsonObject>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

namespace pygmi::server {

class JsonBody;
class Clock;
class LoginThrottle;
class MailOutbox;
class PasswordHasher;
class PrivacyNotice;
class Router;

// /v1/auth/*, /v1/me and the bearer check other features use. Handlers run on worker threads.
class AuthEndpoints
{
public:
    struct Settings
    {
        bool localMode = false;
        std::int64_t accessTtlSeconds = 15 * 60;
        std::int64_t refreshTtlSeconds = 30LL * 24 * 3600;
    };

    struct Caller
    {
        QString userId;
        QString familyId;
    };

    AuthEndpoints(Settings settings, const AuthStore &store, const PasswordHasher &hasher, LoginThrottle &throttle,
                  const MailOutbox &outbox, const PrivacyNotice &notice, const Clock &clock);

    void registerRoutes(Router &router);

    // The signed-in caller, or the 401 to answer. `allowExpired` accepts an expired (but
    // otherwise valid) access token, for calls that only give something up, like logout.
    std::optional<HttpResponse> authenticate(const HttpRequest &request, Caller *caller,
                                             bool allowExpired = false) const;

    // For other sign-in routes (single sign-on) that end in the same Session answer.
    AuthStore::TokenLifetimes lifetimes() const;
    HttpResponse sessionResponse(int status, const AuthStore::Tokens &tokens, const AuthStore::User &user) const;
    // The profile every new account gives, whichever way it is made (email, this computer or
    // single sign-on): display_name, birth_date (checked for the minimum age on the server's
    // clock, never stored) and accepted_notice_version. Reads them from `body`, records field
    // errors there, and returns the display name to store (empty when it was refused).
    QString readNewProfile(JsonBody &body) const;
    static QJsonObject userJson(const AuthStore::User &user);
    // Called after every successful authenticate() (the devices list keeps last-seen this way).
    void setSeenHook(std::function<void(const Caller &, const HttpRequest &)> hook) { m_seenHook = std::move(hook); }

private:
    HttpResponse signup(const HttpRequest &request);
    HttpResponse login(const HttpRequest &request);
    HttpResponse refresh(const HttpRequest &request);
    HttpResponse logout(const HttpRequest &request);
    HttpResponse me(const HttpRequest &request);
    HttpResponse verifyEmail(const HttpRequest &request);
    HttpResponse resendVerification(const HttpRequest &request);
    HttpResponse forgotPassword(const HttpRequest &request);
    HttpResponse resetPassword(const HttpRequest &request);
    HttpResponse localSetup(const HttpRequest &request);
    HttpResponse localLogin(const HttpRequest &request);

    void sendVerificationCode(const AuthStore::User &user) const;
    void sendResetCode(const AuthStore::User &user) const;
    // Seconds until another mail of `kind` may go to `userId`, 0 if now (and records the send).
    std::int64_t reserveMailSlot(const QString &kind, const QString &userId);

    Settings m_settings;
    const AuthStore &m_store;
    const PasswordHasher &m_hasher;
    LoginThrottle &m_throttle;
    const MailOutbox &m_outbox;
    const PrivacyNotice &m_notice;
    const Clock &m_clock;
    std::mutex m_mailMutex;
    QHash<QString, std::int64_t> m_lastMailAt;
    std::function<void(const Caller &, const HttpRequest &)> m_seenHook;
};

} // namespace pygmi::server
