#include "sso/TcpLoopbackListener.h"

#include "sso/SsoLogging.h"

#include <QCoreApplication>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace pygmi::core {

TcpLoopbackListener::TcpLoopbackListener(QObject *parent)
    : LoopbackListener(parent)
    , m_server(new QTcpServer(this))
{
    m_server->setMaxPendingConnections(4);
    connect(m_server, &QTcpServer::newConnection, this, &TcpLoopbackListener::onNewConnection);
}

TcpLoopbackListener::~TcpLoopbackListener()
{
    close();
}

bool TcpLoopbackListener::listen(QString *error)
{
    m_done = false;
    // Loopback only (RFC 8252 §8.3): nothing on the network can reach the redirect.
    if (m_server->listen(QHostAddress::LocalHost, 0) || m_server->listen(QHostAddress::LocalHostIPv6, 0))
        return true;
    if (error)
        *error = m_server->errorString();
    return false;
}

bool TcpLoopbackListener::isListening() const
{
    return m_server->isListening();
}

QHostAddress TcpLoopbackListener::address() const
{
    return m_server->serverAddress();
}

quint16 TcpLoopbackListener::port() const
{
    return m_server->serverPort();
}

QUrl TcpLoopbackListener::redirectUri() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_server->serverAddress().toString());
    url.setPort(m_server->serverPort());
    url.setPath(QStringLiteral("/callback"));
    return url;
}

void TcpLoopbackListener::close()
{
    if (m_server->isListening())
        m_server->close();
}

bool TcpLoopbackListener::isAcceptablePeer(const QHostAddress &peer)
{
    return peer.isLoopback();
}

void TcpLoopbackListener::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        if (!isAcceptablePeer(socket->peerAddress()) || m_done) {
            qCWarning(lcSso) << "dropped a connection to the sign-in listener from" << socket->peerAddress();
            socket->abort();
            socket->deleteLater();
            continue;
        }
        QTimer::singleShot(kConnectionTimeoutMs, socket, [socket] { socket->abort(); });
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    }
}

void TcpLoopbackListener::respond(QTcpSocket *socket, int status, const QString &title, const QString &text)
{
    const QByteArray body = QStringLiteral("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%1</title>"
                                           "<style>body{font-family:sans-serif;max-width:36em;margin:4em auto;"
                                           "padding:0 1em}</style></head><body><h1>%1</h1><p>%2</p></body></html>")
                                .arg(title.toHtmlEscaped(), text.toHtmlEscaped())
                                .toUtf8();
    const QByteArray reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
    head += "Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n"
            "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n"
            "Content-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n";
    socket->write(head + body);
    socket->disconnectFromHost();
}

void TcpLoopbackListener::onReadyRead(QTcpSocket *socket)
{
    if (socket->bytesAvailable() > kMaxRequestBytes) {
        socket->abort();
        return;
    }
    if (!socket->canReadLine() && socket->bytesAvailable() < kMaxRequestBytes)
        return; // wait for the request line
    const QList<QByteArray> requestLine = socket->readLine(kMaxRequestBytes).trimmed().split(' ');
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    const auto tr
        = [](const char *text) { return QCoreApplication::translate("pygmi::core::TcpLoopbackListener", text); };
    if (requestLine.size() != 3 || requestLine[0] != "GET") {
        respond(socket, 400, tr("Not understood"), tr("This address only receives sign-ins for Pygmi Studio."));
        return;
    }
    const QUrl target = QUrl::fromEncoded(requestLine[1]);
    if (target.path() != QLatin1String("/callback") || m_done) {
        respond(socket, 404, tr("Not found"), tr("This address only receives sign-ins for Pygmi Studio."));
        return;
    }
    const QUrlQuery query(target);
    const QString state = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    m_done = true;
    close(); // exactly one callback, valid or not, ends the listening
    if (!m_stateCheck || !m_stateCheck(state)) {
        qCWarning(lcSso) << "refused a sign-in callback with a foreign state";
        respond(socket, 400, tr("Sign-in refused"),
                tr("This sign-in does not belong to the one Pygmi Studio started, so it was refused. Go back to the "
                   "app and try again."));
        Q_EMIT callbackRejected();
        return;
    }
    if (query.hasQueryItem(QStringLiteral("error")))
        respond(socket, 200, tr("Sign-in not completed"),
                tr("Pygmi Studio was told that the sign-in did not complete. You can close this page and go back to "
                   "the app."));
    else
        respond(socket, 200, tr("Back to Pygmi Studio"),
                tr("Pygmi Studio received your sign-in. You can close this page and go back to the app."));
    Q_EMIT callbackReceived(query);
}

} // namespace pygmi::core
