#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

class QTimer;
class QWebSocket;

namespace pygmi::core {

class ApiClient;

// The live feed of /v1/events: one authenticated WebSocket per session. It remembers the last
// sequence number it saw and resumes from it after a drop (reconnecting by itself with
// exponential backoff and jitter); when the server cannot replay what was missed (resync, or a
// restarted server whose sequence starts again) it asks its listeners to refetch.
class EventStream : public QObject
{
    Q_OBJECT

public:
    enum class State { Stopped, Connecting, Connected, Offline };
    Q_ENUM(State)

    explicit EventStream(ApiClient *api, QObject *parent = nullptr);
    ~EventStream() override;

    void start();
    void stop();
    State state() const { return m_state; }
    qint64 lastSeq() const { return m_lastSeq; }
    int reconnectCount() const { return m_reconnects; }
    // Tests: shorter waits between attempts.
    void setBackoff(int initialMs, int maxMs);
    // Tests: drop the connection as a network failure would.
    void dropConnection();

Q_SIGNALS:
    void stateChanged(pygmi::core::EventStream::State state);
    // What the client knows may be stale: refetch the job list (first connect, resync, new epoch).
    void resyncNeeded();
    void jobStateReceived(const QJsonObject &job);
    void jobProgressReceived(const QString &jobId, int step, int total);
    void assetCreated(const QJsonObject &asset);
    // The gallery's changes: favourite or title (the whole asset), deletion or expiry (its id).
    void assetUpdated(const QJsonObject &asset);
    void assetDeleted(const QString &assetId);
    // A small JPEG/PNG of the work in progress (never replayed).
    void previewReceived(const QString &jobId, int step, const QByteArray &image);
    // Every parsed frame, for diagnostics and benchmarks.
    void eventReceived(const QJsonObject &event);

private:
    void connectNow();
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &text);
    void scheduleReconnect();
    void setState(State state);

    ApiClient *m_api;
    QWebSocket *m_socket = nullptr;
    QTimer *m_retryTimer;
    State m_state = State::Stopped;
    qint64 m_lastSeq = 0;
    bool m_running = false;
    bool m_helloSeen = false;
    bool m_everSynced = false;
    int m_failures = 0;
    int m_reconnects = 0;
    int m_initialBackoffMs = 500;
    int m_maxBackoffMs = 30000;
};

} // namespace pygmi::core
