// The Gallery page with real widgets (offscreen) against a real pygmi-server: paging while
// scrolling, Shift selection, bulk favourite, search as you type, delete (gone from the grid and
// the server), live updates from another device, details, download to a folder, and offline
// mode showing what the local cache kept.
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"
#include "UiTestSupport.h"
#include "api/ApiClient.h"
#include "common/Banner.h"
#include "common/FileDialog.h"
#include "common/MessageBox.h"
#include "gallery/AssetDetailPanel.h"
#include "gallery/AssetListModel.h"
#include "gallery/AssetViewerDialog.h"
#include "gallery/GalleryCache.h"
#include "gallery/GalleryPage.h"
#include "gallery/GalleryService.h"
#include "gallery/GalleryView.h"
#include "gallery/StorageSettingsSection.h"
#include "gallery/ThumbnailLoader.h"
#include "gallery/ThumbnailPipeline.h"
#include "generation/AssetCache.h"
#include "generation/EventStream.h"
#include "theme/Theme.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <memory>

using namespace pygmi;
using test::child;

class TestGallery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scrollingLoadsEveryPageWithThumbnails();
    void shiftSelectsARangeAndBulkFavourite();
    void searchNarrowsAsYouType();
    void detailsShowEverything();
    void downloadToAFolder();
    void deleteIsGoneFromGridAndServer();
    void otherDevicesChangesArriveLive();
    void storageSettingsClearTheCache();
    void offlineShowsCachedItems(); // stops the server: keep last
    void cleanupTestCase();

private:
    void buildPage();
    QJsonArray make(const QJsonObject &request);
    QPoint centerOf(int row) const;
    void shoot(const QString &name);

    test::TestServer m_server;
    std::unique_ptr<test::ServerApi> m_http;
    QString m_token;
    QTemporaryDir m_cacheDir;
    std::unique_ptr<core::ApiClient> m_api;
    std::unique_ptr<core::GalleryService> m_gallery;
    std::unique_ptr<core::GalleryCache> m_cache;
    std::unique_ptr<core::ThumbnailLoader> m_loader;
    std::unique_ptr<core::EventStream> m_events;
    std::unique_ptr<core::AssetCache> m_assets;
    std::unique_ptr<ui::GalleryPage> m_page;
    int m_made = 0;
};

QJsonArray TestGallery::make(const QJsonObject &request)
{
    const test::ApiReply reply = m_http->post(QStringLiteral("/v1/generations"), request, m_token);
    if (reply.status != 201)
        qWarning() << "submit answered" << reply.status;
    const QJsonObject job
        = test::generation::waitForFinal(*m_http, m_token, request.value(QStringLiteral("id")).toString());
    const QJsonArray assets = job.value(QStringLiteral("assets")).toArray();
    m_made += int(assets.size());
    return assets;
}

void TestGallery::buildPage()
{
    m_page.reset();
    m_page = std::make_unique<ui::GalleryPage>(
        ui::GalleryServices { m_gallery.get(), m_cache.get(), m_loader.get(), m_events.get(), m_assets.get() });
    m_page->model()->setPageSize(10); // several pages even for a small archive
    m_page->resize(1200, 800);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestGallery::shoot(const QString &name)
{
    ui::Theme theme;
    test::saveThemedScreenshots(theme, m_page.get(), QStringLiteral("gallery-") + name);
}

QPoint TestGallery::centerOf(int row) const
{
    auto *view = m_page->view();
    const QModelIndex index = m_page->model()->index(row);
    view->scrollTo(index);
    return view->visualRect(index).center();
}

void TestGallery::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0") }),
             qPrintable(m_server.errorString()));
    m_http = std::make_unique<test::ServerApi>(m_server.url());
    m_token = test::generation::signUp(*m_http, QStringLiteral("gallery@example.com"));
    QVERIFY(!m_token.isEmpty());
    const QStringList prompts { QStringLiteral("lighthouse on a cliff"), QStringLiteral("desert dunes at dawn"),
                                QStringLiteral("night sky over a city"), QStringLiteral("forest path in autumn"),
                                QStringLiteral("harbour boats at noon") };
    for (int i = 0; i < prompts.size(); ++i) {
        QJsonObject request = test::generation::imageRequest(prompts.at(i), 64, 10 + i);
        request.insert(QStringLiteral("count"), 4);
        QCOMPARE(make(request).size(), 4);
    }
    QCOMPARE(make(test::generation::videoRequest(QStringLiteral("waves rolling in"), 64, 64, 1, 12, 3)).size(), 1);

    m_api = std::make_unique<core::ApiClient>();
    m_api->setBaseUrl(m_server.url());
    m_api->setAccessToken(m_token);
    m_gallery = std::make_unique<core::GalleryService>(m_api.get());
    m_cache = std::make_unique<core::GalleryCache>(m_cacheDir.path() + QStringLiteral("/gallery"));
    QVERIFY(m_cache->isOpen());
    m_loader = std::make_unique<core::ThumbnailLoader>(m_api.get(), m_cache.get());
    m_events = std::make_unique<core::EventStream>(m_api.get());
    m_events->setBackoff(100, 500);
    m_events->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_events->state(), core::EventStream::State::Connected, 10000);
    m_assets = std::make_unique<core::AssetCache>(m_api.get(), m_cacheDir.path() + QStringLiteral("/assets"));
    buildPage();
    QVERIFY2(test::unnamedControls(m_page.get()).isEmpty(), qPrintable(test::unnamedControls(m_page.get()).join(u',')));
}

