// Single sign-on against a real OpenID Provider (npm oidc-provider, tests/interop/real-op.mjs)
// and a fake one that mints bad ID tokens (tests/interop/fake-op.mjs). The browser step is
// scripted over HTTP; the app's side (PKCE, state, loopback redirect) is played by the test.
#include "BrowserScript.h"
#include "NodePeer.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>

using namespace pygmi::test;

namespace {

QString randomUrlSafe(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &c : raw)
        c = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// What the app holds during one sign-in.
struct AppSide
{
    QString verifier = randomUrlSafe(32);
    QString state = randomUrlSafe(16);
    QString redirect
        = QStringLiteral("http://127.0.0.1:%1/callback").arg(40000 + QRandomGenerator::global()->bounded(20000));
    QString challenge() const
    {
        return QString::fromLatin1(QCryptographicHash::hash(verifier.toUtf8(), QCryptographicHash::Sha256)
                                       .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    }
};

QString item(const QUrl &url, const QString &name)
{
    return QUrlQuery(url).queryItemValue(name, QUrl::FullyDecoded);
}

} // namespace

class TestServerSso : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void providersAreListed();
    void redirectMustBeLoopbackWithPkce();
    void newAccountNeedsAgeAndNotice();
    void signOutAndSignInAgain();
    void replayedCodeIsRefused();
    void wrongVerifierIsRefused();
    void codeExpiresWithinAMinute();
    void wrongStateAtCallbackIsRefused();
    void providerErrorReachesTheApp();
    void badIdTokensAreRefused_data();
    void badIdTokensAreRefused();
    void es256AndKeyRotationWork();
    void linkAndUnlink();
    void verifiedEmailLinksOnlyAfterSigningIn();
    void lockedAccountCannotUseSso();
    void unverifiedEmailIsNotKept();
    void confidentialClientAuthenticates();
    void untrustedCertificateIsRefused();
    void onlyMinimalIdentifiersAreStored();

private:
    QUrl startUrl(const QString &provider, const AppSide &app) const;
    // Runs the browser step; returns the loopback URL the app would receive.
    QUrl browse(const QString &provider, const AppSide &app, const QString &login = QStringLiteral("alice"),
                BrowserScript::Choice choice = BrowserScript::Choice::Consent);
    ApiReply redeem(const QUrl &loopback, const AppSide &app, const QString &bearer = {});
    void setFake(const QJsonObject &settings);
    QString signUp(const ApiReply &pending, const QString &name);

    NodePeer m_realOp;
    NodePeer m_fakeOp;
    NodePeer m_secretOp; // oidc-provider with a confidential client (client_secret_basic)
    QTemporaryDir m_configDir;
    TestServer m_tlsPeer; // an https "provider" whose certificate nobody trusts
    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    BrowserScript m_browser;
    QStringList m_secrets; // codes, verifiers, pending tokens and sessions seen: never in the server log
    QString m_aliceId;
    QString m_aliceAccess;
};

