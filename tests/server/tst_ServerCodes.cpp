// Email verification and password reset through one-time codes read from the mail outbox.
#include "ServerApi.h"
#include "TestServer.h"

#include <QtTest>

using namespace pygmi::test;

class TestServerCodes : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void verifyEmail();
    void wrongCodesAreLimited();
    void verifyCodeExpires();
    void resendIsThrottled();
    void forgotNeverTellsWhetherAccountExists();
    void passwordReset();
    void resetCodeExpiresAndIsSingleUse();
    void cleanupTestCase();

private:
    ApiReply signup(const QString &email, const QString &password);
    ApiReply post(const QString &path, const QJsonObject &body, const QString &bearer = {})
    {
        return m_api->post(path, body, bearer);
    }
    void advance(int seconds)
    {
        QCOMPARE(post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), seconds } }).status,
                 200);
    }

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QStringList m_secrets;
};

void TestServerCodes::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--test-clock") }), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
}

ApiReply TestServerCodes::signup(const QString &email, const QString &password)
{
    const ApiReply reply = m_api->signup(email, password);
    m_secrets << password << reply.json.value(QStringLiteral("access_token")).toString()
              << reply.json.value(QStringLiteral("refresh_token")).toString();
    return reply;
}

void TestServerCodes::verifyEmail()
{
    const QString email = QStringLiteral("verify.me@example.com");
    const ApiReply created = signup(email, QStringLiteral("verify-Password-11"));
    QCOMPARE(created.status, 201);
    const QString access = created.json.value(QStringLiteral("access_token")).toString();
    const QString code = ServerApi::latestCode(m_server.dataDir(), email);
    QCOMPARE(code.size(), 6);
    m_secrets << code;

    QCOMPARE(post(QStringLiteral("/v1/auth/email/verify"), { { QStringLiteral("code"), code } }).status, 401);
    QCOMPARE(post(QStringLiteral("/v1/auth/email/verify"), { { QStringLiteral("code"), code } }, access).status, 204);
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), access).json.value(QStringLiteral("email_verified")).toBool(), true);
    // Single use.
    const ApiReply again = post(QStringLiteral("/v1/auth/email/verify"), { { QStringLiteral("code"), code } }, access);
    QCOMPARE(again.status, 400);
    QCOMPARE(again.errorCode(), QStringLiteral("invalid_code"));
    // Nothing more is mailed to a verified address.
    QCOMPARE(m_api->send("POST", QStringLiteral("/v1/auth/email/resend"), {}, {}, access).status, 202);
    QCOMPARE(ServerApi::mailCount(m_server.dataDir(), email), 1);
}

void TestServerCodes::wrongCodesAreLimited()
{
    const QString email = QStringLiteral("guesser@example.com");
    const ApiReply created = signup(email, QStringLiteral("guesser-Password-12"));
    const QString access = created.json.value(QStringLiteral("access_token")).toString();
    const QString code = ServerApi::latestCode(m_server.dataDir(), email);
    m_secrets << code;
    const QString wrong = code == QLatin1String("000000") ? QStringLiteral("111111") : QStringLiteral("000000");
    for (int i = 0; i < 5; ++i)
        QCOMPARE(
            post(QStringLiteral("/v1/auth/email/verify"), { { QStringLiteral("code"), wrong } }, access).errorCode(),
            QStringLiteral("invalid_code"));
    // After five wrong tries even the right code no longer works.
    QCOMPARE(post(QStringLiteral("/v1/auth/email/verify"), { { QStringLiteral("code"), code } }, access).status, 400);
    QCOMPARE(post(QStringLiteral("/v1/auth/email/verify"), { { QStringLiteral("code"), 123456 } }, access)
                 .fieldCode(QStringLiteral("code")),
             QStringLiteral("wrong_type"));
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), access).json.value(QStringLiteral("email_verified")).toBool(), false);
}

