// Generation jobs end to end against the real pygmi-server: idempotent submission, the event
// stream (resume after a drop, refetch after a server restart), the job list model, the
// verified download cache.
#include "TestServer.h"
#include "api/ApiClient.h"
#include "generation/AssetCache.h"
#include "generation/EventStream.h"
#include "generation/GenerationService.h"
#include "generation/JobListModel.h"
#include "generation/ProviderCatalog.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pygmi::core;
using pygmi::test::TestServer;

namespace {

ApiResponse call(ApiClient &api, const ApiRequest &request)
{
    ApiResponse result;
    bool done = false;
    api.send(request, nullptr, [&](const ApiResponse &r) {
        result = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 15000))
        result.error = ApiError(ApiError::Kind::Timeout, QStringLiteral("test_timeout"));
    return result;
}

GenerationRequest imageRequest(const QString &prompt)
{
    GenerationRequest r;
    r.id = GenerationService::newId();
    r.prompt = prompt;
    r.provider = QStringLiteral("sketch");
    r.model = QStringLiteral("sketch-1");
    r.width = 256;
    r.height = 256;
    return r;
}

struct Submitted
{
    Generation job;
    ApiError error;
};

Submitted submitAndWait(GenerationService &service, const GenerationRequest &request)
{
    Submitted out;
    bool done = false;
    service.submit(request, nullptr, [&](const Generation &job, const ApiError &error) {
        out = { job, error };
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 15000))
        out.error = ApiError(ApiError::Kind::Timeout, QStringLiteral("test_timeout"));
    return out;
}

} // namespace

class TestGeneration : public QObject
{
    Q_OBJECT

