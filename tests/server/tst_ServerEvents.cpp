// /v1/events over a real WebSocket client: authentication on the upgrade, the hello frame,
// job state / progress / preview / asset events in sequence, resuming with since=N, resync.
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QtTest>

using namespace pygmi::test;
using namespace pygmi::test::generation;

namespace {
QString typeOf(const QJsonObject &frame)
{
    return frame.value(QStringLiteral("type")).toString();
}

QString jobIdOf(const QJsonObject &frame)
{
    if (frame.contains(QStringLiteral("job")))
        return frame.value(QStringLiteral("job")).toObject().value(QStringLiteral("id")).toString();
    if (frame.contains(QStringLiteral("asset")))
        return frame.value(QStringLiteral("asset")).toObject().value(QStringLiteral("generation_id")).toString();
    return frame.value(QStringLiteral("job_id")).toString();
}

bool isSucceeded(const QJsonObject &frame, const QString &id)
{
    return typeOf(frame) == QLatin1String("job.state") && jobIdOf(frame) == id
        && frame.value(QStringLiteral("job")).toObject().value(QStringLiteral("state")) == QLatin1String("succeeded");
}
} // namespace

class TestServerEvents : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void upgradeNeedsAToken();
    void jobEventsArriveInOrder();
    void eventsAreOnlyForTheirOwner();
    void reconnectGetsWhatItMissed();
    void sinceBeyondTheStreamAsksForResync();
    void restartStartsANewEpoch();
    void cleanupTestCase();

private:
    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QString m_token;
    QString m_otherToken;
};

void TestServerEvents::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0") }),
             qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    m_token = signUp(*m_api, QStringLiteral("listener@example.com"));
    m_otherToken = signUp(*m_api, QStringLiteral("bystander@example.com"));
    QVERIFY(!m_token.isEmpty());
}

void TestServerEvents::upgradeNeedsAToken()
{
    const QByteArray upgrade = "GET /v1/events?since=0 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                               "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    const QByteArray refused = ServerApi::rawExchange(m_server.url(), upgrade + "\r\n");
    QCOMPARE(ServerApi::statusOfRaw(refused), 401);
    QVERIFY(refused.contains("\"unauthorized\""));
    const QByteArray wrong = ServerApi::rawExchange(m_server.url(), upgrade + "Authorization: Bearer nope\r\n\r\n");
    QCOMPARE(ServerApi::statusOfRaw(wrong), 401);
    const QByteArray accepted = ServerApi::rawExchange(
        m_server.url(), upgrade + "Authorization: Bearer " + m_token.toLatin1() + "\r\n\r\n", 500);
    QCOMPARE(ServerApi::statusOfRaw(accepted), 101);
    // Without an upgrade it is not a WebSocket request.
    QCOMPARE(m_api->get(QStringLiteral("/v1/events"), m_token).status, 426);

    EventSocket anonymous;
    QVERIFY(!anonymous.open(m_server.url(), QString(), 0, 2000));
}

void TestServerEvents::jobEventsArriveInOrder()
{
    EventSocket events;
    QVERIFY(events.open(m_server.url(), m_token));
    const QJsonObject hello = events.frames().first();
    QCOMPARE(typeOf(hello), QStringLiteral("hello"));
    QCOMPARE(hello.value(QStringLiteral("seq")).toInt(), 0);
    QVERIFY(hello.contains(QStringLiteral("last_seq")));

    QJsonObject body = imageRequest(QStringLiteral("a kite over green hills"), 320, 8);
    body.insert(QStringLiteral("count"), 2);
    const QString id = body.value(QStringLiteral("id")).toString();
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), body, m_token).status, 201);
    QVERIFY(events.waitFor([&](const QJsonObject &frame) { return isSucceeded(frame, id); }));

    QStringList states;
    qint64 previousSeq = hello.value(QStringLiteral("last_seq")).toInteger();
    int progress = 0, previews = 0, assets = 0;
    for (const QJsonObject &frame : events.frames()) {
        const QString type = typeOf(frame);
        if (type == QLatin1String("hello"))
            continue;
        if (type == QLatin1String("job.preview")) {
            QCOMPARE(frame.value(QStringLiteral("seq")).toInt(), 0); // never sequenced
            QCOMPARE(frame.value(QStringLiteral("mime")).toString(), QStringLiteral("image/jpeg"));
            const QByteArray jpeg = QByteArray::fromBase64(frame.value(QStringLiteral("data")).toString().toLatin1());
            QVERIFY(jpeg.startsWith("\xff\xd8"));
            QVERIFY(frame.value(QStringLiteral("width")).toInt() <= 256);
            QVERIFY(frame.value(QStringLiteral("height")).toInt() <= 256);
            QVERIFY(frame.value(QStringLiteral("width")).toInt() > 0);
            ++previews;
            continue;
        }
        const qint64 seq = frame.value(QStringLiteral("seq")).toInteger();
        QVERIFY2(seq == previousSeq + 1, "durable events are numbered without gaps");
        previousSeq = seq;
        QCOMPARE(jobIdOf(frame), id);
        if (type == QLatin1String("job.state")) {
            states << frame.value(QStringLiteral("job")).toObject().value(QStringLiteral("state")).toString();
        } else if (type == QLatin1String("job.progress")) {
            QVERIFY(frame.value(QStringLiteral("step")).toInt() <= frame.value(QStringLiteral("total")).toInt());
            QVERIFY(frame.contains(QStringLiteral("t_ms")));
            ++progress;
        } else if (type == QLatin1String("asset.created")) {
            QCOMPARE(states.last(), QStringLiteral("running")); // assets come before the final state
            QVERIFY(frame.value(QStringLiteral("asset")).toObject().value(QStringLiteral("content_url")).isString());
            ++assets;
        }
    }
    QCOMPARE(states, QStringList({ QStringLiteral("queued"), QStringLiteral("running"), QStringLiteral("succeeded") }));
    QVERIFY(progress >= 2);
    QVERIFY(previews >= 1);
    QCOMPARE(assets, 2);
    const QJsonObject last = events.framesOfType(QStringLiteral("job.progress")).last();
    QCOMPARE(last.value(QStringLiteral("step")).toInt(), last.value(QStringLiteral("total")).toInt());
}

