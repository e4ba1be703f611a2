// Local mode: one profile per install, unlocked by the app's install secret; passwords off.
#include "ServerApi.h"
#include "TestServer.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace pygmi::test;

namespace {
QString makeInstallSecret()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 8);
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QJsonObject setupBody(const QString &secret)
{
    return { { QStringLiteral("install_secret"), secret },
             { QStringLiteral("display_name"), QStringLiteral("Me") },
             { QStringLiteral("birth_date"), QStringLiteral("2000-02-29") },
             { QStringLiteral("accepted_notice_version"), QStringLiteral("2026-11-01") },
             { QStringLiteral("device_name"), QStringLiteral("This laptop") } };
}
} // namespace

class TestServerLocal : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void passwordEndpointsAreOff();
    void loginBeforeSetup();
    void setupValidates();
    void setupAndLogin();
    void hostedModeRefusesLocalEndpoints();
    void cleanupTestCase();

private:
    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QString m_secret = makeInstallSecret();
    QStringList m_tokens;
};

void TestServerLocal::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--local") }), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    QCOMPARE(m_api->get(QStringLiteral("/v1/server")).json.value(QStringLiteral("mode")).toString(),
             QStringLiteral("local"));
}

void TestServerLocal::passwordEndpointsAreOff()
{
    const ApiReply signup = m_api->signup(QStringLiteral("a@example.com"), QStringLiteral("violet-harbor-42"));
    QCOMPARE(signup.status, 403);
    QCOMPARE(signup.errorCode(), QStringLiteral("not_available"));
    QCOMPARE(m_api->login(QStringLiteral("a@example.com"), QStringLiteral("violet-harbor-42")).errorCode(),
             QStringLiteral("not_available"));
}

void TestServerLocal::loginBeforeSetup()
{
    const ApiReply reply
        = m_api->post(QStringLiteral("/v1/auth/local/login"), { { QStringLiteral("install_secret"), m_secret } });
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.errorCode(), QStringLiteral("not_set_up"));
}

void TestServerLocal::setupValidates()
{
    QJsonObject body = setupBody(QStringLiteral("too-short"));
    QCOMPARE(m_api->post(QStringLiteral("/v1/auth/local/setup"), body).fieldCode(QStringLiteral("install_secret")),
             QStringLiteral("invalid"));
    body = setupBody(m_secret);
    body.insert(QStringLiteral("birth_date"),
                QDateTime::currentDateTimeUtc().date().addYears(-5).toString(Qt::ISODate));
    const ApiReply young = m_api->post(QStringLiteral("/v1/auth/local/setup"), body);
    QCOMPARE(young.status, 422);
    QCOMPARE(young.fieldCode(QStringLiteral("birth_date")), QStringLiteral("under_13"));
    body = setupBody(m_secret);
    body.remove(QStringLiteral("accepted_notice_version"));
    QCOMPARE(
        m_api->post(QStringLiteral("/v1/auth/local/setup"), body).fieldCode(QStringLiteral("accepted_notice_version")),
        QStringLiteral("must_accept"));
    QCOMPARE(
        m_api->post(QStringLiteral("/v1/auth/local/login"), { { QStringLiteral("install_secret"), m_secret } }).status,
        404); // still not set up
}

void TestServerLocal::setupAndLogin()
{
    const ApiReply setup = m_api->post(QStringLiteral("/v1/auth/local/setup"), setupBody(m_secret));
    QCOMPARE(setup.status, 201);
    const QJsonObject user = setup.json.value(QStringLiteral("user")).toObject();
    QCOMPARE(user.value(QStringLiteral("kind")).toString(), QStringLiteral("local"));
    QVERIFY(user.value(QStringLiteral("email")).isNull());
    QCOMPARE(user.value(QStringLiteral("display_name")).toString(), QStringLiteral("Me"));
    m_tokens << setup.json.value(QStringLiteral("access_token")).toString()
             << setup.json.value(QStringLiteral("refresh_token")).toString();

    const ApiReply again = m_api->post(QStringLiteral("/v1/auth/local/setup"), setupBody(makeInstallSecret()));
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorCode(), QStringLiteral("already_set_up"));

    const ApiReply wrong = m_api->post(QStringLiteral("/v1/auth/local/login"),
                                       { { QStringLiteral("install_secret"), makeInstallSecret() } });
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.errorCode(), QStringLiteral("invalid_credentials"));

    // Survives a restart (the app restarts its server).
    m_server.stop();
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("local_install")), 1);
    QVERIFY2(m_server.restart(), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    const ApiReply login
        = m_api->post(QStringLiteral("/v1/auth/local/login"), { { QStringLiteral("install_secret"), m_secret } });
    QCOMPARE(login.status, 200);
    const QString access = login.json.value(QStringLiteral("access_token")).toString();
    m_tokens << access << login.json.value(QStringLiteral("refresh_token")).toString();
    const ApiReply me = m_api->get(QStringLiteral("/v1/me"), access);
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("id")).toString(), user.value(QStringLiteral("id")).toString());
    QCOMPARE(me.json.value(QStringLiteral("email_verified")).toBool(), false);
}

void TestServerLocal::hostedModeRefusesLocalEndpoints()
{
    TestServer hosted;
    QVERIFY2(hosted.start(), qPrintable(hosted.errorString()));
    ServerApi api(hosted.url());
    QCOMPARE(api.post(QStringLiteral("/v1/auth/local/setup"), setupBody(m_secret)).errorCode(),
             QStringLiteral("not_available"));
    const ApiReply login
        = api.post(QStringLiteral("/v1/auth/local/login"), { { QStringLiteral("install_secret"), m_secret } });
    QCOMPARE(login.status, 403);
    QCOMPARE(login.errorCode(), QStringLiteral("not_available"));
}

void TestServerLocal::cleanupTestCase()
{
    m_server.stop();
    const QByteArray log = m_server.output();
    QVERIFY(!log.contains(m_secret.toUtf8()));
    for (const QString &token : std::as_const(m_tokens))
        QVERIFY(!log.contains(token.toUtf8()));
    // Only the secret's fingerprint is stored.
    QFile database(m_server.dataDir() + QStringLiteral("/pygmi.sqlite"));
    QVERIFY(database.open(QIODevice::ReadOnly));
    QVERIFY(!database.readAll().contains(m_secret.toUtf8()));
}

QTEST_GUILESS_MAIN(TestServerLocal)
#include "tst_ServerLocal.moc"
