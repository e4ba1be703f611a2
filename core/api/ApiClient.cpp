#include "api/ApiClient.h"

#include "Logging.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonValue>
#include <QMetaMethod>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslError>
#include <QTimer>

#include <algorithm>
#include <array>
#include <utility>

namespace pygmi::core {

namespace {

// Short, bounded backoff: a user waiting on a button should not wait more than a second or two
// for the app to give up on a flaky connection.
constexpr std::array<int, 2> kRetryDelaysMs { 300, 1000 };

bool isLoopbackHost(const QString &host)
{
    QString h = host.toLower();
    if (h.endsWith(u'.'))
        h.chop(1);
    if (h == u"localhost")
        return true;
    QHostAddress address;
    return address.setAddress(h) && address.isLoopback();
}

bool isTransportError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::BackgroundRequestNotAllowedError:
    case QNetworkReply::TooManyRedirectsError:
    case QNetworkReply::InsecureRedirectError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
    case QNetworkReply::UnknownProxyError:
        return true;
    default:
        return false;
    }
}

bool isAuthRefusal(const ApiResponse &response)
{
    if (response.httpStatus != 401)
        return false;
    const QString code = response.error.code();
    return code == u"token_expired" || code == u"unauthorized" || code == u"invalid_token";
}

} // namespace

struct ApiClient::Pending
{
    ApiRequest request;
    QPointer<QObject> context;
    bool hasContext = false; // a null context means "always call back"
    Callback done;
    int attempt = 0;
    bool resentAfterAuth = false;
    bool sslFailed = false;
    QString tokenUsed;
    ApiResponse authFailure; // delivered if the refresh that this request waits for fails
};

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    // Tokens and personal data never go to a disk cache or a cookie jar.
    m_nam->setCookieJar(nullptr);
    m_nam->setCache(nullptr);
    m_nam->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
}

ApiClient::~ApiClient()
{
    // Aborting emits finished(); disconnect first so no callback runs into a half-destroyed client.
    const auto replies = m_inFlight.keys();
    m_inFlight.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
    m_waitingForAuth.clear();
}

ApiError ApiClient::checkServerUrl(const QUrl &url)
{
    if (!url.isValid() || url.isRelative() || url.host().isEmpty())
        return ApiError(ApiError::Kind::Client, QStringLiteral("invalid_url"));
    // Credentials inside a URL would end up in logs and history; the API never needs them.
    if (!url.userInfo().isEmpty())
        return ApiError(ApiError::Kind::Client, QStringLiteral("invalid_url"));
    const QString scheme = url.scheme().toLower();
    if (scheme == u"https")
        return {};
    if (scheme != u"http")
        return ApiError(ApiError::Kind::Client, QStringLiteral("invalid_url"));
    if (isLoopbackHost(url.host()))
        return {};
    return ApiError(ApiError::Kind::Client, QStringLiteral("insecure_url"));
}

