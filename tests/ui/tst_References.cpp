// Reference uploads in the composer, driven like a person would: drop two photos, watch them upload
// (their hidden metadata removed first), generate with them and see that the result names them;
// pause an upload, quit, start again and resume; the reference library lists and deletes.
#include "MediaSamples.h"
#include "StudioApp.h"
#include "UiTestSupport.h"
#include "common/FileDialog.h"
#include "common/MessageBox.h"
#include "create/Composer.h"
#include "create/CreatePage.h"
#include "create/ReferenceLibraryDialog.h"
#include "create/ReferencePanel.h"
#include "create/ReferenceTile.h"
#include "generation/JobListModel.h"
#include "main/MainWindow.h"
#include "session/SessionManager.h"
#include "theme/Theme.h"
#include "uploads/UploadManager.h"

#include <QBuffer>
#include <QCheckBox>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <memory>

using namespace pygmi;
using test::child;
using test::labelText;
using UploadState = core::UploadItem::State;

class TestReferences : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dropTwoImagesThenGenerateWithThem();
    void pauseQuitRestartResume();
    void libraryListsAndDeletes();
    void cleanupTestCase();

private:
    void startApp();
    void signInLocal(bool firstTime);
    void shoot(const QString &name, QWidget *window = nullptr);
    ui::CreatePage *page() const;
    ui::ReferencePanel *panel() const { return child<ui::ReferencePanel>(page(), "referencePanel"); }
    ui::ReferenceTile *tile(const QString &fileName) const;
    QString writeFile(const QString &name, const QByteArray &bytes) const;
    QString newestJobId() const;

    std::unique_ptr<app::StudioApp> m_app;
    QTemporaryDir m_files;
};

void TestReferences::startApp()
{
    app::StudioOptions options;
    options.keychainService = test::UiSandbox::keychainService();
    m_app = std::make_unique<app::StudioApp>(options);
    m_app->start();
}

void TestReferences::shoot(const QString &name, QWidget *window)
{
    test::saveThemedScreenshots(*m_app->theme(), window ? window : m_app->mainWindow(), name);
}

ui::CreatePage *TestReferences::page() const
{
    auto *main = m_app ? m_app->mainWindow() : nullptr;
    return main ? qobject_cast<ui::CreatePage *>(main->page(ui::MainWindow::Section::Create)) : nullptr;
}

ui::ReferenceTile *TestReferences::tile(const QString &fileName) const
{
    for (ui::ReferenceTile *t : page()->findChildren<ui::ReferenceTile *>()) {
        const auto item = m_app->uploads()->item(t->uploadId());
        if (item && item->fileName == fileName)
            return t;
    }
    return nullptr;
}

QString TestReferences::writeFile(const QString &name, const QByteArray &bytes) const
{
    const QString path = m_files.path() + u'/' + name;
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(bytes);
    return path;
}

QString TestReferences::newestJobId() const
{
    auto *jobs = m_app->jobs();
    return jobs->rowCount() > 0 ? jobs->index(0).data(core::JobListModel::IdRole).toString() : QString();
}

