// The browser sign-in state machine (core/sso) with an injected listener and browser, the real
// loopback listener on its own, and one run against the real server and a real OpenID Provider.
#include "BrowserScript.h"
#include "NodePeer.h"
#include "TestServer.h"
#include "api/ApiClient.h"
#include "sso/SsoService.h"
#include "sso/SsoSignIn.h"
#include "sso/TcpLoopbackListener.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkInterface>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace pygmi::core;
using namespace pygmi::test;

namespace {

// Stands in for the socket: the test delivers the browser's return by hand.
class FakeListener : public LoopbackListener
{
public:
    bool fail = false;
    bool closed = false;
    bool listen(QString *error) override
    {
        if (fail)
            *error = QStringLiteral("no port");
        return !fail;
    }
    QUrl redirectUri() const override { return QUrl(QStringLiteral("http://127.0.0.1:49152/callback")); }
    void close() override { closed = true; }
    void deliver(const QUrlQuery &query)
    {
        if (m_stateCheck && m_stateCheck(query.queryItemValue(QStringLiteral("state"))))
            Q_EMIT callbackReceived(query);
        else
            Q_EMIT callbackRejected();
    }
};

QString stateOf(const QUrl &url)
{
    return QUrlQuery(url).queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
}

// A raw HTTP GET on loopback; returns the status line's code, or 0 when the connection failed.
// The listener lives on this thread, so the wait keeps the event loop turning.
int rawGet(const QHostAddress &address, quint16 port, const QByteArray &target)
{
    QTcpSocket socket;
    socket.connectToHost(address, port);
    QElapsedTimer timer;
    timer.start();
    while (socket.state() != QAbstractSocket::ConnectedState && socket.state() != QAbstractSocket::UnconnectedState
           && timer.elapsed() < 2000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (socket.state() != QAbstractSocket::ConnectedState)
        return 0;
    socket.write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    while (socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < 4000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        answer += socket.readAll();
    }
    answer += socket.readAll();
    const QList<QByteArray> parts = answer.split(' ');
    return parts.size() > 1 ? parts[1].toInt() : 0;
}

} // namespace

class TestSsoSignIn : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void startOpensTheBrowserWithPkceAndLoopbackRedirect();
    void noBrowserStillWaitsWithTheLink();
    void wrongStateFailsWithoutARequest();
    void providerErrorFailsWithAClearMessage();
    void cancelAndTimeout();
    void listenerFailureIsReported();
    void realListenerIsLoopbackOnlyAndTakesOneCallback();
    void realListenerRefusesAForeignState();
    void endToEndWithARealProvider();

private:
    SsoSignIn *make(bool browserOpens = true);

    std::unique_ptr<ApiClient> m_api;
    FakeListener *m_listener = nullptr; // owned by the sign-in
    QUrl m_opened;
};

void TestSsoSignIn::init()
{
    m_api = std::make_unique<ApiClient>();
    m_api->setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:9/base")));
    m_opened.clear();
}

SsoSignIn *TestSsoSignIn::make(bool browserOpens)
{
    return new SsoSignIn(
        m_api.get(),
        [this, browserOpens](const QUrl &url) {
            m_opened = url;
            return browserOpens;
        },
        [this] {
            auto listener = std::make_unique<FakeListener>();
            m_listener = listener.get();
            return listener;
        },
        [](const QJsonObject &, std::function<void(const ApiError &)> done) { done({}); }, m_api.get());
}