void TestServerEvents::eventsAreOnlyForTheirOwner()
{
    EventSocket mine;
    EventSocket theirs;
    QVERIFY(mine.open(m_server.url(), m_token));
    QVERIFY(theirs.open(m_server.url(), m_otherToken));
    const QJsonObject body = imageRequest(QStringLiteral("for my eyes only"), 64, 1);
    const QString id = body.value(QStringLiteral("id")).toString();
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), body, m_token).status, 201);
    QVERIFY(mine.waitFor([&](const QJsonObject &frame) { return isSucceeded(frame, id); }));
    QTest::qWait(100);
    QCOMPARE(theirs.frames().size(), 1); // only its hello
}

void TestServerEvents::reconnectGetsWhatItMissed()
{
    EventSocket events;
    QVERIFY(events.open(m_server.url(), m_token));
    const QJsonObject first = imageRequest(QStringLiteral("before the gap"), 64, 1);
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), first, m_token).status, 201);
    QVERIFY(events.waitFor(
        [&](const QJsonObject &f) { return isSucceeded(f, first.value(QStringLiteral("id")).toString()); }));
    const qint64 seen = events.lastSeq();
    events.close();

    // While disconnected, another job runs to the end.
    const QJsonObject missed = imageRequest(QStringLiteral("during the gap"), 64, 2);
    const QString missedId = missed.value(QStringLiteral("id")).toString();
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), missed, m_token).status, 201);
    QCOMPARE(waitForFinal(*m_api, m_token, missedId).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));

    QVERIFY(events.open(m_server.url(), m_token, seen));
    QVERIFY(events.waitFor([&](const QJsonObject &f) { return isSucceeded(f, missedId); }, 5000));
    qint64 previous = seen;
    QStringList types;
    for (const QJsonObject &frame : events.frames()) {
        if (typeOf(frame) == QLatin1String("hello")) {
            QVERIFY(frame.value(QStringLiteral("last_seq")).toInteger() > seen);
            continue;
        }
        QVERIFY(typeOf(frame) != QLatin1String("resync"));
        QVERIFY(typeOf(frame) != QLatin1String("job.preview")); // previews are never replayed
        QCOMPARE(frame.value(QStringLiteral("seq")).toInteger(), previous + 1);
        previous = frame.value(QStringLiteral("seq")).toInteger();
        QCOMPARE(jobIdOf(frame), missedId);
        types << typeOf(frame);
    }
    QVERIFY(types.contains(QStringLiteral("asset.created")));
    QCOMPARE(types.first(), QStringLiteral("job.state"));
}

void TestServerEvents::sinceBeyondTheStreamAsksForResync()
{
    EventSocket events;
    QVERIFY(events.open(m_server.url(), m_token, 1000000));
    QVERIFY(events.waitFor([](const QJsonObject &f) { return typeOf(f) == QLatin1String("resync"); }, 3000));
    QCOMPARE(events.framesOfType(QStringLiteral("resync")).first().value(QStringLiteral("seq")).toInt(), 0);
}

void TestServerEvents::restartStartsANewEpoch()
{
    EventSocket events;
    QVERIFY(events.open(m_server.url(), m_token));
    const qint64 before = events.frames().first().value(QStringLiteral("last_seq")).toInteger();
    QVERIFY(before > 0);
    events.close();
    m_server.stop();
    QVERIFY(m_server.restart());
    // The client's since is above the new epoch's last_seq: it is told to refetch.
    QVERIFY(events.open(m_server.url(), m_token, before));
    QVERIFY(events.frames().first().value(QStringLiteral("last_seq")).toInteger() < before);
    QVERIFY(events.waitFor([](const QJsonObject &f) { return typeOf(f) == QLatin1String("resync"); }, 3000));
}

void TestServerEvents::cleanupTestCase()
{
    m_server.stop();
}

QTEST_GUILESS_MAIN(TestServerEvents)
#include "tst_ServerEvents.moc"
