// Consent ledger, signed receipts, notices and telemetry intake against the real server.
#include "ServerApi.h"
#include "TestServer.h"
#include "privacy/ConsentManager.h"

#include <QDate>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>

using namespace pygmi::test;

namespace {

const auto kPassword = QStringLiteral("Correct-Horse-7-Battery");

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QJsonObject consentBody(const QString &install, const QJsonObject &choices, const QString &method,
                        const QString &notice = QStringLiteral("2026-11-01"))
{
    return { { QStringLiteral("install_id"), install },
             { QStringLiteral("choices"), choices },
             { QStringLiteral("method"), method },
             { QStringLiteral("surface"), QStringLiteral("first_run") },
             { QStringLiteral("notice_version"), notice },
             { QStringLiteral("app_version"), QStringLiteral("0.1.0") },
             { QStringLiteral("os"), QStringLiteral("Debian") },
             { QStringLiteral("locale"), QStringLiteral("en_GB") } };
}

QJsonObject allChoices(const QString &state)
{
    return { { QStringLiteral("analytics"), state },
             { QStringLiteral("advertising"), state },
             { QStringLiteral("model_training"), state },
             { QStringLiteral("marketing_email"), state } };
}

QByteArray batch(const QString &install, int events = 1, const QString &name = QStringLiteral("app_started"))
{
    QJsonArray list;
    for (int i = 0; i < events; ++i) {
        QJsonObject fields = name == u"app_started"
            ? QJsonObject { { QStringLiteral("startup_ms"), 140 + i } }
            : QJsonObject { { QStringLiteral("page"), QStringLiteral("create") } };
        list.append(QJsonObject { { QStringLiteral("name"), name },
                                  { QStringLiteral("at"), QStringLiteral("2026-11-20T10:00:00.000Z") },
                                  { QStringLiteral("fields"), fields } });
    }
    return QJsonDocument(QJsonObject { { QStringLiteral("install_id"), install },
                                       { QStringLiteral("batch_id"), newId() },
                                       { QStringLiteral("events"), list } })
        .toJson(QJsonDocument::Compact);
}

QByteArray publicKey(ServerApi &api)
{
    return QByteArray::fromBase64(api.get(QStringLiteral("/v1/consent/receipt-key"))
                                      .json.value(QStringLiteral("public_key"))
                                      .toString()
                                      .toLatin1(),
                                  QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QJsonObject noticeFile(const QString &version, const QDate &effective, const QStringList &material,
                       const QString &summary)
{
    QJsonArray changes;
    for (const QString &purpose : material)
        changes.append(QJsonObject { { QStringLiteral("purpose"), purpose }, { QStringLiteral("change"), summary } });
    return { { QStringLiteral("version"), version },
             { QStringLiteral("title"), QStringLiteral("Test notice %1").arg(version) },
             { QStringLiteral("effective_date"), effective.toString(Qt::ISODate) },
             { QStringLiteral("text"), QStringLiteral("A test notice.") },
             { QStringLiteral("material_changes"), QJsonArray::fromStringList(material) },
             { QStringLiteral("summary_of_changes"), changes } };
}

} // namespace

class TestServerConsent : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void noticeAndPolicyAreServed();
    void choicesGoToTheLedgerWithSignedReceipts();
    void badInputIsRefusedAndNothingIsStored();
    void telemetryNeedsAnalyticsConsent();
    void globalPrivacyControlOptsOutAndTurnsAdvertisingOff();
    void materialChangeAsksOnlyTheChangedPurpose();
    void cleanupTestCase();

private:
    QString signUp(ServerApi &api, const QString &email);
    int storedEvents(ServerApi &api, const QString &install, const QString &token);

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QTemporaryDir m_files;
    QString m_requestLog;
};

void TestServerConsent::initTestCase()
{
    m_requestLog = m_files.filePath(QStringLiteral("requests.log"));
    QVERIFY2(m_server.start({ QStringLiteral("--request-log"), m_requestLog }), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
}

void TestServerConsent::cleanupTestCase()
{
    m_server.stop();
}

QString TestServerConsent::signUp(ServerApi &api, const QString &email)
{
    const ApiReply reply = api.signup(email, kPassword);
    return reply.json.value(QStringLiteral("access_token")).toString();
}

int TestServerConsent::storedEvents(ServerApi &api, const QString &install, const QString &token)
{
    return api.get(QStringLiteral("/v1/telemetry/stored?install_id=") + install, token)
        .json.value(QStringLiteral("events"))
        .toInt(-1);
}

void TestServerConsent::noticeAndPolicyAreServed()
{
    const ApiReply notice = m_api->get(QStringLiteral("/v1/notice"));
    QCOMPARE(notice.status, 200);
    QCOMPARE(notice.json.value(QStringLiteral("version")).toString(), QStringLiteral("2026-11-01"));
    const ApiReply policy = m_api->get(QStringLiteral("/v1/policy"));
    QCOMPARE(policy.status, 200);
    const QJsonObject current = policy.json.value(QStringLiteral("current")).toObject();
    QCOMPARE(current.value(QStringLiteral("version")).toString(), QStringLiteral("2026-11-01"));
    QStringList ids;
    for (const QJsonValue &purpose : current.value(QStringLiteral("purposes")).toArray()) {
        ids << purpose.toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!purpose.toObject().value(QStringLiteral("description")).toString().isEmpty());
    }
    QCOMPARE(ids.join(u','), QStringLiteral("necessary,analytics,advertising,model_training,marketing_email"));
    QVERIFY(!current.value(QStringLiteral("retention")).toArray().isEmpty());
    QVERIFY(!current.value(QStringLiteral("processors")).toArray().isEmpty());
    QVERIFY(!current.value(QStringLiteral("contact")).toObject().isEmpty());
    QVERIFY(!current.value(QStringLiteral("supervisory_authority")).toObject().isEmpty());
    QCOMPARE(policy.json.value(QStringLiteral("reconsent_interval_days")).toInt(), 182);
    QVERIFY(policy.json.value(QStringLiteral("upcoming")).toArray().isEmpty());
}

void TestServerConsent::choicesGoToTheLedgerWithSignedReceipts()
{
    const QString token = signUp(*m_api, QStringLiteral("ledger@example.com"));
    QVERIFY(!token.isEmpty());
    const QString install = newId();

    // Before any choice every purpose is unset and all four are to be asked.
    const ApiReply before = m_api->get(QStringLiteral("/v1/consent?install_id=") + install, token);
    QCOMPARE(before.status, 200);
    QCOMPARE(before.json.value(QStringLiteral("ask")).toArray().size(), 4);

    ApiReply put = m_api->send(
        "PUT", QStringLiteral("/v1/consent"),
        QJsonDocument(consentBody(install, allChoices(QStringLiteral("denied")), QStringLiteral("reject_all")))
            .toJson(),
        "application/json", token);
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json.value(QStringLiteral("receipts")).toArray().size(), 4);
    QVERIFY(put.json.value(QStringLiteral("ask")).toArray().isEmpty());

