#include "gallery/GalleryPage.h"

#include "common/Banner.h"
#include "common/FileDialog.h"
#include "common/MessageBox.h"
#include "gallery/AssetDetailPanel.h"
#include "gallery/AssetListModel.h"
#include "gallery/AssetViewerDialog.h"
#include "gallery/GalleryCache.h"
#include "gallery/GalleryDelegate.h"
#include "gallery/GalleryQuery.h"
#include "gallery/GalleryService.h"
#include "gallery/GalleryView.h"
#include "gallery/ThumbnailPipeline.h"
#include "generation/AssetCache.h"
#include "generation/EventStream.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFile>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

enum DateRange { AnyTime, Today, Last7Days, Last30Days, Custom };

QString extensionFor(const core::Asset &asset)
{
    if (asset.mime == u"video/webm")
        return QStringLiteral("webm");
    if (asset.mime == u"image/jpeg")
        return QStringLiteral("jpg");
    if (asset.mime == u"video/mp4")
        return QStringLiteral("mp4");
    return QStringLiteral("png");
}

} // namespace

GalleryPage::GalleryPage(const GalleryServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_thumbnails(new ThumbnailPipeline(services.thumbnails, this))
    , m_model(new core::AssetListModel(services.gallery, services.cache, services.events, this))
{
    setObjectName(QStringLiteral("galleryPage"));
    setAccessibleName(tr("Gallery"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(8);

    m_offline = new Banner(QStringLiteral("galleryOfflineBanner"), this);
    m_offline->hide();
    layout->addWidget(m_offline);
    m_message = new Banner(QStringLiteral("galleryMessageBanner"), this);
    m_message->setDismissible(true);
    m_message->hide();
    layout->addWidget(m_message);

    auto *toolbar = new QWidget(this);
    buildToolbar(toolbar);
    layout->addWidget(toolbar);

    // Status line, or the selection bar while something is selected.
    auto *statusRow = new QHBoxLayout;
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("galleryCountLabel"));
    statusRow->addWidget(m_count);
    m_selectionBar = new QWidget(this);
    auto *selection = new QHBoxLayout(m_selectionBar);
    selection->setContentsMargins(0, 0, 0, 0);
    m_selectionLabel = new QLabel(m_selectionBar);
    m_selectionLabel->setObjectName(QStringLiteral("gallerySelectionLabel"));
    selection->addWidget(m_selectionLabel);
    const auto bulkButton = [&](const QString &text, const QString &name) {
        auto *button = new QPushButton(text, m_selectionBar);
        button->setObjectName(name);
        button->setAccessibleName(text);
        selection->addWidget(button);
        return button;
    };
    m_bulkFavourite = bulkButton(tr("★ Favourite"), QStringLiteral("galleryBulkFavouriteButton"));
    m_bulkDownload = bulkButton(tr("Download…"), QStringLiteral("galleryBulkDownloadButton"));
    m_bulkDelete = bulkButton(tr("Delete…"), QStringLiteral("galleryBulkDeleteButton"));
    auto *clear = bulkButton(tr("Clear selection"), QStringLiteral("galleryClearSelectionButton"));
    statusRow->addWidget(m_selectionBar);
    statusRow->addStretch(1);
    layout->addLayout(statusRow);
    m_selectionBar->hide();

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("gallerySplitter"));
    splitter->setChildrenCollapsible(false);
    auto *gridBox = new QWidget(splitter);
    auto *gridLayout = new QVBoxLayout(gridBox);
    gridLayout->setContentsMargins(0, 0, 0, 0);
    m_empty = new QLabel(gridBox);
    m_empty->setObjectName(QStringLiteral("galleryEmptyLabel"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->hide();
    gridLayout->addWidget(m_empty);
    m_view = new GalleryView(m_thumbnails, gridBox);
    m_delegate = new GalleryDelegate(m_thumbnails, m_view);
    m_view->setItemDelegate(m_delegate);
    m_view->setModel(m_model);
    gridLayout->addWidget(m_view, 1);
    m_detail = new AssetDetailPanel(m_thumbnails, splitter);
    splitter->addWidget(gridBox);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 720, 320 });
    layout->addWidget(splitter, 1);

    m_downloadBar = new QWidget(this);
    auto *download = new QHBoxLayout(m_downloadBar);
    download->setContentsMargins(0, 0, 0, 0);
    m_downloadLabel = new QLabel(m_downloadBar);
    m_downloadLabel->setObjectName(QStringLiteral("galleryDownloadLabel"));
    m_downloadProgress = new QProgressBar(m_downloadBar);
    m_downloadProgress->setObjectName(QStringLiteral("galleryDownloadProgress"));
    m_downloadProgress->setAccessibleName(tr("Download progress"));
    auto *cancel = new QPushButton(tr("Stop"), m_downloadBar);
    cancel->setObjectName(QStringLiteral("galleryDownloadCancelButton"));
    cancel->setAccessibleName(tr("Stop downloading"));
    download->addWidget(m_downloadLabel);
    download->addWidget(m_downloadProgress, 1);
    download->addWidget(cancel);
    m_downloadBar->hide();
    layout->addWidget(m_downloadBar);

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(250); // results as the user types, without a request per key
    connect(&m_searchTimer, &QTimer::timeout, this, &GalleryPage::applyFilters);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &GalleryPage::updateSelection);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &GalleryPage::updateStatus);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &GalleryPage::updateStatus);
    connect(m_model, &QAbstractItemModel::modelReset, this, &GalleryPage::updateStatus);
    connect(m_model, &core::AssetListModel::totalChanged, this, &GalleryPage::updateStatus);
    connect(m_model, &core::AssetListModel::loadingChanged, this, &GalleryPage::updateStatus);
    connect(m_model, &core::AssetListModel::offlineChanged, this, &GalleryPage::updateOffline);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        for (int row = from.row(); row <= to.row() && m_detail->hasAsset(); ++row) {
            if (m_model->assetAt(row).id == m_detail->asset().id)
                m_detail->showAsset(m_model->assetAt(row));
        }
        updateSelection(); // the bulk favourite button follows the selection's state
    });
    connect(m_model, &core::AssetListModel::loadFailed, this, [this](const core::ApiError &error) {
        if (!m_model->isOffline())
            m_message->showMessage(Banner::Kind::Error,
                                   tr("The gallery could not be loaded. %1").arg(error.userMessage()));
    });
    connect(m_thumbnails, &ThumbnailPipeline::thumbnailReady, m_view->viewport(), [this] {
        m_view->viewport()->update(); // coalesced by Qt into one paint
    });
    connect(m_view, &QAbstractItemView::activated, this,
            [this](const QModelIndex &index) { openInViewer(m_model->assetAt(index.row())); });
    connect(m_bulkFavourite, &QPushButton::clicked, this, [this] {
        const QList<core::Asset> assets = selectedAssets();
        const bool all = std::all_of(assets.cbegin(), assets.cend(), [](const core::Asset &a) { return a.favourite; });
        favouriteSelected(!all);
    });
    connect(m_bulkDownload, &QPushButton::clicked, this, &GalleryPage::downloadSelected);
    connect(m_bulkDelete, &QPushButton::clicked, this, &GalleryPage::deleteSelected);
    connect(clear, &QPushButton::clicked, m_view, &QAbstractItemView::clearSelection);
    connect(cancel, &QPushButton::clicked, this, [this] {
        m_downloadQueue.clear();
        m_downloadLabel->setText(tr("Stopping after the current file…"));
    });
    connect(m_detail, &AssetDetailPanel::favouriteRequested, this,
            [this](const core::Asset &asset, bool on) { favourite({ asset }, on); });
    connect(m_detail, &AssetDetailPanel::downloadRequested, this, [this](const core::Asset &asset) {
        m_view->clearSelection();
        const int row = m_model->rowOf(asset.id);
        if (row >= 0)
            m_view->selectionModel()->select(m_model->index(row), QItemSelectionModel::Select);
        downloadSelected();
    });
    connect(m_detail, &AssetDetailPanel::remixRequested, this,
            [this](const core::Asset &asset) { Q_EMIT remixRequested(asset.params); });
    connect(m_detail, &AssetDetailPanel::openRequested, this, &GalleryPage::openInViewer);
    connect(m_detail, &AssetDetailPanel::deleteRequested, this,
            [this](const core::Asset &asset) { removeAssets({ asset }); });
    if (m_services.events) {
        // Back online (the stream reconnected): show the server's pages again.
        connect(m_services.events, &core::EventStream::stateChanged, this, [this](core::EventStream::State state) {
            if (state == core::EventStream::State::Connected && m_model->isOffline())
                m_model->reload();
        });
    }
    updateStatus();
}

