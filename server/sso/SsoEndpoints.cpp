#include "SsoEndpoints.h"

#include "SsoLogging.h"
#include "auth/AccountValidator.h"
#include "auth/AuthEndpoints.h"
#include "auth/AuthStore.h"
#include "common/Clock.h"
#include "common/Secrets.h"
#include "http/ApiError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "notice/PrivacyNotice.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QUuid>

namespace pygmi::server {

namespace {

const QString kCodeKind = QStringLiteral("code");
const QString kPendingKind = QStringLiteral("pending");

QString htmlEscape(const QString &text)
{
    return text.toHtmlEscaped();
}

// What the browser shows when the server cannot send it back to the app.
HttpResponse page(int status, const QString &title, const QString &text, const QString &code = {})
{
    HttpResponse response;
    response.status = status;
    response.contentType = "text/html; charset=utf-8";
    response.headers.emplace_back("Cache-Control", "no-store");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    response.headers.emplace_back("X-Frame-Options", "DENY");
    response.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    const QString body
        = QStringLiteral("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1</title>"
                         "<style>body{font-family:sans-serif;max-width:36em;margin:4em auto;padding:0 1em}</style>"
                         "</head><body><h1>%1</h1><p>%2</p>%3</body></html>")
              .arg(htmlEscape(title), htmlEscape(text),
                   code.isEmpty() ? QString()
                                  : QStringLiteral("<p><small>Error code: <code id=\"error-code\">%1"
                                                   "</code></small></p>")
                                        .arg(htmlEscape(code)));
    response.body = body.toStdString();
    return response;
}

HttpResponse redirect(const QUrl &location)
{
    HttpResponse response;
    response.status = 302;
    response.contentType.clear();
    response.headers.emplace_back("Location", location.toString(QUrl::FullyEncoded).toStdString());
    response.headers.emplace_back("Cache-Control", "no-store");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    return response;
}

QUrlQuery queryOf(const HttpRequest &request)
{
    return QUrlQuery(QString::fromStdString(request.query));
}

QString queryValue(const QUrlQuery &query, const QString &name)
{
    // Only the first value counts; percent-decoded. '+' is a space in form encoding.
    QString raw = query.queryItemValue(name, QUrl::FullyEncoded);
    raw.replace(u'+', QStringLiteral("%20"));
    return QUrl::fromPercentEncoding(raw.toLatin1());
}

QString pkceChallenge(const QString &verifier)
{
    return QString::fromLatin1(QCryptographicHash::hash(verifier.toUtf8(), QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

bool isUrlSafe(const QString &text, int minimum, int maximum)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._~-]+$"));
    return text.size() >= minimum && text.size() <= maximum && pattern.match(text).hasMatch();
}

HttpResponse invalidCode()
{
    return ApiError::make(400, QStringLiteral("invalid_sso_code"),
                          QStringLiteral("The sign-in code is wrong, expired or already used. Start the sign-in "
                                         "again."));
}

QString readDeviceName(JsonBody &body)
{
    QString device;
    if (const auto raw = body.string(QStringLiteral("device_name"), false)) {
        if (const auto code = AccountValidator::checkDeviceName(*raw, &device))
            body.fail(QStringLiteral("device_name"), *code);
    }
    return device;
}

} // namespace

SsoEndpoints::SsoEndpoints(const std::vector<OidcProviderConfig> &providers, bool localMode, AuthEndpoints &auth,
                           const AuthStore &authStore, const SsoStore &store, const PrivacyNotice &notice,
                           const Clock &clock)
    : m_localMode(localMode)
    , m_auth(auth)
    , m_authStore(authStore)
    , m_store(store)
    , m_notice(notice)
    , m_clock(clock)
{
    for (const OidcProviderConfig &config : providers)
        m_providers.push_back(std::make_unique<OidcRelyingParty>(config, clock));
}

void SsoEndpoints::setPublicUrl(const QUrl &base)
{
    m_publicUrl = base;
}

void SsoEndpoints::registerRoutes(Router &router)
{
    const auto bind = [this](HttpResponse (SsoEndpoints::*method)(const HttpRequest &)) {
        return [this, method](const HttpRequest &request) { return (this->*method)(request); };
    };
    router.add("GET", "/v1/auth/providers", bind(&SsoEndpoints::providers));
    router.add("GET", "/v1/auth/sso/callback", bind(&SsoEndpoints::callback));
    router.add("GET", "/v1/auth/sso/{provider}/start", bind(&SsoEndpoints::start));
    router.add("POST", "/v1/auth/sso/token", bind(&SsoEndpoints::token));
    router.add("POST", "/v1/auth/sso/signup", bind(&SsoEndpoints::signup));
    router.add("GET", "/v1/me/identities", bind(&SsoEndpoints::identities));
    router.add("POST", "/v1/me/identities", bind(&SsoEndpoints::linkWithCode));
    router.add("POST", "/v1/me/identities/confirm", bind(&SsoEndpoints::confirmLink));
    router.add("DELETE", "/v1/me/identities/{id}", bind(&SsoEndpoints::unlink));
}

bool SsoEndpoints::isLoopbackRedirect(const QString &uri)
{
    const QUrl url(uri, QUrl::StrictMode);
    // An IP literal, not "localhost" (RFC 8252 §8.3): a name could resolve elsewhere.
    const QString host = url.host();
    return url.isValid() && url.scheme() == QLatin1String("http")
        && (host == QLatin1String("127.0.0.1") || host == QLatin1String("::1")) && url.port() > 0
        && url.path() == QLatin1String("/callback") && !url.hasQuery() && !url.hasFragment()
        && url.userInfo().isEmpty();
}

OidcRelyingParty *SsoEndpoints::provider(const QString &id) const
{
    for (const auto &party : m_providers)
        if (party->config().id == id)
            return party.get();
    return nullptr;
}

QUrl SsoEndpoints::callbackUrl() const
{
    QUrl url = m_publicUrl;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QStringLiteral("/v1/auth/sso/callback"));
    return url;
}

QJsonObject SsoEndpoints::identityJson(const SsoStore::Identity &identity) const
{
    const OidcRelyingParty *party = provider(identity.providerId);
    return QJsonObject {
        { QStringLiteral("id"), identity.id },
        { QStringLiteral("provider_id"), identity.providerId },
        { QStringLiteral("provider_name"), party ? party->config().displayName : identity.providerId },
        { QStringLiteral("email"), identity.email.isEmpty() ? QJsonValue() : QJsonValue(identity.email) },
        { QStringLiteral("name"), identity.name.isEmpty() ? QJsonValue() : QJsonValue(identity.name) },
        { QStringLiteral("linked_at"), Clock::toIso(identity.createdAt) },
        { QStringLiteral("last_used_at"),
          identity.lastUsedAt ? QJsonValue(Clock::toIso(*identity.lastUsedAt)) : QJsonValue() },
    };
}

HttpResponse SsoEndpoints::providers(const HttpRequest &)
{
    QJsonArray list;
    if (!m_localMode) {
        for (const auto &party : m_providers) {
            const OidcProviderConfig &config = party->config();
            list.append(QJsonObject {
                { QStringLiteral("id"), config.id },
                { QStringLiteral("display_name"), config.displayName },
                { QStringLiteral("icon"), config.icon.isEmpty() ? QJsonValue() : QJsonValue(config.icon) } });
        }
    }
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("providers"), list } });
}