void TestServerCodes::verifyCodeExpires()
{
    const QString email = QStringLiteral("slow.reader@example.com");
    const ApiReply created = signup(email, QStringLiteral("slow-reader-Password-13"));
    const QString access = created.json.value(QStringLiteral("access_token")).toString();
    const QString code = ServerApi::latestCode(m_server.dataDir(), email);
    m_secrets << code;
    advance(24 * 3600 + 1);
    const ApiReply refreshed
        = post(QStringLiteral("/v1/auth/refresh"),
               { { QStringLiteral("refresh_token"), created.json.value(QStringLiteral("refresh_token")).toString() } });
    const QString access2 = refreshed.json.value(QStringLiteral("access_token")).toString();
    m_secrets << access2 << refreshed.json.value(QStringLiteral("refresh_token")).toString();
    QCOMPARE(post(QStringLiteral("/v1/auth/email/verify"), { { QStringLiteral("code"), code } }, access2).errorCode(),
             QStringLiteral("invalid_code"));
    // A new code works, and replaces the old one.
    QCOMPARE(m_api->send("POST", QStringLiteral("/v1/auth/email/resend"), {}, {}, access2).status, 202);
    const QString fresh = ServerApi::latestCode(m_server.dataDir(), email);
    m_secrets << fresh;
    QCOMPARE(ServerApi::mailCount(m_server.dataDir(), email), 2);
    QCOMPARE(post(QStringLiteral("/v1/auth/email/verify"), { { QStringLiteral("code"), fresh } }, access2).status, 204);
    Q_UNUSED(access);
}

void TestServerCodes::resendIsThrottled()
{
    const QString email = QStringLiteral("impatient@example.com");
    const ApiReply created = signup(email, QStringLiteral("impatient-Password-14"));
    const QString access = created.json.value(QStringLiteral("access_token")).toString();
    m_secrets << ServerApi::latestCode(m_server.dataDir(), email);
    const ApiReply tooSoon = m_api->send("POST", QStringLiteral("/v1/auth/email/resend"), {}, {}, access);
    QCOMPARE(tooSoon.status, 429);
    QVERIFY(tooSoon.headers.value("retry-after").toInt() > 0);
    advance(61);
    QCOMPARE(m_api->send("POST", QStringLiteral("/v1/auth/email/resend"), {}, {}, access).status, 202);
    m_secrets << ServerApi::latestCode(m_server.dataDir(), email);
    QCOMPARE(ServerApi::mailCount(m_server.dataDir(), email), 2);
}

void TestServerCodes::forgotNeverTellsWhetherAccountExists()
{
    const ApiReply unknown = post(QStringLiteral("/v1/auth/password/forgot"),
                                  { { QStringLiteral("email"), QStringLiteral("nobody.here@example.com") } });
    QCOMPARE(unknown.status, 202);
    QCOMPARE(ServerApi::mailCount(m_server.dataDir(), QStringLiteral("nobody.here@example.com")), 0);
    const ApiReply known = post(QStringLiteral("/v1/auth/password/forgot"),
                                { { QStringLiteral("email"), QStringLiteral("verify.me@example.com") } });
    QCOMPARE(known.status, 202);
    QCOMPARE(known.body, unknown.body);
    QCOMPARE(post(QStringLiteral("/v1/auth/password/forgot"), {}).status, 422);
}