void TestServerSso::initTestCase()
{
    NodePeer::skipUnlessAvailable();
    QVERIFY2(m_realOp.start(QStringLiteral("real-op.mjs")), qPrintable(m_realOp.errorString()));
    QVERIFY2(m_fakeOp.start(QStringLiteral("fake-op.mjs")), qPrintable(m_fakeOp.errorString()));
    QVERIFY2(
        m_secretOp.start(QStringLiteral("real-op.mjs"), { QStringLiteral("--secret"), QStringLiteral("op-secret-42") }),
        qPrintable(m_secretOp.errorString()));
    const QString cert = m_configDir.filePath(QStringLiteral("cert.pem"));
    const QString key = m_configDir.filePath(QStringLiteral("key.pem"));
    QProcess make;
    make.start(QStandardPaths::findExecutable(QStringLiteral("openssl")),
               { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                 QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                 QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                 QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-keyout"),
                 key, QStringLiteral("-out"), cert });
    QVERIFY(make.waitForFinished(20000));
    QCOMPARE(make.exitCode(), 0);
    QVERIFY2(m_tlsPeer.start({ QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key }),
             qPrintable(m_tlsPeer.errorString()));
    const QJsonArray providers {
        QJsonObject { { QStringLiteral("id"), QStringLiteral("real") },
                      { QStringLiteral("display_name"), QStringLiteral("Real ID") },
                      { QStringLiteral("icon"), QStringLiteral("openid") },
                      { QStringLiteral("issuer"), m_realOp.url().toString() },
                      { QStringLiteral("client_id"), QStringLiteral("pygmi-test") },
                      { QStringLiteral("scopes"),
                        QJsonArray { QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile") } } },
        QJsonObject { { QStringLiteral("id"), QStringLiteral("fake") },
                      { QStringLiteral("display_name"), QStringLiteral("Fake ID") },
                      { QStringLiteral("issuer"), m_fakeOp.url().toString() },
                      { QStringLiteral("client_id"), QStringLiteral("pygmi-fake") } },
        QJsonObject { { QStringLiteral("id"), QStringLiteral("confidential") },
                      { QStringLiteral("display_name"), QStringLiteral("Confidential") },
                      { QStringLiteral("issuer"), m_secretOp.url().toString() },
                      { QStringLiteral("client_id"), QStringLiteral("pygmi-test") },
                      { QStringLiteral("client_secret"), QStringLiteral("op-secret-42") } },
        // The fake provider under another name: its discovery document names a different issuer.
        QJsonObject { { QStringLiteral("id"), QStringLiteral("mismatch") },
                      { QStringLiteral("display_name"), QStringLiteral("Mismatch") },
                      { QStringLiteral("issuer"), QStringLiteral("http://localhost:%1").arg(m_fakeOp.url().port()) },
                      { QStringLiteral("client_id"), QStringLiteral("pygmi-fake") } },
        QJsonObject { { QStringLiteral("id"), QStringLiteral("untrusted") },
                      { QStringLiteral("display_name"), QStringLiteral("Untrusted") },
                      { QStringLiteral("issuer"), m_tlsPeer.url().toString() },
                      { QStringLiteral("client_id"), QStringLiteral("pygmi") },
                      { QStringLiteral("client_secret"), QStringLiteral("s3cret-value") } },
    };
    QFile config(m_configDir.filePath(QStringLiteral("oidc.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QJsonDocument(providers).toJson());
    config.close();
    QVERIFY2(m_server.start({ QStringLiteral("--oidc-config"), config.fileName(), QStringLiteral("--test-clock") }),
             qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
}

QUrl TestServerSso::startUrl(const QString &provider, const AppSide &app) const
{
    QUrl url = m_server.url().resolved(QUrl(QStringLiteral("/v1/auth/sso/%1/start").arg(provider)));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(app.redirect)));
    query.addQueryItem(QStringLiteral("state"), app.state);
    query.addQueryItem(QStringLiteral("code_challenge"), app.challenge());
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    url.setQuery(query);
    return url;
}

QUrl TestServerSso::browse(const QString &provider, const AppSide &app, const QString &login,
                           BrowserScript::Choice choice)
{
    const BrowserScript::Result result = m_browser.run(startUrl(provider, app), login, choice);
    if (!result.error.isEmpty())
        qWarning() << "browser:" << result.error << result.lastBody.left(400);
    return result.loopbackUrl;
}

ApiReply TestServerSso::redeem(const QUrl &loopback, const AppSide &app, const QString &bearer)
{
    const QJsonObject body { { QStringLiteral("code"), item(loopback, QStringLiteral("code")) },
                             { QStringLiteral("code_verifier"), app.verifier },
                             { QStringLiteral("redirect_uri"), app.redirect } };
    // (The app's state is not a secret to the server: it keeps it to hand it back.)
    m_secrets << item(loopback, QStringLiteral("code")) << app.verifier;
    const ApiReply reply = bearer.isEmpty() ? m_api->post(QStringLiteral("/v1/auth/sso/token"), body)
                                            : m_api->post(QStringLiteral("/v1/me/identities"), body, bearer);
    for (const char *name : { "pending_token", "access_token", "refresh_token" })
        m_secrets << reply.json.value(QLatin1String(name)).toString();
    return reply;
}

void TestServerSso::setFake(const QJsonObject &settings)
{
    ServerApi fake(m_fakeOp.url());
    QCOMPARE(fake.post(QStringLiteral("/control"), settings).status, 200);
}

QString TestServerSso::signUp(const ApiReply &pending, const QString &name)
{
    const ApiReply created = m_api->post(
        QStringLiteral("/v1/auth/sso/signup"),
        { { QStringLiteral("pending_token"), pending.json.value(QStringLiteral("pending_token")).toString() },
          { QStringLiteral("display_name"), name },
          { QStringLiteral("birth_date"), QStringLiteral("1994-03-02") },
          { QStringLiteral("accepted_notice_version"), QStringLiteral("2026-11-01") } });
    if (created.status != 201)
        qWarning() << created.body;
    return created.json.value(QStringLiteral("access_token")).toString();
}

void TestServerSso::providersAreListed()
{
    const ApiReply reply = m_api->get(QStringLiteral("/v1/auth/providers"));
    QCOMPARE(reply.status, 200);
    const QJsonArray list = reply.json.value(QStringLiteral("providers")).toArray();
    QCOMPARE(list.size(), 5);
    QCOMPARE(list[0][QStringLiteral("id")].toString(), QStringLiteral("real"));
    QCOMPARE(list[0][QStringLiteral("display_name")].toString(), QStringLiteral("Real ID"));
    QCOMPARE(list[0][QStringLiteral("icon")].toString(), QStringLiteral("openid"));
    // Nothing about the provider's client leaves the server.
    QVERIFY(!reply.body.contains("client_id"));
    QVERIFY(!reply.body.contains(m_realOp.url().toEncoded()));
    QVERIFY(!reply.body.contains("s3cret-value"));
    QVERIFY(!reply.body.contains("op-secret-42"));
}

void TestServerSso::redirectMustBeLoopbackWithPkce()
{
    const auto status
        = [&](const QString &redirect, const QString &method = QStringLiteral("S256"), bool challenge = true) {
              AppSide app;
              app.redirect = redirect;
              QUrl url = startUrl(QStringLiteral("real"), app);
              QUrlQuery query(url);
              query.removeQueryItem(QStringLiteral("code_challenge_method"));
              query.addQueryItem(QStringLiteral("code_challenge_method"), method);
              if (!challenge)
                  query.removeQueryItem(QStringLiteral("code_challenge"));
              url.setQuery(query);
              const auto [code, body] = m_browser.fetch(url);
              return std::make_pair(code, body);
          };
    QCOMPARE(status(QStringLiteral("http://127.0.0.1:53123/callback")).first, 302);
    QCOMPARE(status(QStringLiteral("http://[::1]:53123/callback")).first, 302);
    for (const QString &bad :
         { QStringLiteral("http://192.168.1.20:53123/callback"), QStringLiteral("http://localhost:53123/callback"),
           QStringLiteral("https://127.0.0.1:53123/callback"), QStringLiteral("http://127.0.0.1:53123/elsewhere"),
           QStringLiteral("http://127.0.0.1/callback"), QStringLiteral("http://127.0.0.1:53123/callback?x=1"),
           QStringLiteral("http://evil.example@127.0.0.1:53123/callback") }) {
        const auto [code, body] = status(bad);
        QVERIFY2(code == 400 && body.contains("invalid_redirect_uri"), qPrintable(bad));
    }
    QVERIFY(status(QStringLiteral("http://127.0.0.1:53123/callback"), QStringLiteral("plain"))
                .second.contains("invalid_code_challenge"));
    QVERIFY(status(QStringLiteral("http://127.0.0.1:53123/callback"), QStringLiteral("S256"), false)
                .second.contains("invalid_code_challenge"));
    QCOMPARE(m_browser.fetch(m_server.url().resolved(QUrl(QStringLiteral("/v1/auth/sso/nope/start")))).first, 404);
}

void TestServerSso::newAccountNeedsAgeAndNotice()
{
    AppSide app;
    const QUrl back = browse(QStringLiteral("real"), app);
    QVERIFY(back.isValid());
    QCOMPARE(back.port(), QUrl(app.redirect).port());
    QCOMPARE(item(back, QStringLiteral("state")), app.state);
    QVERIFY(item(back, QStringLiteral("error")).isEmpty());
    const ApiReply pending = redeem(back, app);
    QCOMPARE(pending.status, 202);
    QCOMPARE(pending.json.value(QStringLiteral("next")).toString(), QStringLiteral("signup"));
    QCOMPARE(pending.json.value(QStringLiteral("email")).toString(), QStringLiteral("alice@example.test"));
    QCOMPARE(pending.json.value(QStringLiteral("display_name")).toString(), QStringLiteral("Test alice"));
    // The provider's own tokens never reach the app.
    QVERIFY(!pending.body.contains("id_token") && !pending.body.contains("access_token"));
    const QString token = pending.json.value(QStringLiteral("pending_token")).toString();

    const auto attempt = [&](const QString &birthDate, const QJsonValue &notice) {
        QJsonObject body { { QStringLiteral("pending_token"), token },
                           { QStringLiteral("display_name"), QStringLiteral("Alice") },
                           { QStringLiteral("birth_date"), birthDate } };
        if (!notice.isUndefined())
            body.insert(QStringLiteral("accepted_notice_version"), notice);
        return m_api->post(QStringLiteral("/v1/auth/sso/signup"), body);
    };
    const QString under13 = QDate::currentDate().addYears(-12).toString(Qt::ISODate);
    const ApiReply young = attempt(under13, QStringLiteral("2026-11-01"));
    QCOMPARE(young.status, 422);
    QCOMPARE(young.fieldCode(QStringLiteral("birth_date")), QStringLiteral("under_13"));
    const ApiReply noNotice = attempt(QStringLiteral("1990-01-01"), QJsonValue(QJsonValue::Undefined));
    QCOMPARE(noNotice.status, 422);
    QCOMPARE(noNotice.fieldCode(QStringLiteral("accepted_notice_version")), QStringLiteral("must_accept"));
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("users")), 0);

    const ApiReply created = attempt(QStringLiteral("1990-01-01"), QStringLiteral("2026-11-01"));
    QCOMPARE(created.status, 201);
    const QJsonObject user = created.json.value(QStringLiteral("user")).toObject();
    QCOMPARE(user.value(QStringLiteral("email")).toString(), QStringLiteral("alice@example.test"));
    QVERIFY(user.value(QStringLiteral("email_verified")).toBool());
    QCOMPARE(user.value(QStringLiteral("display_name")).toString(), QStringLiteral("Alice"));
    m_aliceId = user.value(QStringLiteral("id")).toString();
    m_aliceAccess = created.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), m_aliceAccess).status, 200);
    // The pending token worked once.
    QCOMPARE(attempt(QStringLiteral("1990-01-01"), QStringLiteral("2026-11-01")).errorCode(),
             QStringLiteral("invalid_sso_code"));
    // Email sign-in has no password to offer this account.
    QCOMPARE(m_api->login(QStringLiteral("alice@example.test"), QStringLiteral("whatever-password")).status, 401);
}