    TestServer m_server;
    ApiClient m_api;
    QString m_token;

private Q_SLOTS:
    void initTestCase()
    {
        // Slow enough steps that a job can be cancelled and a connection dropped mid-job.
        QVERIFY2(m_server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("40") }),
                 qPrintable(m_server.errorString()));
        m_api.setBaseUrl(m_server.url());
        ApiRequest info;
        info.path = QStringLiteral("/v1/server");
        info.authenticated = false;
        const QString notice = call(m_api, info)
                                   .json.value(QStringLiteral("notice"))
                                   .toObject()
                                   .value(QStringLiteral("version"))
                                   .toString();
        ApiRequest signup;
        signup.method = "POST";
        signup.path = QStringLiteral("/v1/auth/signup");
        signup.authenticated = false;
        signup.body = QJsonObject { { QStringLiteral("email"), QStringLiteral("maker@example.org") },
                                    { QStringLiteral("password"), QStringLiteral("violet-harbor-lantern-42") },
                                    { QStringLiteral("display_name"), QStringLiteral("Maker") },
                                    { QStringLiteral("birth_date"), QStringLiteral("1990-04-01") },
                                    { QStringLiteral("accepted_notice_version"), notice } };
        const ApiResponse session = call(m_api, signup);
        QVERIFY2(session.ok(), session.raw.constData());
        m_token = session.json.value(QStringLiteral("access_token")).toString();
        m_api.setAccessToken(m_token);
    }

    void providersComeWithTheirLimits()
    {
        ProviderCatalog catalog(&m_api);
        QSignalSpy changed(&catalog, &ProviderCatalog::changed);
        catalog.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(catalog.isLoaded(), 10000);
        const Provider *sketch = catalog.find(QStringLiteral("sketch"));
        QVERIFY(sketch);
        QVERIFY(sketch->supports(QStringLiteral("image")));
        QVERIFY(sketch->supports(QStringLiteral("video")));
        QVERIFY(!sketch->thirdParty);
        QVERIFY(sketch->limits.promptMaxChars > 0);
        QVERIFY(sketch->limits.countMax >= 1);
        QVERIFY(!sketch->models.isEmpty());
    }

    void retryWithTheSameIdNeverMakesADuplicate()
    {
        GenerationService service(&m_api);
        const GenerationRequest request = imageRequest(QStringLiteral("a quiet harbour"));
        const Submitted first = submitAndWait(service, request);
        QVERIFY2(!first.error, qPrintable(first.error.code()));
        QCOMPARE(first.job.id, request.id);
        // The answer "got lost": the same submission is sent again.
        const Submitted again = submitAndWait(service, request);
        QVERIFY2(!again.error, qPrintable(again.error.code()));
        QCOMPARE(again.job.id, request.id);

        bool listed = false;
        int copies = 0;
        service.list(50, {}, nullptr, [&](const QList<Generation> &jobs, const QString &, const ApiError &error) {
            QVERIFY(!error);
            for (const Generation &job : jobs)
                copies += job.request.prompt == request.prompt ? 1 : 0;
            listed = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(listed, 10000);
        QCOMPARE(copies, 1);

        // The same id with other parameters is a conflict, not a second job.
        GenerationRequest changed = request;
        changed.prompt = QStringLiteral("a loud harbour");
        const Submitted conflict = submitAndWait(service, changed);
        QCOMPARE(conflict.error.code(), QStringLiteral("id_conflict"));
    }

    void serverFieldErrorsNameTheRequestKeys()
    {
        GenerationService service(&m_api);
        GenerationRequest bad = imageRequest(QString());
        bad.count = 100;
        bad.width = 5;
        bad.provider = QStringLiteral("nope");
        const Submitted r = submitAndWait(service, bad);
        QCOMPARE(r.error.code(), QStringLiteral("validation_failed"));
        const auto fields = r.error.fields();
        QVERIFY(fields.contains(QStringLiteral("prompt")));
        QVERIFY(fields.contains(QStringLiteral("count")) || fields.contains(QStringLiteral("provider")));
        // A malformed id is refused before anything is sent.
        bool answered = false;
        service.get(QStringLiteral("not-a-uuid"), nullptr, [&](const Generation &, const ApiError &error) {
            QCOMPARE(error.code(), QStringLiteral("invalid_id"));
            answered = true;
        });
        QTRY_VERIFY(answered);
    }

    void jobRunsToTheEndThroughTheStreamAndItsResultIsVerified()
    {
        GenerationService service(&m_api);
        EventStream events(&m_api);
        JobListModel model(&service, &events);
        QSignalSpy progress(&events, &EventStream::jobProgressReceived);
        QSignalSpy assets(&model, &JobListModel::assetAdded);
        events.start();
        QTRY_COMPARE_WITH_TIMEOUT(events.state(), EventStream::State::Connected, 10000);

        GenerationRequest request = imageRequest(QStringLiteral("three red kites over a green hill"));
        request.count = 2;
        const Submitted s = submitAndWait(service, request);
        QVERIFY(!s.error);
        QTRY_VERIFY_WITH_TIMEOUT(model.job(request.id) && model.job(request.id)->state == Generation::State::Succeeded,
                                 30000);
        QVERIFY(progress.count() > 0);
        const Generation job = *model.job(request.id);
        QCOMPARE(job.assets.size(), 2);
        const auto ofThisJob = std::count_if(assets.begin(), assets.end(),
                                             [&](const QList<QVariant> &args) { return args.at(0) == request.id; });
        QCOMPARE(ofThisJob, 2);

        QTemporaryDir cacheDir;
        AssetCache cache(&m_api, cacheDir.path());
        QString path;
        ApiError error;
        bool done = false;
        cache.fetch(job.assets.first(), nullptr, [&](const QString &p, const ApiError &e) {
            path = p;
            error = e;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
        QVERIFY2(!error, qPrintable(error.code()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex(),
                 job.assets.first().sha256.toLatin1());
        QCOMPARE(cache.cachedPath(job.assets.first()), path);

        // An asset whose bytes do not match its hash is refused, not cached.
        Asset tampered = job.assets.at(1);
        tampered.sha256 = QString(64, u'0');
        done = false;
        cache.fetch(tampered, nullptr, [&](const QString &p, const ApiError &e) {
            path = p;
            error = e;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
        QCOMPARE(error.code(), QStringLiteral("checksum_mismatch"));
        QVERIFY(cache.cachedPath(tampered).isEmpty());
    }

    void cancelStopsARunningJob()
    {
        GenerationService service(&m_api);
        EventStream events(&m_api);
        JobListModel model(&service, &events);
        events.start();
        QTRY_COMPARE_WITH_TIMEOUT(events.state(), EventStream::State::Connected, 10000);
        GenerationRequest request = imageRequest(QStringLiteral("a slow video of rain"));
        request.media = QStringLiteral("video");
        request.durationS = 6;
        request.fps = 24;
        QVERIFY(!submitAndWait(service, request).error);
        QTRY_VERIFY_WITH_TIMEOUT(model.job(request.id) && model.job(request.id)->step > 0, 20000);
        bool done = false;
        service.cancel(request.id, nullptr, [&](const Generation &job, const ApiError &error) {
            QVERIFY2(!error, qPrintable(error.code()));
            QCOMPARE(job.state, Generation::State::Cancelled);
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model.job(request.id)->state, Generation::State::Cancelled, 10000);
        QVERIFY(model.job(request.id)->assets.isEmpty());
    }

    void streamResumesAfterADroppedConnectionWithoutRefetching()
    {
        GenerationService service(&m_api);
        EventStream events(&m_api);
        events.setBackoff(300, 2000);
        JobListModel model(&service, &events);
        QSignalSpy resyncs(&events, &EventStream::resyncNeeded);
        QSignalSpy states(&events, &EventStream::stateChanged);
        events.start();
        QTRY_COMPARE_WITH_TIMEOUT(events.state(), EventStream::State::Connected, 10000);
        QTRY_VERIFY(model.isLoaded());
        QCOMPARE(resyncs.count(), 1); // the first load

        events.dropConnection();
        QTRY_COMPARE_WITH_TIMEOUT(events.state(), EventStream::State::Offline, 5000);
        // While offline, a job runs to its end on the server.
        const GenerationRequest request = imageRequest(QStringLiteral("made while offline"));
        const qint64 seqBefore = events.lastSeq();
        QVERIFY(!submitAndWait(service, request).error);
        QTRY_COMPARE_WITH_TIMEOUT(events.state(), EventStream::State::Connected, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(model.job(request.id) && model.job(request.id)->state == Generation::State::Succeeded,
                                 30000);
        QVERIFY(events.lastSeq() > seqBefore);
        // Caught up from the replay, not from a refetch.
        QCOMPARE(resyncs.count(), 1);
        QVERIFY(events.reconnectCount() >= 1);
    }

    void restartedServerMeansARefetch()
    {
        GenerationService service(&m_api);
        EventStream events(&m_api);
        events.setBackoff(200, 1000);
        JobListModel model(&service, &events);
        QSignalSpy resyncs(&events, &EventStream::resyncNeeded);
        events.start();
        QTRY_COMPARE_WITH_TIMEOUT(events.state(), EventStream::State::Connected, 10000);
        const GenerationRequest request = imageRequest(QStringLiteral("before the restart"));
        QVERIFY(!submitAndWait(service, request).error);
        QTRY_VERIFY_WITH_TIMEOUT(model.job(request.id) && model.job(request.id)->isFinal(), 30000);
        QTRY_VERIFY(events.lastSeq() > 0);
        const int before = int(resyncs.count());

        m_server.stop();
        QTRY_COMPARE_WITH_TIMEOUT(events.state(), EventStream::State::Offline, 5000);
        QVERIFY2(m_server.restart(), qPrintable(m_server.errorString()));
        m_api.setBaseUrl(m_server.url()); // a new port, as the supervisor would report
        QTRY_COMPARE_WITH_TIMEOUT(events.state(), EventStream::State::Connected, 15000);
        // The new server's sequence starts again: the client refetches instead of waiting for
        // events it will never see.
        QTRY_VERIFY_WITH_TIMEOUT(resyncs.count() > before, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(model.job(request.id).has_value(), 10000);
        QCOMPARE(model.job(request.id)->state, Generation::State::Succeeded);

        // Events of the new epoch are applied.
        const GenerationRequest next = imageRequest(QStringLiteral("after the restart"));
        QVERIFY(!submitAndWait(service, next).error);
        QTRY_VERIFY_WITH_TIMEOUT(model.job(next.id) && model.job(next.id)->state == Generation::State::Succeeded,
                                 30000);
    }
};

QTEST_GUILESS_MAIN(TestGeneration)
#include "tst_Generation.moc"
