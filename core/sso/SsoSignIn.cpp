#include "sso/SsoSignIn.h"

#include "api/ApiClient.h"
#include "sso/LoopbackListener.h"
#include "sso/SsoLogging.h"

#include <QCryptographicHash>
#include <QSysInfo>
#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace pygmi::core {

Q_LOGGING_CATEGORY(lcSso, "pygmi.core.sso")

namespace {

QString randomUrlSafe(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(raw.data()), bytes) != 1)
        return {};
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

bool equalConstantTime(const QString &a, const QString &b)
{
    const QByteArray x = a.toUtf8();
    const QByteArray y = b.toUtf8();
    return x.size() == y.size() && !x.isEmpty()
        && CRYPTO_memcmp(x.constData(), y.constData(), std::size_t(x.size())) == 0;
}

ApiError ssoError(const QString &code, const QString &detail = {})
{
    return ApiError(ApiError::Kind::Client, code, detail);
}

} // namespace

SsoSignIn::SsoSignIn(ApiClient *api, BrowserOpener opener, ListenerFactory listeners, SessionSink sink, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_opener(std::move(opener))
    , m_listeners(std::move(listeners))
    , m_sink(std::move(sink))
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (isWaiting())
            finish(State::TimedOut, ssoError(QStringLiteral("sso_timeout")));
    });
}

SsoSignIn::~SsoSignIn() = default;

QString SsoSignIn::generateVerifier()
{
    return randomUrlSafe(32); // 43 characters, within RFC 7636's 43..128
}