    // The same choice again records nothing; one change records exactly one event.
    put = m_api->send(
        "PUT", QStringLiteral("/v1/consent"),
        QJsonDocument(consentBody(install, allChoices(QStringLiteral("denied")), QStringLiteral("reject_all")))
            .toJson(),
        "application/json", token);
    QCOMPARE(put.json.value(QStringLiteral("receipts")).toArray().size(), 0);
    put = m_api->send("PUT", QStringLiteral("/v1/consent"),
                      QJsonDocument(consentBody(install, { { QStringLiteral("analytics"), QStringLiteral("granted") } },
                                                QStringLiteral("toggle")))
                          .toJson(),
                      "application/json", token);
    QCOMPARE(put.json.value(QStringLiteral("receipts")).toArray().size(), 1);
    QCOMPARE(put.json.value(QStringLiteral("purposes"))
                 .toObject()
                 .value(QStringLiteral("analytics"))
                 .toObject()
                 .value(QStringLiteral("effective"))
                 .toString(),
             QStringLiteral("granted"));
    put = m_api->send("PUT", QStringLiteral("/v1/consent"),
                      QJsonDocument(consentBody(install, { { QStringLiteral("analytics"), QStringLiteral("denied") } },
                                                QStringLiteral("withdraw")))
                          .toJson(),
                      "application/json", token);
    QCOMPARE(put.status, 200);

