// "Sign in to a server": a real pygmi-server started by the test (TestServer), the real keychain.
#include "UiTestSupport.h"

#include "StudioApp.h"
#include "TestServer.h"
#include "api/ApiClient.h"
#include "common/MessageBox.h"
#include "main/MainWindow.h"
#include "session/SecretStore.h"
#include "session/SessionManager.h"
#include "welcome/WelcomeWindow.h"

#include <QCheckBox>
#include <QStandardPaths>

#include <memory>

using namespace pygmi;
using test::child;
using test::labelText;

namespace {
const auto kEmail = QStringLiteral("ada@example.com");
const auto kPassword = QStringLiteral("Correct-Horse-7-Battery");
const auto kNewPassword = QStringLiteral("Another-Long-Phrase-42");
} // namespace

class TestServerAccount : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void underThirteenIsRefusedOnAServer();
    void createAccountVerifyRestartSignOut();
    void forgotPasswordSetsANewOne();
    void wrongPasswordAndUnknownEmailGetTheSameMessage();
    void insecureAndUnreachableServersAreExplained();
    void noSecretOnDisk();
    void cleanupTestCase();

private:
    void startApp();
    ui::WelcomeWindow *openSignInPage();
    void rememberSecrets();
    bool refreshTokenStillWorks(const QByteArray &refreshToken);

    test::TestServer m_server;
    std::unique_ptr<app::StudioApp> m_app;
    QList<QByteArray> m_secrets; // every password and token seen, for the disk scan
    QByteArray m_lastRefreshToken;
};

void TestServerAccount::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_secrets << kPassword.toUtf8() << kNewPassword.toUtf8();
}

void TestServerAccount::cleanupTestCase()
{
    m_app.reset();
}

void TestServerAccount::startApp()
{
    m_app.reset();
    app::StudioOptions options;
    options.keychainService = test::UiSandbox::keychainService();
    m_app = std::make_unique<app::StudioApp>(options);
    m_app->start();
}

ui::WelcomeWindow *TestServerAccount::openSignInPage()
{
    auto *welcome = m_app->welcomeWindow();
    if (!welcome)
        return nullptr;
    if (welcome->currentPage() == ui::WelcomeWindow::Page::Choice)
        QTest::mouseClick(child<QAbstractButton>(welcome, "serverChoiceButton"), Qt::LeftButton);
    if (welcome->currentPage() != ui::WelcomeWindow::Page::ServerAddress)
        return nullptr;
    auto *url = child<QLineEdit>(welcome, "serverUrlEdit");
    url->clear();
    QTest::keyClicks(url, m_server.url().toString());
    QTest::mouseClick(child<QAbstractButton>(welcome, "serverContinueButton"), Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return welcome->currentPage() == ui::WelcomeWindow::Page::SignIn; }, 15000))
        return nullptr;
    return welcome;
}

void TestServerAccount::rememberSecrets()
{
    const QString access = m_app->api()->accessToken();
    QVERIFY(!access.isEmpty());
    m_secrets << access.toUtf8();
    bool answered = false;
    m_app->secrets()->read(m_app->session()->profile().refreshTokenKey(), this,
                           [&](std::optional<QByteArray> secret, const QString &) {
                               if (secret && !secret->isEmpty()) {
                                   m_secrets << *secret;
                                   m_lastRefreshToken = *secret;
                               }
                               answered = true;
                           });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
    QVERIFY2(!m_lastRefreshToken.isEmpty(), "the refresh token must be in the keychain");
}

bool TestServerAccount::refreshTokenStillWorks(const QByteArray &refreshToken)
{
    core::ApiClient api;
    api.setBaseUrl(m_server.url());
    bool answered = false;
    bool ok = false;
    api.post(QStringLiteral("/v1/auth/refresh"),
             QJsonObject { { QStringLiteral("refresh_token"), QString::fromLatin1(refreshToken) } }, this,
             [&](const core::ApiResponse &r) {
                 ok = r.ok();
                 answered = true;
             },
             false);
    if (!QTest::qWaitFor([&] { return answered; }, 10000))
        return true; // no answer proves nothing: count it against the test
    return ok;
}

