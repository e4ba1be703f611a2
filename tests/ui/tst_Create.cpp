// Create, driven like a person would: the app starts its own local server, the user types a
// prompt and presses Ctrl+Enter, watches the job, zooms and saves the image, plays a video,
// cancels, meets the content policy, and restarts the app in the middle of a job.
#include "StudioApp.h"
#include "UiTestSupport.h"
#include "common/FileDialog.h"
#include "create/Composer.h"
#include "create/CreatePage.h"
#include "create/HistoryDialog.h"
#include "create/ImageViewer.h"
#include "create/JobsPanel.h"
#include "create/ResultView.h"
#include "create/VideoPlayer.h"
#include "generation/EventStream.h"
#include "generation/JobListModel.h"
#include "generation/PromptHistory.h"
#include "main/MainWindow.h"
#include "session/SessionManager.h"
#include "theme/Theme.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QImageReader>
#include <QListView>
#include <QMediaPlayer>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <memory>

using namespace pygmi;
using test::child;
using test::labelText;
using State = core::Generation::State;

class TestCreate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badInputIsShownNextToTheField();
    void promptToImageZoomedAndSaved();
    void historyRestoresEveryParameter();
    void videoPlaysToTheEnd();
    void cancelARunningJob();
    void blockedPromptSaysWhy();
    void restartMidJobShowsTheRealState();
    void cleanupTestCase();

private:
    void startApp();
    // With PYGMI_SCREENSHOT_DIR set, the window is saved there in the light and dark themes.
    void shoot(const QString &name, QWidget *window = nullptr);
    ui::CreatePage *page() const;
    ui::Composer *composer() const { return page()->composer(); }
    void typePrompt(const QString &text);
    void pressCtrlEnter();
    QString newestJobId() const;
    std::optional<core::Generation> job(const QString &id) const { return m_app->jobs()->job(id); }

    std::unique_ptr<app::StudioApp> m_app;
    QTemporaryDir m_out;
};

void TestCreate::startApp()
{
    app::StudioOptions options;
    options.keychainService = test::UiSandbox::keychainService();
    m_app = std::make_unique<app::StudioApp>(options);
    m_app->start();
}

void TestCreate::shoot(const QString &name, QWidget *window)
{
    test::saveThemedScreenshots(*m_app->theme(), window ? window : m_app->mainWindow(), name);
}

ui::CreatePage *TestCreate::page() const
{
    auto *main = m_app ? m_app->mainWindow() : nullptr;
    return main ? qobject_cast<ui::CreatePage *>(main->page(ui::MainWindow::Section::Create)) : nullptr;
}

void TestCreate::typePrompt(const QString &text)
{
    auto *edit = child<QPlainTextEdit>(page(), "promptEdit");
    QVERIFY(edit);
    edit->clear();
    edit->setFocus();
    QTest::keyClicks(edit, text);
}

void TestCreate::pressCtrlEnter()
{
    auto *edit = child<QPlainTextEdit>(page(), "promptEdit");
    // As after closing a dialog: the shortcut works in the active window.
    QWidget *window = page()->window();
    window->activateWindow();
    QTRY_VERIFY(QApplication::activeWindow() == window);
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
}

QString TestCreate::newestJobId() const
{
    auto *jobs = m_app->jobs();
    return jobs->rowCount() > 0 ? jobs->index(0).data(core::JobListModel::IdRole).toString() : QString();
}