void TestServerSso::signOutAndSignInAgain()
{
    QVERIFY(!m_aliceAccess.isEmpty());
    QCOMPARE(m_api->post(QStringLiteral("/v1/auth/logout"), {}, m_aliceAccess).status, 204);
    QCOMPARE(m_api->get(QStringLiteral("/v1/me"), m_aliceAccess).status, 401);
    AppSide app;
    const ApiReply session = redeem(browse(QStringLiteral("real"), app), app);
    QCOMPARE(session.status, 200);
    QCOMPARE(session.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString(), m_aliceId);
    m_aliceAccess = session.json.value(QStringLiteral("access_token")).toString();
    QVERIFY(!session.json.value(QStringLiteral("refresh_token")).toString().isEmpty());
}

void TestServerSso::replayedCodeIsRefused()
{
    AppSide app;
    const QUrl back = browse(QStringLiteral("real"), app);
    QCOMPARE(redeem(back, app).status, 200);
    const ApiReply again = redeem(back, app);
    QCOMPARE(again.status, 400);
    QCOMPARE(again.errorCode(), QStringLiteral("invalid_sso_code"));
    QVERIFY(!again.body.contains("access_token"));
}

void TestServerSso::wrongVerifierIsRefused()
{
    AppSide app;
    const QUrl back = browse(QStringLiteral("real"), app);
    AppSide thief = app;
    thief.verifier = randomUrlSafe(32);
    const ApiReply stolen = redeem(back, thief);
    QCOMPARE(stolen.status, 400);
    QCOMPARE(stolen.errorCode(), QStringLiteral("invalid_sso_code"));
    // One try per code: after a wrong verifier even the right one is too late.
    QCOMPARE(redeem(back, app).status, 400);
    // A different redirect than the one the code was issued for is refused too.
    AppSide other;
    const QUrl back2 = browse(QStringLiteral("real"), other);
    AppSide moved = other;
    moved.redirect = QStringLiteral("http://127.0.0.1:1/callback");
    QCOMPARE(redeem(back2, moved).status, 400);
}