QUrl ApiClient::normalizeServerUrl(const QString &text)
{
    QString t = text.trimmed();
    if (t.isEmpty())
        return {};
    // People type bare host names; a secure connection is the only sensible default.
    if (!t.contains(QStringLiteral("://")))
        t.prepend(QStringLiteral("https://"));
    QUrl url(t, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return {};
    url.setScheme(url.scheme().toLower());
    if ((url.scheme() == u"https" && url.port() == 443) || (url.scheme() == u"http" && url.port() == 80))
        url.setPort(-1);
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    return url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
}

void ApiClient::setBaseUrl(const QUrl &url)
{
    m_baseUrl = url;
}

void ApiClient::setAccessToken(const QString &token)
{
    m_accessToken = token;
}

void ApiClient::get(const QString &path, QObject *context, Callback done)
{
    ApiRequest request;
    request.method = "GET";
    request.path = path;
    request.idempotent = true;
    send(request, context, std::move(done));
}

void ApiClient::post(const QString &path, const QJsonObject &body, QObject *context, Callback done,
                     bool authenticated)
{
    ApiRequest request;
    request.method = "POST";
    request.path = path;
    request.body = body;
    request.authenticated = authenticated;
    send(request, context, std::move(done));
}

void ApiClient::send(const ApiRequest &request, QObject *context, Callback done)
{
    auto pending = std::make_shared<Pending>();
    pending->request = request;
    pending->context = context;
    pending->hasContext = context != nullptr;
    pending->done = std::move(done);

    // Refused before anything leaves the machine: a non-loopback http URL would send
    // passwords and tokens in clear text.
    const ApiError urlError = checkServerUrl(m_baseUrl);
    if (urlError) {
        qCWarning(lcApi) << "refusing request to an unusable server URL:" << urlError.code();
        ApiResponse response;
        response.error = urlError;
        // Always asynchronous, so callers see one behaviour whatever the outcome.
        QTimer::singleShot(0, this, [this, pending, response] { deliver(pending, response); });
        return;
    }
    dispatch(pending);
}

bool ApiClient::applyCommonHeaders(QNetworkRequest &request, bool authenticated) const
{
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("PygmiStudio/" PYGMI_VERSION));
    if (authenticated)
        request.setRawHeader("Authorization", "Bearer " + m_accessToken.toUtf8());
    const bool gpc = m_policy && m_policy->sendsGpc();
    if (gpc)
        request.setRawHeader("Sec-GPC", "1");
    return gpc;
}

