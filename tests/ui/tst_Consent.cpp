// Consent end to end: the real app against a real pygmi-server that writes a request log
// (method, path, Sec-GPC of every request) and whose clock the test moves.
#include "StudioApp.h"
#include "TestServer.h"
#include "UiTestSupport.h"
#include "api/ApiClient.h"
#include "main/MainWindow.h"
#include "privacy/ConsentDialog.h"
#include "privacy/ConsentManager.h"
#include "session/SessionManager.h"
#include "telemetry/Telemetry.h"
#include "welcome/WelcomeWindow.h"

#include <QCheckBox>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTreeWidget>
#include <memory>

using namespace pygmi;
using test::child;

namespace {

const auto kEmail = QStringLiteral("consent@example.com");
const auto kPassword = QStringLiteral("Correct-Horse-7-Battery");

// Direct calls to the server for setting up and checking (never through the app's gate).
QJsonObject call(const QUrl &base, const QByteArray &method, const QString &path, const QJsonObject &body = {},
                 const QString &bearer = {}, int *status = nullptr)
{
    QNetworkAccessManager network;
    QUrl url = base;
    const qsizetype question = path.indexOf(u'?');
    url.setPath(question < 0 ? path : path.left(question));
    if (question >= 0)
        url.setQuery(path.mid(question + 1));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer.toUtf8());
    QNetworkReply *reply
        = network.sendCustomRequest(request, method, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return json;
}

QJsonObject noticeFile(const QString &version, const QDate &effective, const QStringList &material,
                       const QString &summary)
{
    QJsonArray changes;
    if (!summary.isEmpty())
        changes.append(
            QJsonObject { { QStringLiteral("purpose"), material.value(0) }, { QStringLiteral("change"), summary } });
    return { { QStringLiteral("version"), version },
             { QStringLiteral("title"), QStringLiteral("Sample notice %1").arg(version) },
             { QStringLiteral("effective_date"), effective.toString(Qt::ISODate) },
             { QStringLiteral("text"), QStringLiteral("What this server does with your information.") },
             { QStringLiteral("material_changes"), QJsonArray::fromStringList(material) },
             { QStringLiteral("summary_of_changes"), changes } };
}

} // namespace

class TestConsent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void nothingIsSentBeforeTheFirstChoice();
    void theDialogIsFairAndClosingRejects();
    void acceptUseThenWithdraw();
    void globalPrivacyControlOnEveryRequest();
    void materialChangeAsksOnlyWhatChanged();
    void askedAgainAfterTheInterval();
    void cleanupTestCase();

private:
    void startAndSignIn();
    QStringList logLines() const;
    int countLines(const QStringList &lines, const QString &needle) const;
    QString apiToken();
    int storedEvents(const QString &install);
    QList<QJsonObject> history();
    void advanceDays(int days);
    void grab(QWidget *widget, const QString &name);
    void clickBox(QCheckBox *box);

    test::TestServer m_server;
    std::unique_ptr<app::StudioApp> m_app;
    QTemporaryDir m_files;
    QString m_log;
};

void TestConsent::initTestCase()
{
    m_log = m_files.filePath(QStringLiteral("requests.log"));
    const QDate today = QDate::currentDate();
    const QList<QJsonObject> notices {
        noticeFile(QStringLiteral("2026-a"), today.addDays(-20), {}, {}),
        noticeFile(QStringLiteral("2026-b"), today.addDays(5), {}, {}),
        noticeFile(QStringLiteral("2026-c"), today.addDays(10), { QStringLiteral("analytics") },
                   QStringLiteral("start-up times are now kept for 180 days instead of 90")),
    };
    // Long-lived tokens: the test moves the server clock by months.
    QStringList args { QStringLiteral("--request-log"), m_log, QStringLiteral("--test-clock"),
                       QStringLiteral("--access-ttl"), QStringLiteral("100000000") };
    for (const QJsonObject &notice : notices) {
        const QString path = m_files.filePath(notice.value(QStringLiteral("version")).toString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(notice).toJson());
        args << QStringLiteral("--notice") << path;
    }
    QVERIFY2(m_server.start(args), qPrintable(m_server.errorString()));
    int status = 0;
    QJsonObject signup { { QStringLiteral("email"), kEmail },
                         { QStringLiteral("password"), kPassword },
                         { QStringLiteral("display_name"), QStringLiteral("Grace") },
                         { QStringLiteral("birth_date"), QStringLiteral("1980-03-02") },
                         { QStringLiteral("accepted_notice_version"), QStringLiteral("2026-a") } };
    call(m_server.url(), "POST", QStringLiteral("/v1/auth/signup"), signup, {}, &status);
    QCOMPARE(status, 201);
}