    const ApiReply history = m_api->get(QStringLiteral("/v1/consent/history"), token);
    QCOMPARE(history.status, 200);
    const QJsonArray events = history.json.value(QStringLiteral("events")).toArray();
    QCOMPARE(events.size(), 6);
    const QByteArray key = publicKey(*m_api);
    QCOMPARE(key.size(), 32);
    QStringList methods;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject().value(QStringLiteral("event")).toObject();
        QCOMPARE(event.value(QStringLiteral("notice_version")).toString(), QStringLiteral("2026-11-01"));
        QCOMPARE(event.value(QStringLiteral("install_id")).toString(), install);
        QCOMPARE(event.value(QStringLiteral("os")).toString(), QStringLiteral("Debian"));
        QVERIFY(!event.value(QStringLiteral("ui_copy_version")).toString().isEmpty());
        QVERIFY(!event.value(QStringLiteral("expires_at")).toString().isEmpty());
        methods << event.value(QStringLiteral("method")).toString();
        QVERIFY2(pygmi::core::ConsentManager::verifyReceipt(value.toObject(), key), "a genuine receipt must verify");
    }
    QCOMPARE(methods.last(), QStringLiteral("withdraw"));
    QCOMPARE(methods.count(QStringLiteral("reject_all")), 4);

    // A receipt whose event was altered (granted instead of denied) does not verify.
    QJsonObject tampered = events.last().toObject();
    QJsonObject event = tampered.value(QStringLiteral("event")).toObject();
    event.insert(QStringLiteral("state"), QStringLiteral("granted"));
    tampered.insert(QStringLiteral("event"), event);
    QVERIFY(!pygmi::core::ConsentManager::verifyReceipt(tampered, key));
    QJsonObject badSignature = events.first().toObject();
    QString signature = badSignature.value(QStringLiteral("signature")).toString();
    signature[3] = signature[3] == u'A' ? u'B' : u'A';
    badSignature.insert(QStringLiteral("signature"), signature);
    QVERIFY(!pygmi::core::ConsentManager::verifyReceipt(badSignature, key));

    // The key file is private to the server's user.
    const QFile::Permissions permissions
        = QFile::permissions(m_server.dataDir() + QStringLiteral("/consent-receipt.key"));
    QVERIFY(permissions & QFile::ReadOwner);
    QVERIFY(!(permissions & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther)));
}

void TestServerConsent::badInputIsRefusedAndNothingIsStored()
{
    const QString token = signUp(*m_api, QStringLiteral("bad@example.com"));
    const QString other = signUp(*m_api, QStringLiteral("other@example.com"));
    const QString install = newId();
    const QString othersInstall = newId();
    const auto put = [&](const QJsonObject &body, const QString &bearer) {
        return m_api->send("PUT", QStringLiteral("/v1/consent"), QJsonDocument(body).toJson(), "application/json",
                           bearer);
    };
    QCOMPARE(put(consentBody(othersInstall, allChoices(QStringLiteral("granted")), QStringLiteral("accept_all")), other)
                 .status,
             200);

    ApiReply reply = put(consentBody(install, { { QStringLiteral("location_tracking"), QStringLiteral("granted") } },
                                     QStringLiteral("toggle")),
                         token);
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.fieldCode(QStringLiteral("choices.location_tracking")), QStringLiteral("invalid"));
    reply = put(
        consentBody(install, { { QStringLiteral("analytics"), QStringLiteral("maybe") } }, QStringLiteral("toggle")),
        token);
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.fieldCode(QStringLiteral("choices.analytics")), QStringLiteral("invalid"));
    reply = put(
        consentBody(install, { { QStringLiteral("necessary"), QStringLiteral("denied") } }, QStringLiteral("toggle")),
        token);
    QCOMPARE(reply.status, 422);
    reply = put(consentBody(install, allChoices(QStringLiteral("granted")), QStringLiteral("gpc")), token);
    QCOMPARE(reply.fieldCode(QStringLiteral("method")), QStringLiteral("invalid"));
    reply = put(
        consentBody(QStringLiteral("not-a-uuid"), allChoices(QStringLiteral("granted")), QStringLiteral("accept_all")),
        token);
    QCOMPARE(reply.fieldCode(QStringLiteral("install_id")), QStringLiteral("invalid"));
    reply = put(consentBody(install, allChoices(QStringLiteral("granted")), QStringLiteral("accept_all"),
                            QStringLiteral("1999-01-01")),
                token);
    QCOMPARE(reply.fieldCode(QStringLiteral("notice_version")), QStringLiteral("invalid"));
    // Someone else's install id (a forged one) is refused for consent and for telemetry.
    reply = put(consentBody(othersInstall, allChoices(QStringLiteral("denied")), QStringLiteral("reject_all")), token);
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.errorCode(), QStringLiteral("unknown_install"));
    QCOMPARE(
        m_api->get(QStringLiteral("/v1/consent/history"), token).json.value(QStringLiteral("events")).toArray().size(),
        0);

    QCOMPARE(
        put(consentBody(install, allChoices(QStringLiteral("granted")), QStringLiteral("accept_all")), token).status,
        200);
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), batch(othersInstall), "application/json", token);
    QCOMPARE(reply.status, 404);
    // Too big for the route: 413 before the body is read.
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), batch(install, 2000), "application/json", token);
    QCOMPARE(reply.status, 413);
    // Too many events, an undeclared event, an undeclared field: 422.
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), batch(install, 101), "application/json", token);
    QCOMPARE(reply.status, 422);
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), batch(install, 1, QStringLiteral("keystrokes")),
                        "application/json", token);
    QCOMPARE(reply.status, 422);
    QByteArray extraField = batch(install);
    extraField.replace("\"startup_ms\":140", "\"startup_ms\":140,\"email\":\"x@y.z\"");
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), extraField, "application/json", token);
    QCOMPARE(reply.status, 422);
    QCOMPARE(storedEvents(*m_api, install, token), 0);
    QCOMPARE(storedEvents(*m_api, othersInstall, other), 0);
}