void TestServerCodes::passwordReset()
{
    const QString email = QStringLiteral("forgetful@example.com");
    const QString oldPassword = QStringLiteral("forgetful-Password-15");
    const QString newPassword = QStringLiteral("remembered-Again-16");
    m_secrets << newPassword;
    const ApiReply created = signup(email, oldPassword);
    const QString oldAccess = created.json.value(QStringLiteral("access_token")).toString();
    const int mailsBefore = ServerApi::mailCount(m_server.dataDir(), email);
    QCOMPARE(post(QStringLiteral("/v1/auth/password/forgot"),
                  { { QStringLiteral("email"), QStringLiteral("Forgetful@Example.com") } })
                 .status,
             202);
    QCOMPARE(ServerApi::mailCount(m_server.dataDir(), email), mailsBefore + 1);
    const QString code = ServerApi::latestCode(m_server.dataDir(), email);
    m_secrets << code;

    // A weak new password is refused without using up the code.
    const ApiReply weak = post(QStringLiteral("/v1/auth/password/reset"),
                               { { QStringLiteral("email"), email },
                                 { QStringLiteral("code"), code },
                                 { QStringLiteral("new_password"), QStringLiteral("password1") } });
    QCOMPARE(weak.status, 422);
    QCOMPARE(weak.fieldCode(QStringLiteral("new_password")), QStringLiteral("too_short"));
    QCOMPARE(post(QStringLiteral("/v1/auth/password/reset"),
                  { { QStringLiteral("email"), email },
                    { QStringLiteral("code"), QStringLiteral("12345") },
                    { QStringLiteral("new_password"), newPassword } })
                 .errorCode(),
             QStringLiteral("invalid_code"));
    QCOMPARE(post(QStringLiteral("/v1/auth/password/reset"),
                  { { QStringLiteral("email"), email },
                    { QStringLiteral("code"), code },
                    { QStringLiteral("new_password"), newPassword } })
                 .status,
             204);
    // Every earlier session ended; the old password is gone, the new one works.
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), oldAccess).status, 401);
    QCOMPARE(m_api->login(email, oldPassword).errorCode(), QStringLiteral("invalid_credentials"));
    const ApiReply fresh = m_api->login(email, newPassword);
    QCOMPARE(fresh.status, 200);
    m_secrets << fresh.json.value(QStringLiteral("access_token")).toString()
              << fresh.json.value(QStringLiteral("refresh_token")).toString();
    QCOMPARE(fresh.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("email_verified")).toBool(),
             true);
}

void TestServerCodes::resetCodeExpiresAndIsSingleUse()
{
    const QString email = QStringLiteral("forgetful@example.com");
    const QString newPassword = QStringLiteral("third-Password-17");
    m_secrets << newPassword;
    advance(120); // past the mail throttle
    QCOMPARE(post(QStringLiteral("/v1/auth/password/forgot"), { { QStringLiteral("email"), email } }).status, 202);
    const QString code = ServerApi::latestCode(m_server.dataDir(), email);
    m_secrets << code;
    advance(31 * 60);
    const QJsonObject body { { QStringLiteral("email"), email },
                             { QStringLiteral("code"), code },
                             { QStringLiteral("new_password"), newPassword } };
    QCOMPARE(post(QStringLiteral("/v1/auth/password/reset"), body).errorCode(), QStringLiteral("invalid_code"));

    QCOMPARE(post(QStringLiteral("/v1/auth/password/forgot"), { { QStringLiteral("email"), email } }).status, 202);
    const QString code2 = ServerApi::latestCode(m_server.dataDir(), email);
    m_secrets << code2;
    QJsonObject body2 = body;
    body2.insert(QStringLiteral("code"), code2);
    QCOMPARE(post(QStringLiteral("/v1/auth/password/reset"), body2).status, 204);
    QCOMPARE(post(QStringLiteral("/v1/auth/password/reset"), body2).errorCode(), QStringLiteral("invalid_code"));
}

void TestServerCodes::cleanupTestCase()
{
    m_server.stop();
    const QByteArray log = m_server.output();
    for (const QString &secret : std::as_const(m_secrets)) {
        if (!secret.isEmpty())
            QVERIFY2(!log.contains(secret.toUtf8()),
                     qPrintable(QStringLiteral("secret in log: %1").arg(secret.left(3))));
    }
}

QTEST_GUILESS_MAIN(TestServerCodes)
#include "tst_ServerCodes.moc"
