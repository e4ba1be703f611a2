// The HTTP layer of pygmi-server: routing, limits, timeouts, error shapes, TLS rules and
// process lifecycle, all against the real executable on loopback.
#include "ServerApi.h"
#include "TestServer.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace pygmi::test;

class TestServerHttp : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void healthz();
    void serverInfoAndNotice();
    void noticeOverride();
    void unknownPathAndMethod();
    void headHasHeadersOnly();
    void keepAliveServesPipelinedRequests();
    void unsupportedMediaType();
    void badJsonIsBadRequest_data();
    void badJsonIsBadRequest();
    void wrongTypesAre422();
    void bodyOverLimitIs413();
    void chunkedBodyOverLimitIs413();
    void chunkedBodyWithinLimitIsRead();
    void headersOverLimitAre431();
    void expectContinueIsAnswered();
    void slowClientDoesNotBlockOthers();
    void idleConnectionIsClosed();
    void connectionCapProtectsTheServer();
    void refusesPublicAddressWithoutTls();
    void servesTls();
    void exitsWhenStdinCloses();
    void exitsCleanlyOnSigterm();
    void cleanupTestCase();

private:
    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
};

void TestServerHttp::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--request-timeout-ms"), QStringLiteral("1500"),
                              QStringLiteral("--idle-timeout-ms"), QStringLiteral("2500") }),
             qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
}

void TestServerHttp::healthz()
{
    const ApiReply reply = m_api->get(QStringLiteral("/healthz"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QVERIFY(reply.headers.value("content-type").startsWith("application/json"));
}

void TestServerHttp::serverInfoAndNotice()
{
    const ApiReply info = m_api->get(QStringLiteral("/v1/server"));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json.value(QStringLiteral("name")).toString(), QStringLiteral("pygmi-server"));
    QCOMPARE(info.json.value(QStringLiteral("api_version")).toInt(), 1);
    QCOMPARE(info.json.value(QStringLiteral("mode")).toString(), QStringLiteral("hosted"));
    QCOMPARE(info.json.value(QStringLiteral("password_min_length")).toInt(), 10);
    const ApiReply notice = m_api->get(QStringLiteral("/v1/notice"));
    QCOMPARE(notice.status, 200);
    const QString version = notice.json.value(QStringLiteral("version")).toString();
    QVERIFY(!version.isEmpty());
    QCOMPARE(info.json.value(QStringLiteral("notice")).toObject().value(QStringLiteral("version")).toString(), version);
    QVERIFY(QDate::fromString(notice.json.value(QStringLiteral("effective_date")).toString(), Qt::ISODate).isValid());
    QVERIFY(notice.json.value(QStringLiteral("text")).toString().size() > 200);
    QVERIFY(!notice.json.value(QStringLiteral("title")).toString().isEmpty());
}

void TestServerHttp::noticeOverride()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notice.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"version":"2030-01-01","title":"Operator notice","effective_date":"2030-01-01","text":"Ours."})");
    file.close();
    TestServer server;
    QVERIFY2(server.start({ QStringLiteral("--notice"), path }), qPrintable(server.errorString()));
    ServerApi api(server.url());
    QCOMPARE(api.get(QStringLiteral("/v1/notice")).json.value(QStringLiteral("text")).toString(),
             QStringLiteral("Ours."));
    const ApiReply info = api.get(QStringLiteral("/v1/server"));
    QCOMPARE(info.json.value(QStringLiteral("notice")).toObject().value(QStringLiteral("version")).toString(),
             QStringLiteral("2030-01-01"));
    // Sign-up now wants that version.
    const ApiReply old = api.signup(QStringLiteral("n@example.com"), QStringLiteral("violet-harbor-42"));
    QCOMPARE(old.status, 422);
    QCOMPARE(old.fieldCode(QStringLiteral("accepted_notice_version")), QStringLiteral("outdated"));
}

void TestServerHttp::unknownPathAndMethod()
{
    const ApiReply missing = m_api->get(QStringLiteral("/v1/nothing-here"));
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.errorCode(), QStringLiteral("not_found"));
    QVERIFY(
        !missing.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
    const ApiReply wrongMethod = m_api->send("DELETE", QStringLiteral("/healthz"), {});
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.errorCode(), QStringLiteral("method_not_allowed"));
    QVERIFY(wrongMethod.headers.value("allow").contains("GET"));
    // The seam for live events is recognised but does not upgrade yet.
    QVERIFY(m_api->get(QStringLiteral("/v1/events")).status >= 400);
}

