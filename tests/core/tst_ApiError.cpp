// Unit tests: error mapping and messages, server URL policy, /v1/server parsing.
#include "api/ApiClient.h"
#include "api/ApiError.h"
#include "session/SessionManager.h"

#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace pygmi::core;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

class TestApiError : public QObject
{
    Q_OBJECT

private slots:
    void mapsContractErrorBody()
    {
        const ApiError e = ApiError::fromHttpAnswer(422, json(R"({"error":{"code":"validation_failed",
            "message":"Invalid fields", "fields":{"password":"too_common","birth_date":"under_13",
            "accepted_notice_version":"must_accept"}}})"));
        QVERIFY(e.isError());
        QCOMPARE(e.kind(), ApiError::Kind::Http);
        QCOMPARE(e.httpStatus(), 422);
        QCOMPARE(e.code(), QStringLiteral("validation_failed"));
        QCOMPARE(e.serverMessage(), QStringLiteral("Invalid fields"));
        QCOMPARE(e.fields().value(QStringLiteral("password")), QStringLiteral("too_common"));
        QVERIFY(e.fieldMessage(QStringLiteral("password")).contains(QStringLiteral("common")));
        QVERIFY(e.fieldMessage(QStringLiteral("birth_date")).contains(QStringLiteral("13")));
        QVERIFY(!e.fieldMessage(QStringLiteral("accepted_notice_version")).isEmpty());
        QVERIFY(e.fieldMessage(QStringLiteral("email")).isEmpty()); // no error on that field
        QVERIFY(!e.userMessage().isEmpty());
    }

    void rateLimitedCarriesTheWait()
    {
        // Body value only.
        ApiError e = ApiError::fromHttpAnswer(
            429, json(R"({"error":{"code":"rate_limited","message":"x","retry_after":42}})"));
        QCOMPARE(e.retryAfterSeconds(), 42);
        QVERIFY(e.userMessage().contains(QStringLiteral("42")));
        // The header wins over the body.
        e = ApiError::fromHttpAnswer(429, json(R"({"error":{"code":"rate_limited","retry_after":42}})"), "300");
        QCOMPARE(e.retryAfterSeconds(), 300);
        QVERIFY(e.userMessage().contains(QStringLiteral("5"))); // 5 minutes
        QVERIFY(!e.userMessage().contains(QStringLiteral("300")));
    }

    void missingBodyFallsBackToStatus_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("401") << 401 << QStringLiteral("unauthorized");
        QTest::newRow("404") << 404 << QStringLiteral("not_found");
        QTest::newRow("429") << 429 << QStringLiteral("rate_limited");
        QTest::newRow("500") << 500 << QStringLiteral("internal_error");
        QTest::newRow("502") << 502 << QStringLiteral("server_unavailable");
        QTest::newRow("418") << 418 << QStringLiteral("bad_response");
    }
    void missingBodyFallsBackToStatus()
    {
        QFETCH(int, status);
        QFETCH(QString, code);
        const ApiError e = ApiError::fromHttpAnswer(status, QJsonObject {});
        QCOMPARE(e.code(), code);
        QCOMPARE(e.kind(), ApiError::Kind::Http);
        QVERIFY(!e.userMessage().isEmpty());
    }

    void wrongPasswordAndUnknownEmailLookTheSame()
    {
        // The server already uses one code; the client must not invent a distinction.
        const ApiError e(ApiError::Kind::Http, QStringLiteral("invalid_credentials"), {}, 401);
        QVERIFY(!e.userMessage().contains(QStringLiteral("unknown"), Qt::CaseInsensitive));
        QVERIFY(e.userMessage().contains(QStringLiteral("email address or password")));
    }

    void everyKnownCodeHasItsOwnSentence()
    {
        const QStringList codes { QStringLiteral("invalid_credentials"), QStringLiteral("account_locked"),
                                  QStringLiteral("rate_limited"),        QStringLiteral("server_too_old"),
                                  QStringLiteral("insecure_url"),        QStringLiteral("invalid_url"),
                                  QStringLiteral("email_taken"),         QStringLiteral("refresh_reused"),
                                  QStringLiteral("invalid_code"),        QStringLiteral("not_available"),
                                  QStringLiteral("validation_failed"),   QStringLiteral("bad_response") };
        const QString generic
            = ApiError(ApiError::Kind::Http, QStringLiteral("some_future_code"), {}, 400).userMessage();
        QSet<QString> seen;
        for (const QString &code : codes) {
            const QString text = ApiError(ApiError::Kind::Http, code, {}, 400).userMessage();
            QVERIFY2(!text.isEmpty() && text != generic, qPrintable(code));
            QVERIFY2(!seen.contains(text), qPrintable(code));
            seen.insert(text);
        }
        QVERIFY(ApiError(ApiError::Kind::Http, QStringLiteral("account_locked")).userMessage().contains(
            QStringLiteral("administrator")));
    }

    void transportKindsSayWhatToDo()
    {
        const ApiError network(ApiError::Kind::Network, QStringLiteral("network_unreachable"));
        const ApiError timeout(ApiError::Kind::Timeout, QStringLiteral("timeout"));
        const ApiError tls(ApiError::Kind::Tls, QStringLiteral("tls_error"));
        QVERIFY(network.userMessage().contains(QStringLiteral("connection")));
        QVERIFY(timeout.userMessage().contains(QStringLiteral("in time")));
        QVERIFY(tls.userMessage().contains(QStringLiteral("certificate")));
        QVERIFY(ApiError(ApiError::Kind::Client, QStringLiteral("insecure_url")).userMessage().contains(
            QStringLiteral("https://")));
        QVERIFY(!ApiError().isError());
        QVERIFY(ApiError().userMessage().isEmpty());
    }

    void fieldMessages_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("needle");
        QTest::newRow("password too_short") << "password" << "too_short" << "10";
        QTest::newRow("password too_long") << "password" << "too_long" << "256";
        QTest::newRow("name too_long") << "display_name" << "too_long" << "64";
        QTest::newRow("email invalid") << "email" << "invalid" << "name@example.com";
        QTest::newRow("email required") << "email" << "required" << "email";
        QTest::newRow("too_weak") << "password" << "too_weak" << "guess";
        QTest::newRow("under_13") << "birth_date" << "under_13" << "13";
        QTest::newRow("must_accept") << "accepted_notice_version" << "must_accept" << "accept";
        QTest::newRow("outdated") << "accepted_notice_version" << "outdated" << "changed";
        QTest::newRow("wrong_type") << "birth_date" << "wrong_type" << "format";
    }
    void fieldMessages()
    {
        QFETCH(QString, field);
        QFETCH(QString, code);
        QFETCH(QString, needle);
        ApiError e(ApiError::Kind::Http, QStringLiteral("validation_failed"), {}, 422);
        e.setFields({ { field, code } });
        QVERIFY2(e.fieldMessage(field).contains(needle, Qt::CaseInsensitive), qPrintable(e.fieldMessage(field)));
    }

    void emailTakenShowsAtTheEmailField()
    {
        const ApiError e(ApiError::Kind::Http, QStringLiteral("email_taken"), {}, 409);
        QCOMPARE(e.fieldMessage(QStringLiteral("email")), e.userMessage());
        QVERIFY(e.fieldMessage(QStringLiteral("password")).isEmpty());
    }

    void checkServerUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("code"); // empty = allowed
        QTest::newRow("https") << "https://pygmi.example" << "";
        QTest::newRow("https port path") << "https://pygmi.example:8443/api" << "";
        QTest::newRow("http remote") << "http://pygmi.example" << "insecure_url";
        QTest::newRow("http private lan") << "http://192.168.1.10:8080" << "insecure_url";
        QTest::newRow("http 127.0.0.1") << "http://127.0.0.1:5000" << "";
        QTest::newRow("http 127.1.2.3") << "http://127.1.2.3:5000" << "";
        QTest::newRow("http ::1") << "http://[::1]:5000" << "";
        QTest::newRow("http localhost") << "http://localhost:5000" << "";
        QTest::newRow("http LOCALHOST") << "http://LocalHost:5000" << "";
        QTest::newRow("http localhost.evil") << "http://localhost.evil.example" << "insecure_url";
        QTest::newRow("http 128.0.0.1") << "http://128.0.0.1" << "insecure_url";
        QTest::newRow("ftp") << "ftp://pygmi.example" << "invalid_url";
        QTest::newRow("empty") << "" << "invalid_url";
        QTest::newRow("relative") << "pygmi.example" << "invalid_url";
        QTest::newRow("user info") << "https://me:secret@pygmi.example" << "invalid_url";
    }
    void checkServerUrl()
    {
        QFETCH(QString, url);
        QFETCH(QString, code);
        const ApiError e = ApiClient::checkServerUrl(QUrl(url));
        QCOMPARE(e.code(), code);
        if (!code.isEmpty())
            QCOMPARE(e.kind(), ApiError::Kind::Client);
    }

    void normalizeServerUrl_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expected"); // empty = invalid
        QTest::newRow("bare host") << "pygmi.example" << "https://pygmi.example";
        QTest::newRow("spaces") << "  pygmi.example  " << "https://pygmi.example";
        QTest::newRow("trailing slash") << "https://h:1/" << "https://h:1";
        QTest::newRow("default port") << "https://h:443/" << "https://h";
        QTest::newRow("http default port") << "http://127.0.0.1:80" << "http://127.0.0.1";
        QTest::newRow("upper case") << "HTTPS://Pygmi.Example/Api/" << "https://pygmi.example/Api";
        QTest::newRow("query and fragment") << "https://h/x?y=1#z" << "https://h/x";
        QTest::newRow("host with port") << "pygmi.example:8443" << "https://pygmi.example:8443";
        QTest::newRow("http kept") << "http://localhost:8080" << "http://localhost:8080";
        QTest::newRow("empty") << "   " << "";
        QTest::newRow("garbage") << "https://exa mple.com" << "";
    }
    void normalizeServerUrl()
    {
        QFETCH(QString, typed);
        QFETCH(QString, expected);
        const QUrl url = ApiClient::normalizeServerUrl(typed);
        if (expected.isEmpty())
            QVERIFY2(!url.isValid() || url.isEmpty(), qPrintable(url.toString()));
        else
            QCOMPARE(url.toString(), expected);
    }

    void serverInfoVersionCheck()
    {
        ApiError error;
        ServerInfo info = SessionManager::parseServerInfo(
            json(R"({"name":"pygmi-server","version":"0.1.0","api_version":1,"mode":"hosted","password_min_length":12,
                     "notice":{"version":"2026-11-01","title":"Privacy notice"}})"),
            &error);
        QVERIFY(!error.isError());
        QCOMPARE(info.apiVersion, 1);
        QCOMPARE(info.mode, QStringLiteral("hosted"));
        QCOMPARE(info.passwordMinLength, 12);
        QCOMPARE(info.noticeVersion, QStringLiteral("2026-11-01"));

        info = SessionManager::parseServerInfo(json(R"({"name":"pygmi-server","api_version":0,"mode":"hosted"})"),
                                               &error);
        QCOMPARE(error.code(), QStringLiteral("server_too_old"));
        QCOMPARE(error.kind(), ApiError::Kind::Protocol);
        QVERIFY(error.userMessage().contains(QStringLiteral("older version")));

        SessionManager::parseServerInfo(json(R"({"hello":"world"})"), &error);
        QCOMPARE(error.code(), QStringLiteral("bad_response"));
    }
};

QTEST_GUILESS_MAIN(TestApiError)
#include "tst_ApiError.moc"