void TestConsent::cleanupTestCase()
{
    m_app.reset();
}

void TestConsent::startAndSignIn()
{
    m_app.reset();
    app::StudioOptions options;
    options.keychainService = test::UiSandbox::keychainService();
    m_app = std::make_unique<app::StudioApp>(options);
    m_app->start();
    if (m_app->mainWindow())
        return; // signed in already: the session resumes
    auto *welcome = m_app->welcomeWindow();
    QVERIFY(welcome);
    if (welcome->currentPage() == ui::WelcomeWindow::Page::Choice)
        UI_CLICK(welcome, "serverChoiceButton");
    QCOMPARE(welcome->currentPage(), ui::WelcomeWindow::Page::ServerAddress);
    UI_TYPE(welcome, "serverUrlEdit", m_server.url().toString());
    UI_CLICK(welcome, "serverContinueButton");
    QTRY_COMPARE_WITH_TIMEOUT(welcome->currentPage(), ui::WelcomeWindow::Page::SignIn, 15000);
    UI_TYPE(welcome, "signInEmailEdit", kEmail);
    UI_TYPE(welcome, "signInPasswordEdit", kPassword);
    UI_CLICK(welcome, "signInButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 15000);
}

QStringList TestConsent::logLines() const
{
    QFile file(m_log);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

int TestConsent::countLines(const QStringList &lines, const QString &needle) const
{
    int count = 0;
    for (const QString &line : lines)
        count += line.contains(needle) ? 1 : 0;
    return count;
}

QString TestConsent::apiToken()
{
    return call(m_server.url(), "POST", QStringLiteral("/v1/auth/login"),
                { { QStringLiteral("email"), kEmail }, { QStringLiteral("password"), kPassword } })
        .value(QStringLiteral("access_token"))
        .toString();
}

int TestConsent::storedEvents(const QString &install)
{
    return call(m_server.url(), "GET", QStringLiteral("/v1/telemetry/stored?install_id=") + install, {}, apiToken())
        .value(QStringLiteral("events"))
        .toInt(-1);
}

QList<QJsonObject> TestConsent::history()
{
    QList<QJsonObject> events;
    for (const QJsonValue &value : call(m_server.url(), "GET", QStringLiteral("/v1/consent/history"), {}, apiToken())
                                       .value(QStringLiteral("events"))
                                       .toArray())
        events.append(value.toObject().value(QStringLiteral("event")).toObject());
    return events;
}

void TestConsent::advanceDays(int days)
{
    int status = 0;
    call(m_server.url(), "POST", QStringLiteral("/v1/test/clock"),
         { { QStringLiteral("advance_seconds"), days * 86400 } }, {}, &status);
    QCOMPARE(status, 200);
}

// Clicks a check box on its label (the middle of a wide box is not part of it), after scrolling
// it into view like a person would.
void TestConsent::clickBox(QCheckBox *box)
{
    QVERIFY(box && box->isEnabled());
    if (auto *scroll = child<QScrollArea>(m_app->mainWindow(), "settingsScroll"))
        scroll->ensureWidgetVisible(box);
    QVERIFY(box->visibleRegion().boundingRect().height() > 0);
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2));
}

void TestConsent::grab(QWidget *widget, const QString &name)
{
    widget->grab().save(QDir::tempPath() + QStringLiteral("/pygmi-consent-") + name + QStringLiteral(".png"));
}

void TestConsent::nothingIsSentBeforeTheFirstChoice()
{
    startAndSignIn();
    auto *main = m_app->mainWindow();
    QTRY_VERIFY_WITH_TIMEOUT(main->consentDialog(), 15000);
    QVERIFY(main->consentDialog()->isVisible());
    // Use the app a little while the question is open: nothing is queued, nothing goes out.
    main->showSection(ui::MainWindow::Section::Gallery);
    main->showSection(ui::MainWindow::Section::Settings);
    main->showSection(ui::MainWindow::Section::Create);
    m_app->telemetry()->flush();
    QTest::qWait(300);
    QCOMPARE(m_app->telemetry()->queuedCount(), 0);
    QVERIFY(!QFile::exists(m_app->telemetry()->queueFilePath()));
    QCOMPARE(countLines(logLines(), QStringLiteral("/v1/telemetry")), 0);
}