void TestServerHttp::headHasHeadersOnly()
{
    const QByteArray response
        = ServerApi::rawExchange(m_server.url(), "HEAD /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    QCOMPARE(ServerApi::statusOfRaw(response), 200);
    QVERIFY(response.contains("Content-Length: 15\r\n"));
    QVERIFY(response.endsWith("\r\n\r\n")); // no body follows
}

void TestServerHttp::keepAliveServesPipelinedRequests()
{
    const QByteArray response
        = ServerApi::rawExchange(m_server.url(),
                                 "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
                                 "GET /v1/server HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    QCOMPARE(response.count("HTTP/1.1 200 OK"), 2);
    QVERIFY(response.contains("pygmi-server"));
}

void TestServerHttp::unsupportedMediaType()
{
    const ApiReply reply = m_api->send("POST", QStringLiteral("/v1/auth/login"), "{}", "text/plain");
    QCOMPARE(reply.status, 415);
    QCOMPARE(reply.errorCode(), QStringLiteral("unsupported_media_type"));
}

void TestServerHttp::badJsonIsBadRequest_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("malformed") << QByteArray(R"({"email": "a@b.c", )");
    QTest::newRow("array") << QByteArray("[1,2,3]");
    QTest::newRow("string") << QByteArray(R"("hello")");
    QTest::newRow("invalid utf-8") << QByteArray("{\"email\":\"\xff\xfe@b.c\",\"password\":\"x\"}");
    QTest::newRow("overlong utf-8") << QByteArray("{\"email\":\"\xc0\xaf\",\"password\":\"x\"}");
    QTest::newRow("empty") << QByteArray(" ");
}

void TestServerHttp::badJsonIsBadRequest()
{
    QFETCH(QByteArray, body);
    const ApiReply reply = m_api->send("POST", QStringLiteral("/v1/auth/login"), body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("bad_request"));
}

void TestServerHttp::wrongTypesAre422()
{
    const ApiReply reply = m_api->send("POST", QStringLiteral("/v1/auth/login"), R"({"email":42,"password":["x"]})");
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.errorCode(), QStringLiteral("validation_failed"));
    QCOMPARE(reply.fieldCode(QStringLiteral("email")), QStringLiteral("wrong_type"));
    QCOMPARE(reply.fieldCode(QStringLiteral("password")), QStringLiteral("wrong_type"));
}

void TestServerHttp::bodyOverLimitIs413()
{
    const QByteArray body = "{\"email\":\"" + QByteArray(2 * 1024 * 1024, 'a') + "\"}";
    const ApiReply reply = m_api->send("POST", QStringLiteral("/v1/auth/login"), body);
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.errorCode(), QStringLiteral("payload_too_large"));
    QCOMPARE(m_api->get(QStringLiteral("/healthz")).status, 200);
}

void TestServerHttp::chunkedBodyOverLimitIs413()
{
    QByteArray request = "POST /v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n";
    const QByteArray chunk(64 * 1024, 'a');
    for (int i = 0; i < 32; ++i) // 2 MiB
        request += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    request += "0\r\n\r\n";
    const QByteArray response = ServerApi::rawExchange(m_server.url(), request);
    QCOMPARE(ServerApi::statusOfRaw(response), 413);
    QVERIFY(response.contains("payload_too_large"));
}

void TestServerHttp::chunkedBodyWithinLimitIsRead()
{
    const QByteArray json = R"({"email":"nobody@example.com","password":"not-the-password-1"})";
    const QByteArray request = "POST /v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                               "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + QByteArray::number(10, 16) + "\r\n" + json.left(10) + "\r\n" + QByteArray::number(json.size() - 10, 16)
        + "\r\n" + json.mid(10) + "\r\n0\r\n\r\n";
    const QByteArray response = ServerApi::rawExchange(m_server.url(), request);
    QCOMPARE(ServerApi::statusOfRaw(response), 401);
    QVERIFY(response.contains("invalid_credentials"));
}

