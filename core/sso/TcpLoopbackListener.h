#pragma once

#include "sso/LoopbackListener.h"

#include <QHostAddress>
#include <QPointer>

class QTcpServer;
class QTcpSocket;

namespace pygmi::core {

// The real loopback listener: a QTcpServer bound to 127.0.0.1 (or ::1) only, never to all
// interfaces, on an ephemeral port. It answers GET /callback once, then closes; other paths
// get 404 and connections from anything but loopback are dropped.
class TcpLoopbackListener : public LoopbackListener
{
    Q_OBJECT

public:
    static constexpr int kMaxRequestBytes = 8 * 1024;
    static constexpr int kConnectionTimeoutMs = 10000;

    explicit TcpLoopbackListener(QObject *parent = nullptr);
    ~TcpLoopbackListener() override;

    bool listen(QString *error) override;
    QUrl redirectUri() const override;
    void close() override;

    bool isListening() const;
    QHostAddress address() const;
    quint16 port() const;
    static bool isAcceptablePeer(const QHostAddress &peer);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    static void respond(QTcpSocket *socket, int status, const QString &title, const QString &text);

    QTcpServer *m_server;
    bool m_done = false;
};

} // namespace pygmi::core