HttpResponse SsoEndpoints::start(const HttpRequest &request)
{
    const auto refuse = [](const QString &code, const QString &text) {
        return page(400, QStringLiteral("Sign-in cannot start"), text, code);
    };
    if (m_localMode)
        return page(403, QStringLiteral("Not available"), QStringLiteral("This server does not offer single sign-on."),
                    QStringLiteral("not_available"));
    OidcRelyingParty *party = provider(QString::fromStdString(request.pathParams.at("provider")));
    if (!party)
        return page(404, QStringLiteral("Unknown sign-in provider"),
                    QStringLiteral("This server does not offer this sign-in provider."),
                    QStringLiteral("unknown_provider"));
    const QUrlQuery query = queryOf(request);
    const QString redirectUri = queryValue(query, QStringLiteral("redirect_uri"));
    const QString appState = queryValue(query, QStringLiteral("state"));
    const QString challenge = queryValue(query, QStringLiteral("code_challenge"));
    const QString method = queryValue(query, QStringLiteral("code_challenge_method"));
    if (!isLoopbackRedirect(redirectUri))
        return refuse(QStringLiteral("invalid_redirect_uri"),
                      QStringLiteral("The app asked to return to an address that is not allowed. Only the app on "
                                     "this computer (http://127.0.0.1 or http://[::1], path /callback) may receive "
                                     "the sign-in."));
    if (!isUrlSafe(appState, 16, 256))
        return refuse(QStringLiteral("invalid_state"), QStringLiteral("The sign-in request has no valid state."));
    if (method != QLatin1String("S256") || !isUrlSafe(challenge, 43, 43))
        return refuse(QStringLiteral("invalid_code_challenge"),
                      QStringLiteral("The sign-in request needs a PKCE challenge (S256)."));

    OidcRelyingParty::Error error;
    const auto metadata = party->metadata(&error);
    if (!metadata)
        return page(502, QStringLiteral("The sign-in provider is unavailable"),
                    QStringLiteral("%1 could not be reached. Try again later.").arg(party->config().displayName),
                    error.code);
    const std::int64_t now = m_clock.nowMs();
    m_store.sweep(now);
    SsoStore::Attempt attempt;
    attempt.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    attempt.providerId = party->config().id;
    attempt.nonce = Secrets::randomToken();
    attempt.providerVerifier = Secrets::randomToken();
    attempt.appRedirectUri = redirectUri;
    attempt.appState = appState;
    attempt.appCodeChallenge = challenge;
    attempt.expiresAt = now + kAttemptTtlMs;
    const QString state = Secrets::randomToken();
    m_store.createAttempt(attempt, Secrets::sha256Hex(state), now);
    qCInfo(lcSso) << "sign-in started with" << attempt.providerId;
    return redirect(party->authorizationUrl(*metadata, callbackUrl(), state, attempt.nonce,
                                            pkceChallenge(attempt.providerVerifier)));
}