void TestServerSso::codeExpiresWithinAMinute()
{
    AppSide app;
    const QUrl back = browse(QStringLiteral("real"), app);
    QCOMPARE(m_api->post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), 61 } }).status, 200);
    const ApiReply late = redeem(back, app);
    QCOMPARE(late.status, 400);
    QCOMPARE(late.errorCode(), QStringLiteral("invalid_sso_code"));
}

void TestServerSso::wrongStateAtCallbackIsRefused()
{
    const auto [status, body] = m_browser.fetch(
        m_server.url().resolved(QUrl(QStringLiteral("/v1/auth/sso/callback?state=forged-state-value&code=abc"))));
    QCOMPARE(status, 400);
    QVERIFY(body.contains("invalid_state"));
    // Without a state at all, likewise; the page tells the person to go back to the app.
    const auto [status2, body2]
        = m_browser.fetch(m_server.url().resolved(QUrl(QStringLiteral("/v1/auth/sso/callback?code=abc"))));
    QCOMPARE(status2, 400);
    QVERIFY(body2.contains("Pygmi Studio"));
}

void TestServerSso::providerErrorReachesTheApp()
{
    AppSide app;
    const QUrl back = browse(QStringLiteral("real"), app, QStringLiteral("alice"), BrowserScript::Choice::Abort);
    QVERIFY(back.isValid());
    QCOMPARE(item(back, QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(item(back, QStringLiteral("state")), app.state);
    QVERIFY(item(back, QStringLiteral("code")).isEmpty());

    setFake({ { QStringLiteral("mode"), QStringLiteral("access_denied") } });
    AppSide app2;
    const QUrl back2 = browse(QStringLiteral("fake"), app2);
    QCOMPARE(item(back2, QStringLiteral("error")), QStringLiteral("access_denied"));
    QVERIFY(item(back2, QStringLiteral("code")).isEmpty());
}

void TestServerSso::badIdTokensAreRefused_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("reason");
    QTest::newRow("expired") << "expired"
                             << "expired";
    QTest::newRow("wrong audience") << "wrong_audience"
                                    << "wrong_audience";
    QTest::newRow("wrong issuer") << "wrong_issuer"
                                  << "wrong_issuer";
    QTest::newRow("tampered signature") << "tampered"
                                        << "bad_signature";
    QTest::newRow("unknown key id") << "unknown_kid"
                                    << "unknown_key";
    QTest::newRow("wrong nonce") << "wrong_nonce"
                                 << "nonce_mismatch";
    QTest::newRow("alg none") << "alg_none"
                              << "unsupported_algorithm";
    QTest::newRow("hs256") << "hs256"
                           << "unsupported_algorithm";
    QTest::newRow("issued in the future") << "future_iat"
                                          << "issued_in_future";
}

void TestServerSso::badIdTokensAreRefused()
{
    QFETCH(QString, mode);
    QFETCH(QString, reason);
    setFake({ { QStringLiteral("mode"), mode }, { QStringLiteral("sub"), QStringLiteral("victim") } });
    AppSide app;
    const QUrl back = browse(QStringLiteral("fake"), app);
    QVERIFY(back.isValid());
    QCOMPARE(item(back, QStringLiteral("error")), QStringLiteral("invalid_id_token"));
    QCOMPARE(item(back, QStringLiteral("error_description")), reason);
    QCOMPARE(item(back, QStringLiteral("state")), app.state);
    QVERIFY(item(back, QStringLiteral("code")).isEmpty());
}

void TestServerSso::es256AndKeyRotationWork()
{
    setFake({ { QStringLiteral("mode"), QStringLiteral("es256") },
              { QStringLiteral("sub"), QStringLiteral("ec-user") },
              { QStringLiteral("email"), QStringLiteral("ec@example.test") } });
    AppSide app;
    QCOMPARE(redeem(browse(QStringLiteral("fake"), app), app).status, 202);
    // New keys at the provider: the server fetches them when it meets an unknown key id.
    setFake({ { QStringLiteral("mode"), QStringLiteral("good") }, { QStringLiteral("rotate"), true } });
    QCOMPARE(m_api->post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), 10 } }).status, 200);
    AppSide app2;
    const QUrl back = browse(QStringLiteral("fake"), app2);
    QVERIFY2(item(back, QStringLiteral("error")).isEmpty(), qPrintable(back.toString()));
    QCOMPARE(redeem(back, app2).status, 202);
}

