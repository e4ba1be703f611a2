// ApiClient against the real pygmi-server on loopback.
#include "TestServer.h"
#include "api/ApiClient.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace pygmi::core;
using pygmi::test::TestServer;

namespace {

// Runs one request and waits for its answer.
ApiResponse call(ApiClient &api, const ApiRequest &request, int timeoutMs = 20000)
{
    ApiResponse result;
    bool done = false;
    api.send(request, nullptr, [&](const ApiResponse &r) {
        result = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, timeoutMs))
        result.error = ApiError(ApiError::Kind::Client, QStringLiteral("test_wait_timeout"));
    return result;
}

ApiRequest get(const QString &path)
{
    ApiRequest r;
    r.path = path;
    r.idempotent = true;
    return r;
}

ApiRequest post(const QString &path, const QJsonObject &body, bool authenticated = false)
{
    ApiRequest r;
    r.method = "POST";
    r.path = path;
    r.body = body;
    r.authenticated = authenticated;
    return r;
}

quint16 unusedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed again when `probe` goes
}

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT

    TestServer m_server;
    QString m_noticeVersion;

    // Creates an account through the raw API and returns its Session answer.
    QJsonObject signUp(ApiClient &api, const QString &email)
    {
        const ApiResponse r = call(api,
                                   post(QStringLiteral("/v1/auth/signup"),
                                        { { QStringLiteral("email"), email },
                                          { QStringLiteral("password"), QStringLiteral("violet-harbor-lantern-42") },
                                          { QStringLiteral("display_name"), QStringLiteral("Test User") },
                                          { QStringLiteral("birth_date"), QStringLiteral("1990-04-01") },
                                          { QStringLiteral("accepted_notice_version"), m_noticeVersion } }));
        if (!r.ok())
            qWarning() << "signup failed" << r.httpStatus << r.raw;
        return r.json;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        ApiClient api;
        api.setBaseUrl(m_server.url());
        const ApiResponse info = call(api, get(QStringLiteral("/v1/server")));
        QVERIFY2(info.ok(), qPrintable(info.error.code()));
        m_noticeVersion
            = info.json.value(QStringLiteral("notice")).toObject().value(QStringLiteral("version")).toString();
        QVERIFY(!m_noticeVersion.isEmpty());
    }

    void insecureUrlIsRefusedBeforeSending()
    {
        ApiClient api;
        api.setBaseUrl(QUrl(QStringLiteral("http://pygmi.example")));
        const ApiResponse r = call(api, post(QStringLiteral("/v1/auth/login"),
                                             { { QStringLiteral("email"), QStringLiteral("a@b.example") },
                                               { QStringLiteral("password"), QStringLiteral("secret-secret") } }));
        QCOMPARE(r.error.kind(), ApiError::Kind::Client);
        QCOMPARE(r.error.code(), QStringLiteral("insecure_url"));
        QCOMPARE(api.requestCount(), quint64(0)); // the password never left the machine

        api.setBaseUrl(QUrl());
        QCOMPARE(call(api, get(QStringLiteral("/healthz"))).error.code(), QStringLiteral("invalid_url"));
        QCOMPARE(api.requestCount(), quint64(0));
    }

    void healthAndJson()
    {
        ApiClient api;
        api.setBaseUrl(m_server.url());
        const ApiResponse r = call(api, get(QStringLiteral("/healthz")));
        QVERIFY(r.ok());
        QCOMPARE(r.httpStatus, 200);
        QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(api.requestCount(), quint64(1));
    }

    void errorBodiesBecomeApiErrors()
    {
        ApiClient api;
        api.setBaseUrl(m_server.url());
        ApiResponse r = call(api, post(QStringLiteral("/v1/auth/login"),
                                       { { QStringLiteral("email"), QStringLiteral("nobody@example.com") },
                                         { QStringLiteral("password"), QStringLiteral("not-the-password-1") } }));
        QCOMPARE(r.httpStatus, 401);
        QCOMPARE(r.error.kind(), ApiError::Kind::Http);
        QCOMPARE(r.error.code(), QStringLiteral("invalid_credentials"));

        r = call(api, post(QStringLiteral("/v1/auth/signup"),
                           { { QStringLiteral("email"), QStringLiteral("not an email") },
                             { QStringLiteral("password"), QStringLiteral("short") },
                             { QStringLiteral("display_name"), QStringLiteral("X") },
                             { QStringLiteral("birth_date"), QDate::currentDate().addYears(-5).toString(Qt::ISODate) },
                             { QStringLiteral("accepted_notice_version"), m_noticeVersion } }));
        QCOMPARE(r.httpStatus, 422);
        QCOMPARE(r.error.code(), QStringLiteral("validation_failed"));
        QCOMPARE(r.error.fields().value(QStringLiteral("email")), QStringLiteral("invalid"));
        QCOMPARE(r.error.fields().value(QStringLiteral("password")), QStringLiteral("too_short"));
        QCOMPARE(r.error.fields().value(QStringLiteral("birth_date")), QStringLiteral("under_13"));
        QVERIFY(!r.error.fieldMessage(QStringLiteral("birth_date")).isEmpty());

        r = call(api, get(QStringLiteral("/v1/no-such-route")));
        QCOMPARE(r.httpStatus, 404);
        QCOMPARE(r.error.code(), QStringLiteral("not_found"));
    }

    void bearerTokenAndParkedRequests()
    {
        ApiClient api;
        api.setBaseUrl(m_server.url());
        const QJsonObject session = signUp(api, QStringLiteral("bearer@example.com"));
        const QString token = session.value(QStringLiteral("access_token")).toString();
        QVERIFY(!token.isEmpty());

        // Without anyone to refresh, a 401 is simply delivered.
        api.setAccessToken(QStringLiteral("not-a-token"));
        ApiResponse r = call(api, get(QStringLiteral("/v1/me")));
        QCOMPARE(r.httpStatus, 401);

        // With a refresher connected, the request waits for it.
        QSignalSpy authSpy(&api, &ApiClient::authenticationRequired);
        ApiResponse parked;
        bool done = false;
        api.send(get(QStringLiteral("/v1/me")), nullptr, [&](const ApiResponse &a) {
            parked = a;
            done = true;
        });
        QTRY_COMPARE(authSpy.count(), 1);
        QCOMPARE(api.pendingAuthCount(), 1);
        QVERIFY(!done);
        api.setAccessToken(token);
        api.resumeAfterRefresh(true);
        QTRY_VERIFY(done);
        QVERIFY2(parked.ok(), qPrintable(parked.error.code()));
        QCOMPARE(parked.json.value(QStringLiteral("email")).toString(), QStringLiteral("bearer@example.com"));

        // A refresh that failed fails the parked requests with their 401.
        api.setAccessToken(QStringLiteral("still-not-a-token"));
        done = false;
        api.send(get(QStringLiteral("/v1/me")), nullptr, [&](const ApiResponse &a) {
            parked = a;
            done = true;
        });
        QTRY_COMPARE(authSpy.count(), 2);
        api.resumeAfterRefresh(false);
        QVERIFY(done);
        QCOMPARE(parked.httpStatus, 401);
        QCOMPARE(api.pendingAuthCount(), 0);

        // A refresh that could not reach the server fails them with that reason instead.
        done = false;
        api.send(get(QStringLiteral("/v1/me")), nullptr, [&](const ApiResponse &a) {
            parked = a;
            done = true;
        });
        QTRY_COMPARE(authSpy.count(), 3);
        api.failWaitingForAuth(ApiError(ApiError::Kind::Network, QStringLiteral("network_unreachable")));
        QVERIFY(done);
        QCOMPARE(parked.error.kind(), ApiError::Kind::Network);
        QCOMPARE(parked.httpStatus, 0);
        QCOMPARE(api.pendingAuthCount(), 0);
    }

    void tlsToAPlainServerIsAnError()
    {
        ApiClient api;
        QUrl url = m_server.url();
        url.setScheme(QStringLiteral("https"));
        api.setBaseUrl(url);
        const ApiResponse r = call(api, get(QStringLiteral("/healthz")));
        QVERIFY(r.error.isError());
        QVERIFY2(r.error.kind() == ApiError::Kind::Tls || r.error.kind() == ApiError::Kind::Network,
                 qPrintable(r.error.code()));
        QCOMPARE(r.httpStatus, 0);
        QVERIFY(!r.error.userMessage().isEmpty());
    }

    void networkErrorsRetryIdempotentOnlyAndDriveReachability()
    {
        ApiClient api;
        QSignalSpy reach(&api, &ApiClient::reachabilityChanged);
        QUrl dead;
        dead.setScheme(QStringLiteral("http"));
        dead.setHost(QStringLiteral("127.0.0.1"));
        dead.setPort(unusedPort());
        api.setBaseUrl(dead);

        ApiResponse r = call(api, get(QStringLiteral("/healthz")));
        QCOMPARE(r.error.kind(), ApiError::Kind::Network);
        QCOMPARE(r.error.code(), QStringLiteral("network_unreachable"));
        QCOMPARE(api.requestCount(), quint64(3)); // first try + two short retries
        QCOMPARE(reach.count(), 1);
        QCOMPARE(reach.at(0).at(0).toBool(), false);

        r = call(api,
                 post(QStringLiteral("/v1/auth/password/forgot"),
                      { { QStringLiteral("email"), QStringLiteral("x@y.example") } }));
        QCOMPARE(r.error.kind(), ApiError::Kind::Network);
        QCOMPARE(api.requestCount(), quint64(4)); // a POST is never replayed
        QCOMPARE(reach.count(), 1);

        api.setBaseUrl(m_server.url());
        QVERIFY(call(api, get(QStringLiteral("/healthz"))).ok());
        QCOMPARE(reach.count(), 2);
        QCOMPARE(reach.at(1).at(0).toBool(), true);
    }

    void stalledServerTimesOut()
    {
        // A listener that accepts and never answers, as a hung server would.
        QTcpServer blackHole;
        QVERIFY(blackHole.listen(QHostAddress::LocalHost, 0));
        QList<QTcpSocket *> held;
        connect(&blackHole, &QTcpServer::newConnection, this, [&] {
            while (auto *s = blackHole.nextPendingConnection())
                held.append(s);
        });
        ApiClient api;
        QUrl url;
        url.setScheme(QStringLiteral("http"));
        url.setHost(QStringLiteral("127.0.0.1"));
        url.setPort(blackHole.serverPort());
        api.setBaseUrl(url);
        ApiRequest request = get(QStringLiteral("/healthz"));
        request.timeoutMs = 700;
        QElapsedTimer timer;
        timer.start();
        const ApiResponse r = call(api, request);
        QCOMPARE(r.error.kind(), ApiError::Kind::Timeout);
        QCOMPARE(r.error.code(), QStringLiteral("timeout"));
        QVERIFY(timer.elapsed() < 5000);
    }

    void noCallbackAfterContextIsGone()
    {
        ApiClient api;
        api.setBaseUrl(m_server.url());
        bool called = false;
        auto *context = new QObject;
        api.send(get(QStringLiteral("/healthz")), context, [&](const ApiResponse &) { called = true; });
        delete context;
        QVERIFY(call(api, get(QStringLiteral("/healthz"))).ok()); // the first has surely finished
        QTest::qWait(50);
        QVERIFY(!called);

        // Same for an answer delivered without the network.
        api.setBaseUrl(QUrl(QStringLiteral("http://pygmi.example")));
        context = new QObject;
        api.send(get(QStringLiteral("/healthz")), context, [&](const ApiResponse &) { called = true; });
        delete context;
        QTest::qWait(50);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_ApiClient.moc"