void TestSsoSignIn::startOpensTheBrowserWithPkceAndLoopbackRedirect()
{
    SsoSignIn *signIn = make();
    signIn->start(QStringLiteral("corp"));
    QCOMPARE(signIn->state(), SsoSignIn::State::WaitingForBrowser);
    QVERIFY(signIn->browserOpened());
    QCOMPARE(m_opened, signIn->authorizationUrl());
    QCOMPARE(m_opened.path(), QStringLiteral("/base/v1/auth/sso/corp/start"));
    const QUrlQuery query(m_opened);
    QCOMPARE(query.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
    QCOMPARE(query.queryItemValue(QStringLiteral("code_challenge")).size(), 43);
    QCOMPARE(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded),
             QStringLiteral("http://127.0.0.1:49152/callback"));
    QVERIFY(stateOf(m_opened).size() >= 32);
    // RFC 7636 appendix B.
    QCOMPARE(SsoSignIn::challengeFor(QStringLiteral("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")),
             QStringLiteral("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    // Two sign-ins never share a state or a challenge.
    SsoSignIn *other = make();
    other->start(QStringLiteral("corp"));
    QVERIFY(stateOf(other->authorizationUrl()) != stateOf(signIn->authorizationUrl()));
}

void TestSsoSignIn::noBrowserStillWaitsWithTheLink()
{
    SsoSignIn *signIn = make(false);
    signIn->start(QStringLiteral("corp"));
    QCOMPARE(signIn->state(), SsoSignIn::State::WaitingForBrowser);
    QVERIFY(!signIn->browserOpened());
    QVERIFY(signIn->authorizationUrl().isValid());
}

void TestSsoSignIn::wrongStateFailsWithoutARequest()
{
    SsoSignIn *signIn = make();
    QSignalSpy returned(signIn, &SsoSignIn::browserReturned);
    signIn->start(QStringLiteral("corp"));
    QUrlQuery forged;
    forged.addQueryItem(QStringLiteral("code"), QStringLiteral("stolen-code"));
    forged.addQueryItem(QStringLiteral("state"), QStringLiteral("not-the-state"));
    m_listener->deliver(forged);
    QCOMPARE(signIn->state(), SsoSignIn::State::Failed);
    QCOMPARE(signIn->error().code(), QStringLiteral("state_mismatch"));
    QVERIFY(SsoService::messageFor(signIn->error()).contains(QStringLiteral("did not start")));
    QCOMPARE(m_api->requestCount(), 0u); // the forged code never went to the server
    QCOMPARE(returned.count(), 1);
    QVERIFY(m_listener->closed);
}

void TestSsoSignIn::providerErrorFailsWithAClearMessage()
{
    SsoSignIn *signIn = make();
    signIn->start(QStringLiteral("corp"));
    QUrlQuery denied;
    denied.addQueryItem(QStringLiteral("error"), QStringLiteral("access_denied"));
    denied.addQueryItem(QStringLiteral("state"), stateOf(signIn->authorizationUrl()));
    m_listener->deliver(denied);
    QCOMPARE(signIn->state(), SsoSignIn::State::Failed);
    QCOMPARE(signIn->error().code(), QStringLiteral("access_denied"));
    QVERIFY(SsoService::messageFor(signIn->error()).contains(QStringLiteral("cancelled or refused")));
    QCOMPARE(m_api->requestCount(), 0u);

    SsoSignIn *second = make();
    second->start(QStringLiteral("corp"));
    QUrlQuery bad;
    bad.addQueryItem(QStringLiteral("error"), QStringLiteral("invalid_id_token"));
    bad.addQueryItem(QStringLiteral("error_description"), QStringLiteral("expired"));
    bad.addQueryItem(QStringLiteral("state"), stateOf(second->authorizationUrl()));
    m_listener->deliver(bad);
    QCOMPARE(second->error().code(), QStringLiteral("invalid_id_token"));
    QVERIFY(SsoService::messageFor(second->error()).contains(QStringLiteral("could not be verified")));
}

void TestSsoSignIn::cancelAndTimeout()
{
    SsoSignIn *signIn = make();
    signIn->start(QStringLiteral("corp"));
    signIn->cancel();
    QCOMPARE(signIn->state(), SsoSignIn::State::Cancelled);
    QVERIFY(m_listener->closed);
    // A late return of the browser changes nothing.
    QUrlQuery late;
    late.addQueryItem(QStringLiteral("code"), QStringLiteral("x"));
    late.addQueryItem(QStringLiteral("state"), stateOf(signIn->authorizationUrl()));
    m_listener->deliver(late);
    QCOMPARE(signIn->state(), SsoSignIn::State::Cancelled);
    QCOMPARE(m_api->requestCount(), 0u);

    SsoSignIn *slow = make();
    slow->start(QStringLiteral("corp"), SsoSignIn::Purpose::SignIn, 150);
    QTRY_COMPARE_WITH_TIMEOUT(slow->state(), SsoSignIn::State::TimedOut, 3000);
    QCOMPARE(slow->error().code(), QStringLiteral("sso_timeout"));
}

void TestSsoSignIn::listenerFailureIsReported()
{
    SsoSignIn signIn(
        m_api.get(), [](const QUrl &) { return true; },
        [] {
            auto listener = std::make_unique<FakeListener>();
            listener->fail = true;
            return listener;
        },
        {});
    signIn.start(QStringLiteral("corp"));
    QCOMPARE(signIn.state(), SsoSignIn::State::Failed);
    QCOMPARE(signIn.error().code(), QStringLiteral("listener_failed"));
}

void TestSsoSignIn::realListenerIsLoopbackOnlyAndTakesOneCallback()
{
    TcpLoopbackListener listener;
    QString error;
    QVERIFY2(listener.listen(&error), qPrintable(error));
    QVERIFY(listener.address().isLoopback());
    QCOMPARE(listener.redirectUri().path(), QStringLiteral("/callback"));
    QVERIFY(listener.port() > 0);
    listener.setStateCheck([](const QString &state) { return state == QLatin1String("good-state"); });
    QSignalSpy received(&listener, &LoopbackListener::callbackReceived);

    // Not reachable through any other interface of this machine.
    bool triedRemote = false;
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.isLoopback() || address.protocol() != QAbstractSocket::IPv4Protocol)
            continue;
        triedRemote = true;
        QCOMPARE(rawGet(address, listener.port(), "/callback?state=good-state&code=x"), 0);
    }
    if (!triedRemote)
        qInfo("no non-loopback IPv4 address here: the network check was not possible");
    QVERIFY(!TcpLoopbackListener::isAcceptablePeer(QHostAddress(QStringLiteral("192.168.1.20"))));
    QVERIFY(TcpLoopbackListener::isAcceptablePeer(QHostAddress(QStringLiteral("127.0.0.1"))));
    QVERIFY(TcpLoopbackListener::isAcceptablePeer(QHostAddress(QStringLiteral("::1"))));

    // Other paths: 404, and it keeps waiting.
    QCOMPARE(rawGet(listener.address(), listener.port(), "/favicon.ico"), 404);
    QVERIFY(listener.isListening());
    QCOMPARE(received.count(), 0);
    // The one callback: 200, reported once, then the port closes.
    QCOMPARE(rawGet(listener.address(), listener.port(), "/callback?code=abc&state=good-state"), 200);
    QCOMPARE(received.count(), 1);
    QCOMPARE(received[0][0].value<QUrlQuery>().queryItemValue(QStringLiteral("code")), QStringLiteral("abc"));
    QVERIFY(!listener.isListening());
    QCOMPARE(rawGet(listener.address(), listener.port(), "/callback?code=again&state=good-state"), 0);
    QCOMPARE(received.count(), 1);
}

