// Cancelling queued and running jobs, the per-user limit, and what a restart does to unfinished
// jobs (hosted: failed "interrupted"; local: resumed). These servers render slowly on purpose
// (--sketch-step-ms) so that jobs are still queued or running when the test acts.
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QtTest>

using namespace pygmi::test;
using namespace pygmi::test::generation;

namespace {

// A job that takes several seconds at --sketch-step-ms 100 (300 frames, 25 ms wait each).
QJsonObject longJob()
{
    return videoRequest(QStringLiteral("a long slow film of the sea"), 64, 64, 10, 30, 1);
}

const QStringList kSlowServer { QStringLiteral("--sketch-step-ms"),     QStringLiteral("100"),
                                QStringLiteral("--workers-generation"), QStringLiteral("1"),
                                QStringLiteral("--max-jobs-per-user"),  QStringLiteral("3") };

QString makeInstallSecret()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 8);
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

class TestServerJobControl : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cancelWhileRunningStopsPromptly();
    void cancelWhileQueued();
    void perUserLimit();
    void hostedRestartFailsUnfinishedJobs();
    void localRestartResumesUnfinishedJobs();
    void cleanupTestCase();

private:
    ApiReply submit(const QJsonObject &body) { return m_api->post(QStringLiteral("/v1/generations"), body, m_token); }
    ApiReply cancel(const QString &id)
    {
        return m_api->post(QStringLiteral("/v1/generations/%1/cancel").arg(id), {}, m_token);
    }

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QString m_token;
};

void TestServerJobControl::initTestCase()
{
    QVERIFY2(m_server.start(kSlowServer), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    m_token = signUp(*m_api, QStringLiteral("control@example.com"));
    QVERIFY(!m_token.isEmpty());
}

void TestServerJobControl::cancelWhileRunningStopsPromptly()
{
    const QJsonObject slow = longJob();
    const QString slowId = slow.value(QStringLiteral("id")).toString();
    QCOMPARE(submit(slow).status, 201);
    QCOMPARE(waitForState(*m_api, m_token, slowId, QStringLiteral("running")).value(QStringLiteral("state")).toString(),
             QStringLiteral("running"));
    // Behind it, with one worker, a quick job waits.
    const QJsonObject quick = imageRequest(QStringLiteral("quick after cancel"), 64, 1);
    QCOMPARE(submit(quick).status, 201);

    const ApiReply cancelled = cancel(slowId);
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
    QVERIFY(!cancelled.json.value(QStringLiteral("finished_at")).isNull());

    // The worker is free again long before the cancelled render (about 8 s) would have ended.
    const QJsonObject next = waitForFinal(*m_api, m_token, quick.value(QStringLiteral("id")).toString(), 5000);
    QCOMPARE(next.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    const QJsonObject after = m_api->get(QStringLiteral("/v1/generations/") + slowId, m_token).json;
    QCOMPARE(after.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
    QVERIFY(after.value(QStringLiteral("assets")).toArray().isEmpty());
    QCOMPARE(cancel(slowId).errorCode(), QStringLiteral("not_cancellable"));
}

void TestServerJobControl::cancelWhileQueued()
{
    const QJsonObject slow = longJob();
    QCOMPARE(submit(slow).status, 201);
    waitForState(*m_api, m_token, slow.value(QStringLiteral("id")).toString(), QStringLiteral("running"));
    const QJsonObject waiting = imageRequest(QStringLiteral("never drawn"), 64, 1);
    const QString waitingId = waiting.value(QStringLiteral("id")).toString();
    QCOMPARE(submit(waiting).json.value(QStringLiteral("state")).toString(), QStringLiteral("queued"));

    const ApiReply cancelled = cancel(waitingId);
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
    QCOMPARE(cancel(slow.value(QStringLiteral("id")).toString()).status, 200);
    QTest::qWait(300);
    const QJsonObject job = m_api->get(QStringLiteral("/v1/generations/") + waitingId, m_token).json;
    QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
    QVERIFY(job.value(QStringLiteral("started_at")).isNull()); // it never ran
}

void TestServerJobControl::perUserLimit()
{
    QStringList ids;
    for (int i = 0; i < 3; ++i) {
        const QJsonObject body = longJob();
        QCOMPARE(submit(body).status, 201);
        ids << body.value(QStringLiteral("id")).toString();
    }
    const ApiReply refused = submit(imageRequest(QStringLiteral("one too many"), 64, 1));
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.errorCode(), QStringLiteral("too_many_jobs"));
    QVERIFY(refused.json.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("3")));
    // The limit is per user: someone else may still submit.
    const QString other = signUp(*m_api, QStringLiteral("neighbour@example.com"));
    const QJsonObject theirs = imageRequest(QStringLiteral("not affected"), 64, 1);
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), theirs, other).status, 201);
    QCOMPARE(m_api
                 ->post(QStringLiteral("/v1/generations/%1/cancel").arg(theirs.value(QStringLiteral("id")).toString()),
                        {}, other)
                 .status,
             200);
    // A freed slot can be used again.
    QCOMPARE(cancel(ids.takeLast()).status, 200);
    const QJsonObject fits = imageRequest(QStringLiteral("fits now"), 64, 1);
    QCOMPARE(submit(fits).status, 201);
    ids << fits.value(QStringLiteral("id")).toString();
    for (const QString &id : ids)
        cancel(id);
}

