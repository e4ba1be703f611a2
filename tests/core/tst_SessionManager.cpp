// SessionManager against the real pygmi-server: accounts, refresh rotation, parked requests,
// restore from the keychain, sign-out revocation, and the local profile.
#include "TestServer.h"
#include "api/ApiClient.h"
#include "session/SecretStore.h"
#include "session/SessionManager.h"

#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace pygmi::core;
using pygmi::test::TestServer;

namespace {

const QString kPassword = QStringLiteral("violet-harbor-lantern-42");

ApiResponse call(ApiClient &api, const ApiRequest &request)
{
    ApiResponse result;
    bool done = false;
    api.send(request, nullptr, [&](const ApiResponse &r) {
        result = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 20000))
        result.error = ApiError(ApiError::Kind::Client, QStringLiteral("test_wait_timeout"));
    return result;
}

ApiRequest get(const QString &path)
{
    ApiRequest r;
    r.path = path;
    r.idempotent = true;
    return r;
}

ApiRequest post(const QString &path, const QJsonObject &body, bool authenticated = false)
{
    ApiRequest r;
    r.method = "POST";
    r.path = path;
    r.body = body;
    r.authenticated = authenticated;
    return r;
}

// Waits for a SessionManager::Done callback.
struct Waiter
{
    bool called = false;
    ApiError error;
    SessionManager::Done done()
    {
        return [this](const ApiError &e) {
            called = true;
            error = e;
        };
    }
    bool wait(int ms = 20000) { return QTest::qWaitFor([this] { return called; }, ms); }
};

std::optional<QByteArray> readSecret(SecretStore &store, const QString &key)
{
    std::optional<QByteArray> value;
    bool done = false;
    store.read(key, nullptr, [&](std::optional<QByteArray> v, const QString &) {
        value = std::move(v);
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 20000))
        qWarning("keychain read timed out");
    return value;
}

QString uniqueEmail(const char *tag)
{
    return QStringLiteral("%1-%2@example.com")
        .arg(QLatin1String(tag))
        .arg(QRandomGenerator::global()->generate(), 0, 36);
}

} // namespace

class TestSessionManager : public QObject
{
    Q_OBJECT

    TestServer m_server;
    QString m_noticeVersion;
    std::unique_ptr<SecretStore> m_secrets;
    QTemporaryDir m_configDir;

    SignUpForm form(const QString &email) const
    {
        SignUpForm f;
        f.email = email;
        f.password = kPassword;
        f.displayName = QStringLiteral("Test User");
        f.birthDate = QDate(1990, 4, 1);
        f.acceptedNoticeVersion = m_noticeVersion;
        return f;
    }

    // A signed-in SessionManager with its own ApiClient.
    struct Client
    {
        std::unique_ptr<ApiClient> api = std::make_unique<ApiClient>();
        std::unique_ptr<SessionManager> session;
    };
    Client makeClient(const QUrl &url)
    {
        Client c;
        c.api->setBaseUrl(url);
        c.session = std::make_unique<SessionManager>(c.api.get(), m_secrets.get(), m_configDir.path());
        return c;
    }