GalleryPage::~GalleryPage() = default;

AssetViewerDialog *GalleryPage::viewerDialog() const
{
    return m_viewer.data();
}

void GalleryPage::buildToolbar(QWidget *bar)
{
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("gallerySearchEdit"));
    m_search->setAccessibleName(tr("Search prompts"));
    m_search->setPlaceholderText(tr("Search prompts (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    for (auto *clearButton : m_search->findChildren<QAbstractButton *>()) {
        clearButton->setObjectName(QStringLiteral("gallerySearchClearButton"));
        clearButton->setAccessibleName(tr("Clear search"));
    }
    m_search->setMinimumWidth(120);
    row->addWidget(m_search, 2);

    m_media = new QComboBox(bar);
    m_media->setObjectName(QStringLiteral("galleryMediaFilter"));
    m_media->setAccessibleName(tr("Kind"));
    m_media->addItem(tr("Images and videos"), QString());
    m_media->addItem(tr("Images"), QStringLiteral("image"));
    m_media->addItem(tr("Videos"), QStringLiteral("video"));
    row->addWidget(m_media);

    m_favouritesOnly = new QToolButton(bar);
    m_favouritesOnly->setObjectName(QStringLiteral("galleryFavouritesFilter"));
    m_favouritesOnly->setAccessibleName(tr("Favourites only"));
    m_favouritesOnly->setText(tr("★ Favourites"));
    m_favouritesOnly->setCheckable(true);
    row->addWidget(m_favouritesOnly);

    m_dates = new QComboBox(bar);
    m_dates->setObjectName(QStringLiteral("galleryDateFilter"));
    m_dates->setAccessibleName(tr("Date"));
    m_dates->addItem(tr("Any time"), AnyTime);
    m_dates->addItem(tr("Today"), Today);
    m_dates->addItem(tr("Last 7 days"), Last7Days);
    m_dates->addItem(tr("Last 30 days"), Last30Days);
    m_dates->addItem(tr("Between…"), Custom);
    row->addWidget(m_dates);
    m_from = new QDateEdit(QDate::currentDate().addDays(-7), bar);
    m_from->setObjectName(QStringLiteral("galleryFromDate"));
    m_from->setAccessibleName(tr("From"));
    m_from->setCalendarPopup(true);
    m_to = new QDateEdit(QDate::currentDate(), bar);
    m_to->setObjectName(QStringLiteral("galleryToDate"));
    m_to->setAccessibleName(tr("To"));
    m_to->setCalendarPopup(true);
    m_from->hide();
    m_to->hide();
    row->addWidget(m_from);
    row->addWidget(m_to);

    m_generator = new QComboBox(bar);
    m_generator->setObjectName(QStringLiteral("galleryGeneratorFilter"));
    m_generator->setAccessibleName(tr("Generator"));
    m_generator->addItem(tr("All generators"));
    row->addWidget(m_generator);

    m_sort = new QComboBox(bar);
    m_sort->setObjectName(QStringLiteral("gallerySort"));
    m_sort->setAccessibleName(tr("Sort"));
    m_sort->addItem(tr("Newest first"));
    m_sort->addItem(tr("Oldest first"));
    row->addWidget(m_sort);

    // The filters shrink (eliding their text) before the window has to grow.
    for (QComboBox *box : { m_media, m_dates, m_generator, m_sort })
        box->setMinimumWidth(64);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchTimer.stop();
        applyFilters();
    });
    for (QComboBox *box : { m_media, m_generator, m_sort })
        connect(box, &QComboBox::currentIndexChanged, this, &GalleryPage::applyFilters);
    connect(m_dates, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = m_dates->currentData().toInt() == Custom;
        m_from->setVisible(custom);
        m_to->setVisible(custom);
        applyFilters();
    });
    connect(m_from, &QDateEdit::dateChanged, this, &GalleryPage::applyFilters);
    connect(m_to, &QDateEdit::dateChanged, this, &GalleryPage::applyFilters);
    connect(m_favouritesOnly, &QToolButton::toggled, this, &GalleryPage::applyFilters);
}