void TestServerSso::linkAndUnlink()
{
    QVERIFY(!m_aliceAccess.isEmpty());
    setFake({ { QStringLiteral("mode"), QStringLiteral("good") },
              { QStringLiteral("sub"), QStringLiteral("alice-2") },
              { QStringLiteral("email"), QStringLiteral("alice.other@example.test") } });
    AppSide app;
    const ApiReply linked = redeem(browse(QStringLiteral("fake"), app), app, m_aliceAccess);
    QCOMPARE(linked.status, 201);
    QCOMPARE(linked.json.value(QStringLiteral("provider_name")).toString(), QStringLiteral("Fake ID"));

    ApiReply list = m_api->get(QStringLiteral("/v1/me/identities"), m_aliceAccess);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json.value(QStringLiteral("has_password")).toBool(), false);
    QJsonArray identities = list.json.value(QStringLiteral("identities")).toArray();
    QCOMPARE(identities.size(), 2);
    for (const QJsonValue &identity : identities)
        QVERIFY(!identity[QStringLiteral("last_used_at")].toString().isEmpty());

    // Signing in with the linked provider reaches the same account.
    AppSide app2;
    const ApiReply viaFake = redeem(browse(QStringLiteral("fake"), app2), app2);
    QCOMPARE(viaFake.status, 200);
    QCOMPARE(viaFake.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString(), m_aliceId);

    // Another account cannot take an identity that is already connected.
    setFake({ { QStringLiteral("sub"), QStringLiteral("carol") },
              { QStringLiteral("email"), QStringLiteral("carol@example.test") } });
    AppSide app3;
    const QString carol = signUp(redeem(browse(QStringLiteral("fake"), app3), app3), QStringLiteral("Carol"));
    QVERIFY(!carol.isEmpty());
    setFake({ { QStringLiteral("sub"), QStringLiteral("alice-2") } });
    AppSide app4;
    QCOMPARE(redeem(browse(QStringLiteral("fake"), app4), app4, carol).errorCode(), QStringLiteral("identity_in_use"));

    const QString fakeId = identities[1][QStringLiteral("id")].toString();
    const QString realId = identities[0][QStringLiteral("id")].toString();
    QCOMPARE(m_api->send("DELETE", QStringLiteral("/v1/me/identities/") + fakeId, {}, {}, carol).status, 404);
    QCOMPARE(m_api->send("DELETE", QStringLiteral("/v1/me/identities/") + fakeId, {}, {}, m_aliceAccess).status, 204);
    const ApiReply last = m_api->send("DELETE", QStringLiteral("/v1/me/identities/") + realId, {}, {}, m_aliceAccess);
    QCOMPARE(last.status, 409);
    QCOMPARE(last.errorCode(), QStringLiteral("last_sign_in_method"));
    list = m_api->get(QStringLiteral("/v1/me/identities"), m_aliceAccess);
    QCOMPARE(list.json.value(QStringLiteral("identities")).toArray().size(), 1);
    // The unlinked provider no longer signs in to Alice: it is someone new again.
    AppSide app5;
    QCOMPARE(redeem(browse(QStringLiteral("fake"), app5), app5).status, 202);
}