void TestConsent::theDialogIsFairAndClosingRejects()
{
    ui::ConsentDialog *dialog = m_app->mainWindow()->consentDialog();
    QVERIFY(dialog);
    grab(dialog, QStringLiteral("first-run"));
    const QStringList unnamed = test::unnamedControls(dialog);
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(u',')));

    auto *accept = child<QPushButton>(dialog, "acceptAllButton");
    auto *reject = child<QPushButton>(dialog, "rejectAllButton");
    auto *save = child<QPushButton>(dialog, "saveChoicesButton");
    QVERIFY(accept && reject && save);
    for (QPushButton *button : { accept, reject, save }) {
        QVERIFY(test::isUsable(button));
        QCOMPARE(button->size(), accept->size());
        QCOMPARE(button->font(), accept->font());
        QCOMPARE(button->styleSheet(), accept->styleSheet());
        QCOMPARE(button->palette(), accept->palette());
        QVERIFY(!button->isDefault());
        QVERIFY(!button->isFlat());
        QCOMPARE(button->parentWidget(), accept->parentWidget()); // on the first screen, side by side
        QCOMPARE(button->y(), accept->y());
    }
    // Nothing optional pre-selected, training and email included; necessary on and locked.
    for (const char *name :
         { "purpose_analytics", "purpose_advertising", "purpose_model_training", "purpose_marketing_email" }) {
        auto *box = child<QCheckBox>(dialog, name);
        QVERIFY2(box, name);
        QVERIFY2(!box->isChecked(), name);
        QVERIFY2(box->isEnabled(), name);
        const QByteArray description = QByteArray("purposeDescription_") + QByteArray(name + 8);
        QVERIFY(!child<QLabel>(dialog, description.constData())->text().isEmpty());
    }
    auto *necessary = child<QCheckBox>(dialog, "purpose_necessary");
    QVERIFY(necessary && necessary->isChecked() && !necessary->isEnabled());

    // Closing the window is a refusal, recorded as such.
    dialog->close();
    QTRY_VERIFY(!m_app->mainWindow()->consentDialog());
    QTRY_COMPARE_WITH_TIMEOUT(m_app->consent()->pendingSyncCount(), 0, 10000);
    for (const QString &purpose : core::consentPurposeIds())
        QCOMPARE(m_app->consent()->purposeState(purpose).state, QStringLiteral("denied"));
    const auto events = history();
    QCOMPARE(events.size(), 4);
    for (const QJsonObject &event : events) {
        QCOMPARE(event.value(QStringLiteral("method")).toString(), QStringLiteral("dismiss"));
        QCOMPARE(event.value(QStringLiteral("state")).toString(), QStringLiteral("denied"));
        QCOMPARE(event.value(QStringLiteral("notice_version")).toString(), QStringLiteral("2026-a"));
        QCOMPARE(event.value(QStringLiteral("surface")).toString(), QStringLiteral("first_run"));
    }
    m_app->mainWindow()->showSection(ui::MainWindow::Section::Gallery);
    m_app->telemetry()->flush();
    QTest::qWait(200);
    QCOMPARE(countLines(logLines(), QStringLiteral("/v1/telemetry")), 0);
    QVERIFY(!QFile::exists(m_app->telemetry()->queueFilePath()));
}

