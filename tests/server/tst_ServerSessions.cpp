// Sign-in, token rotation with reuse detection, sign-out, access expiry, rate limits and
// admin locks, against the real server.
#include "ServerApi.h"
#include "TestServer.h"

#include <QProcess>
#include <QtTest>

using namespace pygmi::test;

namespace {
const QString kEmail = QStringLiteral("grace.hopper@example.com");
const QString kPassword = QStringLiteral("cobol-compiler-1959");
} // namespace

class TestServerSessions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void loginSucceeds();
    void wrongPasswordAndUnknownEmailLookAlike();
    void meNeedsBearer();
    void refreshRotatesAndDetectsReuse();
    void logoutRevokesFamily();
    void accessTokenExpires();
    void accountRateLimit();
    void addressRateLimit();
    void adminLock();
    void cleanupTestCase();

private:
    QString signedInAccessToken(const QString &email, const QString &password);
    bool runAdmin(const QString &dataDir, const QString &action, const QString &email);

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QStringList m_secrets; // every token seen, to check the log afterwards
};

void TestServerSessions::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--test-clock"), QStringLiteral("--access-ttl"), QStringLiteral("60") }),
             qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    const ApiReply reply = m_api->signup(kEmail, kPassword);
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json.value(QStringLiteral("expires_in")).toInt(), 60);
    m_secrets << reply.json.value(QStringLiteral("access_token")).toString()
              << reply.json.value(QStringLiteral("refresh_token")).toString();
}

QString TestServerSessions::signedInAccessToken(const QString &email, const QString &password)
{
    const ApiReply reply = m_api->login(email, password);
    const QString access = reply.json.value(QStringLiteral("access_token")).toString();
    m_secrets << access << reply.json.value(QStringLiteral("refresh_token")).toString();
    return access;
}

void TestServerSessions::loginSucceeds()
{
    const ApiReply reply = m_api->login(QStringLiteral("Grace.Hopper@EXAMPLE.com"), kPassword);
    QCOMPARE(reply.status, 200);
    const QString access = reply.json.value(QStringLiteral("access_token")).toString();
    m_secrets << access << reply.json.value(QStringLiteral("refresh_token")).toString();
    QCOMPARE(reply.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("email")).toString(), kEmail);
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), access).status, 200);
}

void TestServerSessions::wrongPasswordAndUnknownEmailLookAlike()
{
    QElapsedTimer timer;
    timer.start();
    const ApiReply wrong = m_api->login(kEmail, QStringLiteral("not-my-password-9"));
    const qint64 wrongMs = timer.restart();
    const ApiReply unknown
        = m_api->login(QStringLiteral("nobody.at.all@example.com"), QStringLiteral("not-my-password-9"));
    const qint64 unknownMs = timer.elapsed();
    QCOMPARE(wrong.status, 401);
    QCOMPARE(unknown.status, 401);
    QCOMPARE(wrong.errorCode(), QStringLiteral("invalid_credentials"));
    QCOMPARE(unknown.body, wrong.body);
    // Both pay for an argon2id verification (tens of ms); a quick "no such user" would show here.
    QVERIFY2(unknownMs * 3 > wrongMs, qPrintable(QStringLiteral("%1 vs %2 ms").arg(unknownMs).arg(wrongMs)));
    QVERIFY(unknownMs >= 10);
    // A good login clears the failure count of the account.
    QVERIFY(!signedInAccessToken(kEmail, kPassword).isEmpty());
}

void TestServerSessions::meNeedsBearer()
{
    QCOMPARE(m_api->get(QStringLiteral("/v1/me")).errorCode(), QStringLiteral("unauthorized"));
    const ApiReply bogus = m_api->get(QStringLiteral("/v1/me"), QStringLiteral("made-up-token"));
    QCOMPARE(bogus.status, 401);
    QCOMPARE(bogus.errorCode(), QStringLiteral("unauthorized"));
    const ApiReply me = m_api->get(QStringLiteral("/v1/me"), signedInAccessToken(kEmail, kPassword));
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("email")).toString(), kEmail);
    QCOMPARE(me.json.value(QStringLiteral("kind")).toString(), QStringLiteral("password"));
    QVERIFY(me.json.contains(QStringLiteral("email_verified")));
    QVERIFY(me.json.contains(QStringLiteral("created_at")));
}