void TestServerJobControl::hostedRestartFailsUnfinishedJobs()
{
    const QJsonObject running = longJob();
    const QJsonObject queued = imageRequest(QStringLiteral("queued at shutdown"), 64, 1);
    QCOMPARE(submit(running).status, 201);
    waitForState(*m_api, m_token, running.value(QStringLiteral("id")).toString(), QStringLiteral("running"));
    QCOMPARE(submit(queued).status, 201);

    m_server.stop();
    QVERIFY2(m_server.restart(), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    for (const QJsonObject &body : { running, queued }) {
        const QJsonObject job
            = m_api->get(QStringLiteral("/v1/generations/") + body.value(QStringLiteral("id")).toString(), m_token)
                  .json;
        QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(job.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("interrupted"));
        QVERIFY(!job.value(QStringLiteral("finished_at")).isNull());
    }
}

void TestServerJobControl::localRestartResumesUnfinishedJobs()
{
    TestServer local;
    QVERIFY2(local.start(QStringList { QStringLiteral("--local") } + kSlowServer), qPrintable(local.errorString()));
    ServerApi api(local.url());
    const ApiReply setup = api.post(QStringLiteral("/v1/auth/local/setup"),
                                    { { QStringLiteral("install_secret"), makeInstallSecret() },
                                      { QStringLiteral("display_name"), QStringLiteral("Me") },
                                      { QStringLiteral("birth_date"), QStringLiteral("2000-01-01") },
                                      { QStringLiteral("accepted_notice_version"), QStringLiteral("2026-11-01") } });
    QCOMPARE(setup.status, 201);
    const QString token = setup.json.value(QStringLiteral("access_token")).toString();
    QJsonObject running = imageRequest(QStringLiteral("resumed after a restart"), 64, 3);
    running.insert(QStringLiteral("count"), 4); // 48 steps of 100 ms
    const QJsonObject queued = imageRequest(QStringLiteral("waiting through a restart"), 64, 4);
    QCOMPARE(api.post(QStringLiteral("/v1/generations"), running, token).status, 201);
    waitForState(api, token, running.value(QStringLiteral("id")).toString(), QStringLiteral("running"));
    QCOMPARE(api.post(QStringLiteral("/v1/generations"), queued, token).status, 201);

    local.stop();
    QVERIFY2(local.restart({ QStringLiteral("--local"), QStringLiteral("--sketch-step-ms"), QStringLiteral("0") }),
             qPrintable(local.errorString()));
    ServerApi after(local.url());
    for (const QJsonObject &body : { running, queued }) {
        const QJsonObject job = waitForFinal(after, token, body.value(QStringLiteral("id")).toString());
        QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(job.value(QStringLiteral("assets")).toArray().size(), body.value(QStringLiteral("count")).toInt());
    }
    local.stop();
}

void TestServerJobControl::cleanupTestCase()
{
    m_server.stop();
}

QTEST_GUILESS_MAIN(TestServerJobControl)
#include "tst_ServerJobControl.moc"