void TestServerSso::verifiedEmailLinksOnlyAfterSigningIn()
{
    // An email account exists; the provider vouches for the same address.
    const ApiReply dave = m_api->signup(QStringLiteral("dave@example.test"), QStringLiteral("violet-harbor-42"));
    QCOMPARE(dave.status, 201);
    setFake({ { QStringLiteral("sub"), QStringLiteral("dave-sso") },
              { QStringLiteral("email"), QStringLiteral("dave@example.test") },
              { QStringLiteral("email_verified"), true } });
    AppSide app;
    const ApiReply pending = redeem(browse(QStringLiteral("fake"), app), app);
    QCOMPARE(pending.status, 202);
    QCOMPARE(pending.json.value(QStringLiteral("next")).toString(), QStringLiteral("link"));
    const QString token = pending.json.value(QStringLiteral("pending_token")).toString();
    // Not by itself: no sign-up with the same address, no link for someone else's account.
    QCOMPARE(signUp(pending, QStringLiteral("Dave?")), QString());
    QCOMPARE(m_api
                 ->post(QStringLiteral("/v1/me/identities/confirm"), { { QStringLiteral("pending_token"), token } },
                        m_aliceAccess)
                 .errorCode(),
             QStringLiteral("link_email_mismatch"));
    const QString daveAccess = m_api->login(QStringLiteral("dave@example.test"), QStringLiteral("violet-harbor-42"))
                                   .json.value(QStringLiteral("access_token"))
                                   .toString();
    QCOMPARE(m_api
                 ->post(QStringLiteral("/v1/me/identities/confirm"), { { QStringLiteral("pending_token"), token } },
                        daveAccess)
                 .status,
             201);
    AppSide app2;
    const ApiReply session = redeem(browse(QStringLiteral("fake"), app2), app2);
    QCOMPARE(session.status, 200);
    QCOMPARE(session.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("email")).toString(),
             QStringLiteral("dave@example.test"));
    QCOMPARE(
        m_api->get(QStringLiteral("/v1/me/identities"), daveAccess).json.value(QStringLiteral("has_password")).toBool(),
        true);
}