void TestGallery::scrollingLoadsEveryPageWithThumbnails()
{
    auto *model = m_page->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->total(), qint64(m_made), 10000);
    // Scroll to the end as a person would; each page arrives as the view nears the bottom.
    auto *bar = m_page->view()->verticalScrollBar();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            bar->setValue(bar->maximum());
            return model->rowCount() == m_made && model->isComplete();
        }(),
        15000);
    // Newest first; the video (made last) is at the top.
    QCOMPARE(model->assetAt(0).media, QStringLiteral("video"));
    for (int row = 1; row < model->rowCount(); ++row)
        QVERIFY(model->assetAt(row - 1).createdAt >= model->assetAt(row).createdAt);
    QCOMPARE(test::labelText(m_page.get(), "galleryCountLabel"), QStringLiteral("%1 creations").arg(m_made));
    // Thumbnails decode for what is on screen.
    bar->setValue(0);
    const int side = m_page->view()->paintedSide();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->thumbnails()->image(model->assetAt(0), side).isNull(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->thumbnails()->image(model->assetAt(5), side).isNull(), 10000);
    QVERIFY(m_cache->thumbnailBytes() > 0);
    shoot(QStringLiteral("grid"));
}

void TestGallery::shiftSelectsARangeAndBulkFavourite()
{
    auto *viewport = m_page->view()->viewport();
    QTest::mouseClick(viewport, Qt::LeftButton, {}, centerOf(1));
    QTest::mouseClick(viewport, Qt::LeftButton, Qt::ShiftModifier, centerOf(5));
    QCOMPARE(m_page->selectedIds().size(), 5);
    QCOMPARE(test::labelText(m_page.get(), "gallerySelectionLabel"), QStringLiteral("5 selected"));
    const QStringList chosen = m_page->selectedIds();
    UI_CLICK(m_page.get(), "galleryBulkFavouriteButton");
    QTRY_COMPARE_WITH_TIMEOUT(
        m_http->get(QStringLiteral("/v1/assets?favourite=true"), m_token).json.value(QStringLiteral("total")).toInt(),
        5, 5000);
    for (const QString &id : chosen)
        QTRY_VERIFY(m_page->model()->assetAt(m_page->model()->rowOf(id)).favourite);
    QCOMPARE(child<QAbstractButton>(m_page.get(), "galleryBulkFavouriteButton")->text(),
             QStringLiteral("☆ Remove from favourites"));
    // Ctrl+A selects everything loaded.
    m_page->view()->setFocus();
    QTest::keyClick(m_page->view(), Qt::Key_A, Qt::ControlModifier);
    QCOMPARE(m_page->selectedIds().size(), m_page->model()->rowCount());
    m_page->view()->clearSelection();
    // The favourites filter shows exactly those.
    UI_CLICK(m_page.get(), "galleryFavouritesFilter");
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 5, 5000);
    UI_CLICK(m_page.get(), "galleryFavouritesFilter");
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->total(), qint64(m_made), 5000);
}

