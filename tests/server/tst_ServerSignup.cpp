// Sign-up rules and hostile input: every refusal is a 4xx JSON answer and leaves nothing behind.
#include "ServerApi.h"
#include "TestServer.h"

#include <QDate>
#include <QJsonDocument>
#include <QtTest>

using namespace pygmi::test;

namespace {
const QString kGoodPassword = QStringLiteral("violet-harbor-42");
}

class TestServerSignup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void fieldErrors_data();
    void fieldErrors();
    void missingFieldsAreRequired();
    void wrongTypes();
    void noticeMustBeAccepted();
    void hostileInput_data();
    void hostileInput();
    void under13IsRefusedAndNothingStored();
    void refusedRequestsStoredNothing();
    void signupCreatesAccount();
    void emailTaken();
    void cleanupTestCase();

private:
    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
};

void TestServerSignup::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
}

void TestServerSignup::fieldErrors_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("code");
    const QString thirteenYearsAgoTomorrow
        = QDateTime::currentDateTimeUtc().date().addYears(-13).addDays(1).toString(Qt::ISODate);
    QTest::newRow("email invalid") << "email" << QJsonValue(QStringLiteral("not-an-email")) << "invalid";
    QTest::newRow("email with space") << "email" << QJsonValue(QStringLiteral("a b@example.com")) << "invalid";
    QTest::newRow("email without tld") << "email" << QJsonValue(QStringLiteral("a@localhost")) << "invalid";
    QTest::newRow("email two @") << "email" << QJsonValue(QStringLiteral("a@b@example.com")) << "invalid";
    QTest::newRow("email control char") << "email" << QJsonValue(QStringLiteral("a\u0001b@example.com")) << "invalid";
    QTest::newRow("email too long") << "email" << QJsonValue(QString(250, u'a') + QStringLiteral("@example.com"))
                                    << "too_long";
    QTest::newRow("email empty") << "email" << QJsonValue(QString()) << "required";
    QTest::newRow("password short") << "password" << QJsonValue(QStringLiteral("Ab1!xyz")) << "too_short";
    QTest::newRow("password long") << "password" << QJsonValue(QString(257, u'x') + QStringLiteral("abcd"))
                                   << "too_long";
    QTest::newRow("password common") << "password" << QJsonValue(QStringLiteral("qwertyuiop")) << "too_common";
    QTest::newRow("password common decorated")
        << "password" << QJsonValue(QStringLiteral("Password2024!")) << "too_common";
    QTest::newRow("password leet") << "password" << QJsonValue(QStringLiteral("p4ssw0rd!!!")) << "too_common";
    QTest::newRow("password few distinct") << "password" << QJsonValue(QStringLiteral("abababababab")) << "too_weak";
    QTest::newRow("password is email") << "password" << QJsonValue(QStringLiteral("signup.person1")) << "too_weak";
    QTest::newRow("password is name") << "password" << QJsonValue(QStringLiteral("Marguerite Okafor")) << "too_weak";
    QTest::newRow("name empty") << "display_name" << QJsonValue(QStringLiteral("   ")) << "required";
    QTest::newRow("name too long") << "display_name" << QJsonValue(QString(65, u'n')) << "too_long";
    QTest::newRow("name 10000 chars") << "display_name" << QJsonValue(QString(10000, u'n')) << "too_long";
    QTest::newRow("name control") << "display_name" << QJsonValue(QStringLiteral("Bad\u0007Name")) << "invalid";
    QTest::newRow("birth format") << "birth_date" << QJsonValue(QStringLiteral("12/04/1990")) << "invalid";
    QTest::newRow("birth impossible") << "birth_date" << QJsonValue(QStringLiteral("1990-02-30")) << "invalid";
    QTest::newRow("birth future") << "birth_date"
                                  << QJsonValue(QDateTime::currentDateTimeUtc().date().addDays(3).toString(Qt::ISODate))
                                  << "invalid";
    QTest::newRow("birth under 13") << "birth_date" << QJsonValue(thirteenYearsAgoTomorrow) << "under_13";
    QTest::newRow("notice outdated") << "accepted_notice_version" << QJsonValue(QStringLiteral("2020-01-01"))
                                     << "outdated";
    QTest::newRow("notice empty") << "accepted_notice_version" << QJsonValue(QString()) << "must_accept";
    QTest::newRow("device too long") << "device_name" << QJsonValue(QString(65, u'd')) << "too_long";
}