void ApiClient::recordActivity(const ApiRequest &request, bool sent, bool gpc)
{
    NetworkActivity entry;
    entry.time = QDateTime::currentDateTimeUtc();
    const QUrl url = urlFor(request.path);
    entry.destination
        = url.toString(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
    entry.method = QString::fromLatin1(request.method);
    entry.path = url.path();
    entry.purpose = request.purpose;
    entry.sent = sent;
    entry.gpc = gpc;
    constexpr qsizetype kKept = 500;
    if (m_activity.size() >= kKept)
        m_activity.removeFirst();
    m_activity.append(entry);
    emit activityRecorded(entry);
}

int ApiClient::pendingAuthCount() const
{
    return int(m_waitingForAuth.size());
}

void ApiClient::resumeAfterRefresh(bool refreshed)
{
    const auto waiting = std::exchange(m_waitingForAuth, {});
    qCDebug(lcApi) << "resuming" << waiting.size() << "requests after refresh, refreshed:" << refreshed;
    for (const auto &pending : waiting) {
        if (refreshed) {
            pending->resentAfterAuth = true;
            dispatch(pending);
        } else {
            deliver(pending, pending->authFailure);
        }
    }
}

void ApiClient::failWaitingForAuth(const ApiError &error)
{
    const auto waiting = std::exchange(m_waitingForAuth, {});
    for (const auto &pending : waiting) {
        ApiResponse response = pending->authFailure;
        response.httpStatus = 0;
        response.json = {};
        response.raw.clear();
        response.error = error;
        deliver(pending, response);
    }
}

QUrl ApiClient::urlFor(const QString &path) const
{
    QUrl url = m_baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    const qsizetype question = path.indexOf(u'?');
    url.setPath(basePath + (question < 0 ? path : path.left(question)));
    url.setQuery(question < 0 ? QString() : path.mid(question + 1));
    url.setFragment(QString());
    return url;
}

QNetworkRequest ApiClient::webSocketRequest(const QString &path)
{
    if (checkServerUrl(m_baseUrl))
        return QNetworkRequest();
    QUrl url = urlFor(path);
    url.setScheme(url.scheme() == u"https" ? QStringLiteral("wss") : QStringLiteral("ws"));
    QNetworkRequest request(url);
    // The live-update socket is necessary for the app to work; it still carries the same
    // headers and shows up in the network activity list like every other request.
    ApiRequest described;
    described.path = path;
    described.purpose = Purpose::Necessary;
    const bool gpc = applyCommonHeaders(request, !m_accessToken.isEmpty());
    ++m_requestCount;
    recordActivity(described, true, gpc);
    qCDebug(lcApi) << "WebSocket" << path.section(u'?', 0, 0);
    return request;
}

// The single dispatch path: every request, first attempt, retry or resend after a refresh,
// is built here, so that headers and policies added later apply to all of them.
void ApiClient::dispatch(std::shared_ptr<Pending> pending)
{
    if (pending->hasContext && !pending->context)
        return; // the caller is gone; nobody wants the answer

    const ApiRequest &r = pending->request;
    // The one consent check, on every attempt (a retry after a withdrawal must not go out either):
    // a request whose purpose is not allowed never leaves the machine.
    if (m_policy && !m_policy->allows(r.purpose)) {
        recordActivity(r, false, false);
        ApiResponse response;
        response.error = ApiError(ApiError::Kind::Client, QStringLiteral("consent_required"));
        QTimer::singleShot(0, this, [this, pending, response] { deliver(pending, response); });
        return;
    }
    QNetworkRequest request(urlFor(r.path));
    request.setTransferTimeout(r.timeoutMs);
    request.setRawHeader("Accept", "application/json");
    const bool authenticated = r.authenticated && !m_accessToken.isEmpty();
    pending->tokenUsed = authenticated ? m_accessToken : QString();
    const bool gpc = applyCommonHeaders(request, authenticated);
    for (const auto &[name, value] : r.headers) {
        if (name.compare("authorization", Qt::CaseInsensitive) != 0 && name.compare("sec-gpc", Qt::CaseInsensitive) != 0)
            request.setRawHeader(name, value);
    }
    QByteArray body;
    if (!r.rawBody.isEmpty() || !r.contentType.isEmpty()) {
        body = r.rawBody;
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          r.contentType.isEmpty() ? QByteArrayLiteral("application/json") : r.contentType);
    } else if (r.body) {
        body = QJsonDocument(*r.body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }

    QNetworkReply *reply = nullptr;
    if (r.method == "GET" && body.isEmpty())
        reply = m_nam->get(request);
    else if (r.method == "HEAD")
        reply = m_nam->head(request);
    else
        reply = m_nam->sendCustomRequest(request, r.method, body);
    ++m_requestCount;
    recordActivity(r, true, gpc);
    m_inFlight.insert(reply, pending);
    qCDebug(lcApi) << r.method << r.path.section(u'?', 0, 0) << "attempt" << pending->attempt + 1;

    if (r.uploadProgress)
        connect(reply, &QNetworkReply::uploadProgress, this, [pending](qint64 sent, qint64 total) {
            if (!pending->hasContext || pending->context)
                pending->request.uploadProgress(sent, total);
        });
    // TLS errors are recorded, never ignored: Qt then aborts the handshake.
    connect(reply, &QNetworkReply::sslErrors, this, [pending](const QList<QSslError> &errors) {
        pending->sslFailed = true;
        for (const QSslError &e : errors)
            qCWarning(lcApi) << "TLS error:" << e.errorString();
    });
    if (r.sink) {
        connect(reply, &QNetworkReply::readyRead, this, [reply, sink = QPointer<QIODevice>(r.sink)] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (sink && status >= 200 && status < 300)
                sink->write(reply->readAll());
        });
    }
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        const auto pending = m_inFlight.take(reply);
        if (pending)
            finish(pending, reply);
        else
            reply->deleteLater();
    });
}