HttpResponse SsoEndpoints::callback(const HttpRequest &request)
{
    const QUrlQuery query = queryOf(request);
    const QString state = queryValue(query, QStringLiteral("state"));
    const std::int64_t now = m_clock.nowMs();
    m_store.sweep(now);
    // The state is the only link to an attempt: without a live one, there is nowhere safe to go.
    const std::optional<SsoStore::Attempt> attempt
        = isUrlSafe(state, 1, 256) ? m_store.takeAttempt(Secrets::sha256Hex(state), now) : std::nullopt;
    if (!attempt) {
        qCWarning(lcSso) << "callback with an unknown, used or expired state";
        return page(400, QStringLiteral("This sign-in link is not valid"),
                    QStringLiteral("It may have expired or been used already. Go back to Pygmi Studio and start the "
                                   "sign-in again."),
                    QStringLiteral("invalid_state"));
    }
    const auto backToApp = [&](const QList<std::pair<QString, QString>> &items) {
        QUrl url(attempt->appRedirectUri);
        QUrlQuery appQuery;
        for (const auto &[name, value] : items)
            appQuery.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
        appQuery.addQueryItem(QStringLiteral("state"), QString::fromLatin1(QUrl::toPercentEncoding(attempt->appState)));
        url.setQuery(appQuery.query(QUrl::FullyEncoded), QUrl::StrictMode);
        return redirect(url);
    };
    const auto failed = [&](const QString &error, const QString &reason) {
        qCWarning(lcSso) << "sign-in with" << attempt->providerId << "failed:" << error << reason;
        return backToApp({ { QStringLiteral("error"), error }, { QStringLiteral("error_description"), reason } });
    };
    OidcRelyingParty *party = provider(attempt->providerId);
    if (!party)
        return failed(QStringLiteral("server_error"), QStringLiteral("unknown_provider"));
    // RFC 9207: a provider that names itself must be the one we sent the user to.
    const QString iss = queryValue(query, QStringLiteral("iss"));
    if (query.hasQueryItem(QStringLiteral("iss")) && iss != party->config().issuer)
        return failed(QStringLiteral("invalid_response"), QStringLiteral("wrong_issuer"));
    const QString providerError = queryValue(query, QStringLiteral("error"));
    if (!providerError.isEmpty())
        return failed(providerError == QLatin1String("access_denied") ? QStringLiteral("access_denied")
                                                                      : QStringLiteral("provider_error"),
                      isUrlSafe(providerError, 1, 64) ? providerError : QStringLiteral("unknown"));
    const QString code = queryValue(query, QStringLiteral("code"));
    if (code.isEmpty() || code.size() > 2048)
        return failed(QStringLiteral("invalid_response"), QStringLiteral("missing_code"));

    OidcRelyingParty::Error error;
    const auto claims = party->redeem(code, attempt->providerVerifier, callbackUrl(), attempt->nonce, &error);
    if (!claims)
        return failed(error.code == QLatin1String("provider_unavailable")
                              || error.code == QLatin1String("token_refused")
                          ? QStringLiteral("provider_error")
                          : QStringLiteral("invalid_id_token"),
                      error.code);
    SsoStore::Grant grant;
    grant.kind = kCodeKind;
    grant.providerId = party->config().id;
    grant.issuer = claims->issuer;
    grant.subject = claims->subject;
    grant.email = claims->email;
    grant.name = claims->name;
    grant.redirectUri = attempt->appRedirectUri;
    grant.codeChallenge = attempt->appCodeChallenge;
    grant.expiresAt = m_clock.nowMs() + kCodeTtlMs;
    const QString appCode = Secrets::randomToken();
    m_store.createGrant(grant, Secrets::sha256Hex(appCode), m_clock.nowMs());
    return backToApp({ { QStringLiteral("code"), appCode } });
}