core::GalleryQuery GalleryPage::currentQuery() const
{
    core::GalleryQuery query;
    query.text = m_search->text().simplified();
    query.media = m_media->currentData().toString();
    query.favouritesOnly = m_favouritesOnly->isChecked();
    query.sort = m_sort->currentIndex() == 1 ? core::GalleryQuery::Sort::Oldest : core::GalleryQuery::Sort::Newest;
    const QDate today = QDateTime::currentDateTimeUtc().date();
    switch (m_dates->currentData().toInt()) {
    case Today:
        query.from = today;
        break;
    case Last7Days:
        query.from = today.addDays(-6);
        break;
    case Last30Days:
        query.from = today.addDays(-29);
        break;
    case Custom:
        query.from = std::min(m_from->date(), m_to->date());
        query.to = std::max(m_from->date(), m_to->date());
        break;
    default:
        break;
    }
    const QStringList generator = m_generator->currentData().toStringList();
    if (generator.size() == 2) {
        query.provider = generator.at(0);
        query.model = generator.at(1);
    }
    return query;
}

void GalleryPage::applyFilters()
{
    const core::GalleryQuery query = currentQuery();
    if (m_started && query == m_model->query())
        return;
    m_started = true;
    m_detail->clear();
    m_model->setQuery(query);
}

void GalleryPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_started) {
        applyFilters();
        refreshFacets();
    }
}

void GalleryPage::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Find)) {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
        return;
    }
    if (event->key() == Qt::Key_Delete && !selectedIds().isEmpty()) {
        deleteSelected();
        return;
    }
    QWidget::keyPressEvent(event);
}

void GalleryPage::refreshFacets()
{
    m_services.gallery->facets(this, [this](const QList<QPair<QString, QString>> &pairs, const core::ApiError &error) {
        if (error)
            return;
        const QStringList current = m_generator->currentData().toStringList();
        const QSignalBlocker blocker(m_generator);
        m_generator->clear();
        m_generator->addItem(tr("All generators"));
        for (const auto &[provider, model] : pairs) {
            m_generator->addItem(tr("%1 · %2").arg(provider, model), QStringList { provider, model });
            if (current == QStringList { provider, model })
                m_generator->setCurrentIndex(m_generator->count() - 1);
        }
    });
}

QStringList GalleryPage::selectedIds() const
{
    QStringList ids;
    for (const core::Asset &asset : selectedAssets())
        ids << asset.id;
    return ids;
}

QList<core::Asset> GalleryPage::selectedAssets() const
{
    QList<core::Asset> assets;
    QModelIndexList rows = m_view->selectionModel()->selectedIndexes();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &index : std::as_const(rows)) {
        if (index.row() < m_model->rowCount())
            assets << m_model->assetAt(index.row());
    }
    return assets;
}

void GalleryPage::updateSelection()
{
    const QList<core::Asset> assets = selectedAssets();
    m_selectionBar->setVisible(!assets.isEmpty());
    m_count->setVisible(assets.isEmpty());
    m_selectionLabel->setText(tr("%1 selected").arg(QLocale().toString(assets.size())));
    const bool all = !assets.isEmpty()
        && std::all_of(assets.cbegin(), assets.cend(), [](const core::Asset &a) { return a.favourite; });
    m_bulkFavourite->setText(all ? tr("☆ Remove from favourites") : tr("★ Favourite"));
    m_bulkFavourite->setAccessibleName(m_bulkFavourite->text());
    if (assets.size() == 1)
        m_detail->showAsset(assets.first());
    else if (assets.size() > 1)
        m_detail->showSelectionCount(int(assets.size()));
    else
        m_detail->clear();
    updateOffline(m_model->isOffline());
}

void GalleryPage::updateStatus()
{
    const qint64 total = m_model->total();
    const QLocale locale;
    if (m_model->isLoading() && m_model->rowCount() == 0)
        m_count->setText(tr("Loading…"));
    else if (total == 1)
        m_count->setText(tr("1 creation"));
    else if (total >= 0)
        m_count->setText(tr("%1 creations").arg(locale.toString(total)));
    else
        m_count->setText(tr("%1 shown").arg(locale.toString(m_model->rowCount())));
    const bool empty = m_model->rowCount() == 0 && !m_model->isLoading();
    if (empty) {
        const bool filtered = !(currentQuery() == core::GalleryQuery {});
        m_empty->setText(m_model->isOffline()
                             ? tr("You are offline and this computer has no saved copy of this view yet.")
                             : filtered ? tr("Nothing matches these filters. Try other words or clear the filters.")
                                        : tr("Nothing here yet. What you create appears here at once."));
    }
    m_empty->setVisible(empty);
}

void GalleryPage::updateOffline(bool offline)
{
    if (offline) {
        m_offline->showMessage(Banner::Kind::Warning,
                               tr("Offline: the server cannot be reached. You see the creations this computer has "
                                  "kept; favourites and deletion come back when the connection does."));
    } else {
        m_offline->hide();
    }
    for (QPushButton *button : { m_bulkFavourite, m_bulkDelete })
        button->setEnabled(!offline);
    m_detail->setActionsEnabled(!offline);
    updateStatus();
}

void GalleryPage::favouriteSelected(bool on)
{
    favourite(selectedAssets(), on);
}

