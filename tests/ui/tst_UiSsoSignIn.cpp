// Single sign-on in the app: the welcome window's provider buttons, the waiting state with the
// copy-link fallback and Cancel, the first sign-in's age and notice page, sign-out and sign-in
// again, refusals, and Settings → Connected sign-ins. A real pygmi-server, a real OpenID
// Provider (oidc-provider), a fake provider for bad tokens; the browser is scripted over HTTP.
#include "BrowserScript.h"
#include "NodePeer.h"
#include "ServerApi.h"
#include "StudioApp.h"
#include "TestServer.h"
#include "UiTestSupport.h"
#include "common/MessageBox.h"
#include "main/MainWindow.h"
#include "session/SessionManager.h"
#include "sso/SsoService.h"
#include "welcome/WelcomeWindow.h"

#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTreeWidget>
#include <memory>

using namespace pygmi;
using test::child;
using test::labelText;

class TestUiSsoSignIn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void linkIsOfferedWhenNoBrowserOpens();
    void firstSignInAsksAgeAndNotice();
    void connectedSignInsInSettings();
    void signOutAndSignInAgain();
    void refusalsAreExplained();
    void sameVerifiedEmailLinksAfterPasswordSignIn();
    void sameVerifiedEmailLinksThroughTheFirstProvider();
    void cleanupTestCase();

private:
    void startApp();
    ui::WelcomeWindow *openSignInPage();
    void grab(QWidget *widget, const QString &name);

    test::NodePeer m_realOp;
    test::NodePeer m_fakeOp;
    QTemporaryDir m_configDir;
    test::TestServer m_server;
    std::unique_ptr<app::StudioApp> m_app;
    test::BrowserScript m_browser;
    bool m_browserOpens = true;
    test::BrowserScript::Choice m_choice = test::BrowserScript::Choice::Consent;
    QUrl m_opened;
    QString m_userId;
};

