#include "generation/EventStream.h"

#include "api/ApiClient.h"
#include "generation/GenerationLogging.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <cmath>

namespace pygmi::core {

EventStream::EventStream(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_retryTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &EventStream::connectNow);
}

EventStream::~EventStream()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void EventStream::setBackoff(int initialMs, int maxMs)
{
    m_initialBackoffMs = qMax(1, initialMs);
    m_maxBackoffMs = qMax(m_initialBackoffMs, maxMs);
}

void EventStream::start()
{
    if (m_running)
        return;
    m_running = true;
    m_failures = 0;
    connectNow();
}

void EventStream::stop()
{
    m_running = false;
    m_retryTimer->stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    setState(State::Stopped);
}

void EventStream::dropConnection()
{
    if (m_socket)
        m_socket->abort();
}

void EventStream::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    qCInfo(lcEvents) << "event stream" << state;
    Q_EMIT stateChanged(state);
}

void EventStream::connectNow()
{
    if (!m_running)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    const QNetworkRequest request = m_api->webSocketRequest(QStringLiteral("/v1/events?since=%1").arg(m_lastSeq));
    if (request.url().isEmpty()) {
        m_socket = nullptr;
        scheduleReconnect();
        return;
    }
    if (m_state != State::Offline)
        setState(State::Connecting);
    m_helloSeen = false;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, &EventStream::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &EventStream::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &EventStream::onTextMessage);
    // TLS problems are never ignored: the handshake fails and we try again later.
    connect(m_socket, &QWebSocket::sslErrors, this, [](const QList<QSslError> &errors) {
        qCWarning(lcEvents) << "TLS errors on the event stream:" << errors.size();
    });
    m_socket->open(request);
}

void EventStream::onConnected()
{
    qCDebug(lcEvents) << "connected, since" << m_lastSeq;
}

void EventStream::onDisconnected()
{
    auto *socket = qobject_cast<QWebSocket *>(sender());
    if (socket != m_socket)
        return;
    qCInfo(lcEvents) << "event stream closed:" << socket->closeCode() << socket->errorString();
    m_socket->deleteLater();
    m_socket = nullptr;
    if (!m_running)
        return;
    if (m_helloSeen)
        m_failures = 0;
    setState(State::Offline);
    if (!m_helloSeen && m_failures > 0) {
        // The upgrade may have been refused because the access token expired: an ordinary
        // authenticated request through ApiClient refreshes it (and tells us whether the
        // server is reachable at all) before the next attempt.
        m_api->get(QStringLiteral("/v1/me"), this, [](const ApiResponse &) {});
    }
    scheduleReconnect();
}

void EventStream::scheduleReconnect()
{
    if (!m_running)
        return;
    // Exponential backoff with "equal jitter", so many clients dropped by one server restart
    // don't come back in lock step.
    const double base = std::min<double>(m_maxBackoffMs, m_initialBackoffMs * std::pow(2.0, std::min(m_failures, 16)));
    const int delay = int(base / 2 + QRandomGenerator::global()->bounded(base / 2));
    ++m_failures;
    ++m_reconnects;
    qCDebug(lcEvents) << "reconnecting in" << delay << "ms";
    m_retryTimer->start(delay);
}

void EventStream::onTextMessage(const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (!doc.isObject())
        return;
    const QJsonObject event = doc.object();
    const QString type = event.value(QStringLiteral("type")).toString();
    const qint64 seq = qint64(event.value(QStringLiteral("seq")).toDouble());

    if (type == u"hello") {
        const qint64 serverLast = qint64(event.value(QStringLiteral("last_seq")).toDouble());
        m_helloSeen = true;
        m_failures = 0;
        setState(State::Connected);
        const bool newEpoch = serverLast < m_lastSeq;
        if (newEpoch) {
            qCInfo(lcEvents) << "server sequence restarted; refetching";
            m_lastSeq = serverLast;
        }
        if (newEpoch || !m_everSynced) {
            m_everSynced = true;
            if (!newEpoch)
                m_lastSeq = std::max(m_lastSeq, serverLast);
            Q_EMIT resyncNeeded();
        }
        Q_EMIT eventReceived(event);
        return;
    }
    if (type == u"resync") {
        qCInfo(lcEvents) << "server could not replay missed events; refetching";
        Q_EMIT resyncNeeded();
        Q_EMIT eventReceived(event);
        return;
    }
    if (seq > 0) {
        if (seq <= m_lastSeq)
            return; // already seen (a replay overlapping what we had)
        m_lastSeq = seq;
    }
    if (type == u"job.state") {
        Q_EMIT jobStateReceived(event.value(QStringLiteral("job")).toObject());
    } else if (type == u"job.progress") {
        Q_EMIT jobProgressReceived(event.value(QStringLiteral("job_id")).toString(),
                                   event.value(QStringLiteral("step")).toInt(),
                                   event.value(QStringLiteral("total")).toInt());
    } else if (type == u"asset.created") {
        Q_EMIT assetCreated(event.value(QStringLiteral("asset")).toObject());
    } else if (type == u"asset.updated") {
        Q_EMIT assetUpdated(event.value(QStringLiteral("asset")).toObject());
    } else if (type == u"asset.deleted") {
        Q_EMIT assetDeleted(event.value(QStringLiteral("asset_id")).toString());
    } else if (type == u"job.preview") {
        Q_EMIT previewReceived(event.value(QStringLiteral("job_id")).toString(),
                               event.value(QStringLiteral("step")).toInt(),
                               QByteArray::fromBase64(event.value(QStringLiteral("data")).toString().toLatin1()));
    }
    Q_EMIT eventReceived(event);
}

} // namespace pygmi::core