void TestServerAccount::underThirteenIsRefusedOnAServer()
{
    startApp();
    auto *welcome = openSignInPage();
    QVERIFY(welcome);
    QVERIFY(labelText(welcome, "signInPageTitle").contains(m_server.url().host()));
    UI_CLICK(welcome, "createAccountButton");
    QCOMPARE(welcome->currentPage(), ui::WelcomeWindow::Page::CreateAccount);

    const QString email = QStringLiteral("kid@example.com");
    UI_TYPE(welcome, "signUpEmailEdit", email);
    UI_TYPE(welcome, "signUpPasswordEdit", kPassword);
    UI_TYPE(welcome, "signUpNameEdit", QStringLiteral("Kid"));
    QCOMPARE(child<QComboBox>(welcome, "signUpBirthDateDay")->currentIndex(), 0); // nothing pre-filled
    UI_BIRTH_DATE(welcome, "signUpBirthDate", QDate::currentDate().addYears(-13).addDays(1));
    UI_CLICK(welcome, "signUpNoticeCheck");
    UI_CLICK(welcome, "signUpButton");

    QTRY_VERIFY_WITH_TIMEOUT(!labelText(welcome, "signUpBirthDateError").isEmpty(), 15000);
    QVERIFY(!m_app->mainWindow());
    QVERIFY(child<QLineEdit>(welcome, "signUpBirthDateYear")->text().isEmpty());

    // No account was made: these credentials do not sign in.
    bool answered = false;
    QString code;
    m_app->session()->signIn(email, kPassword, this, [&](const core::ApiError &error) {
        code = error.code();
        answered = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
    QCOMPARE(code, QStringLiteral("invalid_credentials"));
}

void TestServerAccount::createAccountVerifyRestartSignOut()
{
    auto *welcome = m_app->welcomeWindow();
    QVERIFY(welcome);
    QCOMPARE(welcome->currentPage(), ui::WelcomeWindow::Page::CreateAccount);

    // The strength check explains a weak password before anything is sent.
    UI_TYPE(welcome, "signUpPasswordEdit", QStringLiteral("short"));
    QVERIFY(labelText(welcome, "signUpPasswordStrengthText").contains(QStringLiteral("10")));
    UI_TYPE(welcome, "signUpEmailEdit", kEmail);
    UI_TYPE(welcome, "signUpPasswordEdit", kPassword);
    UI_TYPE(welcome, "signUpNameEdit", QStringLiteral("Ada Lovelace"));
    UI_BIRTH_DATE(welcome, "signUpBirthDate", QDate(1985, 12, 10));
    if (!child<QCheckBox>(welcome, "signUpNoticeCheck")->isChecked())
        UI_CLICK(welcome, "signUpNoticeCheck");
    UI_CLICK(welcome, "signUpButton");

    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 15000);
    auto *main = m_app->mainWindow();
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedIn);
    QTRY_VERIFY(labelText(main, "signedInLabel").contains(QStringLiteral("Ada Lovelace")));
    QVERIFY(!m_app->session()->user().acceptedNoticeVersion.isEmpty());
    rememberSecrets();

    // Unverified: the banner asks for the mailed code.
    QTRY_VERIFY(labelText(main, "verificationBannerText").contains(kEmail));
    QString code;
    QTRY_VERIFY_WITH_TIMEOUT(!(code = test::latestMailedCode(m_server.dataDir(), kEmail)).isEmpty(), 10000);
    UI_TYPE(main, "verificationCodeEdit", code);
    UI_CLICK(main, "verifyEmailButton");
    QTRY_VERIFY_WITH_TIMEOUT(labelText(main, "verificationBannerText").contains(QStringLiteral("confirmed")), 10000);

    // Restart the app object: still signed in, no question asked.
    m_app.reset();
    startApp();
    QVERIFY(m_app->mainWindow());
    QVERIFY(!m_app->welcomeWindow());
    QTRY_COMPARE_WITH_TIMEOUT(m_app->session()->state(), core::SessionManager::State::SignedIn, 15000);
    main = m_app->mainWindow();
    QTRY_VERIFY(labelText(main, "signedInLabel").contains(QStringLiteral("Ada Lovelace")));
    QVERIFY(m_app->session()->user().emailVerified);
    QVERIFY(!child<QWidget>(main, "verificationBanner")->isVisible());
    rememberSecrets();

    // Settings shows the account; sign out revokes the session on the server.
    main->showSection(ui::MainWindow::Section::Settings);
    QTRY_VERIFY(labelText(main, "accountLabel").contains(kEmail));
    QVERIFY(labelText(main, "serverLabel").contains(m_server.url().host()));
    const QByteArray refreshToken = m_lastRefreshToken;
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    UI_CLICK(main, "signOutButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->welcomeWindow(), 10000);
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedOut);
    QVERIFY2(!refreshTokenStillWorks(refreshToken), "sign-out must revoke the session on the server");
}

