#include "OidcRelyingParty.h"

#include "OutboundHttp.h"
#include "SsoLogging.h"
#include "common/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace pygmi::server {

namespace {

QByteArray formEncode(const QList<std::pair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &[name, value] : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

} // namespace

OidcRelyingParty::OidcRelyingParty(OidcProviderConfig config, const Clock &clock)
    : m_config(std::move(config))
    , m_clock(clock)
{ }

std::optional<OidcRelyingParty::Metadata> OidcRelyingParty::metadata(Error *error)
{
    std::lock_guard lock(m_mutex);
    const std::int64_t now = m_clock.nowMs();
    if (m_metadata && now - m_metadataAt < kDiscoveryTtlMs)
        return m_metadata;
    QString base = m_config.issuer;
    while (base.endsWith(u'/'))
        base.chop(1);
    OutboundHttp::Request request;
    request.url = QUrl(base + QStringLiteral("/.well-known/openid-configuration"));
    const OutboundHttp::Response response = OutboundHttp::send(request);
    const QJsonObject document = QJsonDocument::fromJson(response.body).object();
    const auto endpoint = [&](const char *name) { return QUrl(document.value(QLatin1String(name)).toString()); };
    Metadata metadata { endpoint("authorization_endpoint"), endpoint("token_endpoint"), endpoint("jwks_uri") };
    const bool issuerIsHttps = QUrl(m_config.issuer).scheme() == QLatin1String("https");
    const auto acceptable = [&](const QUrl &url) {
        return OutboundHttp::isAllowedUrl(url) && (!issuerIsHttps || url.scheme() == QLatin1String("https"));
    };
    if (!response.ok() || document.isEmpty()) {
        *error = { QStringLiteral("provider_unavailable"),
                   QStringLiteral("discovery failed: %1 %2").arg(response.status).arg(response.error) };
        return std::nullopt;
    }
    // The document must speak for exactly the issuer we were configured with (OIDC Discovery §4.3).
    if (document.value(QStringLiteral("issuer")).toString() != m_config.issuer
        || !acceptable(metadata.authorizationEndpoint) || !acceptable(metadata.tokenEndpoint)
        || !acceptable(metadata.jwksUri)) {
        *error = { QStringLiteral("provider_unavailable"),
                   QStringLiteral("discovery document does not match the issuer") };
        qCWarning(lcSso) << "discovery document of" << m_config.id << "does not match its configured issuer";
        return std::nullopt;
    }
    m_metadata = metadata;
    m_metadataAt = now;
    return metadata;
}

QUrl OidcRelyingParty::authorizationUrl(const Metadata &metadata, const QUrl &callback, const QString &state,
                                        const QString &nonce, const QString &codeChallenge) const
{
    QUrl url = metadata.authorizationEndpoint;
    QUrlQuery query(url);
    const auto add = [&](const QString &name, const QString &value) {
        query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    };
    add(QStringLiteral("response_type"), QStringLiteral("code"));
    add(QStringLiteral("client_id"), m_config.clientId);
    add(QStringLiteral("redirect_uri"), callback.toString(QUrl::FullyEncoded));
    add(QStringLiteral("scope"), m_config.scopes.join(u' '));
    add(QStringLiteral("state"), state);
    add(QStringLiteral("nonce"), nonce);
    add(QStringLiteral("code_challenge"), codeChallenge);
    add(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

std::optional<JwkSet> OidcRelyingParty::keys(const Metadata &metadata, bool forceRefresh, Error *error)
{
    std::lock_guard lock(m_mutex);
    const std::int64_t now = m_clock.nowMs();
    const bool fresh = m_keys && now - m_keysAt < kKeysTtlMs;
    const bool mayRefetch = !m_keys || now - m_keysAt >= kKeyRefetchMs;
    if (fresh && (!forceRefresh || !mayRefetch))
        return m_keys;
    OutboundHttp::Request request;
    request.url = metadata.jwksUri;
    const OutboundHttp::Response response = OutboundHttp::send(request);
    bool ok = false;
    JwkSet set = JwkSet::parse(response.body, &ok);
    if (!response.ok() || !ok) {
        if (m_keys)
            return m_keys; // keep using the keys we have while the provider hiccups
        *error = { QStringLiteral("provider_unavailable"), QStringLiteral("cannot fetch the provider's keys") };
        return std::nullopt;
    }
    m_keys = std::move(set);
    m_keysAt = now;
    qCInfo(lcSso) << "fetched" << m_keys->size() << "signing keys of" << m_config.id;
    return m_keys;
}

std::optional<IdTokenVerifier::Claims> OidcRelyingParty::redeem(const QString &code, const QString &codeVerifier,
                                                                const QUrl &callback, const QString &nonce,
                                                                Error *error)
{
    const std::optional<Metadata> meta = metadata(error);
    if (!meta)
        return std::nullopt;
    OutboundHttp::Request request;
    request.method = "POST";
    request.url = meta->tokenEndpoint;
    request.contentType = "application/x-www-form-urlencoded";
    QList<std::pair<QString, QString>> form { { QStringLiteral("grant_type"), QStringLiteral("authorization_code") },
                                              { QStringLiteral("code"), code },
                                              { QStringLiteral("redirect_uri"), callback.toString(QUrl::FullyEncoded) },
                                              { QStringLiteral("code_verifier"), codeVerifier } };
    if (m_config.clientSecret.isEmpty()) {
        form.append({ QStringLiteral("client_id"), m_config.clientId });
    } else {
        // client_secret_basic (RFC 6749 §2.3.1): both parts form-encoded before base64.
        const QByteArray pair
            = QUrl::toPercentEncoding(m_config.clientId) + ':' + QUrl::toPercentEncoding(m_config.clientSecret);
        request.headers.emplace_back("Authorization", "Basic " + pair.toBase64());
    }
    request.body = formEncode(form);
    const OutboundHttp::Response response = OutboundHttp::send(request);
    const QJsonObject answer = QJsonDocument::fromJson(response.body).object();
    if (!response.error.isEmpty()) {
        *error = { QStringLiteral("provider_unavailable"), response.error };
        return std::nullopt;
    }
    const QString idToken = answer.value(QStringLiteral("id_token")).toString();
    if (!response.ok() || idToken.isEmpty()) {
        *error = { QStringLiteral("token_refused"),
                   QStringLiteral("token endpoint answered %1 %2")
                       .arg(response.status)
                       .arg(answer.value(QStringLiteral("error")).toString().left(64)) };
        return std::nullopt;
    }

    IdTokenVerifier::Expectations expected;
    expected.issuer = m_config.issuer;
    expected.clientId = m_config.clientId;
    expected.nonce = nonce;
    expected.nowSeconds = m_clock.nowMs() / 1000;
    std::optional<JwkSet> set = keys(*meta, false, error);
    if (!set)
        return std::nullopt;
    IdTokenVerifier::Failure failure;
    std::optional<IdTokenVerifier::Claims> claims = IdTokenVerifier::verify(idToken, *set, expected, &failure);
    if (!claims && failure == IdTokenVerifier::Failure::UnknownKey) {
        // The provider may have rotated its keys since we last looked.
        set = keys(*meta, true, error);
        if (!set)
            return std::nullopt;
        claims = IdTokenVerifier::verify(idToken, *set, expected, &failure);
    }
    if (!claims) {
        *error = { IdTokenVerifier::failureCode(failure), QStringLiteral("ID token refused") };
        qCWarning(lcSso) << "ID token from" << m_config.id << "refused:" << error->code;
        return std::nullopt;
    }
    return claims;
}

} // namespace pygmi::server