void TestServerConsent::telemetryNeedsAnalyticsConsent()
{
    const QString token = signUp(*m_api, QStringLiteral("telemetry@example.com"));
    const QString install = newId();
    const auto put = [&](const QJsonObject &choices, const QString &method) {
        return m_api->send("PUT", QStringLiteral("/v1/consent"),
                           QJsonDocument(consentBody(install, choices, method)).toJson(), "application/json", token);
    };
    // Unknown to the server yet, then registered but refused: nothing is stored either way.
    ApiReply reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), batch(install), "application/json", token);
    QCOMPARE(reply.status, 404);
    QCOMPARE(put(allChoices(QStringLiteral("denied")), QStringLiteral("reject_all")).status, 200);
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), batch(install), "application/json", token);
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.errorCode(), QStringLiteral("consent_required"));
    QCOMPARE(storedEvents(*m_api, install, token), 0);

    QCOMPARE(put({ { QStringLiteral("analytics"), QStringLiteral("granted") } }, QStringLiteral("toggle")).status, 200);
    const QByteArray accepted = batch(install, 3);
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), accepted, "application/json", token);
    QCOMPARE(reply.status, 202);
    // A repeated batch (lost answer, retry) is stored once.
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), accepted, "application/json", token);
    QCOMPARE(reply.json.value(QStringLiteral("duplicate")).toBool(), true);
    QCOMPARE(storedEvents(*m_api, install, token), 3);
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), batch(install, 2, QStringLiteral("page_viewed")),
                        "application/json", token);
    QCOMPARE(reply.status, 202);
    QCOMPARE(storedEvents(*m_api, install, token), 5);

    QCOMPARE(put({ { QStringLiteral("analytics"), QStringLiteral("denied") } }, QStringLiteral("withdraw")).status,
             200);
    reply = m_api->send("POST", QStringLiteral("/v1/telemetry"), batch(install), "application/json", token);
    QCOMPARE(reply.status, 403);
    reply = m_api->post(QStringLiteral("/v1/telemetry/deletion-request"), { { QStringLiteral("install_id"), install } },
                        token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("deleted")).toInt(), 5);
    QCOMPARE(storedEvents(*m_api, install, token), 0);
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("telemetry_events"),
                                  QStringLiteral("install_id = '%1'").arg(install)),
             0);
}