void TestGallery::searchNarrowsAsYouType()
{
    auto *search = child<QLineEdit>(m_page.get(), "gallerySearchEdit");
    QVERIFY(search);
    search->setFocus();
    QTest::keyClicks(search, QStringLiteral("lightho"));
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->total(), qint64(4), 5000);
    QTRY_COMPARE(m_page->model()->rowCount(), 4);
    for (int row = 0; row < 4; ++row)
        QVERIFY(m_page->model()->assetAt(row).params.prompt.contains(QStringLiteral("lighthouse")));
    shoot(QStringLiteral("search"));
    QTest::keyClicks(search, QStringLiteral("zzz"));
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->total(), qint64(0), 5000);
    QTRY_VERIFY(test::labelText(m_page.get(), "galleryEmptyLabel").contains(QStringLiteral("Nothing matches")));
    // The media filter narrows too.
    search->clear();
    auto *media = child<QComboBox>(m_page.get(), "galleryMediaFilter");
    media->setCurrentIndex(2); // videos
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->total(), qint64(1), 5000);
    media->setCurrentIndex(0);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->total(), qint64(m_made), 5000);
}

void TestGallery::detailsShowEverything()
{
    auto *viewport = m_page->view()->viewport();
    QTRY_VERIFY(m_page->model()->rowCount() > 3);
    QTest::mouseClick(viewport, Qt::LeftButton, {}, centerOf(2));
    const core::Asset asset = m_page->model()->assetAt(2);
    auto *panel = m_page->detailPanel();
    QCOMPARE(panel->asset().id, asset.id);
    QCOMPARE(test::labelText(panel, "detailPrompt"), asset.params.prompt);
    QCOMPARE(test::labelText(panel, "detailSeed"), QString::number(*asset.params.seed));
    QCOMPARE(child<QLineEdit>(panel, "detailSha256")->text(), asset.sha256);
    QVERIFY(test::labelText(panel, "detailProcessedBy").contains(QStringLiteral("Sketch")));
    QVERIFY(test::labelText(panel, "detailDeleted").contains(QStringLiteral("Deleted in 29 days"))
            || test::labelText(panel, "detailDeleted").contains(QStringLiteral("Deleted in 30 days")));
    QCOMPARE(test::labelText(panel, "detailReferences"), QStringLiteral("None"));
    QTRY_VERIFY_WITH_TIMEOUT(!child<QLabel>(panel, "galleryDetailPreview")->pixmap().isNull(), 10000);
    // Remix hands the parameters to Create.
    QSignalSpy remix(m_page.get(), &ui::GalleryPage::remixRequested);
    UI_CLICK(panel, "detailRemixButton");
    QCOMPARE(remix.size(), 1);
    QCOMPARE(remix.first().first().value<core::GenerationRequest>().prompt, asset.params.prompt);
    // Open in viewer downloads the verified original and shows it.
    UI_CLICK(panel, "detailOpenButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_page->viewerDialog() && m_page->viewerDialog()->isLoaded(), 10000);
    m_page->viewerDialog()->close();
    shoot(QStringLiteral("details"));
}

void TestGallery::downloadToAFolder()
{
    auto *viewport = m_page->view()->viewport();
    QTest::mouseClick(viewport, Qt::LeftButton, {}, centerOf(0));
    QTest::mouseClick(viewport, Qt::LeftButton, Qt::ControlModifier, centerOf(3));
    QCOMPARE(m_page->selectedIds().size(), 2);
    QTemporaryDir folder;
    ui::FileDialog::setNextDirectory(folder.path());
    QSignalSpy finished(m_page.get(), &ui::GalleryPage::downloadsFinished);
    UI_CLICK(m_page.get(), "galleryBulkDownloadButton");
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QCOMPARE(finished.first().at(0).toInt(), 2);
    const QStringList files = QDir(folder.path()).entryList(QDir::Files);
    QCOMPARE(files.size(), 2);
    QVERIFY(files.filter(QStringLiteral(".webm")).size() == 1); // row 0 is the video
    for (const core::Asset &asset : m_page->selectedAssets()) {
        const QString name = files.filter(asset.id.left(8)).value(0);
        QFile file(QDir(folder.path()).filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex()),
                 asset.sha256);
    }
    m_page->view()->clearSelection();
}