void TestCreate::initTestCase()
{
    startApp();
    auto *welcome = m_app->welcomeWindow();
    QVERIFY(welcome);
    UI_CLICK(welcome, "localChoiceButton");
    QTRY_VERIFY_WITH_TIMEOUT(test::isUsable(child<QWidget>(welcome, "localForm")), 30000);
    UI_TYPE(welcome, "localNameEdit", QStringLiteral("Cleo Create"));
    UI_BIRTH_DATE(welcome, "localBirthDate", QDate(1991, 3, 9));
    UI_CLICK(welcome, "localNoticeCheck");
    UI_CLICK(welcome, "localStartButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->session()->state(), core::SessionManager::State::SignedIn, 15000);
    m_app->mainWindow()->resize(1280, 800);
    QVERIFY(page());
    QVERIFY(page()->isVisible());
    // The generators come from the server.
    QTRY_VERIFY_WITH_TIMEOUT(child<QComboBox>(page(), "providerCombo")->count() > 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->events()->state(), core::EventStream::State::Connected, 10000);
    // Where the generator runs, before anything is sent.
    QVERIFY(labelText(page(), "providerInfoLabel").contains(QStringLiteral("Where it runs")));
    const QStringList unnamed = test::unnamedControls(m_app->mainWindow());
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
}

void TestCreate::badInputIsShownNextToTheField()
{
    const int jobsBefore = m_app->jobs()->rowCount();
    typePrompt(QString());
    child<QSpinBox>(page(), "countSpin")->setValue(100);
    child<QSpinBox>(page(), "widthSpin")->setValue(5);
    pressCtrlEnter();
    QTRY_VERIFY(!labelText(page(), "promptEditError").isEmpty());
    shoot(QStringLiteral("create-errors"));
    QVERIFY(labelText(page(), "countSpinError").contains(QStringLiteral("1 to 4")));
    QVERIFY(!labelText(page(), "sizeRowError").isEmpty());

    UI_CLICK(page(), "mediaVideoButton");
    child<QDoubleSpinBox>(page(), "durationSpin")->setValue(-1);
    pressCtrlEnter();
    QTRY_VERIFY(!labelText(page(), "durationSpinError").isEmpty());

    // Over the server's limit: the counter shows it, the field says so.
    typePrompt(QString(2001, u'a'));
    pressCtrlEnter();
    QTRY_VERIFY(labelText(page(), "promptEditError").contains(QStringLiteral("2000")));
    QVERIFY(labelText(page(), "promptCounter").startsWith(QStringLiteral("2001")));

    // Corrections clear the messages as they are made.
    UI_CLICK(page(), "mediaImageButton");
    child<QComboBox>(page(), "aspectCombo")->setCurrentIndex(0);
    child<QSpinBox>(page(), "countSpin")->setValue(1);
    typePrompt(QStringLiteral("fine"));
    QTRY_VERIFY(labelText(page(), "countSpinError").isEmpty());
    QVERIFY(labelText(page(), "promptEditError").isEmpty());
    QVERIFY(labelText(page(), "sizeRowError").isEmpty());
    // Nothing was sent.
    QCOMPARE(m_app->jobs()->rowCount(), jobsBefore);
}

void TestCreate::promptToImageZoomedAndSaved()
{
    child<QComboBox>(page(), "aspectCombo")->setCurrentIndex(0); // 1:1
    child<QSpinBox>(page(), "widthSpin")->setValue(512);
    child<QSpinBox>(page(), "heightSpin")->setValue(512);
    typePrompt(QStringLiteral("a lighthouse on a cliff at sunset, seagulls"));
    QVERIFY(labelText(page(), "promptCounter").startsWith(QStringLiteral("43 / ")));
    const int before = m_app->jobs()->rowCount();
    pressCtrlEnter();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->jobs()->rowCount(), before + 1, 10000);
    const QString id = newestJobId();
    QCOMPARE(page()->jobsPanel()->selectedJobId(), id);

    // Progress is visible while it runs.
    QTRY_VERIFY_WITH_TIMEOUT(job(id)->step > 0 || job(id)->state == State::Succeeded, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(job(id)->state, State::Succeeded, 30000);

    auto *viewer = page()->resultView()->imageViewer();
    QTRY_VERIFY_WITH_TIMEOUT(viewer->isVisible() && viewer->hasImage() && !viewer->isPreview(), 15000);
    QCOMPARE(viewer->imageSize(), QSize(512, 512));
    QVERIFY(viewer->isFitted());
    // Who made it and where.
    QVERIFY(labelText(page(), "resultInfoLabel").contains(QStringLiteral("Sketch")));
    shoot(QStringLiteral("create-image"));

    UI_CLICK(page(), "zoomActualButton");
    QVERIFY(!viewer->isFitted());
    QCOMPARE(viewer->zoom() * viewer->devicePixelRatioF(), 1.0);
    QTRY_VERIFY(labelText(page(), "zoomLabel") == QStringLiteral("100%"));
    // Wheel and keyboard zoom too.
    viewer->setFocus();
    QTest::keyClick(viewer, Qt::Key_Plus);
    QVERIFY(viewer->zoom() > 1.0);
    QTest::keyClick(viewer, Qt::Key_0);
    QVERIFY(viewer->isFitted());
    QTest::keyClick(viewer, Qt::Key_1);

    // Save as PNG: the file exists, decodes, and carries no generation details by default.
    QVERIFY(!child<QCheckBox>(page(), "includeMetadataCheck")->isChecked());
    const QString plain = m_out.filePath(QStringLiteral("lighthouse.png"));
    QSignalSpy saved(page()->resultView(), &ui::ResultView::saved);
    ui::FileDialog::setNextSaveFileName(plain);
    UI_CLICK(page(), "saveButton");
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 10000);
    QImageReader reader(plain);
    QCOMPARE(reader.format(), QByteArray("png"));
    QCOMPARE(reader.size(), QSize(512, 512));
    QVERIFY(!reader.textKeys().contains(QStringLiteral("PygmiGeneration")));
    QVERIFY(!QImage(plain).isNull());
    QVERIFY(!test::filesContaining(m_out.path(), "lighthouse on a cliff").contains(plain));

    // Ticked: the details go into the file.
    UI_CLICK(page(), "includeMetadataCheck");
    const QString withDetails = m_out.filePath(QStringLiteral("lighthouse-details.png"));
    ui::FileDialog::setNextSaveFileName(withDetails);
    UI_CLICK(page(), "saveButton");
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2, 10000);
    QVERIFY(QImageReader(withDetails).text(QStringLiteral("PygmiGeneration")).contains(QStringLiteral("lighthouse")));
    UI_CLICK(page(), "includeMetadataCheck");

    // WebP and JPEG as well.
    for (const char *name : { "lighthouse.webp", "lighthouse.jpg" }) {
        const QString path = m_out.filePath(QLatin1String(name));
        ui::FileDialog::setNextSaveFileName(path);
        UI_CLICK(page(), "saveButton");
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path) && !QImage(path).isNull(), 10000);
    }

    // Remix loads the parameters back, with the seed locked; Vary makes a new job.
    typePrompt(QStringLiteral("something else"));
    UI_CLICK(page(), "remixButton");
    QCOMPARE(child<QPlainTextEdit>(page(), "promptEdit")->toPlainText(),
             QStringLiteral("a lighthouse on a cliff at sunset, seagulls"));
    QCOMPARE(child<QLineEdit>(page(), "seedEdit")->text(), QString::number(job(id)->seed));
    const int beforeVary = m_app->jobs()->rowCount();
    UI_CLICK(page(), "varyButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_app->jobs()->rowCount(), beforeVary + 1, 10000);
    const QString varied = newestJobId();
    QTRY_VERIFY_WITH_TIMEOUT(job(varied)->isFinal(), 30000);
    QVERIFY(job(varied)->seed != job(id)->seed);
    QCOMPARE(job(varied)->request.prompt, job(id)->request.prompt);
}

