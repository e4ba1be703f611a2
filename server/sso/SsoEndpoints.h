#pragma once

#include "OidcRelyingParty.h"
#include "SsoStore.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QUrl>
#include <memory>
#include <vector>

namespace pygmi::server {

class AuthEndpoints;
class AuthStore;
class Clock;
class PrivacyNotice;
class Router;

// Single sign-on through OpenID Connect providers, for native apps (RFC 8252): the app opens
// the system browser at /v1/auth/sso/{provider}/start with its PKCE challenge, state and
// loopback redirect; the server talks to the provider and hands the app a one-time code on its
// loopback redirect; the app redeems the code with its verifier for a Pygmi session. The app
// never sees the provider's tokens.
class SsoEndpoints
{
public:
    static constexpr std::int64_t kAttemptTtlMs = 10LL * 60 * 1000;
    static constexpr std::int64_t kCodeTtlMs = 60LL * 1000;
    static constexpr std::int64_t kPendingTtlMs = 15LL * 60 * 1000;

    SsoEndpoints(const std::vector<OidcProviderConfig> &providers, bool localMode, AuthEndpoints &auth,
                 const AuthStore &authStore, const SsoStore &store, const PrivacyNotice &notice, const Clock &clock);

    // The server's public base URL ("https://pygmi.example"), known once the server listens.
    void setPublicUrl(const QUrl &base);
    void registerRoutes(Router &router);

    // Checks an app's redirect: http, 127.0.0.1 or ::1, any port, path /callback, nothing else.
    static bool isLoopbackRedirect(const QString &uri);

private:
    HttpResponse providers(const HttpRequest &request);
    HttpResponse start(const HttpRequest &request);
    HttpResponse callback(const HttpRequest &request);
    HttpResponse token(const HttpRequest &request);
    HttpResponse signup(const HttpRequest &request);
    HttpResponse identities(const HttpRequest &request);
    HttpResponse linkWithCode(const HttpRequest &request);
    HttpResponse confirmLink(const HttpRequest &request);
    HttpResponse unlink(const HttpRequest &request);

    OidcRelyingParty *provider(const QString &id) const;
    QUrl callbackUrl() const;
    // Redeems the app's one-time code (single use, PKCE-bound); nullopt and the answer to send
    // when it fails.
    std::optional<SsoStore::Grant> redeemCode(const QJsonObject &body, HttpResponse *refusal) const;
    QJsonObject identityJson(const SsoStore::Identity &identity) const;

    std::vector<std::unique_ptr<OidcRelyingParty>> m_providers;
    bool m_localMode;
    AuthEndpoints &m_auth;
    const AuthStore &m_authStore;
    const SsoStore &m_store;
    const PrivacyNotice &m_notice;
    const Clock &m_clock;
    QUrl m_publicUrl;
};

} // namespace pygmi::server