void TestUiSsoSignIn::initTestCase()
{
    test::NodePeer::skipUnlessAvailable();
    QVERIFY2(m_realOp.start(QStringLiteral("real-op.mjs")), qPrintable(m_realOp.errorString()));
    QVERIFY2(m_fakeOp.start(QStringLiteral("fake-op.mjs")), qPrintable(m_fakeOp.errorString()));
    const QJsonArray providers {
        QJsonObject { { QStringLiteral("id"), QStringLiteral("real") },
                      { QStringLiteral("display_name"), QStringLiteral("Example ID") },
                      { QStringLiteral("issuer"), m_realOp.url().toString() },
                      { QStringLiteral("client_id"), QStringLiteral("pygmi-test") } },
        QJsonObject { { QStringLiteral("id"), QStringLiteral("fake") },
                      { QStringLiteral("display_name"), QStringLiteral("Company Login") },
                      { QStringLiteral("issuer"), m_fakeOp.url().toString() },
                      { QStringLiteral("client_id"), QStringLiteral("pygmi-fake") } },
    };
    QFile config(m_configDir.filePath(QStringLiteral("oidc.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QJsonDocument(providers).toJson());
    config.close();
    QVERIFY2(m_server.start({ QStringLiteral("--oidc-config"), config.fileName() }),
             qPrintable(m_server.errorString()));
    test::ServerApi fake(m_fakeOp.url());
    QCOMPARE(fake.post(QStringLiteral("/control"),
                       { { QStringLiteral("sub"), QStringLiteral("ui-work") },
                         { QStringLiteral("email"), QStringLiteral("work@example.test") } })
                 .status,
             200);
    startApp();
}

void TestUiSsoSignIn::cleanupTestCase()
{
    m_app.reset();
}

void TestUiSsoSignIn::startApp()
{
    m_app.reset();
    app::StudioOptions options;
    options.keychainService = test::UiSandbox::keychainService();
    m_app = std::make_unique<app::StudioApp>(options);
    // The system browser, played by a script: it returns at once, like QDesktopServices.
    m_app->sso()->setBrowserOpener([this](const QUrl &url) {
        m_opened = url;
        if (!m_browserOpens)
            return false;
        QTimer::singleShot(0, this, [this, url] {
            const test::BrowserScript::Result result = m_browser.run(url, QStringLiteral("grace"), m_choice);
            if (result.loopbackUrl.isValid())
                m_browser.fetch(result.loopbackUrl);
            else
                qWarning() << "browser:" << result.error;
        });
        return true;
    });
    m_app->start();
}

ui::WelcomeWindow *TestUiSsoSignIn::openSignInPage()
{
    auto *welcome = m_app->welcomeWindow();
    if (!welcome)
        return nullptr;
    if (welcome->currentPage() == ui::WelcomeWindow::Page::Choice)
        QTest::mouseClick(child<QAbstractButton>(welcome, "serverChoiceButton"), Qt::LeftButton);
    if (welcome->currentPage() == ui::WelcomeWindow::Page::ServerAddress) {
        auto *url = child<QLineEdit>(welcome, "serverUrlEdit");
        url->clear();
        QTest::keyClicks(url, m_server.url().toString());
        QTest::mouseClick(child<QAbstractButton>(welcome, "serverContinueButton"), Qt::LeftButton);
    }
    if (!QTest::qWaitFor([&] { return welcome->currentPage() == ui::WelcomeWindow::Page::SignIn; }, 15000))
        return nullptr;
    if (!QTest::qWaitFor([&] { return test::isUsable(child<QWidget>(welcome, "ssoProviderButton_real")); }, 10000))
        return nullptr;
    return welcome;
}

void TestUiSsoSignIn::grab(QWidget *widget, const QString &name)
{
    QTest::qWait(50); // let pending layout requests settle
    widget->grab().save(QStringLiteral("/tmp/pygmi-sso-%1.png").arg(name));
}

void TestUiSsoSignIn::linkIsOfferedWhenNoBrowserOpens()
{
    auto *welcome = openSignInPage();
    QVERIFY(welcome);
    QCOMPARE(child<QAbstractButton>(welcome, "ssoProviderButton_real")->text(),
             QStringLiteral("Continue with Example ID"));
    QVERIFY(test::isUsable(child<QWidget>(welcome, "ssoProviderButton_fake")));
    grab(welcome, QStringLiteral("welcome"));

    m_browserOpens = false;
    UI_CLICK(welcome, "ssoProviderButton_real");
    QTRY_VERIFY(test::isUsable(child<QWidget>(welcome, "ssoWait")));
    auto *link = child<QLineEdit>(welcome, "ssoLinkEdit");
    QTRY_VERIFY(test::isUsable(link));
    QCOMPARE(link->text(), m_opened.toString(QUrl::FullyEncoded));
    QVERIFY(link->text().contains(QStringLiteral("code_challenge_method=S256")));
    QVERIFY(labelText(welcome, "ssoWaitCountdown").contains(QStringLiteral("left")));
    QVERIFY(!child<QWidget>(welcome, "signInButton")->isEnabled());
    UI_CLICK(welcome, "ssoCopyLinkButton");
    QCOMPARE(QGuiApplication::clipboard()->text(), link->text());
    grab(welcome, QStringLiteral("waiting"));
    UI_CLICK(welcome, "ssoCancelButton");
    QTRY_VERIFY(!child<QWidget>(welcome, "ssoWait")->isVisible());
    QVERIFY(test::isUsable(child<QWidget>(welcome, "ssoProviderButton_real")));
    QVERIFY(labelText(welcome, "ssoErrorLabel").isEmpty());
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedOut);
    QVERIFY2(test::unnamedControls(welcome).isEmpty(), qPrintable(test::unnamedControls(welcome).join(u", ")));

    // Nobody comes back from the browser: the wait ends by itself and says what to do.
    m_app->sso()->setTimeoutMs(300);
    UI_CLICK(welcome, "ssoProviderButton_real");
    QTRY_VERIFY_WITH_TIMEOUT(labelText(welcome, "ssoErrorLabel").contains(QStringLiteral("in time")), 5000);
    QVERIFY(!child<QWidget>(welcome, "ssoWait")->isVisible());
    QVERIFY(test::isUsable(child<QWidget>(welcome, "signInButton")));
    m_app->sso()->setTimeoutMs(core::SsoSignIn::kDefaultTimeoutMs);
    m_browserOpens = true;
}

void TestUiSsoSignIn::firstSignInAsksAgeAndNotice()
{
    auto *welcome = openSignInPage();
    QVERIFY(welcome);
    UI_CLICK(welcome, "ssoProviderButton_real");
    QTRY_COMPARE_WITH_TIMEOUT(welcome->currentPage(), ui::WelcomeWindow::Page::SsoCreateAccount, 20000);
    QVERIFY(labelText(welcome, "ssoAccountIntro").contains(QStringLiteral("grace@example.test")));
    QCOMPARE(child<QLineEdit>(welcome, "ssoNameEdit")->text(), QStringLiteral("Test grace"));
    grab(welcome, QStringLiteral("create-account"));

    // Under 13: refused by the server's rule, and nothing is created.
    UI_BIRTH_DATE(welcome, "ssoBirthDate", QDate::currentDate().addYears(-11));
    UI_CLICK(welcome, "ssoNoticeCheck");
    UI_CLICK(welcome, "ssoCreateAccountButton");
    QTRY_VERIFY_WITH_TIMEOUT(!labelText(welcome, "ssoBirthDateError").isEmpty(), 15000);
    QVERIFY(!m_app->mainWindow());
    // The notice must be accepted.
    UI_BIRTH_DATE(welcome, "ssoBirthDate", QDate(1992, 7, 14));
    UI_CLICK(welcome, "ssoNoticeCheck");
    QVERIFY(!child<QCheckBox>(welcome, "ssoNoticeCheck")->isChecked());
    UI_CLICK(welcome, "ssoCreateAccountButton");
    QTRY_VERIFY(!labelText(welcome, "ssoNoticeCheckError").isEmpty());
    QVERIFY(!m_app->mainWindow());

    UI_TYPE(welcome, "ssoNameEdit", QStringLiteral("Grace Hopper"));
    UI_CLICK(welcome, "ssoNoticeCheck");
    UI_CLICK(welcome, "ssoCreateAccountButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 15000);
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedIn);
    QCOMPARE(m_app->session()->user().email, QStringLiteral("grace@example.test"));
    QVERIFY(m_app->session()->user().emailVerified);
    QTRY_VERIFY(labelText(m_app->mainWindow(), "signedInLabel").contains(QStringLiteral("Grace Hopper")));
    m_userId = m_app->session()->user().id;
}

void TestUiSsoSignIn::connectedSignInsInSettings()
{
    auto *main = m_app->mainWindow();
    QVERIFY(main);
    main->showSection(ui::MainWindow::Section::Settings);
    QTRY_VERIFY(test::isUsable(child<QWidget>(main, "connectedSignInsGroup")));
    auto *list = child<QTreeWidget>(main, "connectedSignInsList");
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("Example ID"));
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("grace@example.test"));
    QVERIFY(!list->topLevelItem(0)->text(2).isEmpty());
    // The only way in cannot be disconnected.
    list->setCurrentItem(list->topLevelItem(0));
    QVERIFY(!child<QWidget>(main, "disconnectSignInButton")->isEnabled());
    QVERIFY(!child<QWidget>(main, "disconnectSignInButton")->toolTip().isEmpty());

    auto *combo = child<QComboBox>(main, "connectProviderCombo");
    combo->setCurrentIndex(combo->findText(QStringLiteral("Company Login")));
    UI_CLICK(main, "connectSignInButton");
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 2, 20000);
    QTRY_VERIFY(labelText(main, "connectedSignInsMessage").contains(QStringLiteral("now connected")));
    main->resize(900, 720);
    grab(main, QStringLiteral("settings"));
    QVERIFY2(test::unnamedControls(main).isEmpty(), qPrintable(test::unnamedControls(main).join(u", ")));

    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (list->topLevelItem(i)->text(0) == QLatin1String("Company Login"))
            list->setCurrentItem(list->topLevelItem(i));
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    UI_CLICK(main, "disconnectSignInButton");
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 1, 10000);
    QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("Example ID"));
}