void ApiClient::finish(std::shared_ptr<Pending> pending, QNetworkReply *reply)
{
    reply->deleteLater();
    ApiResponse response;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    response.httpStatus = status.isValid() ? status.toInt() : 0;
    if (reply->isOpen()) // an aborted (timed-out) reply is closed; reading it only warns
        response.raw = reply->readAll();
    response.headers = reply->rawHeaderPairs();
    if (pending->request.sink && response.httpStatus >= 200 && response.httpStatus < 300) {
        pending->request.sink->write(response.raw);
        response.raw.clear();
    }
    const QNetworkReply::NetworkError netError = reply->error();
    const QString path = pending->request.path.section(u'?', 0, 0);

    if (response.httpStatus == 0 || isTransportError(netError) || pending->sslFailed) {
        if (pending->sslFailed || netError == QNetworkReply::SslHandshakeFailedError) {
            response.error = ApiError(ApiError::Kind::Tls, QStringLiteral("tls_error"), reply->errorString());
        } else if (netError == QNetworkReply::OperationCanceledError || netError == QNetworkReply::TimeoutError) {
            // Qt reports the transfer timeout as a cancellation; we never cancel on our own
            // except in the destructor, which disconnects first.
            response.error = ApiError(ApiError::Kind::Timeout, QStringLiteral("timeout"), reply->errorString());
        } else {
            response.error
                = ApiError(ApiError::Kind::Network, QStringLiteral("network_unreachable"), reply->errorString());
        }
        response.httpStatus = 0;
        qCInfo(lcApi) << pending->request.method << path << "failed:" << response.error.code()
                      << response.error.serverMessage();

        const bool retriable = response.error.kind() == ApiError::Kind::Network && pending->request.idempotent;
        if (retriable && pending->attempt < int(kRetryDelaysMs.size())) {
            const int delay = kRetryDelaysMs[size_t(pending->attempt)];
            ++pending->attempt;
            QTimer::singleShot(delay, this, [this, pending] { dispatch(pending); });
            return;
        }
        if (response.error.kind() != ApiError::Kind::Tls)
            setReachable(false);
        deliver(pending, response);
        return;
    }

    setReachable(true);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(response.raw, &parseError);
    if (parseError.error == QJsonParseError::NoError && doc.isObject())
        response.json = doc.object();
    const bool looksJson
        = reply->header(QNetworkRequest::ContentTypeHeader).toString().contains(QStringLiteral("json"));

    if (response.httpStatus >= 200 && response.httpStatus < 300) {
        if (!response.raw.isEmpty() && looksJson && parseError.error != QJsonParseError::NoError) {
            response.error = ApiError(ApiError::Kind::Protocol, QStringLiteral("bad_response"),
                                      QStringLiteral("invalid JSON in a successful answer"), response.httpStatus);
        }
        qCDebug(lcApi) << pending->request.method << path << response.httpStatus;
        deliver(pending, response);
        return;
    }

    const ApiError error
        = ApiError::fromHttpAnswer(response.httpStatus, response.json, reply->rawHeader("Retry-After"));
    const QString code = error.code();
    response.error = error;
    qCInfo(lcApi) << pending->request.method << path << response.httpStatus << code;

    if (pending->request.authenticated && isAuthRefusal(response) && !pending->tokenUsed.isEmpty()) {
        if (!m_accessToken.isEmpty() && pending->tokenUsed != m_accessToken && !pending->resentAfterAuth) {
            // The token was refreshed while this request was on the way: just send it again.
            pending->resentAfterAuth = true;
            dispatch(pending);
            return;
        }
        // Parked only if someone can refresh; otherwise the request would wait forever.
        static const QMetaMethod signal = QMetaMethod::fromSignal(&ApiClient::authenticationRequired);
        if (!pending->resentAfterAuth && isSignalConnected(signal)) {
            pending->authFailure = response;
            m_waitingForAuth.append(pending);
            emit authenticationRequired();
            return;
        }
    }
    deliver(pending, response);
}

void ApiClient::abort(QObject *context)
{
    if (!context)
        return;
    const auto replies = m_inFlight.keys();
    for (QNetworkReply *reply : replies) {
        const auto pending = m_inFlight.value(reply);
        if (!pending || pending->context != context)
            continue;
        m_inFlight.remove(reply);
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    m_waitingForAuth.erase(std::remove_if(m_waitingForAuth.begin(), m_waitingForAuth.end(),
                                          [context](const auto &pending) { return pending->context == context; }),
                           m_waitingForAuth.end());
}

QByteArray ApiResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void ApiClient::deliver(const std::shared_ptr<Pending> &pending, const ApiResponse &response)
{
    if (pending->hasContext && !pending->context)
        return;
    if (pending->done)
        pending->done(response);
}

void ApiClient::setReachable(bool reachable)
{
    if (m_reachable == reachable)
        return;
    m_reachable = reachable;
    qCInfo(lcApi) << (reachable ? "server reachable again" : "server unreachable");
    emit reachabilityChanged(reachable);
}

} // namespace pygmi::core