void TestServerSso::lockedAccountCannotUseSso()
{
    const auto admin = [&](const QString &action) {
        QProcess process;
        process.start(TestServer::serverProgram(),
                      { QStringLiteral("--data-dir"), m_server.dataDir(), QStringLiteral("admin"), action,
                        QStringLiteral("dave@example.test") });
        return process.waitForFinished(10000) && process.exitCode() == 0;
    };
    QVERIFY(admin(QStringLiteral("lock")));
    setFake(
        { { QStringLiteral("mode"), QStringLiteral("good") }, { QStringLiteral("sub"), QStringLiteral("dave-sso") } });
    AppSide app;
    const ApiReply locked = redeem(browse(QStringLiteral("fake"), app), app);
    QCOMPARE(locked.status, 423);
    QCOMPARE(locked.errorCode(), QStringLiteral("account_locked"));
    QVERIFY(!locked.body.contains("access_token"));
    QVERIFY(admin(QStringLiteral("unlock")));
    AppSide again;
    QCOMPARE(redeem(browse(QStringLiteral("fake"), again), again).status, 200);
}

void TestServerSso::unverifiedEmailIsNotKept()
{
    m_browser.forgetCookies(); // another person at the provider
    AppSide app;
    const ApiReply pending = redeem(browse(QStringLiteral("real"), app, QStringLiteral("unverified-bob")), app);
    QCOMPARE(pending.status, 202);
    QVERIFY(pending.json.value(QStringLiteral("email")).isNull());
    const QString access = signUp(pending, QStringLiteral("Bob"));
    QVERIFY(!access.isEmpty());
    const ApiReply me = m_api->get(QStringLiteral("/v1/me"), access);
    QVERIFY(me.json.value(QStringLiteral("email")).isNull());
    const QJsonArray identities
        = m_api->get(QStringLiteral("/v1/me/identities"), access).json.value(QStringLiteral("identities")).toArray();
    QCOMPARE(identities.size(), 1);
    QVERIFY(identities[0][QStringLiteral("email")].isNull());
}