void TestReferences::initTestCase()
{
    startApp();
    auto *welcome = m_app->welcomeWindow();
    QVERIFY(welcome);
    UI_CLICK(welcome, "localChoiceButton");
    QTRY_VERIFY_WITH_TIMEOUT(test::isUsable(child<QWidget>(welcome, "localForm")), 30000);
    UI_TYPE(welcome, "localNameEdit", QStringLiteral("Rhea Reference"));
    UI_BIRTH_DATE(welcome, "localBirthDate", QDate(1990, 6, 2));
    UI_CLICK(welcome, "localNoticeCheck");
    UI_CLICK(welcome, "localStartButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->session()->state(), core::SessionManager::State::SignedIn, 15000);
    m_app->mainWindow()->resize(1280, 900);
    QVERIFY(page());
    QTRY_VERIFY_WITH_TIMEOUT(child<QComboBox>(page(), "providerCombo")->count() > 0, 10000);
    QVERIFY(panel());
    QVERIFY(test::isUsable(child<QWidget>(panel(), "referenceDropZone")));
    QCOMPARE(panel()->maximum(), 4); // the sketch engine's limit, from the server
    QVERIFY(!child<QCheckBox>(panel(), "referenceKeepMetadata")->isChecked()); // private by default
    const QStringList unnamed = test::unnamedControls(m_app->mainWindow());
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
}

void TestReferences::dropTwoImagesThenGenerateWithThem()
{
    const QString photo = writeFile(QStringLiteral("beach.jpg"), test::samples::jpegWithMetadata(640, 480));
    const QString drawing = writeFile(QStringLiteral("sketch.png"), test::samples::pngWithTextChunks(320, 240));

    // Drag and drop, as from a file manager.
    QMimeData data;
    data.setUrls({ QUrl::fromLocalFile(photo), QUrl::fromLocalFile(drawing) });
    QWidget *zone = child<QWidget>(panel(), "referenceDropZone");
    const QPoint at = zone->mapTo(panel(), zone->rect().center());
    QDragEnterEvent enter(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(panel(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(panel(), &drop);
    QTRY_VERIFY(tile(QStringLiteral("beach.jpg")) && tile(QStringLiteral("sketch.png")));

    // Both upload with progress and end as references.
    for (const QString &name : { QStringLiteral("beach.jpg"), QStringLiteral("sketch.png") }) {
        QTRY_VERIFY_WITH_TIMEOUT(m_app->uploads()->item(tile(name)->uploadId())->state == UploadState::Done, 20000);
        QTRY_VERIFY(labelText(tile(name), "referenceStatus").startsWith(QStringLiteral("Uploaded")));
    }
    ui::ReferenceTile *beach = tile(QStringLiteral("beach.jpg"));
    const QString removed = labelText(beach, "referenceMetadata");
    QVERIFY2(removed.startsWith(QStringLiteral("Location removed")), qPrintable(removed));
    QVERIFY(removed.contains(QStringLiteral("camera model removed")));
    QVERIFY(labelText(tile(QStringLiteral("sketch.png")), "referenceMetadata")
                .contains(QStringLiteral("generation parameters removed")));
    QVERIFY(!child<QProgressBar>(beach, "referenceProgress")); // a ring, not a bar
    child<QSlider>(beach, "referenceStrength")->setValue(90);
    shoot(QStringLiteral("references-uploaded"));

    // Generate with them: the request carries both, the result names them.
    auto *prompt = child<QPlainTextEdit>(page(), "promptEdit");
    prompt->clear();
    QTest::keyClicks(prompt, QStringLiteral("a beach at golden hour"));
    child<QSpinBox>(page(), "widthSpin")->setValue(256);
    child<QSpinBox>(page(), "heightSpin")->setValue(256);
    const int before = m_app->jobs()->rowCount();
    UI_CLICK(page(), "generateButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_app->jobs()->rowCount(), before + 1, 10000);
    const QString id = newestJobId();
    QTRY_COMPARE_WITH_TIMEOUT(m_app->jobs()->job(id)->state, core::Generation::State::Succeeded, 30000);
    const auto job = *m_app->jobs()->job(id);
    QCOMPARE(job.request.references.size(), 2);
    QCOMPARE(job.assets.first().referencesUsed.size(), 2);
    QCOMPARE(job.assets.first().referencesUsed.first().id, m_app->uploads()->item(beach->uploadId())->referenceId);
    QCOMPARE(job.assets.first().referencesUsed.first().strength, 0.9);
    QTRY_VERIFY_WITH_TIMEOUT(labelText(page(), "resultInfoLabel").contains(QStringLiteral("guided by 2 reference")),
                             15000);
    shoot(QStringLiteral("references-result"));
}

void TestReferences::pauseQuitRestartResume()
{
    // Small chunks so that the upload takes many requests and can be caught in the middle.
    m_app->uploads()->setChunkSize(16 * 1024);
    QImage noise(700, 700, QImage::Format_RGB32);
    quint32 x = 99;
    for (int y = 0; y < noise.height(); ++y)
        for (int i = 0; i < noise.width(); ++i) {
            x = x * 1664525u + 1013904223u;
            noise.setPixel(i, y, x >> 8);
        }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    noise.save(&buffer, "PNG");
    const QString path = writeFile(QStringLiteral("noise.png"), bytes);
    ui::FileDialog::setNextOpenFileNames({ path });
    UI_CLICK(panel(), "referenceChoose");
    QTRY_VERIFY(tile(QStringLiteral("noise.png")));
    const QString id = tile(QStringLiteral("noise.png"))->uploadId();
    QTRY_VERIFY_WITH_TIMEOUT(m_app->uploads()->item(id)->offset > 0, 20000);
    UI_CLICK(tile(QStringLiteral("noise.png")), "referencePause");
    QCOMPARE(m_app->uploads()->item(id)->state, UploadState::Paused);
    const qint64 offset = m_app->uploads()->item(id)->offset;
    QVERIFY(offset < bytes.size());
    QVERIFY(labelText(tile(QStringLiteral("noise.png")), "referenceStatus").startsWith(QStringLiteral("Paused at")));
    shoot(QStringLiteral("references-paused"));

    // Quit and start again: the paused upload is still there, paused, where it stopped.
    m_app.reset();
    startApp();
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow(), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->session()->state(), core::SessionManager::State::SignedIn, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(tile(QStringLiteral("noise.png")), 10000);
    QCOMPARE(m_app->uploads()->item(id)->state, UploadState::Paused);
    QCOMPARE(m_app->uploads()->item(id)->offset, offset);
    QVERIFY(tile(QStringLiteral("beach.jpg"))); // the finished ones are still in the request
    m_app->uploads()->setChunkSize(16 * 1024);
    UI_CLICK(tile(QStringLiteral("noise.png")), "referencePause"); // now labelled Resume
    QTRY_VERIFY_WITH_TIMEOUT(m_app->uploads()->item(id)->state == UploadState::Done, 30000);
    // It continued: far fewer requests than a fresh upload would need.
    const int chunks = int((bytes.size() - offset + 16 * 1024 - 1) / (16 * 1024));
    QVERIFY(m_app->uploads()->chunkRequests() <= chunks + 1);
}

void TestReferences::libraryListsAndDeletes()
{
    UI_CLICK(panel(), "referenceRemove"); // the first tile: beach.jpg leaves the request, not the library
    QTRY_VERIFY(!tile(QStringLiteral("beach.jpg")));
    UI_CLICK(panel(), "referenceLibrary");
    ui::ReferenceLibraryDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_app->mainWindow()->findChild<ui::ReferenceLibraryDialog *>()));
    auto *list = child<QListWidget>(dialog, "referenceLibraryList");
    QTRY_COMPARE_WITH_TIMEOUT(list->count(), 3, 10000);
    QVERIFY(list->item(0)->text().contains(QStringLiteral("Deleted automatically on")));
    QTRY_VERIFY_WITH_TIMEOUT(!list->item(0)->icon().isNull(), 10000);
    shoot(QStringLiteral("references-library"), dialog);
    // Use the beach photo again.
    for (int row = 0; row < list->count(); ++row) {
        if (list->item(row)->text().startsWith(QStringLiteral("beach.jpg")))
            list->setCurrentRow(row);
    }
    UI_CLICK(dialog, "referenceLibraryUse");
    QTRY_VERIFY(tile(QStringLiteral("beach.jpg")));
    // Delete the newest one from the server.
    list->setCurrentRow(0);
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    UI_CLICK(dialog, "referenceLibraryDelete");
    QTRY_COMPARE_WITH_TIMEOUT(list->count(), 2, 10000);
    dialog->close();
}

void TestReferences::cleanupTestCase()
{
    m_app.reset();
}

PYGMI_UI_TEST_MAIN(TestReferences)
#include "tst_References.moc"