void TestCreate::historyRestoresEveryParameter()
{
    QVERIFY(m_app->promptHistory()->count() >= 1);
    typePrompt(QStringLiteral("scratch"));
    UI_CLICK(page(), "historyButton");
    QTRY_VERIFY(page()->historyDialog() && page()->historyDialog()->isVisible());
    auto *dialog = page()->historyDialog();
    UI_TYPE(dialog, "historySearchEdit", QStringLiteral("LIGHTHOUSE"));
    QTRY_VERIFY(dialog->resultCount() >= 1);
    UI_TYPE(dialog, "historySearchEdit", QStringLiteral("no such prompt"));
    QCOMPARE(dialog->resultCount(), 0);
    UI_TYPE(dialog, "historySearchEdit", QStringLiteral("lighthouse"));
    shoot(QStringLiteral("create-history"), dialog);
    dialog->restoreRow(0);
    QCOMPARE(child<QPlainTextEdit>(page(), "promptEdit")->toPlainText(),
             QStringLiteral("a lighthouse on a cliff at sunset, seagulls"));
    QCOMPARE(child<QSpinBox>(page(), "widthSpin")->value(), 512);
    QVERIFY(child<QRadioButton>(page(), "mediaImageButton")->isChecked());
}

void TestCreate::videoPlaysToTheEnd()
{
    UI_CLICK(page(), "mediaVideoButton");
    child<QComboBox>(page(), "aspectCombo")->setCurrentIndex(0);
    child<QSpinBox>(page(), "widthSpin")->setValue(256);
    child<QSpinBox>(page(), "heightSpin")->setValue(256);
    child<QDoubleSpinBox>(page(), "durationSpin")->setValue(1);
    child<QSpinBox>(page(), "fpsSpin")->setValue(12);
    typePrompt(QStringLiteral("a paper boat drifting on a pond"));
    const int before = m_app->jobs()->rowCount();
    pressCtrlEnter();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->jobs()->rowCount(), before + 1, 10000);
    const QString id = newestJobId();
    QTRY_COMPARE_WITH_TIMEOUT(job(id)->state, State::Succeeded, 30000);
    auto *player = page()->resultView()->videoPlayer();
    QTRY_VERIFY_WITH_TIMEOUT(player->isVisible() && !player->filePath().isEmpty(), 15000);
    QSignalSpy ended(player, &ui::VideoPlayer::playedToEnd);
    if (player->player()->mediaStatus() != QMediaPlayer::EndOfMedia)
        QTRY_VERIFY_WITH_TIMEOUT(ended.count() >= 1, 20000);
    QVERIFY(player->player()->duration() > 500);
    shoot(QStringLiteral("create-video"));
    // Seek back and step one frame.
    UI_CLICK(page(), "frameForwardButton");
    QTRY_VERIFY(player->player()->playbackState() != QMediaPlayer::PlayingState);
    UI_CLICK(page(), "loopCheck");
    QVERIFY(player->isLooping());
    UI_CLICK(page(), "loopCheck");
    const QString saved = m_out.filePath(QStringLiteral("boat.webm"));
    ui::FileDialog::setNextSaveFileName(saved);
    UI_CLICK(page(), "saveButton");
    QTRY_VERIFY(QFileInfo(saved).size() > 0);
    UI_CLICK(page(), "mediaImageButton");
}