void TestConsent::acceptUseThenWithdraw()
{
    auto *main = m_app->mainWindow();
    // Two clicks from the main window: Settings in the sidebar, then the switch.
    main->showSection(ui::MainWindow::Section::Settings);
    auto *analytics = child<QCheckBox>(main, "settingsPurpose_analytics");
    QVERIFY(analytics);
    QVERIFY(!analytics->isChecked());
    QVERIFY(analytics->visibleRegion().boundingRect().height() > 0); // visible without scrolling
    QTest::mouseClick(analytics, Qt::LeftButton, {}, QPoint(8, analytics->height() / 2));
    QVERIFY(analytics->isChecked());
    QVERIFY(m_app->consent()->isGranted(QStringLiteral("analytics")));
    const QString install = m_app->consent()->installId();

    // Use the app: page views are recorded and sent.
    main->showSection(ui::MainWindow::Section::Gallery);
    main->showSection(ui::MainWindow::Section::Create);
    main->showSection(ui::MainWindow::Section::Settings);
    QVERIFY(m_app->telemetry()->queuedCount() >= 3);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->consent()->pendingSyncCount(), 0, 10000);
    m_app->telemetry()->flush();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->telemetry()->queuedCount(), 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(storedEvents(install) >= 3, 10000);
    // The inspector shows the batch exactly as it was sent.
    const auto log = m_app->telemetry()->log();
    QVERIFY(!log.isEmpty());
    QCOMPARE(log.last().state, QStringLiteral("sent"));
    QVERIFY(log.last().bytes.contains("\"page_viewed\""));
    auto *batches = child<QListWidget>(main, "telemetryBatchList");
    QVERIFY(batches && batches->count() >= 1);
    QVERIFY(child<QPlainTextEdit>(main, "telemetryBytesView")->toPlainText().toUtf8() == log.last().bytes);
    grab(main, QStringLiteral("settings-privacy"));

    // More use, then withdraw while events wait in the queue.
    main->showSection(ui::MainWindow::Section::Gallery);
    main->showSection(ui::MainWindow::Section::Settings);
    QVERIFY(QFile::exists(m_app->telemetry()->queueFilePath()));
    const int linesBefore = int(logLines().size());
    QTest::mouseClick(analytics, Qt::LeftButton, {}, QPoint(8, analytics->height() / 2));
    QVERIFY(!analytics->isChecked());
    // Stops at once: the queue file is gone and nothing more is recorded.
    QVERIFY(!QFile::exists(m_app->telemetry()->queueFilePath()));
    QCOMPARE(m_app->telemetry()->queuedCount(), 0);
    main->showSection(ui::MainWindow::Section::Gallery);
    QCOMPARE(m_app->telemetry()->queuedCount(), 0);
    m_app->telemetry()->flush();
    QTRY_COMPARE_WITH_TIMEOUT(storedEvents(install), 0, 10000);
    QTest::qWait(1200);
    const QStringList after = logLines().mid(linesBefore);
    QCOMPARE(countLines(after, QStringLiteral("POST /v1/telemetry ")), 0);
    QCOMPARE(countLines(after, QStringLiteral("POST /v1/telemetry/deletion-request")), 1);
    QVERIFY(!m_app->telemetry()->deletionPending());
    QCOMPARE(history().last().value(QStringLiteral("method")).toString(), QStringLiteral("withdraw"));

    // Switching it on again starts a new install id, unlinked from the old one.
    QTest::mouseClick(analytics, Qt::LeftButton, {}, QPoint(8, analytics->height() / 2));
    QVERIFY(m_app->consent()->installId() != install);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->consent()->pendingSyncCount(), 0, 10000);
}

void TestConsent::globalPrivacyControlOnEveryRequest()
{
    auto *main = m_app->mainWindow();
    main->showSection(ui::MainWindow::Section::Settings);
    const int linesBefore = int(logLines().size());
    clickBox(child<QCheckBox>(main, "gpcCheck"));
    QVERIFY(m_app->consent()->gpcEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(m_app->consent()->optOutHonoured(), 10000);
    QTRY_VERIFY(test::labelText(main, "optOutLabel").contains(QStringLiteral("Opt-out honoured")));
    // Use the app: telemetry goes out too, all with the signal.
    main->showSection(ui::MainWindow::Section::Create);
    main->showSection(ui::MainWindow::Section::Settings);
    m_app->telemetry()->flush();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->telemetry()->queuedCount(), 0, 10000);
    const QStringList after = logLines().mid(linesBefore);
    QVERIFY(after.size() >= 2);
    for (const QString &line : after)
        QVERIFY2(line.endsWith(QStringLiteral("sec-gpc=1")), qPrintable(line));
    auto *advertising = child<QCheckBox>(main, "settingsPurpose_advertising");
    QVERIFY(!advertising->isChecked() && !advertising->isEnabled());
    QVERIFY(!m_app->consent()->allows(core::Purpose::Advertising));
    bool gpcEvent = false;
    for (const QJsonObject &event : history())
        gpcEvent = gpcEvent
            || (event.value(QStringLiteral("method")).toString() == u"gpc"
                && event.value(QStringLiteral("purpose")).toString() == u"sale_share");
    QVERIFY(gpcEvent);
    // The network activity list names each destination and purpose.
    auto *activity = child<QTreeWidget>(main, "networkActivityList");
    QVERIFY(activity && activity->topLevelItemCount() > 0);
    clickBox(child<QCheckBox>(main, "gpcCheck"));
    // Stopping the signal is not consent: the opt-out stands until the person lifts it.
    QTest::qWait(200);
    QVERIFY(m_app->consent()->optOutHonoured());
    auto *doNotSell = child<QCheckBox>(main, "doNotSellCheck");
    QVERIFY(doNotSell->isChecked());
    QVERIFY(!advertising->isEnabled());
    clickBox(doNotSell);
    QTRY_VERIFY_WITH_TIMEOUT(!m_app->consent()->optOutHonoured(), 10000);
    QTRY_VERIFY(advertising->isEnabled());
    QVERIFY(!doNotSell->isChecked());
}