void TestServerSignup::fieldErrors()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QFETCH(QString, code);
    QJsonObject body = ServerApi::signupBody(QStringLiteral("signup.person1@example.com"), kGoodPassword,
                                             QStringLiteral("Marguerite Okafor"));
    body.insert(field, value);
    const ApiReply reply = m_api->post(QStringLiteral("/v1/auth/signup"), body);
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.errorCode(), QStringLiteral("validation_failed"));
    QCOMPARE(reply.fieldCode(field), code);
    QCOMPARE(reply.fields().size(), 1); // only the broken field is named
}

void TestServerSignup::missingFieldsAreRequired()
{
    const ApiReply reply = m_api->post(QStringLiteral("/v1/auth/signup"), QJsonObject {});
    QCOMPARE(reply.status, 422);
    for (const char *field : { "email", "password", "display_name", "birth_date" })
        QCOMPARE(reply.fieldCode(QString::fromLatin1(field)), QStringLiteral("required"));
    QCOMPARE(reply.fieldCode(QStringLiteral("accepted_notice_version")), QStringLiteral("must_accept"));
}

void TestServerSignup::wrongTypes()
{
    const QByteArray body = R"({"email":["a@b.c"],"password":1234567890,"display_name":{"x":1},"birth_date":19900101,)"
                            R"("accepted_notice_version":true,"device_name":5})";
    const ApiReply reply = m_api->send("POST", QStringLiteral("/v1/auth/signup"), body);
    QCOMPARE(reply.status, 422);
    for (const char *field :
         { "email", "password", "display_name", "birth_date", "accepted_notice_version", "device_name" })
        QCOMPARE(reply.fieldCode(QString::fromLatin1(field)), QStringLiteral("wrong_type"));
}

void TestServerSignup::noticeMustBeAccepted()
{
    QJsonObject body = ServerApi::signupBody(QStringLiteral("notice@example.com"), kGoodPassword);
    body.remove(QStringLiteral("accepted_notice_version"));
    const ApiReply reply = m_api->post(QStringLiteral("/v1/auth/signup"), body);
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.fieldCode(QStringLiteral("accepted_notice_version")), QStringLiteral("must_accept"));
}

void TestServerSignup::hostileInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::newRow("malformed json") << QByteArray(R"({"email":"x@example.com","password":)") << 400;
    QTest::newRow("invalid utf-8") << QByteArray("{\"email\":\"x@example.com\",\"password\":\"violet-harbor-42\","
                                                 "\"display_name\":\"\xed\xa0\x80\",\"birth_date\":\"1990-01-01\","
                                                 "\"accepted_notice_version\":\"2026-11-01\"}")
                                   << 400;
    QTest::newRow("sql injection email")
        << QJsonDocument(ServerApi::signupBody(QStringLiteral("x'; DROP TABLE users; --@example.com"), kGoodPassword))
               .toJson()
        << 422;
    QTest::newRow("sql injection everywhere")
        << QJsonDocument(ServerApi::signupBody(QStringLiteral("' OR '1'='1"), QStringLiteral("' OR 1=1 --"),
                                               QStringLiteral("Robert'); DROP TABLE users;--\u0000"),
                                               QStringLiteral("1990-01-01' OR '1'='1")))
               .toJson()
        << 422;
    QTest::newRow("2 MiB body") << ("{\"email\":\"" + QByteArray(2 * 1024 * 1024, 'e') + "\"}") << 413;
    QTest::newRow("json null") << QByteArray("null") << 400;
}

void TestServerSignup::hostileInput()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    const ApiReply reply = m_api->send("POST", QStringLiteral("/v1/auth/signup"), body);
    QCOMPARE(reply.status, status);
    QVERIFY(!reply.errorCode().isEmpty());
    QVERIFY(reply.headers.value("content-type").startsWith("application/json"));
}