void TestCreate::cancelARunningJob()
{
    UI_CLICK(page(), "mediaVideoButton");
    child<QDoubleSpinBox>(page(), "durationSpin")->setValue(10);
    child<QSpinBox>(page(), "fpsSpin")->setValue(30);
    typePrompt(QStringLiteral("a very long video of falling snow"));
    const int before = m_app->jobs()->rowCount();
    pressCtrlEnter();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->jobs()->rowCount(), before + 1, 10000);
    const QString id = newestJobId();
    QTRY_VERIFY_WITH_TIMEOUT(job(id)->state == State::Running && job(id)->step > 0, 15000);
    QTRY_VERIFY(labelText(page(), "jobDetailsLabel").contains(QStringLiteral("step")));
    QTRY_VERIFY_WITH_TIMEOUT(!m_app->jobs()->preview(id).isEmpty(), 5000);
    shoot(QStringLiteral("create-running"));
    UI_CLICK(page(), "cancelJobButton");
    QTRY_COMPARE_WITH_TIMEOUT(job(id)->state, State::Cancelled, 10000);
    QTRY_COMPARE(labelText(page(), "jobDetailsLabel"), QStringLiteral("Cancelled"));
    QVERIFY(!child<QAbstractButton>(page(), "cancelJobButton")->isEnabled());
    QVERIFY(child<QAbstractButton>(page(), "retryJobButton")->isEnabled());
    UI_CLICK(page(), "mediaImageButton");
}

void TestCreate::blockedPromptSaysWhy()
{
    // "gore" is a term of the server's built-in sample policy (category violence).
    typePrompt(QStringLiteral("a gore scene in a castle"));
    const int before = m_app->jobs()->rowCount();
    pressCtrlEnter();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->jobs()->rowCount(), before + 1, 10000);
    const QString id = newestJobId();
    QTRY_COMPARE_WITH_TIMEOUT(job(id)->state, State::Blocked, 10000);
    QVERIFY(job(id)->moderation);
    const QString details = labelText(page(), "jobDetailsLabel");
    QVERIFY2(details.contains(QStringLiteral("violence")), qPrintable(details));
    QVERIFY(details.contains(QStringLiteral("automatically")));
    QVERIFY(details.contains(job(id)->moderation->decisionId));
    QVERIFY(details.contains(job(id)->moderation->reason));
    QVERIFY(labelText(page(), "composerMessage").contains(QStringLiteral("Not generated")));
    QVERIFY(job(id)->assets.isEmpty());
    shoot(QStringLiteral("create-blocked"));
}

void TestCreate::restartMidJobShowsTheRealState()
{
    UI_CLICK(page(), "mediaVideoButton");
    child<QSpinBox>(page(), "widthSpin")->setValue(128);
    child<QSpinBox>(page(), "heightSpin")->setValue(128);
    child<QDoubleSpinBox>(page(), "durationSpin")->setValue(4);
    child<QSpinBox>(page(), "fpsSpin")->setValue(24);
    typePrompt(QStringLiteral("waves rolling onto a beach"));
    const int before = m_app->jobs()->rowCount();
    pressCtrlEnter();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->jobs()->rowCount(), before + 1, 10000);
    const QString id = newestJobId();
    QTRY_VERIFY_WITH_TIMEOUT(job(id)->state == State::Running && job(id)->step > 0, 15000);

    // Quit in the middle of the job and start again.
    m_app.reset();
    startApp();
    QVERIFY(m_app->mainWindow());
    QTRY_COMPARE_WITH_TIMEOUT(m_app->session()->state(), core::SessionManager::State::SignedIn, 30000);
    // The list comes from the server: the job is there, with what really happened to it. On
    // this computer an unfinished job is resumed, so it ends with its result.
    QTRY_VERIFY_WITH_TIMEOUT(job(id).has_value(), 15000);
    QVERIFY(job(id)->state != State::Failed);
    QTRY_COMPARE_WITH_TIMEOUT(job(id)->state, State::Succeeded, 30000);
    QCOMPARE(job(id)->assets.size(), 1);
    // Earlier jobs are back too, in their real states.
    QVERIFY(m_app->jobs()->rowCount() >= before + 1);
}

void TestCreate::cleanupTestCase()
{
    m_app.reset();
}

PYGMI_UI_TEST_MAIN(TestCreate)
#include "tst_Create.moc"
