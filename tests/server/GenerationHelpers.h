#pragma once

#include "ServerApi.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocket>
#include <functional>

namespace pygmi::test {

// Helpers for the generation and event tests (and the generation benchmark).
namespace generation {

QString newId();
// A small image request with a fresh id.
QJsonObject imageRequest(const QString &prompt, int side = 64, qint64 seed = 1);
QJsonObject videoRequest(const QString &prompt, int width, int height, double durationS, int fps, qint64 seed = 1);
// Signs a new password user up and returns the access token (empty on failure).
QString signUp(ServerApi &api, const QString &email);
// Polls the job until `done(job)` holds or `timeoutMs` passes; returns the last job seen.
QJsonObject waitFor(ServerApi &api, const QString &token, const QString &id,
                    const std::function<bool(const QJsonObject &)> &done, int timeoutMs = 20000);
QJsonObject waitForFinal(ServerApi &api, const QString &token, const QString &id, int timeoutMs = 20000);
QJsonObject waitForState(ServerApi &api, const QString &token, const QString &id, const QString &state,
                         int timeoutMs = 20000);
bool isFinal(const QString &state);

} // namespace generation

// A real WebSocket client on /v1/events that records every text frame it receives.
class EventSocket : public QObject
{
    Q_OBJECT

public:
    explicit EventSocket(QObject *parent = nullptr);
    ~EventSocket() override;

    // Connects with the bearer token; waits for the hello frame. False on failure or timeout.
    bool open(const QUrl &serverUrl, const QString &token, qint64 since = 0, int timeoutMs = 10000);
    void close();
    bool isConnected() const;

    QList<QJsonObject> frames() const { return m_frames; }
    // Frames of one type, in arrival order.
    QList<QJsonObject> framesOfType(const QString &type) const;
    qint64 lastSeq() const; // the highest seq seen (0 if none)
    // Waits until some frame received so far satisfies `match`.
    bool waitFor(const std::function<bool(const QJsonObject &)> &match, int timeoutMs = 20000);
    void clear() { m_frames.clear(); }

    // Called with every frame as it arrives (the benchmark measures latency here).
    std::function<void(const QJsonObject &)> onFrame;

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_frames;
};

} // namespace pygmi::test