void TestServerConsent::globalPrivacyControlOptsOutAndTurnsAdvertisingOff()
{
    const QString token = signUp(*m_api, QStringLiteral("gpc@example.com"));
    const QString install = newId();
    QCOMPARE(m_api
                 ->send("PUT", QStringLiteral("/v1/consent"),
                        QJsonDocument(
                            consentBody(install, allChoices(QStringLiteral("granted")), QStringLiteral("accept_all")))
                            .toJson(),
                        "application/json", token)
                 .status,
             200);

    ServerApi gpc(m_server.url());
    gpc.extraHeaders.append(qMakePair(QByteArray("Sec-GPC"), QByteArray("1")));
    const ApiReply view = gpc.get(QStringLiteral("/v1/consent?install_id=") + install, token);
    QCOMPARE(view.status, 200);
    const QJsonObject purposes = view.json.value(QStringLiteral("purposes")).toObject();
    QCOMPARE(purposes.value(QStringLiteral("advertising")).toObject().value(QStringLiteral("effective")).toString(),
             QStringLiteral("denied"));
    QCOMPARE(purposes.value(QStringLiteral("analytics")).toObject().value(QStringLiteral("effective")).toString(),
             QStringLiteral("granted"));
    const QJsonObject optOut = view.json.value(QStringLiteral("sale_share_opt_out")).toObject();
    QCOMPARE(optOut.value(QStringLiteral("honoured")).toBool(), true);
    QCOMPARE(optOut.value(QStringLiteral("source")).toString(), QStringLiteral("gpc"));

    // Granting advertising while the signal is sent does not grant it.
    const ApiReply put
        = gpc.send("PUT", QStringLiteral("/v1/consent"),
                   QJsonDocument(consentBody(install, { { QStringLiteral("advertising"), QStringLiteral("granted") } },
                                             QStringLiteral("toggle")))
                       .toJson(),
                   "application/json", token);
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json.value(QStringLiteral("purposes"))
                 .toObject()
                 .value(QStringLiteral("advertising"))
                 .toObject()
                 .value(QStringLiteral("effective"))
                 .toString(),
             QStringLiteral("denied"));
    // The absence of the signal later is not consent either: the opt-out stands.
    const ApiReply later = m_api->get(QStringLiteral("/v1/consent?install_id=") + install, token);
    QCOMPARE(
        later.json.value(QStringLiteral("sale_share_opt_out")).toObject().value(QStringLiteral("honoured")).toBool(),
        true);

    int gpcEvents = 0;
    for (const QJsonValue &value :
         m_api->get(QStringLiteral("/v1/consent/history"), token).json.value(QStringLiteral("events")).toArray()) {
        const QJsonObject event = value.toObject().value(QStringLiteral("event")).toObject();
        if (event.value(QStringLiteral("method")).toString() == u"gpc") {
            ++gpcEvents;
            QCOMPARE(event.value(QStringLiteral("state")).toString(), QStringLiteral("denied"));
            QVERIFY(event.value(QStringLiteral("gpc_present")).toBool());
        }
    }
    QVERIFY(gpcEvents >= 2); // sale_share and advertising

    // The request log names the header of every request, never a body or token.
    QFile log(m_requestLog);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray lines = log.readAll();
    QVERIFY(lines.contains("GET /v1/consent sec-gpc=1"));
    QVERIFY(lines.contains("PUT /v1/consent sec-gpc=1"));
    QVERIFY(!lines.contains(token.toUtf8()));
    QVERIFY(!lines.contains(kPassword.toUtf8()));
}