void TestServerSignup::under13IsRefusedAndNothingStored()
{
    const QString birth = QDateTime::currentDateTimeUtc().date().addYears(-12).toString(Qt::ISODate);
    const ApiReply reply = m_api->post(QStringLiteral("/v1/auth/signup"),
                                       ServerApi::signupBody(QStringLiteral("young@example.com"), kGoodPassword,
                                                             QStringLiteral("Young Person"), birth));
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.fieldCode(QStringLiteral("birth_date")), QStringLiteral("under_13"));
    // The account does not exist: signing in fails like for any unknown email.
    QCOMPARE(m_api->login(QStringLiteral("young@example.com"), kGoodPassword).errorCode(),
             QStringLiteral("invalid_credentials"));
    QCOMPARE(ServerApi::mailCount(m_server.dataDir(), QStringLiteral("young@example.com")), 0);
}

void TestServerSignup::refusedRequestsStoredNothing()
{
    // Everything so far was refused: no row anywhere, no mail. (The server is stopped to read its file.)
    m_server.stop();
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("users")), 0);
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("token_families")), 0);
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("one_time_codes")), 0);
    QVERIFY(!QDir(m_server.dataDir() + QStringLiteral("/outbox")).exists()
            || QDir(m_server.dataDir() + QStringLiteral("/outbox")).isEmpty());
    QVERIFY2(m_server.restart(), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
}

void TestServerSignup::signupCreatesAccount()
{
    const ApiReply reply = m_api->post(
        QStringLiteral("/v1/auth/signup"),
        ServerApi::signupBody(QStringLiteral("  Ada.Lovelace@Example.COM "), kGoodPassword,
                              QStringLiteral("  Ada Lovelace  "),
                              QDateTime::currentDateTimeUtc().date().addYears(-13).toString(Qt::ISODate)));
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(reply.json.value(QStringLiteral("expires_in")).toInt(), 900);
    QCOMPARE(reply.json.value(QStringLiteral("refresh_expires_in")).toInt(), 2592000);
    QCOMPARE(reply.json.value(QStringLiteral("access_token")).toString().size(), 43);
    const QJsonObject user = reply.json.value(QStringLiteral("user")).toObject();
    QCOMPARE(user.value(QStringLiteral("email")).toString(), QStringLiteral("ada.lovelace@example.com"));
    QCOMPARE(user.value(QStringLiteral("display_name")).toString(), QStringLiteral("Ada Lovelace"));
    QCOMPARE(user.value(QStringLiteral("kind")).toString(), QStringLiteral("password"));
    QCOMPARE(user.value(QStringLiteral("email_verified")).toBool(), false);
    QCOMPARE(user.value(QStringLiteral("accepted_notice_version")).toString(), QStringLiteral("2026-11-01"));
    QVERIFY(!QUuid::fromString(user.value(QStringLiteral("id")).toString()).isNull());
    QVERIFY(QDateTime::fromString(user.value(QStringLiteral("created_at")).toString(), Qt::ISODate).isValid());
    QCOMPARE(ServerApi::latestCode(m_server.dataDir(), QStringLiteral("ada.lovelace@example.com")).size(), 6);

    m_server.stop();
    // Stored: the account and the moment age was confirmed, never the birth date; the password only hashed.
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("users"),
                                  QStringLiteral("age_confirmed_at > 0 AND password_hash LIKE '$argon2id$%'")),
             1);
    QFile database(m_server.dataDir() + QStringLiteral("/pygmi.sqlite"));
    QVERIFY(database.open(QIODevice::ReadOnly));
    const QByteArray bytes = database.readAll();
    QVERIFY(!bytes.contains(kGoodPassword.toUtf8()));
    QVERIFY(!bytes.contains(QDateTime::currentDateTimeUtc().date().addYears(-13).toString(Qt::ISODate).toUtf8()));
    QVERIFY(!bytes.contains(reply.json.value(QStringLiteral("access_token")).toString().toUtf8()));
    QVERIFY2(m_server.restart(), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
}

void TestServerSignup::emailTaken()
{
    const ApiReply again
        = m_api->signup(QStringLiteral("ADA.lovelace@example.com"), QStringLiteral("another-Secret-77"));
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorCode(), QStringLiteral("email_taken"));
    m_server.stop();
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("users")), 1);
}

void TestServerSignup::cleanupTestCase()
{
    m_server.stop();
    const QByteArray log = m_server.output();
    QVERIFY(!log.contains(kGoodPassword.toUtf8()));
    QVERIFY(!log.contains("another-Secret-77"));
    QVERIFY(!log.contains("DROP TABLE"));
}

QTEST_GUILESS_MAIN(TestServerSignup)
#include "tst_ServerSignup.moc"