void TestServerAccount::forgotPasswordSetsANewOne()
{
    // A new app object remembers the server choice.
    startApp();
    QVERIFY(m_app->welcomeWindow());
    QCOMPARE(m_app->welcomeWindow()->currentPage(), ui::WelcomeWindow::Page::ServerAddress);
    auto *welcome = openSignInPage();
    QVERIFY(welcome);
    QCOMPARE(child<QLineEdit>(welcome, "signInEmailEdit")->text(), kEmail);

    UI_CLICK(welcome, "forgotPasswordButton");
    QCOMPARE(welcome->currentPage(), ui::WelcomeWindow::Page::ForgotPassword);
    const int before = test::mailCount(m_server.dataDir());
    UI_CLICK(welcome, "sendResetCodeButton");
    QTRY_VERIFY_WITH_TIMEOUT(test::isUsable(child<QWidget>(welcome, "resetCodeEdit")), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(test::mailCount(m_server.dataDir()) > before, 10000);
    const QString code = test::latestMailedCode(m_server.dataDir(), kEmail);
    QVERIFY(!code.isEmpty());
    UI_TYPE(welcome, "resetCodeEdit", code);
    UI_TYPE(welcome, "resetPasswordEdit", kNewPassword);
    UI_CLICK(welcome, "setNewPasswordButton");
    QTRY_COMPARE_WITH_TIMEOUT(welcome->currentPage(), ui::WelcomeWindow::Page::SignIn, 10000);
    QVERIFY(!labelText(welcome, "signInInfoLabel").isEmpty());
}

void TestServerAccount::wrongPasswordAndUnknownEmailGetTheSameMessage()
{
    auto *welcome = m_app->welcomeWindow();
    QVERIFY(welcome);
    QCOMPARE(welcome->currentPage(), ui::WelcomeWindow::Page::SignIn);

    UI_TYPE(welcome, "signInEmailEdit", kEmail);
    UI_TYPE(welcome, "signInPasswordEdit", kPassword); // the old one
    UI_CLICK(welcome, "signInButton");
    QTRY_VERIFY_WITH_TIMEOUT(!labelText(welcome, "signInErrorLabel").isEmpty(), 15000);
    const QString wrongPassword = labelText(welcome, "signInErrorLabel");
    QVERIFY(!m_app->mainWindow());

    UI_TYPE(welcome, "signInEmailEdit", QStringLiteral("nobody@example.com"));
    UI_TYPE(welcome, "signInPasswordEdit", kPassword);
    UI_CLICK(welcome, "signInButton");
    QTRY_VERIFY_WITH_TIMEOUT(test::isUsable(child<QWidget>(welcome, "signInButton")), 15000);
    QTRY_VERIFY(!labelText(welcome, "signInErrorLabel").isEmpty());
    // The form never says whether an email exists.
    QCOMPARE(labelText(welcome, "signInErrorLabel"), wrongPassword);

    UI_TYPE(welcome, "signInEmailEdit", kEmail);
    UI_TYPE(welcome, "signInPasswordEdit", kNewPassword);
    UI_CLICK(welcome, "signInButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 15000);
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedIn);
    rememberSecrets();

    // Switch server: signs out here and offers the choice again.
    m_app->mainWindow()->showSection(ui::MainWindow::Section::Settings);
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    UI_CLICK(m_app->mainWindow(), "switchServerButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->welcomeWindow(), 10000);
    QCOMPARE(m_app->welcomeWindow()->currentPage(), ui::WelcomeWindow::Page::Choice);
    QVERIFY(!refreshTokenStillWorks(m_lastRefreshToken));
}

void TestServerAccount::insecureAndUnreachableServersAreExplained()
{
    auto *welcome = m_app->welcomeWindow();
    QVERIFY(welcome);
    UI_CLICK(welcome, "serverChoiceButton");
    UI_TYPE(welcome, "serverUrlEdit", QStringLiteral("http://pygmi.example.com"));
    UI_CLICK(welcome, "serverContinueButton");
    QTRY_VERIFY(!labelText(welcome, "serverUrlEditError").isEmpty());
    QCOMPARE(welcome->currentPage(), ui::WelcomeWindow::Page::ServerAddress);

    UI_TYPE(welcome, "serverUrlEdit", QStringLiteral("http://127.0.0.1:1"));
    UI_CLICK(welcome, "serverContinueButton");
    QTRY_VERIFY_WITH_TIMEOUT(test::isUsable(child<QWidget>(welcome, "serverContinueButton")), 15000);
    QTRY_VERIFY(!labelText(welcome, "serverUrlEditError").isEmpty());
    QCOMPARE(welcome->currentPage(), ui::WelcomeWindow::Page::ServerAddress);
}

void TestServerAccount::noSecretOnDisk()
{
    m_app.reset();
    const QStringList roots {
        test::UiSandbox::root(),
    };
    QVERIFY(QFileInfo::exists(test::UiSandbox::root() + QLatin1String("/config")));
    QVERIFY(m_secrets.size() >= 5);
    for (const QByteArray &secret : std::as_const(m_secrets)) {
        QVERIFY(secret.size() >= 10);
        for (const QString &root : roots) {
            const QStringList hits = test::filesContaining(root, secret);
            QVERIFY2(hits.isEmpty(), qPrintable(QStringLiteral("a secret is on disk in: %1").arg(hits.join(u' '))));
        }
    }
}

PYGMI_UI_TEST_MAIN(TestServerAccount)
#include "tst_ServerAccount.moc"