void TestServerSso::confidentialClientAuthenticates()
{
    // client_secret_basic at the token endpoint; the secret never leaves the server otherwise.
    AppSide app;
    const QUrl back = browse(QStringLiteral("confidential"), app, QStringLiteral("ivan"));
    QVERIFY2(item(back, QStringLiteral("error")).isEmpty(), qPrintable(back.toString()));
    const ApiReply pending = redeem(back, app);
    QCOMPARE(pending.status, 202);
    QCOMPARE(pending.json.value(QStringLiteral("email")).toString(), QStringLiteral("ivan@example.test"));
    QVERIFY(!back.toString().contains(QStringLiteral("op-secret-42")));
    QVERIFY(!m_server.output().contains("op-secret-42"));
}

void TestServerSso::untrustedCertificateIsRefused()
{
    // The server verifies the provider's certificate: a self-signed one is not a provider.
    AppSide app;
    const auto [status, body] = m_browser.fetch(startUrl(QStringLiteral("untrusted"), app));
    QCOMPARE(status, 502);
    QVERIFY(body.contains("provider_unavailable"));
    QTRY_VERIFY(m_server.output().contains("certificate verify failed"));
    QVERIFY(!m_server.output().contains("s3cret-value"));
    // A discovery document that speaks for another issuer is not used.
    AppSide app2;
    const auto [status2, body2] = m_browser.fetch(startUrl(QStringLiteral("mismatch"), app2));
    QCOMPARE(status2, 502);
    QVERIFY(body2.contains("provider_unavailable"));
    QTRY_VERIFY(m_server.output().contains("discovery document of \"mismatch\" does not match"));
}

void TestServerSso::onlyMinimalIdentifiersAreStored()
{
    m_server.stop();
    const QString name = QStringLiteral("sso-scan");
    QStringList everything;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QDir(m_server.dataDir()).filePath(QStringLiteral("pygmi.sqlite")));
        QVERIFY(db.open());
        QSqlQuery columns(db);
        QVERIFY(columns.exec(QStringLiteral("SELECT * FROM sso_identities")));
        QStringList names;
        for (int i = 0; i < columns.record().count(); ++i)
            names << columns.record().fieldName(i);
        QCOMPARE(names.join(u','),
                 QStringLiteral("id,user_id,provider_id,issuer,subject,email,name,created_at,last_used_at"));
        for (const QString &table : db.tables()) {
            QSqlQuery rows(db);
            QVERIFY(rows.exec(QStringLiteral("SELECT * FROM ") + table));
            while (rows.next())
                for (int i = 0; i < rows.record().count(); ++i)
                    everything << rows.value(i).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    const QString all = everything.join(u'\n');
    m_secrets.removeAll(QString());
    QVERIFY(m_secrets.size() > 20);
    for (const QString &secret : std::as_const(m_secrets)) {
        QVERIFY2(!m_server.output().contains(secret.toUtf8()), "a secret reached the server log");
        QVERIFY2(!all.contains(secret), "a secret is stored in plain text");
    }
    QVERIFY(all.contains(QStringLiteral("alice@example.test")));
    // Claims beyond issuer, subject, verified email and name never reach the database, nor do
    // the provider's tokens.
    for (const QString &never : { QStringLiteral("+62 21"), QStringLiteral("1990-01-01"), QStringLiteral("face.png"),
                                  QStringLiteral("Jalan"), QStringLiteral("p.png"), QStringLiteral("eyJhbGciOi"),
                                  QStringLiteral("s3cret-value"), QStringLiteral("unverified-bob@example.test") })
        QVERIFY2(!all.contains(never), qPrintable(never + u' ' + all.mid(qMax(0, int(all.indexOf(never)) - 80), 200)));
}

QTEST_GUILESS_MAIN(TestServerSso)
#include "tst_ServerSso.moc"