void TestConsent::materialChangeAsksOnlyWhatChanged()
{
    auto *main = m_app->mainWindow();
    // Before the change: a banner with the date and what changes.
    auto *banner = child<QWidget>(main, "policyBanner");
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    grab(main, QStringLiteral("policy-banner"));
    UI_CLICK(main, "policyBannerAcknowledgeButton");
    QTRY_VERIFY(test::labelText(main, "policyBannerText").contains(QStringLiteral("start-up times")));

    // A non-material update comes into force: nothing is asked.
    advanceDays(6);
    m_app->consent()->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->consent()->notice().version, QStringLiteral("2026-b"), 10000);
    QTest::qWait(300);
    QVERIFY(!main->consentDialog());

    // The material one: only analytics is asked again, and it counts as refused meanwhile.
    advanceDays(5);
    m_app->consent()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(main->consentDialog(), 10000);
    ui::ConsentDialog *dialog = main->consentDialog();
    QCOMPARE(dialog->purposes(), QStringList { QStringLiteral("analytics") });
    QVERIFY(!child<QCheckBox>(dialog, "purpose_advertising"));
    QVERIFY(!child<QCheckBox>(dialog, "purpose_analytics")->isChecked());
    QVERIFY(!m_app->consent()->isGranted(QStringLiteral("analytics")));
    grab(dialog, QStringLiteral("reconsent"));
    UI_CLICK(dialog, "acceptAllButton");
    QTRY_VERIFY(!main->consentDialog());
    QTRY_COMPARE_WITH_TIMEOUT(m_app->consent()->pendingSyncCount(), 0, 10000);
    const QJsonObject last = history().last();
    QCOMPARE(last.value(QStringLiteral("purpose")).toString(), QStringLiteral("analytics"));
    QCOMPARE(last.value(QStringLiteral("notice_version")).toString(), QStringLiteral("2026-c"));
    QCOMPARE(last.value(QStringLiteral("surface")).toString(), QStringLiteral("reconsent"));
}

void TestConsent::askedAgainAfterTheInterval()
{
    auto *main = m_app->mainWindow();
    advanceDays(183);
    m_app->consent()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(main->consentDialog(), 10000);
    QCOMPARE(main->consentDialog()->purposes().size(), 4);
    QVERIFY(!m_app->consent()->isGranted(QStringLiteral("analytics")));
    UI_CLICK(main->consentDialog(), "rejectAllButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_app->consent()->pendingSyncCount(), 0, 10000);
    // The receipts the app stored verify with the server's key.
    QByteArray key;
    m_app->consent()->fetchReceiptKey(this, [&](const QByteArray &k, const core::ApiError &) { key = k; });
    QTRY_COMPARE_WITH_TIMEOUT(key.size(), 32, 10000);
    const auto receipts = m_app->consent()->receipts();
    QVERIFY(receipts.size() >= 8);
    for (const QJsonObject &receipt : receipts)
        QVERIFY(core::ConsentManager::verifyReceipt(receipt, key));
}

PYGMI_UI_TEST_MAIN(TestConsent)
#include "tst_Consent.moc"