void TestServerHttp::headersOverLimitAre431()
{
    const QByteArray request
        = "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Filler: " + QByteArray(64 * 1024, 'x') + "\r\n\r\n";
    const QByteArray response = ServerApi::rawExchange(m_server.url(), request);
    QCOMPARE(ServerApi::statusOfRaw(response), 431);
    QVERIFY(response.contains("headers_too_large"));
    QCOMPARE(m_api->get(QStringLiteral("/healthz")).status, 200);
}

void TestServerHttp::expectContinueIsAnswered()
{
    const QByteArray body = R"({"email":"nobody@example.com","password":"not-the-password-2"})";
    QTcpSocket socket;
    socket.connectToHost(m_server.url().host(), static_cast<quint16>(m_server.url().port()));
    QVERIFY(socket.waitForConnected(3000));
    socket.write("POST /v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                 "Expect: 100-continue\r\nContent-Length: "
                 + QByteArray::number(body.size()) + "\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((socket.waitForReadyRead(50), received += socket.readAll(), received.contains("\r\n\r\n")),
                             3000);
    QVERIFY2(received.startsWith("HTTP/1.1 100 Continue"), received.constData());
    socket.write(body);
    QTRY_VERIFY_WITH_TIMEOUT(
        (socket.waitForReadyRead(50), received += socket.readAll(), received.contains("invalid_credentials")), 5000);
    QVERIFY(received.contains("HTTP/1.1 401"));
}

void TestServerHttp::slowClientDoesNotBlockOthers()
{
    // A client that sends half a header and stalls (slowloris) ...
    QList<QTcpSocket *> slow;
    for (int i = 0; i < 8; ++i) {
        auto *socket = new QTcpSocket(this);
        socket->connectToHost(m_server.url().host(), static_cast<quint16>(m_server.url().port()));
        QVERIFY(socket->waitForConnected(3000));
        socket->write("GET /healthz HTTP/1.1\r\nHost: te");
        socket->waitForBytesWritten(1000);
        slow << socket;
    }
    // ... does not delay anyone else ...
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_api->get(QStringLiteral("/healthz")).status, 200);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    // ... and is cut off when its request time (1.5 s here) is over.
    for (QTcpSocket *socket : std::as_const(slow))
        QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 5000);
    qDeleteAll(slow);
}

void TestServerHttp::idleConnectionIsClosed()
{
    QTcpSocket socket;
    socket.connectToHost(m_server.url().host(), static_cast<quint16>(m_server.url().port()));
    QVERIFY(socket.waitForConnected(3000));
    socket.write("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(socket.bytesAvailable() > 0 || socket.waitForReadyRead(50), 3000);
    QVERIFY(socket.readAll().startsWith("HTTP/1.1 200"));
    QElapsedTimer timer;
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 6000);
    QVERIFY(timer.elapsed() > 1500); // idle timeout is 2.5 s
}

void TestServerHttp::connectionCapProtectsTheServer()
{
    if (qEnvironmentVariableIsSet("PYGMI_SKIP_SERIAL_CHECKS"))
        QSKIP("runs as its own serial ctest entry (tst_ServerHttp.connectionCap)");
    // With room for three connections, three idle clients fill it: a fourth is closed at once
    // without an answer; when one idle client leaves, new clients are served again.
    TestServer capped;
    QVERIFY2(capped.start({ QStringLiteral("--max-connections"), QStringLiteral("3") }),
             qPrintable(capped.errorString()));
    const auto port = static_cast<quint16>(capped.url().port());
    std::vector<std::unique_ptr<QTcpSocket>> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(std::make_unique<QTcpSocket>());
        QTcpSocket &socket = *idle.back();
        socket.connectToHost(capped.url().host(), port);
        QVERIFY(socket.waitForConnected(3000));
        // One answered request proves the server accepted (and counts) this connection; it then
        // stays open, idle, under keep-alive.
        socket.write("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(socket.bytesAvailable() > 0 || socket.waitForReadyRead(50), 10000);
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 200"));
    }
    QTcpSocket extra;
    extra.connectToHost(capped.url().host(), port);
    QVERIFY(extra.waitForConnected(3000));
    extra.write("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(extra.state(), QAbstractSocket::UnconnectedState, 10000);
    QVERIFY(!extra.readAll().startsWith("HTTP/1.1 200"));

    idle.front()->disconnectFromHost();
    idle.erase(idle.begin());
    QTRY_VERIFY_WITH_TIMEOUT(ServerApi::rawExchange(capped.url(), "GET /healthz HTTP/1.1\r\nHost: test\r\n"
                                                                  "Connection: close\r\n\r\n")
                                 .startsWith("HTTP/1.1 200"),
                             20000);
}

static int runServerExpectingExit(const QStringList &args, QByteArray *output)
{
    QTemporaryDir dir;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(TestServer::serverProgram(), QStringList { QStringLiteral("--data-dir"), dir.path() } + args);
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished();
        return -1;
    }
    *output = process.readAll();
    return process.exitCode();
}

