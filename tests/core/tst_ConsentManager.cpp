// ConsentManager and Telemetry against the real server: offline withdrawal, sync later, and a
// telemetry deletion request that survives a restart of the app.
#include "TestServer.h"
#include "api/ApiClient.h"
#include "privacy/ConsentManager.h"
#include "telemetry/Telemetry.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace pygmi::core;
using pygmi::test::TestServer;

class TestConsentManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void withdrawalAppliesOfflineAndSyncsLater();
    void deletionRequestSurvivesARestart();

private:
    ApiResponse call(const ApiRequest &request);
    int storedEvents(const QString &install);
    QJsonArray history();

    TestServer m_server;
    std::unique_ptr<ApiClient> m_api;
    QTemporaryDir m_dataDir;
    QString m_userId;
};

ApiResponse TestConsentManager::call(const ApiRequest &request)
{
    ApiResponse result;
    bool done = false;
    m_api->send(request, this, [&](const ApiResponse &response) {
        result = response;
        done = true;
    });
    [[maybe_unused]] const bool finished = QTest::qWaitFor([&] { return done; }, 15000);
    return result;
}

int TestConsentManager::storedEvents(const QString &install)
{
    ApiRequest request;
    request.path = QStringLiteral("/v1/telemetry/stored?install_id=") + install;
    return call(request).json.value(QStringLiteral("events")).toInt(-1);
}

QJsonArray TestConsentManager::history()
{
    ApiRequest request;
    request.path = QStringLiteral("/v1/consent/history");
    return call(request).json.value(QStringLiteral("events")).toArray();
}

void TestConsentManager::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ApiClient>();
    m_api->setBaseUrl(m_server.url());
    ApiRequest signup;
    signup.method = "POST";
    signup.path = QStringLiteral("/v1/auth/signup");
    signup.authenticated = false;
    signup.body = QJsonObject { { QStringLiteral("email"), QStringLiteral("offline@example.com") },
                                { QStringLiteral("password"), QStringLiteral("Correct-Horse-7-Battery") },
                                { QStringLiteral("display_name"), QStringLiteral("Off Line") },
                                { QStringLiteral("birth_date"), QStringLiteral("1991-07-07") },
                                { QStringLiteral("accepted_notice_version"), QStringLiteral("2026-11-01") } };
    const ApiResponse session = call(signup);
    QCOMPARE(session.httpStatus, 201);
    m_api->setAccessToken(session.json.value(QStringLiteral("access_token")).toString());
    m_userId = session.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
}

void TestConsentManager::withdrawalAppliesOfflineAndSyncsLater()
{
    ConsentManager consent(m_api.get(), m_dataDir.path());
    m_api->setNetworkPolicy(&consent);
    QVERIFY(!consent.allows(Purpose::Analytics)); // nobody signed in yet
    consent.start(m_userId);
    QTRY_VERIFY_WITH_TIMEOUT(consent.isReady(), 10000);
    QCOMPARE(consent.questions().size(), 4);
    consent.answer({ { QStringLiteral("analytics"), true },
                     { QStringLiteral("advertising"), false },
                     { QStringLiteral("model_training"), false },
                     { QStringLiteral("marketing_email"), false } },
                   QStringLiteral("save_choices"), QStringLiteral("first_run"));
    QVERIFY(consent.allows(Purpose::Analytics));
    QTRY_COMPARE_WITH_TIMEOUT(consent.pendingSyncCount(), 0, 10000);

    // Offline: the withdrawal applies at once and waits on disk.
    m_server.stop();
    consent.setChoice(QStringLiteral("analytics"), false);
    QVERIFY(!consent.allows(Purpose::Analytics));
    QCOMPARE(consent.pendingSyncCount(), 1);
    QFile state(consent.stateFilePath());
    QVERIFY(state.open(QIODevice::ReadOnly));
    const QJsonArray pending = QJsonDocument::fromJson(state.readAll()).object().value(QStringLiteral("pending")).toArray();
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending.first().toObject().value(QStringLiteral("method")).toString(), QStringLiteral("withdraw"));
    // Analytics requests are refused by the gate without touching the network.
    ApiRequest analytics;
    analytics.method = "POST";
    analytics.path = QStringLiteral("/v1/telemetry");
    analytics.purpose = Purpose::Analytics;
    analytics.body = QJsonObject {};
    const quint64 sentBefore = m_api->requestCount();
    QCOMPARE(call(analytics).error.code(), QStringLiteral("consent_required"));
    QCOMPARE(m_api->requestCount(), sentBefore);

    // Back online: the change reaches the ledger.
    QVERIFY(m_server.restart());
    m_api->setBaseUrl(m_server.url());
    QTRY_COMPARE_WITH_TIMEOUT(consent.pendingSyncCount(), 0, 15000);
    const QJsonArray events = history();
    QCOMPARE(events.last().toObject().value(QStringLiteral("event")).toObject().value(QStringLiteral("method")).toString(),
             QStringLiteral("withdraw"));
    consent.stop();
    m_api->setNetworkPolicy(nullptr);
}

void TestConsentManager::deletionRequestSurvivesARestart()
{
    QString install;
    {
        ConsentManager consent(m_api.get(), m_dataDir.path());
        Telemetry telemetry(m_api.get(), &consent, m_dataDir.path());
        m_api->setNetworkPolicy(&consent);
        consent.start(m_userId);
        QTRY_VERIFY_WITH_TIMEOUT(consent.isReady(), 10000);
        consent.setChoice(QStringLiteral("analytics"), true);
        install = consent.installId();
        QTRY_COMPARE_WITH_TIMEOUT(consent.pendingSyncCount(), 0, 10000);
        QVERIFY(telemetry.record(QStringLiteral("feature_used"),
                                 QJsonObject { { QStringLiteral("feature"), QStringLiteral("theme_changed") } }));
        QVERIFY(!telemetry.record(QStringLiteral("keystroke"), QJsonObject {})); // not in the catalogue
        telemetry.flush();
        QTRY_COMPARE_WITH_TIMEOUT(telemetry.queuedCount(), 0, 10000);
        QCOMPARE(storedEvents(install), 1);

        // Withdrawn while the server is down, then the app quits.
        m_server.stop();
        consent.setChoice(QStringLiteral("analytics"), false);
        QVERIFY(!QFile::exists(telemetry.queueFilePath()));
        QTRY_VERIFY_WITH_TIMEOUT(telemetry.deletionPending(), 5000);
        QVERIFY(QFile::exists(telemetry.deletionFilePath()));
        m_api->setNetworkPolicy(nullptr);
    }
    QVERIFY(m_server.restart());
    m_api->setBaseUrl(m_server.url());
    ConsentManager consent(m_api.get(), m_dataDir.path());
    Telemetry telemetry(m_api.get(), &consent, m_dataDir.path());
    m_api->setNetworkPolicy(&consent);
    QVERIFY(telemetry.deletionPending());
    consent.start(m_userId);
    QTRY_VERIFY_WITH_TIMEOUT(!telemetry.deletionPending(), 15000);
    QVERIFY(!QFile::exists(telemetry.deletionFilePath()));
    QCOMPARE(storedEvents(install), 0);
    m_api->setNetworkPolicy(nullptr);
}

QTEST_GUILESS_MAIN(TestConsentManager)
#include "tst_ConsentManager.moc"
