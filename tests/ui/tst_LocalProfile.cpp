// "On this computer": the app runs the real pygmi-server itself (LocalServerSupervisor), the
// per-install secret lives in the real keychain of the test session.
#include "UiTestSupport.h"

#include "StudioApp.h"
#include "api/ApiClient.h"
#include "localserver/LocalServerSupervisor.h"
#include "common/MessageBox.h"
#include "main/MainWindow.h"
#include "privacy/ConsentDialog.h"
#include "session/SecretStore.h"
#include "session/SessionManager.h"
#include "welcome/WelcomeWindow.h"

#include <QCheckBox>

#include <csignal>
#include <memory>

using namespace pygmi;
using test::child;
using test::labelText;

class TestLocalProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstWindowIsTheWelcomeWindow();
    void underThirteenIsRefusedOnThisComputer();
    void setUpOnThisComputerThenRestart();
    void killedLocalServerIsRestartedAndTheUserIsTold();
    void signOutAndBackInWithoutQuestions();
    void cleanupTestCase();

private:
    void startApp();
    std::unique_ptr<app::StudioApp> m_app;
};

void TestLocalProfile::startApp()
{
    app::StudioOptions options;
    options.keychainService = test::UiSandbox::keychainService();
    m_app = std::make_unique<app::StudioApp>(options);
    m_app->start();
}

void TestLocalProfile::firstWindowIsTheWelcomeWindow()
{
    startApp();
    // Shown at once, before the server or the keychain have answered.
    QVERIFY(m_app->welcomeWindow());
    QVERIFY(m_app->welcomeWindow()->isVisible());
    QCOMPARE(m_app->welcomeWindow()->currentPage(), ui::WelcomeWindow::Page::Choice);
    auto *local = child<QAbstractButton>(m_app->welcomeWindow(), "localChoiceButton");
    QVERIFY(local);
    QVERIFY(!local->accessibleName().isEmpty());
    const QStringList unnamed = test::unnamedControls(m_app->welcomeWindow());
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
}

void TestLocalProfile::underThirteenIsRefusedOnThisComputer()
{
    QVERIFY(m_app && m_app->welcomeWindow());
    auto *welcome = m_app->welcomeWindow();
    UI_CLICK(welcome, "localChoiceButton");
    QCOMPARE(welcome->currentPage(), ui::WelcomeWindow::Page::LocalSetUp);
    // The form appears once the local server answered that nothing is set up yet.
    QTRY_VERIFY_WITH_TIMEOUT(test::isUsable(child<QWidget>(welcome, "localForm")), 30000);

    // Neutral date entry: nothing pre-filled.
    QCOMPARE(child<QComboBox>(welcome, "localBirthDateDay")->currentIndex(), 0);
    QCOMPARE(child<QComboBox>(welcome, "localBirthDateMonth")->currentIndex(), 0);
    QVERIFY(child<QLineEdit>(welcome, "localBirthDateYear")->text().isEmpty());

    UI_TYPE(welcome, "localNameEdit", QStringLiteral("Young Tester"));
    UI_BIRTH_DATE(welcome, "localBirthDate", QDate::currentDate().addYears(-12));
    UI_CLICK(welcome, "localNoticeCheck");
    QVERIFY(child<QCheckBox>(welcome, "localNoticeCheck")->isChecked());
    UI_CLICK(welcome, "localStartButton");

    QTRY_VERIFY_WITH_TIMEOUT(!labelText(welcome, "localBirthDateError").isEmpty(), 15000);
    QVERIFY(m_app->welcomeWindow() == welcome);
    QVERIFY(!m_app->mainWindow());
    QVERIFY(m_app->session()->state() != core::SessionManager::State::SignedIn);
    // The date is not kept by the app, not even in the form.
    QVERIFY(child<QLineEdit>(welcome, "localBirthDateYear")->text().isEmpty());

    // No account was made: the server still has no local profile for our install secret.
    QString code;
    bool answered = false;
    m_app->session()->signInLocal(this, [&](const core::ApiError &error) {
        answered = true;
        code = error.code();
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
    QCOMPARE(code, QStringLiteral("not_set_up"));
}

void TestLocalProfile::setUpOnThisComputerThenRestart()
{
    auto *welcome = m_app->welcomeWindow();
    QVERIFY(welcome);
    QTRY_VERIFY_WITH_TIMEOUT(test::isUsable(child<QWidget>(welcome, "localForm")), 30000);
    UI_TYPE(welcome, "localNameEdit", QStringLiteral("Ada Local"));
    UI_BIRTH_DATE(welcome, "localBirthDate", QDate(1990, 5, 17));
    if (!child<QCheckBox>(welcome, "localNoticeCheck")->isChecked())
        UI_CLICK(welcome, "localNoticeCheck");
    UI_CLICK(welcome, "localStartButton");

    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->session()->state(), core::SessionManager::State::SignedIn, 10000);
    QVERIFY(m_app->mainWindow()->isVisible());
    QTRY_VERIFY(labelText(m_app->mainWindow(), "signedInLabel").contains(QStringLiteral("Ada Local")));
    QCOMPARE(m_app->session()->profile().kind, core::ServerProfile::Kind::Local);
    // The consent question comes with the first main window, for the local profile too.
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow()->consentDialog(), 15000);
    UI_CLICK(m_app->mainWindow()->consentDialog(), "rejectAllButton");
    QTRY_VERIFY(!m_app->mainWindow()->consentDialog());
    for (auto section : { ui::MainWindow::Section::Gallery, ui::MainWindow::Section::Privacy,
                          ui::MainWindow::Section::Settings, ui::MainWindow::Section::Create })
        m_app->mainWindow()->showSection(section);
    const QStringList unnamed = test::unnamedControls(m_app->mainWindow());
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));

    // Restart the app object: straight to the main window, signed in, nothing asked, and
    // where the user left it.
    m_app->mainWindow()->resize(931, 611);
    QTRY_COMPARE(m_app->mainWindow()->size(), QSize(931, 611));
    m_app.reset();
    startApp();
    QVERIFY2(m_app->mainWindow(), "a saved local profile must open the main window first");
    QVERIFY(!m_app->welcomeWindow());
    QCOMPARE(m_app->mainWindow()->size(), QSize(931, 611));
    QTRY_COMPARE_WITH_TIMEOUT(m_app->session()->state(), core::SessionManager::State::SignedIn, 30000);
    QVERIFY(!m_app->welcomeWindow());
    QTRY_VERIFY(labelText(m_app->mainWindow(), "signedInLabel").contains(QStringLiteral("Ada Local")));
    QCOMPARE(m_app->session()->user().kind, QStringLiteral("local"));
    QVERIFY(m_app->localServer());
    QTRY_COMPARE(m_app->localServer()->state(), core::LocalServerSupervisor::State::Running);
}