std::optional<SsoStore::Grant> SsoEndpoints::redeemCode(const QJsonObject &object, HttpResponse *refusal) const
{
    JsonBody body(object);
    const auto code = body.string(QStringLiteral("code"));
    const auto verifier = body.string(QStringLiteral("code_verifier"));
    const auto redirectUri = body.string(QStringLiteral("redirect_uri"));
    if (body.hasErrors()) {
        *refusal = ApiError::validation(body.errors());
        return std::nullopt;
    }
    const std::int64_t now = m_clock.nowMs();
    const QString hash = Secrets::sha256Hex(*code);
    std::optional<SsoStore::Grant> grant = m_store.peekGrant(hash, kCodeKind, now);
    // Used up before anything else is checked: a code gets one try, right or wrong.
    if (!grant || !m_store.consumeGrant(hash, kCodeKind, now)) {
        qCWarning(lcSso) << "sign-in code unknown, expired or replayed";
        *refusal = invalidCode();
        return std::nullopt;
    }
    if (*redirectUri != grant->redirectUri
        || !Secrets::equalConstantTime(pkceChallenge(*verifier), grant->codeChallenge)) {
        qCWarning(lcSso) << "sign-in code presented with the wrong PKCE verifier or redirect";
        *refusal = invalidCode();
        return std::nullopt;
    }
    return grant;
}