void GalleryPage::favourite(const QList<core::Asset> &assets, bool on)
{
    if (assets.isEmpty())
        return;
    QStringList ids;
    for (const core::Asset &asset : assets)
        ids << asset.id;
    m_services.gallery->setFavourite(
        ids, on, this, [this, assets, on](const QStringList &changed, const core::ApiError &error) {
            QList<core::Asset> updated;
            for (core::Asset asset : assets) {
                if (changed.contains(asset.id)) {
                    asset.favourite = on;
                    asset.json.insert(QStringLiteral("favourite"), on);
                    updated << asset;
                }
            }
            m_model->applyUpdated(updated);
            if (error)
                m_message->showMessage(Banner::Kind::Error,
                                       tr("Favourites could not be changed. %1").arg(error.userMessage()));
        });
}

void GalleryPage::deleteSelected()
{
    removeAssets(selectedAssets());
}

void GalleryPage::removeAssets(const QList<core::Asset> &assets)
{
    if (assets.isEmpty() || m_model->isOffline())
        return;
    const auto answer = MessageBox::question(
        this, tr("Delete for good?"),
        tr("Delete %n creation(s)? They are deleted from the server permanently, on all your devices, and cannot "
           "be recovered. Copies you downloaded stay on your computer.",
           nullptr, int(assets.size())),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    QStringList ids;
    for (const core::Asset &asset : assets)
        ids << asset.id;
    m_services.gallery->remove(ids, this, [this](const QStringList &deleted, const core::ApiError &error) {
        if (error) {
            m_message->showMessage(
                Banner::Kind::Error,
                tr("Only %n creation(s) could be deleted. %1", nullptr, int(deleted.size())).arg(error.userMessage()));
        } else {
            m_message->showMessage(Banner::Kind::Success, tr("%n creation(s) deleted.", nullptr, int(deleted.size())));
        }
    });
}

void GalleryPage::downloadSelected()
{
    const QList<core::Asset> assets = selectedAssets();
    if (assets.isEmpty() || isDownloading())
        return;
    const QString folder = FileDialog::getExistingDirectory(
        this, tr("Download to folder"), QStandardPaths::writableLocation(QStandardPaths::PicturesLocation));
    if (folder.isEmpty())
        return;
    m_downloadFolder = folder;
    m_downloadQueue = assets;
    m_downloadTotal = int(assets.size());
    m_downloadWritten = 0;
    m_downloadFailed = 0;
    m_downloadProgress->setRange(0, m_downloadTotal);
    m_downloadProgress->setValue(0);
    m_downloadBar->show();
    downloadNext();
}

void GalleryPage::downloadNext()
{
    if (m_downloadQueue.isEmpty()) {
        m_downloading = false;
        m_downloadBar->hide();
        const int done = m_downloadWritten;
        if (m_downloadFailed == 0) {
            m_message->showMessage(
                Banner::Kind::Success,
                tr("%n file(s) saved in %1.", nullptr, done).arg(QDir::toNativeSeparators(m_downloadFolder)));
        } else {
            m_message->showMessage(Banner::Kind::Error,
                                   tr("%n file(s) could not be saved.", nullptr, m_downloadFailed));
        }
        Q_EMIT downloadsFinished(done, m_downloadFailed);
        return;
    }
    m_downloading = true;
    const core::Asset asset = m_downloadQueue.takeFirst();
    m_downloadLabel->setText(
        tr("Downloading %1 of %2…").arg(m_downloadWritten + m_downloadFailed + 1).arg(m_downloadTotal));
    m_services.assets->fetch(asset, this, [this, asset](const QString &path, const core::ApiError &error) {
        bool ok = false;
        if (!error && !path.isEmpty()) {
            const QString name = QStringLiteral("pygmi-%1-%2.%3")
                                     .arg(asset.createdAt.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss")),
                                          asset.id.left(8), extensionFor(asset));
            const QString target = QDir(m_downloadFolder).filePath(name);
            QFile::remove(target);
            ok = QFile::copy(path, target);
            if (ok)
                QFile(target).setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup
                                             | QFile::ReadOther);
        }
        ok ? ++m_downloadWritten : ++m_downloadFailed;
        m_downloadProgress->setValue(m_downloadWritten + m_downloadFailed);
        downloadNext();
    });
}

void GalleryPage::openInViewer(const core::Asset &asset)
{
    if (m_viewer)
        m_viewer->close();
    m_viewer = new AssetViewerDialog(m_services.assets, asset, this);
    m_viewer->show();
}

} // namespace pygmi::ui