void TestUiSsoSignIn::signOutAndSignInAgain()
{
    auto *main = m_app->mainWindow();
    QVERIFY(main);
    main->showSection(ui::MainWindow::Section::Settings);
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    UI_CLICK(main, "signOutButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->welcomeWindow(), 10000);
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedOut);

    auto *welcome = openSignInPage();
    QVERIFY(welcome);
    UI_CLICK(welcome, "ssoProviderButton_real");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 20000);
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedIn);
    QCOMPARE(m_app->session()->user().id, m_userId);

    // Restarting the app keeps the session (refresh token in the keychain).
    startApp();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->session()->state(), core::SessionManager::State::SignedIn, 15000);
    QCOMPARE(m_app->session()->user().id, m_userId);
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    m_app->mainWindow()->showSection(ui::MainWindow::Section::Settings);
    UI_CLICK(m_app->mainWindow(), "signOutButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->welcomeWindow(), 10000);
}

void TestUiSsoSignIn::refusalsAreExplained()
{
    auto *welcome = openSignInPage();
    QVERIFY(welcome);
    // A provider that signs a token that has expired.
    test::ServerApi fake(m_fakeOp.url());
    QCOMPARE(fake.post(QStringLiteral("/control"), { { QStringLiteral("mode"), QStringLiteral("expired") } }).status,
             200);
    UI_CLICK(welcome, "ssoProviderButton_fake");
    QTRY_VERIFY_WITH_TIMEOUT(labelText(welcome, "ssoErrorLabel").contains(QStringLiteral("could not be verified")),
                             20000);
    QVERIFY(!m_app->mainWindow());
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedOut);
    grab(welcome, QStringLiteral("refused"));

    // The person says no at the provider.
    m_choice = test::BrowserScript::Choice::Abort;
    m_browser.forgetCookies();
    UI_CLICK(welcome, "ssoProviderButton_real");
    QTRY_VERIFY_WITH_TIMEOUT(labelText(welcome, "ssoErrorLabel").contains(QStringLiteral("cancelled or refused")),
                             20000);
    QVERIFY(!m_app->mainWindow());
    m_choice = test::BrowserScript::Choice::Consent;
}