HttpResponse SsoEndpoints::token(const HttpRequest &request)
{
    if (m_localMode)
        return ApiError::notAvailable();
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody extra(object);
    const QString device = readDeviceName(extra);
    if (extra.hasErrors()) // checked before the code is spent
        return ApiError::validation(extra.errors());
    HttpResponse refusal;
    const std::optional<SsoStore::Grant> grant = redeemCode(object, &refusal);
    if (!grant)
        return refusal;
    const std::int64_t now = m_clock.nowMs();
    m_store.sweep(now); // expired attempts and grants (with their names and emails) go
    if (const auto identity = m_store.identityBySubject(grant->issuer, grant->subject)) {
        const std::optional<AuthStore::User> user = m_authStore.userById(identity->userId);
        if (!user)
            return ApiError::internalError();
        if (user->lockedAt)
            return ApiError::make(423, QStringLiteral("account_locked"),
                                  QStringLiteral("This account is locked. Contact the server's operator."));
        m_store.touchIdentity(identity->id, now);
        const AuthStore::Tokens tokens = m_authStore.startFamily(user->id, device, now, m_auth.lifetimes());
        qCInfo(lcSso) << "signed in with" << grant->providerId << user->id;
        return m_auth.sessionResponse(200, tokens, *user);
    }
    // Someone new: nothing is stored as an account until they confirm their age and accept the
    // notice (sign-up), or prove they own the account with the same verified email (link).
    const bool emailTaken = !grant->email.isEmpty() && m_authStore.userByEmail(grant->email).has_value();
    SsoStore::Grant pending = *grant;
    pending.kind = kPendingKind;
    pending.redirectUri.clear();
    pending.codeChallenge.clear();
    pending.expiresAt = now + kPendingTtlMs;
    const QString pendingToken = Secrets::randomToken();
    m_store.createGrant(pending, Secrets::sha256Hex(pendingToken), now);
    const OidcRelyingParty *party = provider(grant->providerId);
    return HttpResponse::json(
        202,
        QJsonObject {
            { QStringLiteral("next"), emailTaken ? QStringLiteral("link") : QStringLiteral("signup") },
            { QStringLiteral("pending_token"), pendingToken },
            { QStringLiteral("expires_in"), qint64(kPendingTtlMs / 1000) },
            { QStringLiteral("provider"),
              QJsonObject {
                  { QStringLiteral("id"), grant->providerId },
                  { QStringLiteral("display_name"), party ? party->config().displayName : grant->providerId } } },
            { QStringLiteral("display_name"), grant->name.isEmpty() ? QJsonValue() : QJsonValue(grant->name) },
            { QStringLiteral("email"), grant->email.isEmpty() ? QJsonValue() : QJsonValue(grant->email) },
        });
}

HttpResponse SsoEndpoints::signup(const HttpRequest &request)
{
    if (m_localMode)
        return ApiError::notAvailable();
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto pendingToken = body.string(QStringLiteral("pending_token"));
    // The same rules as email sign-up: name, age (the date is not stored) and the notice.
    const QString normalizedName = m_auth.readNewProfile(body);
    const QString device = readDeviceName(body);
    if (body.hasErrors())
        return ApiError::validation(body.errors());

    const std::int64_t now = m_clock.nowMs();
    const QString hash = Secrets::sha256Hex(*pendingToken);
    const std::optional<SsoStore::Grant> grant = m_store.peekGrant(hash, kPendingKind, now);
    if (!grant)
        return invalidCode();
    if (!grant->email.isEmpty() && m_authStore.userByEmail(grant->email))
        return ApiError::make(409, QStringLiteral("email_taken"),
                              QStringLiteral("An account with this email address already exists; sign in to it to "
                                             "connect this provider."));
    if (!m_store.consumeGrant(hash, kPendingKind, now))
        return invalidCode();
    const QString userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!m_store.createUserWithIdentity(userId, normalizedName, m_notice.version(), *grant, now))
        return ApiError::make(409, QStringLiteral("identity_in_use"),
                              QStringLiteral("This sign-in is already connected to an account."));
    const std::optional<AuthStore::User> user = m_authStore.userById(userId);
    if (!user)
        return ApiError::internalError();
    const AuthStore::Tokens tokens = m_authStore.startFamily(userId, device, now, m_auth.lifetimes());
    qCInfo(lcSso) << "account created with" << grant->providerId << userId;
    return m_auth.sessionResponse(201, tokens, *user);
}