void TestServerHttp::refusesPublicAddressWithoutTls()
{
    QByteArray output;
    QCOMPARE(runServerExpectingExit({ QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0") }, &output), 2);
    QVERIFY2(output.contains("TLS"), output.constData());
    QVERIFY(!output.contains("listening on"));
    QCOMPARE(runServerExpectingExit({ QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
                                      QStringLiteral("--local"), QStringLiteral("--behind-proxy") },
                                    &output),
             2);
    QVERIFY(output.contains("loopback"));
    QCOMPARE(runServerExpectingExit({ QStringLiteral("--tls-cert"), QStringLiteral("/nonexistent.pem") }, &output), 2);

    // With --behind-proxy a public address is the operator's informed choice.
    TestServer proxied;
    QVERIFY2(
        proxied.start({ QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"), QStringLiteral("--behind-proxy") }),
        qPrintable(proxied.errorString()));
    QVERIFY(proxied.output().contains("listening on http://0.0.0.0:"));
}

void TestServerHttp::servesTls()
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        QSKIP("openssl command not available to make a test certificate");
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess make;
    make.start(openssl,
               { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                 QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                 QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                 QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-keyout"),
                 key, QStringLiteral("-out"), cert });
    QVERIFY(make.waitForFinished(20000));
    QCOMPARE(make.exitCode(), 0);

    TestServer server;
    QVERIFY2(server.start({ QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key }),
             qPrintable(server.errorString()));
    QCOMPARE(server.url().scheme(), QStringLiteral("https"));

    QFile certFile(cert);
    QVERIFY(certFile.open(QIODevice::ReadOnly));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromData(certFile.readAll(), QSsl::Pem));
    QNetworkAccessManager network;
    QUrl url = server.url();
    url.setPath(QStringLiteral("/healthz"));
    QNetworkRequest request(url);
    request.setSslConfiguration(tls);
    QNetworkReply *reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();

    // Plain HTTP to the TLS port gets nothing useful, and the server carries on.
    QUrl plain = server.url();
    plain.setScheme(QStringLiteral("http"));
    QCOMPARE(ServerApi::statusOfRaw(ServerApi::rawExchange(plain, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", 2000)),
             0);
}

void TestServerHttp::exitsWhenStdinCloses()
{
    QTemporaryDir dir;
    QProcess process;
    process.start(TestServer::serverProgram(),
                  { QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                    QStringLiteral("--exit-with-stdin") });
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT((process.waitForReadyRead(50), process.canReadLine()), 10000);
    QVERIFY(process.readLine().startsWith("listening on http://127.0.0.1:"));
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(5000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

void TestServerHttp::exitsCleanlyOnSigterm()
{
    QTemporaryDir dir;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(
        TestServer::serverProgram(),
        { QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
    QTRY_VERIFY_WITH_TIMEOUT((process.waitForReadyRead(50), process.peek(4096).contains("listening on")), 10000);
    process.terminate();
    QVERIFY(process.waitForFinished(5000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAll().contains("stopped"));
}

void TestServerHttp::cleanupTestCase()
{
    m_server.stop();
    // Nothing these tests sent as a password shows up in the log.
    QVERIFY(!m_server.output().contains("not-the-password"));
}

QTEST_GUILESS_MAIN(TestServerHttp)
#include "tst_ServerHttp.moc"