void TestServerSessions::refreshRotatesAndDetectsReuse()
{
    const ApiReply first = m_api->login(kEmail, kPassword);
    const QString refresh1 = first.json.value(QStringLiteral("refresh_token")).toString();
    m_secrets << refresh1 << first.json.value(QStringLiteral("access_token")).toString();

    const ApiReply second
        = m_api->post(QStringLiteral("/v1/auth/refresh"), { { QStringLiteral("refresh_token"), refresh1 } });
    QCOMPARE(second.status, 200);
    const QString refresh2 = second.json.value(QStringLiteral("refresh_token")).toString();
    const QString access2 = second.json.value(QStringLiteral("access_token")).toString();
    m_secrets << refresh2 << access2;
    QVERIFY(refresh2 != refresh1);
    QVERIFY(access2 != first.json.value(QStringLiteral("access_token")).toString());
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), access2).status, 200);

    // The old refresh token comes back (stolen copy, or a replay): the whole family ends.
    const ApiReply reused
        = m_api->post(QStringLiteral("/v1/auth/refresh"), { { QStringLiteral("refresh_token"), refresh1 } });
    QCOMPARE(reused.status, 401);
    QCOMPARE(reused.errorCode(), QStringLiteral("refresh_reused"));
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), access2).status, 401);
    const ApiReply afterRevoke
        = m_api->post(QStringLiteral("/v1/auth/refresh"), { { QStringLiteral("refresh_token"), refresh2 } });
    QCOMPARE(afterRevoke.status, 401);
    QCOMPARE(afterRevoke.errorCode(), QStringLiteral("invalid_token"));

    const ApiReply unknown = m_api->post(QStringLiteral("/v1/auth/refresh"),
                                         { { QStringLiteral("refresh_token"), QStringLiteral("nope") } });
    QCOMPARE(unknown.errorCode(), QStringLiteral("invalid_token"));
    QCOMPARE(m_api->post(QStringLiteral("/v1/auth/refresh"), {}).fieldCode(QStringLiteral("refresh_token")),
             QStringLiteral("required"));
}

void TestServerSessions::logoutRevokesFamily()
{
    const ApiReply session = m_api->login(kEmail, kPassword);
    const QString access = session.json.value(QStringLiteral("access_token")).toString();
    const QString refresh = session.json.value(QStringLiteral("refresh_token")).toString();
    m_secrets << access << refresh;
    const QString other = signedInAccessToken(kEmail, kPassword); // another device stays signed in

    QCOMPARE(m_api->send("POST", QStringLiteral("/v1/auth/logout"), {}, {}, access).status, 204);
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), access).errorCode(), QStringLiteral("unauthorized"));
    QCOMPARE(
        m_api->post(QStringLiteral("/v1/auth/refresh"), { { QStringLiteral("refresh_token"), refresh } }).errorCode(),
        QStringLiteral("invalid_token"));
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), other).status, 200);
    QCOMPARE(m_api->send("POST", QStringLiteral("/v1/auth/logout"), {}).status, 401);
}

void TestServerSessions::accessTokenExpires()
{
    const ApiReply session = m_api->login(kEmail, kPassword);
    const QString access = session.json.value(QStringLiteral("access_token")).toString();
    const QString refresh = session.json.value(QStringLiteral("refresh_token")).toString();
    m_secrets << access << refresh;
    QCOMPARE(m_api->post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), 61 } }).status, 200);
    const ApiReply expired = m_api->get(QStringLiteral("/v1/me"), access);
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.errorCode(), QStringLiteral("token_expired"));
    const ApiReply renewed
        = m_api->post(QStringLiteral("/v1/auth/refresh"), { { QStringLiteral("refresh_token"), refresh } });
    QCOMPARE(renewed.status, 200);
    m_secrets << renewed.json.value(QStringLiteral("access_token")).toString()
              << renewed.json.value(QStringLiteral("refresh_token")).toString();
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), renewed.json.value(QStringLiteral("access_token")).toString()).status,
             200);
    // Refresh tokens last 30 days.
    QCOMPARE(
        m_api->post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), 31 * 24 * 3600 } }).status,
        200);
    QCOMPARE(m_api
                 ->post(QStringLiteral("/v1/auth/refresh"),
                        { { QStringLiteral("refresh_token"),
                            renewed.json.value(QStringLiteral("refresh_token")).toString() } })
                 .errorCode(),
             QStringLiteral("invalid_token"));
}