void TestSsoSignIn::realListenerRefusesAForeignState()
{
    TcpLoopbackListener listener;
    QVERIFY(listener.listen(nullptr));
    listener.setStateCheck([](const QString &state) { return state == QLatin1String("good-state"); });
    QSignalSpy received(&listener, &LoopbackListener::callbackReceived);
    QSignalSpy rejected(&listener, &LoopbackListener::callbackRejected);
    QCOMPARE(rawGet(listener.address(), listener.port(), "/callback?code=abc&state=evil"), 400);
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(received.count(), 0);
    QVERIFY(!listener.isListening());
}

void TestSsoSignIn::endToEndWithARealProvider()
{
    NodePeer::skipUnlessAvailable();
    NodePeer op;
    QVERIFY2(op.start(QStringLiteral("real-op.mjs")), qPrintable(op.errorString()));
    QTemporaryDir dir;
    QFile config(dir.filePath(QStringLiteral("oidc.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(
        QJsonDocument(QJsonArray { QJsonObject { { QStringLiteral("id"), QStringLiteral("real") },
                                                 { QStringLiteral("display_name"), QStringLiteral("Real ID") },
                                                 { QStringLiteral("issuer"), op.url().toString() },
                                                 { QStringLiteral("client_id"), QStringLiteral("pygmi-test") } } })
            .toJson());
    config.close();
    TestServer server;
    QVERIFY2(server.start({ QStringLiteral("--oidc-config"), config.fileName() }), qPrintable(server.errorString()));
    m_api->setBaseUrl(server.url());

    BrowserScript browser;
    SsoService service(m_api.get(), nullptr);
    service.setBrowserOpener([&browser](const QUrl &url) {
        // The "browser" runs after the app returns to its event loop, as a real one would.
        QTimer::singleShot(0, [&browser, url] {
            const BrowserScript::Result result = browser.run(url, QStringLiteral("erin"));
            if (result.loopbackUrl.isValid())
                browser.fetch(result.loopbackUrl); // the browser follows the last redirect
        });
        return true;
    });
    bool providersDone = false;
    service.fetchProviders(this, [&](const QList<SsoService::Provider> &providers, const ApiError &error) {
        QVERIFY(!error);
        QCOMPARE(providers.size(), 1);
        QCOMPARE(providers[0].displayName, QStringLiteral("Real ID"));
        providersDone = true;
    });
    QTRY_VERIFY(providersDone);
    SsoSignIn *signIn = service.begin(QStringLiteral("real"), SsoSignIn::Purpose::SignIn, this);
    QTRY_VERIFY_WITH_TIMEOUT(signIn->isFinished(), 20000);
    QCOMPARE(signIn->state(), SsoSignIn::State::NeedsSignUp);
    QCOMPARE(signIn->pending().email, QStringLiteral("erin@example.test"));
    QCOMPARE(signIn->pending().providerName, QStringLiteral("Real ID"));
    QVERIFY(!signIn->pending().token.isEmpty());
}

QTEST_GUILESS_MAIN(TestSsoSignIn)
#include "tst_SsoSignIn.moc"