void TestLocalProfile::killedLocalServerIsRestartedAndTheUserIsTold()
{
    QVERIFY(m_app && m_app->mainWindow() && m_app->localServer());
    auto *supervisor = m_app->localServer();
    const qint64 pid = supervisor->processId();
    QVERIFY(pid > 0);
    QVERIFY(::kill(pid_t(pid), SIGKILL) == 0);

    QTRY_VERIFY_WITH_TIMEOUT(supervisor->restartCount() == 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor->state(), core::LocalServerSupervisor::State::Running, 30000);
    QTRY_VERIFY(supervisor->processId() != pid);
    QTRY_VERIFY_WITH_TIMEOUT(labelText(m_app->mainWindow(), "localServerBannerText").contains(
                                 QStringLiteral("was restarted")),
                             10000);
    QVERIFY(m_app->mainWindow()->isVisible());

    // The app talks to the new server (new port) with the same session.
    QCOMPARE(m_app->api()->baseUrl(), supervisor->url());
    bool answered = false;
    core::ApiResponse response;
    m_app->api()->get(QStringLiteral("/v1/me"), this, [&](const core::ApiResponse &r) {
        response = r;
        answered = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
    QVERIFY2(response.ok(), qPrintable(response.error.code()));
    QCOMPARE(response.json.value(QLatin1String("display_name")).toString(), QStringLiteral("Ada Local"));
}

void TestLocalProfile::signOutAndBackInWithoutQuestions()
{
    auto *main = m_app->mainWindow();
    QVERIFY(main);
    main->showSection(ui::MainWindow::Section::Settings);
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    UI_CLICK(main, "signOutButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->welcomeWindow(), 10000);
    QCOMPARE(m_app->session()->state(), core::SessionManager::State::SignedOut);

    // The choice is remembered and the install secret signs in again with no form.
    auto *welcome = m_app->welcomeWindow();
    UI_CLICK(welcome, "localChoiceButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 20000);
    QTRY_COMPARE(m_app->session()->state(), core::SessionManager::State::SignedIn);
    QCOMPARE(m_app->session()->user().displayName, QStringLiteral("Ada Local"));
}

void TestLocalProfile::cleanupTestCase()
{
    const qint64 pid = m_app && m_app->localServer() ? m_app->localServer()->processId() : 0;
    m_app.reset();
    // Stopped cleanly with the app.
    if (pid > 0)
        QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(pid), 0) != 0, 5000);
}

PYGMI_UI_TEST_MAIN(TestLocalProfile)
#include "tst_LocalProfile.moc"