void TestServerSessions::accountRateLimit()
{
    const QString email = QStringLiteral("target@example.com");
    const QString password = QStringLiteral("target-Password-55");
    QCOMPARE(m_api->signup(email, password).status, 201);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_api->login(email, QStringLiteral("guess-number-%1").arg(i)).status, 401);
    // Even the right password now waits: the answer does not tell a guesser anything.
    const ApiReply limited = m_api->login(email, password);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    const int retryAfter = limited.headers.value("retry-after").toInt();
    QVERIFY(retryAfter >= 1 && retryAfter <= 30);
    QCOMPARE(limited.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("retry_after")).toInt(),
             retryAfter);
    // Unknown accounts are throttled the same way.
    for (int i = 0; i < 5; ++i)
        m_api->login(QStringLiteral("ghost@example.com"), QStringLiteral("guess-number-%1").arg(i));
    QCOMPARE(m_api->login(QStringLiteral("ghost@example.com"), QStringLiteral("guess-number-x")).status, 429);

    QCOMPARE(
        m_api->post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), retryAfter } }).status,
        200);
    const ApiReply ok = m_api->login(email, password);
    QCOMPARE(ok.status, 200);
    m_secrets << ok.json.value(QStringLiteral("access_token")).toString()
              << ok.json.value(QStringLiteral("refresh_token")).toString();
}

void TestServerSessions::addressRateLimit()
{
    TestServer server;
    QVERIFY2(server.start({ QStringLiteral("--login-address-limit"), QStringLiteral("3") }),
             qPrintable(server.errorString()));
    ServerApi api(server.url());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(api.login(QStringLiteral("spray%1@example.com").arg(i), QStringLiteral("spray-password-1")).status,
                 401);
    const ApiReply limited = api.login(QStringLiteral("spray9@example.com"), QStringLiteral("spray-password-1"));
    QCOMPARE(limited.status, 429);
    QVERIFY(limited.headers.value("retry-after").toInt() > 0);
}

bool TestServerSessions::runAdmin(const QString &dataDir, const QString &action, const QString &email)
{
    QProcess admin;
    admin.start(TestServer::serverProgram(),
                { QStringLiteral("--data-dir"), dataDir, QStringLiteral("admin"), action, email });
    return admin.waitForFinished(10000) && admin.exitStatus() == QProcess::NormalExit && admin.exitCode() == 0;
}

void TestServerSessions::adminLock()
{
    const QString email = QStringLiteral("locked.out@example.com");
    const QString password = QStringLiteral("locked-Password-66");
    const ApiReply created = m_api->signup(email, password);
    QCOMPARE(created.status, 201);
    const QString access = created.json.value(QStringLiteral("access_token")).toString();
    m_secrets << access << created.json.value(QStringLiteral("refresh_token")).toString();

    QVERIFY(runAdmin(m_server.dataDir(), QStringLiteral("lock"), email)); // while the server runs
    QVERIFY(!runAdmin(m_server.dataDir(), QStringLiteral("lock"), QStringLiteral("no.such@example.com")));
    // A wrong password learns nothing about the lock; the right one is told.
    QCOMPARE(m_api->login(email, QStringLiteral("wrong-Password-66")).errorCode(),
             QStringLiteral("invalid_credentials"));
    const ApiReply locked = m_api->login(email, password);
    QCOMPARE(locked.status, 423);
    QCOMPARE(locked.errorCode(), QStringLiteral("account_locked"));
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), access).status, 401); // its sessions ended

    QVERIFY(runAdmin(m_server.dataDir(), QStringLiteral("unlock"), email));
    const ApiReply unlocked = m_api->login(email, password);
    QCOMPARE(unlocked.status, 200);
    m_secrets << unlocked.json.value(QStringLiteral("access_token")).toString()
              << unlocked.json.value(QStringLiteral("refresh_token")).toString();
}

void TestServerSessions::cleanupTestCase()
{
    m_server.stop();
    const QByteArray log = m_server.output();
    QVERIFY(log.contains("pygmi.server.http"));
    for (const QString &secret : std::as_const(m_secrets)) {
        if (!secret.isEmpty())
            QVERIFY2(!log.contains(secret.toUtf8()), "a token appeared in the server log");
    }
    for (const QString &password : { kPassword, QStringLiteral("target-Password-55"),
                                     QStringLiteral("locked-Password-66"), QStringLiteral("not-my-password-9") })
        QVERIFY2(!log.contains(password.toUtf8()), "a password appeared in the server log");
}

QTEST_GUILESS_MAIN(TestServerSessions)
#include "tst_ServerSessions.moc"
