#include "GenerationHelpers.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTest>
#include <QThread>
#include <QUrlQuery>
#include <QUuid>

namespace pygmi::test {

namespace generation {

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QJsonObject imageRequest(const QString &prompt, int side, qint64 seed)
{
    return { { QStringLiteral("id"), newId() },
             { QStringLiteral("prompt"), prompt },
             { QStringLiteral("negative_prompt"), QString() },
             { QStringLiteral("style"), QString() },
             { QStringLiteral("media"), QStringLiteral("image") },
             { QStringLiteral("width"), side },
             { QStringLiteral("height"), side },
             { QStringLiteral("count"), 1 },
             { QStringLiteral("seed"), seed },
             { QStringLiteral("provider"), QStringLiteral("sketch") },
             { QStringLiteral("model"), QStringLiteral("sketch-1") } };
}

QJsonObject videoRequest(const QString &prompt, int width, int height, double durationS, int fps, qint64 seed)
{
    QJsonObject body = imageRequest(prompt, 64, seed);
    body.insert(QStringLiteral("media"), QStringLiteral("video"));
    body.insert(QStringLiteral("width"), width);
    body.insert(QStringLiteral("height"), height);
    body.insert(QStringLiteral("duration_s"), durationS);
    body.insert(QStringLiteral("fps"), fps);
    return body;
}

QString signUp(ServerApi &api, const QString &email)
{
    const ApiReply reply = api.signup(email, QStringLiteral("violet-harbor-42"));
    return reply.json.value(QStringLiteral("access_token")).toString();
}

bool isFinal(const QString &state)
{
    return state != QLatin1String("queued") && state != QLatin1String("running");
}

QJsonObject waitFor(ServerApi &api, const QString &token, const QString &id,
                    const std::function<bool(const QJsonObject &)> &done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    QJsonObject job;
    do {
        job = api.get(QStringLiteral("/v1/generations/") + id, token).json;
        if (done(job))
            return job;
        QTest::qWait(20);
    } while (timer.elapsed() < timeoutMs);
    return job;
}

QJsonObject waitForFinal(ServerApi &api, const QString &token, const QString &id, int timeoutMs)
{
    return waitFor(
        api, token, id, [](const QJsonObject &job) { return isFinal(job.value(QStringLiteral("state")).toString()); },
        timeoutMs);
}

QJsonObject waitForState(ServerApi &api, const QString &token, const QString &id, const QString &state, int timeoutMs)
{
    return waitFor(
        api, token, id, [&](const QJsonObject &job) { return job.value(QStringLiteral("state")).toString() == state; },
        timeoutMs);
}

} // namespace generation

EventSocket::EventSocket(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
        m_frames.append(frame);
        if (onFrame)
            onFrame(frame);
    });
}

EventSocket::~EventSocket()
{
    close();
}

bool EventSocket::open(const QUrl &serverUrl, const QString &token, qint64 since, int timeoutMs)
{
    QUrl url = serverUrl;
    url.setScheme(serverUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setPath(QStringLiteral("/v1/events"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since"), QString::number(since));
    url.setQuery(query);
    QNetworkRequest request(url);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    m_frames.clear();
    m_socket.open(request);
    return waitFor(
        [](const QJsonObject &frame) { return frame.value(QStringLiteral("type")) == QLatin1String("hello"); },
        timeoutMs);
}

void EventSocket::close()
{
    if (m_socket.state() != QAbstractSocket::UnconnectedState) {
        m_socket.close();
        QElapsedTimer timer;
        timer.start();
        while (m_socket.state() != QAbstractSocket::UnconnectedState && timer.elapsed() < 2000)
            QTest::qWait(10);
    }
}

bool EventSocket::isConnected() const
{
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

QList<QJsonObject> EventSocket::framesOfType(const QString &type) const
{
    QList<QJsonObject> result;
    for (const QJsonObject &frame : m_frames) {
        if (frame.value(QStringLiteral("type")).toString() == type)
            result.append(frame);
    }
    return result;
}

qint64 EventSocket::lastSeq() const
{
    qint64 last = 0;
    for (const QJsonObject &frame : m_frames)
        last = std::max<qint64>(last, frame.value(QStringLiteral("seq")).toInteger());
    return last;
}

bool EventSocket::waitFor(const std::function<bool(const QJsonObject &)> &match, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        for (const QJsonObject &frame : std::as_const(m_frames)) {
            if (match(frame))
                return true;
        }
        if (timer.elapsed() >= timeoutMs)
            return false;
        QTest::qWait(10);
    }
}

} // namespace pygmi::test