void TestServerConsent::materialChangeAsksOnlyTheChangedPurpose()
{
    // A deployment with the notice in force, a non-material update in 10 days and a material
    // one (analytics) in 20 days.
    const QDate today = QDate::currentDate();
    const QList<QJsonObject> notices {
        noticeFile(QStringLiteral("v1"), today.addDays(-30), {}, {}),
        noticeFile(QStringLiteral("v2"), today.addDays(10), {}, QStringLiteral("Clearer wording.")),
        noticeFile(QStringLiteral("v3"), today.addDays(20), { QStringLiteral("analytics") },
                   QStringLiteral("Analytics now also counts which features are used.")),
    };
    // Long-lived tokens: the clock moves by months here.
    QStringList args { QStringLiteral("--test-clock"), QStringLiteral("--access-ttl"), QStringLiteral("100000000") };
    for (const QJsonObject &notice : notices) {
        const QString path
            = m_files.filePath(notice.value(QStringLiteral("version")).toString() + QStringLiteral(".json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(notice).toJson());
        args << QStringLiteral("--notice") << path;
    }
    TestServer server;
    QVERIFY2(server.start(args), qPrintable(server.errorString()));
    ServerApi api(server.url());
    QJsonObject signup = ServerApi::signupBody(QStringLiteral("notice@example.com"), kPassword);
    signup.insert(QStringLiteral("accepted_notice_version"), QStringLiteral("v1"));
    const QString token
        = api.post(QStringLiteral("/v1/auth/signup"), signup).json.value(QStringLiteral("access_token")).toString();
    QVERIFY(!token.isEmpty());
    const QString install = newId();
    QCOMPARE(api.send("PUT", QStringLiteral("/v1/consent"),
                      QJsonDocument(consentBody(install, allChoices(QStringLiteral("granted")),
                                                QStringLiteral("accept_all"), QStringLiteral("v1")))
                          .toJson(),
                      "application/json", token)
                 .status,
             200);

    const ApiReply policy = api.get(QStringLiteral("/v1/policy"), token);
    QCOMPARE(policy.json.value(QStringLiteral("current")).toObject().value(QStringLiteral("version")).toString(),
             QStringLiteral("v1"));
    QCOMPARE(policy.json.value(QStringLiteral("upcoming")).toArray().size(), 2);
    QCOMPARE(api.post(QStringLiteral("/v1/policy/acknowledge"), { { QStringLiteral("version"), QStringLiteral("v3") } },
                      token)
                 .status,
             204);
    QVERIFY(api.get(QStringLiteral("/v1/policy"), token)
                .json.value(QStringLiteral("acknowledged_versions"))
                .toArray()
                .contains(QStringLiteral("v3")));
    QCOMPARE(api.post(QStringLiteral("/v1/policy/acknowledge"), { { QStringLiteral("version"), QStringLiteral("v9") } },
                      token)
                 .status,
             422);

    const auto ask = [&] {
        QStringList list;
        for (const QJsonValue &value : api.get(QStringLiteral("/v1/consent?install_id=") + install, token)
                                           .json.value(QStringLiteral("ask"))
                                           .toArray())
            list << value.toString();
        return list;
    };
    const auto advance = [&](int days) {
        return api.post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), days * 86400 } })
            .status;
    };
    QCOMPARE(ask(), QStringList());
    QCOMPARE(advance(11), 200); // v2 is in force: nothing material, nothing asked
    QCOMPARE(api.get(QStringLiteral("/v1/notice")).json.value(QStringLiteral("version")).toString(),
             QStringLiteral("v2"));
    QCOMPARE(ask(), QStringList());
    QCOMPARE(advance(10), 200); // v3: analytics changed materially
    QCOMPARE(ask(), QStringList { QStringLiteral("analytics") });
    // Stale consent counts as refused: telemetry is refused until the person answers again.
    ApiReply reply = api.send("POST", QStringLiteral("/v1/telemetry"), batch(install), "application/json", token);
    QCOMPARE(reply.status, 403);
    // A grant against the old notice is outdated; against the new one it is accepted.
    reply = api.send("PUT", QStringLiteral("/v1/consent"),
                     QJsonDocument(consentBody(install, { { QStringLiteral("analytics"), QStringLiteral("granted") } },
                                               QStringLiteral("save_choices"), QStringLiteral("v1")))
                         .toJson(),
                     "application/json", token);
    QCOMPARE(reply.fieldCode(QStringLiteral("notice_version")), QStringLiteral("outdated"));
    reply = api.send("PUT", QStringLiteral("/v1/consent"),
                     QJsonDocument(consentBody(install, { { QStringLiteral("analytics"), QStringLiteral("granted") } },
                                               QStringLiteral("save_choices"), QStringLiteral("v3")))
                         .toJson(),
                     "application/json", token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(ask(), QStringList());
    reply = api.send("POST", QStringLiteral("/v1/telemetry"), batch(install), "application/json", token);
    QCOMPARE(reply.status, 202);

    // Six months on, every choice is asked again; telemetry stops until then.
    QCOMPARE(advance(183), 200);
    const QStringList again = ask();
    QCOMPARE(again.size(), 4);
    reply = api.send("POST", QStringLiteral("/v1/telemetry"), batch(install), "application/json", token);
    QCOMPARE(reply.status, 403);
    // Expired telemetry (page views 30 days, start-ups 90 days) is swept.
    QCOMPARE(api.get(QStringLiteral("/v1/telemetry/stored?install_id=") + install, token)
                 .json.value(QStringLiteral("events"))
                 .toInt(-1),
             0);
    server.stop();
}

QTEST_GUILESS_MAIN(TestServerConsent)
#include "tst_ServerConsent.moc"