    void advanceServerClock(int seconds)
    {
        ApiClient api;
        api.setBaseUrl(m_server.url());
        const ApiResponse r = call(api, post(QStringLiteral("/v1/test/clock"),
                                             { { QStringLiteral("advance_seconds"), seconds } }));
        QVERIFY2(r.ok(), qPrintable(r.error.code()));
    }

private slots:
    void initTestCase()
    {
        // Short access tokens exercise rotation; the test clock makes expiry deterministic.
        QVERIFY2(
            m_server.start({ QStringLiteral("--access-ttl"), QStringLiteral("3"), QStringLiteral("--test-clock") }),
            qPrintable(m_server.errorString()));
        // A service name of our own: a developer's real keychain entries are never touched.
        m_secrets = std::make_unique<SecretStore>(
            QStringLiteral("Pygmi Studio tests %1").arg(QRandomGenerator::system()->generate(), 0, 36));
        m_secrets->probe();
        QTRY_VERIFY_WITH_TIMEOUT(m_secrets->status() != SecretStore::Status::Unknown, 15000);
        qInfo() << "secret store:" << m_secrets->status();

        Client c = makeClient(m_server.url());
        ServerInfo info;
        ApiError error;
        bool done = false;
        c.session->fetchServerInfo(nullptr, [&](const ServerInfo &i, const ApiError &e) {
            info = i;
            error = e;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY2(!error.isError(), qPrintable(error.code()));
        QVERIFY(info.apiVersion >= ApiClient::kRequiredApiVersion);
        QCOMPARE(info.mode, QStringLiteral("hosted"));
        m_noticeVersion = info.noticeVersion;
        QVERIFY(!m_noticeVersion.isEmpty());
    }

    void signUpSignInAndMe()
    {
        const QString email = uniqueEmail("signup");
        {
            Client c = makeClient(m_server.url());
            QSignalSpy states(c.session.get(), &SessionManager::stateChanged);
            Waiter w;
            c.session->signUp(form(email), nullptr, w.done());
            QVERIFY(w.wait());
            QVERIFY2(!w.error.isError(), qPrintable(w.error.code()));
            QCOMPARE(c.session->state(), SessionManager::State::SignedIn);
            QCOMPARE(states.count(), 1);
            QCOMPARE(c.session->user().email, email);
            QCOMPARE(c.session->user().kind, QStringLiteral("password"));
            QVERIFY(!c.session->user().emailVerified);

            const ApiResponse me = call(*c.api, get(QStringLiteral("/v1/me")));
            QVERIFY(me.ok());
            QCOMPARE(me.json.value(QStringLiteral("id")).toString(), c.session->user().id);

            // The saved profile names the server and the account, and holds no token.
            const auto saved = ServerProfile::load(m_configDir.path());
            QVERIFY(saved.has_value());
            QCOMPARE(saved->userId, c.session->user().id);
            QCOMPARE(saved->url, m_server.url());
            QFile f(m_configDir.filePath(QStringLiteral("profile.json")));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray profileText = f.readAll();
            QVERIFY(!profileText.contains(c.api->accessToken().toUtf8()));
            QVERIFY(!profileText.contains(*readSecret(*m_secrets, saved->refreshTokenKey())));

            // Same email again: taken.
            Client other = makeClient(m_server.url());
            Waiter again;
            other.session->signUp(form(email), nullptr, again.done());
            QVERIFY(again.wait());
            QCOMPARE(again.error.code(), QStringLiteral("email_taken"));
            QCOMPARE(other.session->state(), SessionManager::State::SignedOut);
        }
        Client c = makeClient(m_server.url());
        Waiter w;
        c.session->signIn(email, kPassword, nullptr, w.done());
        QVERIFY(w.wait());
        QVERIFY2(!w.error.isError(), qPrintable(w.error.code()));
        QCOMPARE(c.session->state(), SessionManager::State::SignedIn);
        QVERIFY(call(*c.api, get(QStringLiteral("/v1/me"))).ok());
        Waiter out;
        c.session->signOut(nullptr, out.done());
        QVERIFY(out.wait());
    }

    void validationErrorsReachTheForm()
    {
        Client c = makeClient(m_server.url());
        SignUpForm f = form(uniqueEmail("young"));
        f.birthDate = QDate::currentDate().addYears(-12);
        f.password = QStringLiteral("password1234");
        f.acceptedNoticeVersion.clear();
        Waiter w;
        c.session->signUp(f, nullptr, w.done());
        QVERIFY(w.wait());
        QCOMPARE(w.error.code(), QStringLiteral("validation_failed"));
        QCOMPARE(w.error.fields().value(QStringLiteral("birth_date")), QStringLiteral("under_13"));
        QVERIFY(!w.error.fields().value(QStringLiteral("password")).isEmpty());
        QVERIFY(!w.error.fields().value(QStringLiteral("accepted_notice_version")).isEmpty());
        QVERIFY(!w.error.fieldMessage(QStringLiteral("password")).isEmpty());
        QCOMPARE(c.session->state(), SessionManager::State::SignedOut);
    }

    void wrongPasswordAndUnknownEmailAreOneError()
    {
        const QString email = uniqueEmail("wrong");
        Client c = makeClient(m_server.url());
        Waiter up;
        c.session->signUp(form(email), nullptr, up.done());
        QVERIFY(up.wait());
        QVERIFY(!up.error.isError());
        Waiter out;
        c.session->signOut(nullptr, out.done());
        QVERIFY(out.wait());

        Waiter wrong;
        c.session->signIn(email, QStringLiteral("not-the-password-1"), nullptr, wrong.done());
        QVERIFY(wrong.wait());
        Waiter unknown;
        c.session->signIn(uniqueEmail("nobody"), kPassword, nullptr, unknown.done());
        QVERIFY(unknown.wait());
        QCOMPARE(wrong.error.code(), QStringLiteral("invalid_credentials"));
        QCOMPARE(unknown.error.code(), QStringLiteral("invalid_credentials"));
        QCOMPARE(wrong.error.userMessage(), unknown.error.userMessage());
        QCOMPARE(c.session->state(), SessionManager::State::SignedOut);
    }

    void insecureServerIsRefusedBeforeSending()
    {
        Client c = makeClient(QUrl(QStringLiteral("http://pygmi.example")));
        Waiter w;
        c.session->signIn(QStringLiteral("a@example.com"), kPassword, nullptr, w.done());
        QVERIFY(w.wait());
        QCOMPARE(w.error.code(), QStringLiteral("insecure_url"));
        QCOMPARE(c.api->requestCount(), quint64(0));
    }

    void refreshRotatesAndReuseEndsTheSession()
    {
        Client c = makeClient(m_server.url());
        Waiter w;
        c.session->signUp(form(uniqueEmail("rotate")), nullptr, w.done());
        QVERIFY(w.wait());
        QVERIFY(!w.error.isError());
        const QString key = c.session->profile().refreshTokenKey();
        const QByteArray first = readSecret(*m_secrets, key).value_or(QByteArray());
        const QString firstAccess = c.api->accessToken();
        QVERIFY(!first.isEmpty());

        // expires_in is 3 s: the timer refreshes at ~2.4 s and the keychain gets the new token.
        QTRY_VERIFY_WITH_TIMEOUT(readSecret(*m_secrets, key).value_or(first) != first, 8000);
        QVERIFY(c.api->accessToken() != firstAccess);
        QCOMPARE(c.session->state(), SessionManager::State::SignedIn);
        QVERIFY(call(*c.api, get(QStringLiteral("/v1/me"))).ok());

        // Someone replays the spent token: the server revokes the whole family, and at the next
        // refresh the app learns its session is over.
        QSignalSpy expired(c.session.get(), &SessionManager::sessionExpired);
        const ApiResponse replay = call(*c.api,
                                        post(QStringLiteral("/v1/auth/refresh"),
                                             { { QStringLiteral("refresh_token"), QString::fromLatin1(first) } }));
        QCOMPARE(replay.httpStatus, 401);
        QCOMPARE(replay.error.code(), QStringLiteral("refresh_reused"));
        QTRY_COMPARE_WITH_TIMEOUT(expired.count(), 1, 8000);
        QCOMPARE(c.session->state(), SessionManager::State::SignedOut);
        QVERIFY(!c.api->hasAccessToken());
        QVERIFY(!readSecret(*m_secrets, key).has_value()); // nothing worthless left in the keychain
    }

    void expiredTokenRequestsAreParkedAndRetried()
    {
        Client c = makeClient(m_server.url());
        Waiter w;
        c.session->signUp(form(uniqueEmail("parked")), nullptr, w.done());
        QVERIFY(w.wait());
        QVERIFY(!w.error.isError());
        QSignalSpy authSpy(c.api.get(), &ApiClient::authenticationRequired);
        QSignalSpy expired(c.session.get(), &SessionManager::sessionExpired);

        advanceServerClock(60); // the access token is now expired on the server
        ApiResponse a, b;
        int done = 0;
        c.api->send(get(QStringLiteral("/v1/me")), nullptr, [&](const ApiResponse &r) {
            a = r;
            ++done;
        });
        c.api->send(get(QStringLiteral("/v1/me")), nullptr, [&](const ApiResponse &r) {
            b = r;
            ++done;
        });
        QTRY_COMPARE_WITH_TIMEOUT(done, 2, 15000);
        QVERIFY2(a.ok(), qPrintable(a.error.code()));
        QVERIFY2(b.ok(), qPrintable(b.error.code()));
        QVERIFY(authSpy.count() >= 1);
        // Had two refreshes raced with one token, reuse detection would have ended the session.
        QTest::qWait(300);
        QCOMPARE(expired.count(), 0);
        QCOMPARE(c.session->state(), SessionManager::State::SignedIn);
        QVERIFY(call(*c.api, get(QStringLiteral("/v1/me"))).ok());
        Waiter out;
        c.session->signOut(nullptr, out.done());
        QVERIFY(out.wait());
    }

    void restoreFromTheKeychain()
    {
        QString userId;
        {
            Client c = makeClient(m_server.url());
            Waiter w;
            c.session->signUp(form(uniqueEmail("restore")), nullptr, w.done());
            QVERIFY(w.wait());
            QVERIFY(!w.error.isError());
            userId = c.session->user().id;
        } // "the app quits" without signing out

        const auto profile = ServerProfile::load(m_configDir.path());
        QVERIFY(profile.has_value());
        Client c;
        c.session = std::make_unique<SessionManager>(c.api.get(), m_secrets.get(), m_configDir.path());
        QSignalSpy states(c.session.get(), &SessionManager::stateChanged);
        Waiter w;
        c.session->restore(*profile, nullptr, w.done());
        QCOMPARE(c.session->state(), SessionManager::State::Restoring);
        QVERIFY(w.wait());
        QVERIFY2(!w.error.isError(), qPrintable(w.error.code()));
        QCOMPARE(c.session->state(), SessionManager::State::SignedIn);
        QCOMPARE(c.session->user().id, userId);
        QCOMPARE(c.api->baseUrl(), m_server.url());
        QVERIFY(call(*c.api, get(QStringLiteral("/v1/me"))).ok());
        QCOMPARE(states.count(), 2); // Restoring, SignedIn

        Waiter out;
        c.session->signOut(nullptr, out.done());
        QVERIFY(out.wait());

        // Nothing left to restore: a clear error, and signed out.
        Client after;
        after.session = std::make_unique<SessionManager>(after.api.get(), m_secrets.get(), m_configDir.path());
        Waiter again;
        after.session->restore(*profile, nullptr, again.done());
        QVERIFY(again.wait());
        QCOMPARE(again.error.code(), QStringLiteral("no_saved_session"));
        QCOMPARE(after.session->state(), SessionManager::State::SignedOut);
    }

    void signOutRevokesOnTheServer()
    {
        Client c = makeClient(m_server.url());
        Waiter w;
        c.session->signUp(form(uniqueEmail("signout")), nullptr, w.done());
        QVERIFY(w.wait());
        QVERIFY(!w.error.isError());
        const QString key = c.session->profile().refreshTokenKey();
        const QByteArray refresh = readSecret(*m_secrets, key).value_or(QByteArray());
        const QString access = c.api->accessToken();
        QVERIFY(!refresh.isEmpty());

        QSignalSpy expired(c.session.get(), &SessionManager::sessionExpired);
        Waiter out;
        c.session->signOut(nullptr, out.done());
        QVERIFY(out.wait());
        QVERIFY(!out.error.isError());
        QCOMPARE(c.session->state(), SessionManager::State::SignedOut);
        QCOMPARE(expired.count(), 0); // the user asked for it
        QVERIFY(!c.api->hasAccessToken());
        QVERIFY(c.session->user().id.isEmpty());
        QVERIFY(!readSecret(*m_secrets, key).has_value());
        // The profile stays so the welcome window can offer the same server.
        QVERIFY(ServerProfile::load(m_configDir.path()).has_value());
        QCOMPARE(c.session->profile().url, m_server.url());

        ApiClient raw;
        raw.setBaseUrl(m_server.url());
        const ApiResponse r = call(raw, post(QStringLiteral("/v1/auth/refresh"),
                                             { { QStringLiteral("refresh_token"), QString::fromLatin1(refresh) } }));
        QCOMPARE(r.httpStatus, 401);
        raw.setAccessToken(access);
        QCOMPARE(call(raw, get(QStringLiteral("/v1/me"))).httpStatus, 401);
    }

    void signOutAfterTheAccessTokenExpiredStillRevokes()
    {
        Client c = makeClient(m_server.url());
        Waiter w;
        c.session->signUp(form(uniqueEmail("lateout")), nullptr, w.done());
        QVERIFY(w.wait());
        const QByteArray refresh
            = readSecret(*m_secrets, c.session->profile().refreshTokenKey()).value_or(QByteArray());
        advanceServerClock(60);
        Waiter out;
        c.session->signOut(nullptr, out.done());
        QVERIFY(out.wait());
        QCOMPARE(c.session->state(), SessionManager::State::SignedOut);
        // The refresh-and-retry inside sign-out got the logout through: the newest token is
        // revoked too, so the old one is either "used" or "invalid" — never accepted.
        ApiClient raw;
        raw.setBaseUrl(m_server.url());
        const ApiResponse r = call(raw, post(QStringLiteral("/v1/auth/refresh"),
                                             { { QStringLiteral("refresh_token"), QString::fromLatin1(refresh) } }));
        QCOMPARE(r.httpStatus, 401);
    }

    void localProfile()
    {
        TestServer local;
        QVERIFY2(local.start({ QStringLiteral("--local") }), qPrintable(local.errorString()));
        QTemporaryDir configDir;
        ApiClient api;
        api.setBaseUrl(local.url());
        SessionManager session(&api, m_secrets.get(), configDir.path());

        // Password accounts do not exist on a local server.
        Waiter signUp;
        session.signUp(form(uniqueEmail("local")), nullptr, signUp.done());
        QVERIFY(signUp.wait());
        QCOMPARE(signUp.error.code(), QStringLiteral("not_available"));

        // The secret is per install; start from none (the keychain may hold one from a previous run).
        bool removed = false;
        m_secrets->remove(ServerProfile::installSecretKey(), nullptr, [&](bool) { removed = true; });
        QTRY_VERIFY(removed);

        Waiter setup;
        session.setUpLocal(QStringLiteral("Me"), QDate(1990, 4, 1), m_noticeVersion, nullptr, setup.done());
        QVERIFY(setup.wait());
        QVERIFY2(!setup.error.isError(), qPrintable(setup.error.code() + u' ' + setup.error.serverMessage()));
        QCOMPARE(session.state(), SessionManager::State::SignedIn);
        QCOMPARE(session.user().kind, QStringLiteral("local"));
        QVERIFY(session.profile().isLocal());
        const QString userId = session.user().id;
        const auto secret = readSecret(*m_secrets, ServerProfile::installSecretKey());
        QVERIFY(secret.has_value());
        QCOMPARE(secret->size(), 43); // base64url of 32 bytes, unpadded
        QCOMPARE(QByteArray::fromBase64(*secret, QByteArray::Base64UrlEncoding).size(), 32);
        QVERIFY(call(api, get(QStringLiteral("/v1/me"))).ok());

        // Sign-out forgets tokens but keeps the install secret: it is the key to the local data.
        Waiter out;
        session.signOut(nullptr, out.done());
        QVERIFY(out.wait());
        QCOMPARE(readSecret(*m_secrets, ServerProfile::installSecretKey()), secret);

        Waiter in;
        session.signInLocal(nullptr, in.done());
        QVERIFY(in.wait());
        QVERIFY2(!in.error.isError(), qPrintable(in.error.code()));
        QCOMPARE(session.user().id, userId);

        // Set-up again with the same secret (e.g. a crash after the server answered) just signs in.
        Waiter setupAgain;
        session.setUpLocal(QStringLiteral("Me"), QDate(1990, 4, 1), m_noticeVersion, nullptr, setupAgain.done());
        QVERIFY(setupAgain.wait());
        QVERIFY2(!setupAgain.error.isError(), qPrintable(setupAgain.error.code()));
        QCOMPARE(session.user().id, userId);

        // Restart: restore the local profile with the install secret.
        const auto profile = ServerProfile::load(configDir.path());
        QVERIFY(profile.has_value());
        QVERIFY(profile->isLocal());
        ApiClient api2;
        api2.setBaseUrl(local.url());
        SessionManager restored(&api2, m_secrets.get(), configDir.path());
        Waiter r;
        restored.restore(*profile, nullptr, r.done());
        QVERIFY(r.wait());
        QVERIFY2(!r.error.isError(), qPrintable(r.error.code()));
        QCOMPARE(restored.user().id, userId);

        bool cleaned = false;
        m_secrets->remove(ServerProfile::installSecretKey(), nullptr, [&](bool) { cleaned = true; });
        QTRY_VERIFY(cleaned);
    }
};

QTEST_GUILESS_MAIN(TestSessionManager)
#include "tst_SessionManager.moc"