QString SsoSignIn::challengeFor(const QString &verifier)
{
    return QString::fromLatin1(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void SsoSignIn::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void SsoSignIn::start(const QString &providerId, Purpose purpose, int timeoutMs)
{
    ++m_run;
    m_providerId = providerId;
    m_purpose = purpose;
    m_timeoutMs = timeoutMs;
    m_error = {};
    m_pending = {};
    m_identity = {};
    m_browserOpened = false;
    m_verifier = generateVerifier();
    m_expectedState = randomUrlSafe(24);
    if (m_verifier.isEmpty() || m_expectedState.isEmpty()) {
        finish(State::Failed, ssoError(QStringLiteral("listener_failed"), QStringLiteral("no randomness")));
        return;
    }
    m_listener = m_listeners();
    QString why;
    if (!m_listener || !m_listener->listen(&why)) {
        qCWarning(lcSso) << "cannot listen for the browser:" << why;
        finish(State::Failed, ssoError(QStringLiteral("listener_failed"), why));
        return;
    }
    m_listener->setStateCheck([this](const QString &state) { return equalConstantTime(state, m_expectedState); });
    connect(m_listener.get(), &LoopbackListener::callbackReceived, this, &SsoSignIn::onCallback);
    connect(m_listener.get(), &LoopbackListener::callbackRejected, this, [this] {
        Q_EMIT browserReturned();
        if (isWaiting())
            finish(State::Failed, ssoError(QStringLiteral("state_mismatch")));
    });
    m_redirectUri = m_listener->redirectUri();

    QUrl url = m_api->baseUrl();
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(
        path + QStringLiteral("/v1/auth/sso/%1/start").arg(QString::fromLatin1(QUrl::toPercentEncoding(providerId))));
    QUrlQuery query;
    const auto add = [&](const QString &name, const QString &value) {
        query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    };
    add(QStringLiteral("redirect_uri"), m_redirectUri.toString(QUrl::FullyEncoded));
    add(QStringLiteral("state"), m_expectedState);
    add(QStringLiteral("code_challenge"), challengeFor(m_verifier));
    add(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    m_authorizationUrl = url;

    setState(State::WaitingForBrowser);
    m_timeout.start(timeoutMs);
    m_browserOpened = m_opener && m_opener(url);
    if (!m_browserOpened)
        qCInfo(lcSso) << "no browser opened; the app offers the link instead";
    // Re-announce so that the UI can show the copy-link fallback.
    Q_EMIT stateChanged(m_state);
}

void SsoSignIn::cancel()
{
    if (isWaiting())
        finish(State::Cancelled);
}

void SsoSignIn::onCallback(const QUrlQuery &query)
{
    Q_EMIT browserReturned();
    if (m_state != State::WaitingForBrowser)
        return;
    const auto value = [&](const char *name) { return query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded); };
    const QString error = value("error");
    if (!error.isEmpty()) {
        static const QStringList known { QStringLiteral("access_denied"), QStringLiteral("invalid_id_token"),
                                         QStringLiteral("provider_error"), QStringLiteral("invalid_response") };
        finish(State::Failed,
               ssoError(known.contains(error) ? error : QStringLiteral("provider_error"),
                        value("error_description").left(64)));
        return;
    }
    const QString code = value("code");
    if (code.isEmpty()) {
        finish(State::Failed, ssoError(QStringLiteral("invalid_response")));
        return;
    }
    exchange(code);
}

void SsoSignIn::exchange(const QString &code)
{
    setState(State::Exchanging);
    ApiRequest request;
    request.method = "POST";
    request.path
        = m_purpose == Purpose::Link ? QStringLiteral("/v1/me/identities") : QStringLiteral("/v1/auth/sso/token");
    request.authenticated = m_purpose == Purpose::Link;
    request.timeoutMs = 20000;
    request.body = QJsonObject { { QStringLiteral("code"), code },
                                 { QStringLiteral("code_verifier"), m_verifier },
                                 { QStringLiteral("redirect_uri"), m_redirectUri.toString(QUrl::FullyEncoded) },
                                 { QStringLiteral("device_name"), QSysInfo::machineHostName().left(64) } };
    const quint64 run = m_run;
    m_api->send(request, this, [this, run](const ApiResponse &response) {
        if (run != m_run || m_state != State::Exchanging)
            return;
        if (!response.ok()) {
            finish(State::Failed, response.error);
            return;
        }
        if (m_purpose == Purpose::Link) {
            m_identity = response.json;
            finish(State::Linked);
            return;
        }
        if (response.httpStatus == 202) {
            const QJsonObject provider = response.json.value(QStringLiteral("provider")).toObject();
            m_pending.token = response.json.value(QStringLiteral("pending_token")).toString();
            m_pending.next = response.json.value(QStringLiteral("next")).toString();
            m_pending.providerId = provider.value(QStringLiteral("id")).toString();
            m_pending.providerName = provider.value(QStringLiteral("display_name")).toString();
            m_pending.displayName = response.json.value(QStringLiteral("display_name")).toString();
            m_pending.email = response.json.value(QStringLiteral("email")).toString();
            if (m_pending.token.isEmpty())
                finish(State::Failed, ssoError(QStringLiteral("bad_response")));
            else
                finish(m_pending.next == QLatin1String("link") ? State::NeedsLink : State::NeedsSignUp);
            return;
        }
        if (!m_sink) {
            finish(State::Failed, ssoError(QStringLiteral("bad_response")));
            return;
        }
        m_sink(response.json, [this, run](const ApiError &error) {
            if (run != m_run)
                return;
            if (error)
                finish(State::Failed, error);
            else
                finish(State::SignedIn);
        });
    });
}

void SsoSignIn::finish(State state, const ApiError &error)
{
    ++m_run; // late answers of this attempt change nothing now
    m_timeout.stop();
    m_error = error;
    // Forget every transient secret of this attempt.
    m_verifier.fill(u'0');
    m_verifier.clear();
    m_expectedState.clear();
    if (m_listener) {
        m_listener->close();
        m_listener.release()->deleteLater();
    }
    if (error)
        qCInfo(lcSso) << "browser sign-in ended:" << error.code() << error.serverMessage();
    setState(state);
    Q_EMIT finished();
}

} // namespace pygmi::core