void TestGallery::deleteIsGoneFromGridAndServer()
{
    auto *viewport = m_page->view()->viewport();
    QTest::mouseClick(viewport, Qt::LeftButton, {}, centerOf(6));
    QTest::mouseClick(viewport, Qt::LeftButton, Qt::ShiftModifier, centerOf(7));
    const QStringList doomed = m_page->selectedIds();
    QCOMPARE(doomed.size(), 2);
    const int before = m_page->model()->rowCount();
    // Cancelling keeps everything.
    ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    UI_CLICK(m_page.get(), "galleryBulkDeleteButton");
    QVERIFY(ui::MessageBox::lastText().contains(QStringLiteral("permanently")));
    QCOMPARE(m_page->model()->rowCount(), before);
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    UI_CLICK(m_page.get(), "galleryBulkDeleteButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), before - 2, 5000);
    for (const QString &id : doomed) {
        QCOMPARE(m_page->model()->rowOf(id), -1);
        QCOMPARE(m_http->get(QStringLiteral("/v1/assets/") + id, m_token).status, 404);
        QCOMPARE(m_http->get(QStringLiteral("/v1/assets/") + id + QStringLiteral("/content"), m_token).status, 404);
    }
    m_made -= 2;
    QTRY_COMPARE(m_page->model()->total(), qint64(m_made));
}

void TestGallery::otherDevicesChangesArriveLive()
{
    // A new result made elsewhere appears at the top without a refresh.
    const QJsonArray made = make(test::generation::imageRequest(QStringLiteral("comet over mountains"), 64, 90));
    const QString id = made.at(0).toObject().value(QStringLiteral("id")).toString();
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowOf(id), 0, 10000);
    // Favourited elsewhere: the badge follows.
    QCOMPARE(
        m_http->send("PATCH", QStringLiteral("/v1/assets/") + id, R"({"favourite":true})", "application/json", m_token)
            .status,
        200);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->assetAt(0).favourite, 10000);
    // Deleted on another device: it disappears here too.
    QCOMPARE(m_http->send("DELETE", QStringLiteral("/v1/assets/") + id, {}, {}, m_token).status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowOf(id), -1, 10000);
    m_made -= 1; // made and deleted elsewhere
}

void TestGallery::storageSettingsClearTheCache()
{
    ui::StorageSettingsSection section(m_cache.get(), m_assets.get());
    section.show();
    QVERIFY(test::unnamedControls(&section).isEmpty());
    QVERIFY(!test::labelText(&section, "storageUsageLabel").isEmpty());
    auto *cap = child<QSpinBox>(&section, "storageCapSpin");
    cap->setValue(256);
    Q_EMIT cap->editingFinished();
    QCOMPARE(m_cache->capBytes(), 256LL * 1024 * 1024);
    // Clearing needs a yes; the next open fetches thumbnails again.
    const qint64 before = m_cache->thumbnailBytes();
    QVERIFY(before > 0);
    ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    UI_CLICK(&section, "storageClearButton");
    QCOMPARE(m_cache->thumbnailBytes(), before);
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    UI_CLICK(&section, "storageClearButton");
    QCOMPARE(m_cache->thumbnailBytes(), 0);
    QVERIFY(QDir(m_assets->directory()).entryList(QDir::Files).isEmpty());
}

void TestGallery::offlineShowsCachedItems()
{
    // Visit the gallery once online (pages and thumbnails cached), then lose the server.
    buildPage();
    auto *model = m_page->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->total(), qint64(m_made), 10000);
    const int side = m_page->view()->paintedSide();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->thumbnails()->image(model->assetAt(0), side).isNull(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->thumbnails()->image(model->assetAt(3), side).isNull(), 10000);
    const QString first = model->assetAt(0).id;
    m_events->stop();
    m_server.stop();

    buildPage(); // a fresh page: empty memory cache, so thumbnails come from the disk cache
    model = m_page->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->isOffline(), 15000);
    QTRY_VERIFY(model->rowCount() >= 10);
    QCOMPARE(model->assetAt(0).id, first);
    auto *banner = child<ui::Banner>(m_page.get(), "galleryOfflineBanner");
    QVERIFY(banner && banner->isVisible());
    QVERIFY(banner->text().contains(QStringLiteral("Offline")));
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->thumbnails()->image(model->assetAt(0), side).isNull(), 10000);
    QVERIFY(!child<QAbstractButton>(m_page.get(), "galleryBulkDeleteButton")->isEnabled());
    shoot(QStringLiteral("offline"));
}

void TestGallery::cleanupTestCase()
{
    m_page.reset();
    m_events.reset();
}

PYGMI_UI_TEST_MAIN(TestGallery)
#include "tst_Gallery.moc"