HttpResponse SsoEndpoints::identities(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto error = m_auth.authenticate(request, &caller))
        return *error;
    const std::optional<AuthStore::User> user = m_authStore.userById(caller.userId);
    if (!user)
        return ApiError::unauthorized();
    QJsonArray list;
    for (const SsoStore::Identity &identity : m_store.identitiesOf(caller.userId))
        list.append(identityJson(identity));
    return HttpResponse::json(200,
                              QJsonObject { { QStringLiteral("has_password"), !user->passwordHash.isEmpty() },
                                            { QStringLiteral("identities"), list } });
}

HttpResponse SsoEndpoints::linkWithCode(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto error = m_auth.authenticate(request, &caller))
        return *error;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    HttpResponse refusal;
    const std::optional<SsoStore::Grant> grant = redeemCode(object, &refusal);
    if (!grant)
        return refusal;
    const std::int64_t now = m_clock.nowMs();
    if (const auto existing = m_store.identityBySubject(grant->issuer, grant->subject)) {
        if (existing->userId != caller.userId)
            return ApiError::make(409, QStringLiteral("identity_in_use"),
                                  QStringLiteral("This sign-in is already connected to another account."));
        m_store.touchIdentity(existing->id, now);
        return HttpResponse::json(200, identityJson(*existing));
    }
    SsoStore::Identity added;
    if (!m_store.addIdentity(caller.userId, *grant, now, &added))
        return ApiError::make(409, QStringLiteral("identity_in_use"),
                              QStringLiteral("This sign-in is already connected to another account."));
    qCInfo(lcSso) << "connected" << grant->providerId << "to" << caller.userId;
    return HttpResponse::json(201, identityJson(added));
}

HttpResponse SsoEndpoints::confirmLink(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto error = m_auth.authenticate(request, &caller))
        return *error;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto pendingToken = body.string(QStringLiteral("pending_token"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const std::int64_t now = m_clock.nowMs();
    const QString hash = Secrets::sha256Hex(*pendingToken);
    const std::optional<SsoStore::Grant> grant = m_store.peekGrant(hash, kPendingKind, now);
    if (!grant)
        return invalidCode();
    // Linking by email needs both: the provider vouched for the address, and the person just
    // signed in to the account that has it.
    const std::optional<AuthStore::User> user = m_authStore.userById(caller.userId);
    if (!user || grant->email.isEmpty() || user->email != grant->email)
        return ApiError::make(403, QStringLiteral("link_email_mismatch"),
                              QStringLiteral("This sign-in belongs to another email address than this account."));
    if (!m_store.consumeGrant(hash, kPendingKind, now))
        return invalidCode();
    SsoStore::Identity added;
    if (!m_store.addIdentity(caller.userId, *grant, now, &added))
        return ApiError::make(409, QStringLiteral("identity_in_use"),
                              QStringLiteral("This sign-in is already connected to an account."));
    qCInfo(lcSso) << "connected" << grant->providerId << "to" << caller.userId << "by verified email";
    return HttpResponse::json(201, identityJson(added));
}

HttpResponse SsoEndpoints::unlink(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto error = m_auth.authenticate(request, &caller))
        return *error;
    const QString id = QString::fromStdString(request.pathParams.at("id"));
    switch (m_store.removeIdentity(caller.userId, id)) {
    case SsoStore::RemoveResult::Removed:
        qCInfo(lcSso) << "disconnected an identity from" << caller.userId;
        return HttpResponse::noContent();
    case SsoStore::RemoveResult::NotFound:
        return ApiError::notFound();
    case SsoStore::RemoveResult::LastMethod:
        break;
    }
    return ApiError::make(
        409, QStringLiteral("last_sign_in_method"),
        QStringLiteral("This is the only way to sign in to this account; connect another one first."));
}

} // namespace pygmi::server