void TestUiSsoSignIn::sameVerifiedEmailLinksAfterPasswordSignIn()
{
    // An email account exists; the company provider vouches for the same address.
    test::ServerApi api(m_server.url());
    QCOMPARE(api.signup(QStringLiteral("henry@example.test"), QStringLiteral("violet-harbor-42")).status, 201);
    test::ServerApi fake(m_fakeOp.url());
    QCOMPARE(fake.post(QStringLiteral("/control"),
                       { { QStringLiteral("mode"), QStringLiteral("good") },
                         { QStringLiteral("sub"), QStringLiteral("henry-corp") },
                         { QStringLiteral("email"), QStringLiteral("henry@example.test") },
                         { QStringLiteral("email_verified"), true } })
                 .status,
             200);
    auto *welcome = openSignInPage();
    QVERIFY(welcome);
    UI_CLICK(welcome, "ssoProviderButton_fake");
    // Not signed in yet: first prove the account is yours.
    QTRY_VERIFY_WITH_TIMEOUT(labelText(welcome, "signInInfoLabel").contains(QStringLiteral("henry@example.test")),
                             20000);
    QVERIFY(!m_app->mainWindow());
    QCOMPARE(child<QLineEdit>(welcome, "signInEmailEdit")->text(), QStringLiteral("henry@example.test"));
    grab(welcome, QStringLiteral("link"));
    UI_TYPE(welcome, "signInPasswordEdit", QStringLiteral("violet-harbor-42"));
    UI_CLICK(welcome, "signInButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 15000);
    const QString access = api.login(QStringLiteral("henry@example.test"), QStringLiteral("violet-harbor-42"))
                               .json.value(QStringLiteral("access_token"))
                               .toString();
    const QJsonArray identities
        = api.get(QStringLiteral("/v1/me/identities"), access).json.value(QStringLiteral("identities")).toArray();
    QCOMPARE(identities.size(), 1);
    QCOMPARE(identities[0][QStringLiteral("provider_name")].toString(), QStringLiteral("Company Login"));
}

void TestUiSsoSignIn::sameVerifiedEmailLinksThroughTheFirstProvider()
{
    // Grace has no password: she proves the account is hers with the provider she used first.
    if (m_app->mainWindow()) {
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        m_app->mainWindow()->showSection(ui::MainWindow::Section::Settings);
        UI_CLICK(m_app->mainWindow(), "signOutButton");
        QTRY_VERIFY_WITH_TIMEOUT(m_app->welcomeWindow(), 10000);
    }
    test::ServerApi fake(m_fakeOp.url());
    QCOMPARE(fake.post(QStringLiteral("/control"),
                       { { QStringLiteral("sub"), QStringLiteral("grace-corp") },
                         { QStringLiteral("email"), QStringLiteral("grace@example.test") } })
                 .status,
             200);
    auto *welcome = openSignInPage();
    QVERIFY(welcome);
    UI_CLICK(welcome, "ssoProviderButton_fake");
    QTRY_VERIFY_WITH_TIMEOUT(labelText(welcome, "signInInfoLabel").contains(QStringLiteral("grace@example.test")),
                             20000);
    QVERIFY(!m_app->mainWindow());
    UI_CLICK(welcome, "ssoProviderButton_real");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 20000);
    QCOMPARE(m_app->session()->user().id, m_userId);
    auto *main = m_app->mainWindow();
    main->showSection(ui::MainWindow::Section::Settings);
    auto *list = child<QTreeWidget>(main, "connectedSignInsList");
    QTRY_VERIFY(list);
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 2, 10000);
}

PYGMI_UI_TEST_MAIN(TestUiSsoSignIn)
#include "tst_UiSsoSignIn.moc"
