#pragma once

#include "api/ApiError.h"
#include "api/NetworkActivity.h"
#include "privacy/Purpose.h"

#include <QByteArray>
#include <QIODevice>
#include <QPair>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkRequest;
class QNetworkReply;

namespace pygmi::core {

struct ApiResponse
{
    int httpStatus = 0;
    QJsonObject json; // the body when it was a JSON object
    QByteArray raw; // the body as received
    ApiError error; // isError() == false on 2xx
    QList<QPair<QByteArray, QByteArray>> headers; // as received
    bool ok() const { return !error.isError(); }
    // First value of a response header (name in any case); empty when absent.
    QByteArray header(const QByteArray &name) const;
};

struct ApiRequest
{
    QByteArray method = "GET";
    QString path; // "/v1/me"; joined to the base URL
    std::optional<QJsonObject> body;
    bool authenticated = true; // attach the bearer token and take part in refresh-and-retry
    int timeoutMs = 30000;
    // Only idempotent requests are retried on network errors; POSTs never are unless a
    // caller says it carries an idempotency key.
    bool idempotent = false;
    // Why this request is made; the gate drops it unless the purpose is currently allowed.
    Purpose purpose = Purpose::Necessary;
    // Exact bytes to send as the JSON body instead of `body` (the telemetry inspector shows
    // precisely these bytes).
    QByteArray rawBody;
    // The type of rawBody when it is not JSON (e.g. "application/offset+octet-stream" for tus).
    QByteArray contentType;
    // Further request headers (e.g. tus' Upload-Offset, Range for a resumed download); never
    // Authorization or Sec-GPC, which the client sets itself.
    QList<QPair<QByteArray, QByteArray>> headers;
    // Called as the body goes out (bytes sent, total).
    std::function<void(qint64, qint64)> uploadProgress;
    // When set, a successful (2xx) body is written here as it arrives instead of being kept in
    // memory (ApiResponse::raw stays empty); error bodies are still read as JSON.
    QIODevice *sink = nullptr;
};

// The one door to the network. Every request of the app passes here, so that TLS policy,
// timeouts, retries, authentication and (later) consent headers are enforced once.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const ApiResponse &)>;

    explicit ApiClient(QObject *parent = nullptr);
    ~ApiClient() override;

    // The API version this client speaks; a server whose api_version is lower is "too old".
    static constexpr int kRequiredApiVersion = 1;

    // Returns an error (code "insecure_url" or "invalid_url") if the URL may not be used:
    // it must be https, or http on a loopback address (127.0.0.0/8, ::1, localhost).
    static ApiError checkServerUrl(const QUrl &url);
    // Normalises what a person typed ("pygmi.example", "https://h:1/") into a base URL.
    static QUrl normalizeServerUrl(const QString &text);

    void setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_baseUrl; }

    void setAccessToken(const QString &token);
    QString accessToken() const { return m_accessToken; }
    bool hasAccessToken() const { return !m_accessToken.isEmpty(); }

    // Sends the request; `done` runs on the caller's thread unless `context` was destroyed.
    void send(const ApiRequest &request, QObject *context, Callback done);

    // The upgrade request of a WebSocket on `path` ("/v1/events?since=3"): ws:// or wss:// on the
    // server's address, with the same identifying and authentication headers as send(), so
    // that streams pass the same gate as every other request. Empty URL if the server URL is
    // unusable (see checkServerUrl).
    QNetworkRequest webSocketRequest(const QString &path);

    // Stops every request sent with this context without calling back (e.g. a paused upload).
    void abort(QObject *context);

    // Convenience wrappers.
    void get(const QString &path, QObject *context, Callback done);
    void post(const QString &path, const QJsonObject &body, QObject *context, Callback done,
              bool authenticated = true);

    // Authenticated requests that got 401 wait here while a SessionManager refreshes the
    // access token: call resumeAfterRefresh(true) to resend them, (false) to fail them.
    void resumeAfterRefresh(bool refreshed);
    // Like resumeAfterRefresh(false), but the waiting requests fail with `error` (e.g. the
    // refresh could not reach the server: "offline" is truer than "signed out").
    void failWaitingForAuth(const ApiError &error);
    int pendingAuthCount() const;

    // Tests and diagnostics: number of requests sent since start.
    quint64 requestCount() const { return m_requestCount; }

    // Consent and Global Privacy Control, consulted for every request (not owned; may be null).
    void setNetworkPolicy(const NetworkPolicy *policy) { m_policy = policy; }
    // The most recent contacts (and dropped attempts), oldest first.
    QList<NetworkActivity> activity() const { return m_activity; }
    void clearActivity() { m_activity.clear(); }

Q_SIGNALS:
    // An authenticated request was refused with 401 (token expired or revoked).
    void authenticationRequired();
    // The server could not be reached / was reached again; drives the offline state.
    void reachabilityChanged(bool reachable);
    void activityRecorded(const pygmi::core::NetworkActivity &activity);

private:
    struct Pending;
    void dispatch(std::shared_ptr<Pending> pending);
    void finish(std::shared_ptr<Pending> pending, QNetworkReply *reply);
    // Runs the caller's callback unless the caller's context object is gone.
    void deliver(const std::shared_ptr<Pending> &pending, const ApiResponse &response);
    void setReachable(bool reachable);
    QUrl urlFor(const QString &path) const;

    QNetworkAccessManager *m_nam = nullptr;
    QUrl m_baseUrl;
    QString m_accessToken;
    QList<std::shared_ptr<Pending>> m_waitingForAuth;
    QHash<QNetworkReply *, std::shared_ptr<Pending>> m_inFlight;
    bool m_reachable = true;
    quint64 m_requestCount = 0;
    const NetworkPolicy *m_policy = nullptr;
    QList<NetworkActivity> m_activity;
    void recordActivity(const ApiRequest &request, bool sent, bool gpc);
    // User agent, bearer token and Sec-GPC: the headers every request and the WebSocket share.
    // Returns whether Sec-GPC was added.
    bool applyCommonHeaders(QNetworkRequest &request, bool authenticated) const;
};

} // namespace pygmi::core
