#include "create/ResultView.h"

#include "common/FileDialog.h"
#include "create/ImageExport.h"
#include "create/ImageViewer.h"
#include "create/VideoPlayer.h"
#include "generation/AssetCache.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QImageReader>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace pygmi::ui {

namespace {

QPushButton *button(QWidget *parent, const char *name, const QString &text, const QString &accessible)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(QLatin1String(name));
    b->setAccessibleName(accessible);
    return b;
}

QImage decodeThumbnail(const QString &path, int side)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid())
        reader.setScaledSize(size.scaled(side, side, Qt::KeepAspectRatio));
    return reader.read();
}

} // namespace

ResultView::ResultView(core::AssetCache *cache, QWidget *parent)
    : QWidget(parent)
    , m_cache(cache)
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new QLabel(this))
    , m_viewer(new ImageViewer(this))
    , m_player(new VideoPlayer(this))
    , m_strip(new QListWidget(this))
    , m_info(new QLabel(this))
    , m_status(new QLabel(this))
    , m_fit(new QToolButton(this))
    , m_actual(new QToolButton(this))
    , m_zoomLabel(new QLabel(this))
    , m_copy(button(this, "copyButton", tr("Copy"), tr("Copy the image to the clipboard")))
    , m_save(button(this, "saveButton", tr("Save…"), tr("Save the result as a file")))
    , m_metadata(new QCheckBox(tr("Embed details"), this))
    , m_remix(button(this, "remixButton", tr("Remix"), tr("Load this result's settings into the composer")))
    , m_vary(button(this, "varyButton", tr("Vary"), tr("Make it again with a new seed")))
{
    setObjectName(QStringLiteral("resultView"));
    setAccessibleName(tr("Results"));

    m_placeholder->setObjectName(QStringLiteral("resultPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_placeholder);
    m_stack->addWidget(m_viewer);
    m_stack->addWidget(m_player);
    setPlaceholder(tr("Your images and videos appear here.\nWrite a prompt and press Generate (Ctrl+Enter)."));

    m_strip->setObjectName(QStringLiteral("resultStrip"));
    m_strip->setAccessibleName(tr("Results of this job"));
    m_strip->setViewMode(QListView::IconMode);
    m_strip->setFlow(QListView::LeftToRight);
    m_strip->setWrapping(false);
    m_strip->setIconSize(QSize(64, 64));
    m_strip->setFixedHeight(92);
    m_strip->setMinimumWidth(100);
    m_strip->setMovement(QListView::Static);
    m_strip->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_strip->hide();

    m_fit->setObjectName(QStringLiteral("zoomFitButton"));
    m_fit->setText(tr("Fit"));
    m_fit->setAccessibleName(tr("Fit to window"));
    m_fit->setToolTip(tr("Fit to window (0)"));
    m_actual->setObjectName(QStringLiteral("zoomActualButton"));
    m_actual->setText(tr("1:1"));
    m_actual->setAccessibleName(tr("Actual size"));
    m_actual->setToolTip(tr("Actual size (1)"));
    m_zoomLabel->setObjectName(QStringLiteral("zoomLabel"));
    m_zoomLabel->setMinimumWidth(48);
    m_metadata->setObjectName(QStringLiteral("includeMetadataCheck"));
    m_metadata->setAccessibleName(tr("Embed the prompt and settings in saved images"));
    m_metadata->setToolTip(tr("When ticked, saved images carry the prompt, seed and generator in the file. Off "
                              "by default: a saved file then holds only the picture."));
    setMinimumWidth(240);
    m_metadata->setChecked(false); // the user's choice each time; nothing extra by default
    m_info->setObjectName(QStringLiteral("resultInfoLabel"));
    m_info->setForegroundRole(QPalette::PlaceholderText);
    m_info->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("resultStatusLabel"));
    m_status->setWordWrap(true);
    m_status->hide();

    // Two short rows, so the page still fits a small window next to the composer and the jobs.
    auto *view = new QHBoxLayout;
    view->setSpacing(6);
    view->addWidget(m_fit);
    view->addWidget(m_actual);
    view->addWidget(m_zoomLabel);
    view->addStretch(1);
    view->addWidget(m_remix);
    view->addWidget(m_vary);
    auto *keep = new QHBoxLayout;
    keep->setSpacing(6);
    keep->addWidget(m_metadata);
    keep->addStretch(1);
    keep->addWidget(m_copy);
    keep->addWidget(m_save);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_info);
    layout->addLayout(view);
    layout->addLayout(keep);
    layout->addWidget(m_status);
    layout->addWidget(m_strip);

    connect(m_fit, &QToolButton::clicked, m_viewer, &ImageViewer::fitToWindow);
    connect(m_actual, &QToolButton::clicked, m_viewer, &ImageViewer::zoomToActualSize);
    connect(m_viewer, &ImageViewer::zoomChanged, this,
            [this](double zoom) { m_zoomLabel->setText(tr("%1%").arg(qRound(zoom * devicePixelRatioF() * 100))); });
    connect(m_copy, &QPushButton::clicked, this, &ResultView::copyCurrent);
    connect(m_save, &QPushButton::clicked, this, &ResultView::saveCurrent);
    connect(m_remix, &QPushButton::clicked, this, [this] {
        if (m_current)
            Q_EMIT remixRequested(*m_current);
    });
    connect(m_vary, &QPushButton::clicked, this, [this] {
        if (m_current)
            Q_EMIT varyRequested(*m_current);
    });
    connect(m_strip, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_assets.size() && (!m_current || m_current->id != m_assets.at(row).id)) {
            m_userPicked = true;
            openAsset(row);
        }
    });
    updateActions();
}

void ResultView::setPlaceholder(const QString &text)
{
    m_placeholder->setText(text);
    m_stack->setCurrentWidget(m_placeholder);
}

void ResultView::clearJob()
{
    m_jobId.clear();
    m_assets.clear();
    m_current.reset();
    m_currentPath.clear();
    m_strip->clear();
    m_strip->hide();
    m_status->hide();
    m_player->clear();
    m_viewer->clear();
    m_info->clear();
    setPlaceholder(tr("Your images and videos appear here.\nWrite a prompt and press Generate (Ctrl+Enter)."));
    updateActions();
    Q_EMIT currentAssetChanged();
}

void ResultView::showJob(const core::Generation &job, const QByteArray &preview)
{
    if (job.id != m_jobId) {
        clearJob();
        m_jobId = job.id;
        m_userPicked = false;
    }
    for (const core::Asset &asset : job.assets)
        addAsset(asset);
    if (!m_assets.isEmpty())
        return;
    using State = core::Generation::State;
    switch (job.state) {
    case State::Queued:
        setPlaceholder(tr("Waiting for its turn…"));
        break;
    case State::Running:
        if (!preview.isEmpty())
            updatePreview(preview);
        else if (m_stack->currentWidget() != m_viewer)
            setPlaceholder(tr("Working on it…"));
        break;
    case State::Failed:
    case State::Blocked:
    case State::Cancelled:
    case State::Succeeded:
        m_viewer->clear();
        setPlaceholder(job.state == State::Cancelled       ? tr("This job was cancelled.")
                           : job.state == State::Succeeded ? tr("This job finished without results.")
                                                           : tr("No results: see the reason in the jobs list."));
        break;
    }
}

void ResultView::updatePreview(const QByteArray &image)
{
    if (!m_assets.isEmpty())
        return; // a real result is better than any preview
    QImage decoded;
    if (!decoded.loadFromData(image))
        return;
    m_viewer->showPreview(decoded);
    m_stack->setCurrentWidget(m_viewer);
    m_info->setText(tr("Live preview"));
}

void ResultView::addAsset(const core::Asset &asset)
{
    if (asset.generationId != m_jobId)
        return;
    for (const core::Asset &a : std::as_const(m_assets))
        if (a.id == asset.id)
            return;
    m_assets.append(asset);
    addThumbnail(asset);
    m_strip->setVisible(m_assets.size() > 1);
    // Results appear as soon as they exist: the first one opens unless the user chose another.
    if (!m_current && !m_userPicked)
        openAsset(int(m_assets.size()) - 1);
}

void ResultView::addThumbnail(const core::Asset &asset)
{
    auto *item = new QListWidgetItem(m_strip);
    item->setText(tr("#%1").arg(asset.index + 1));
    item->setData(Qt::AccessibleTextRole, tr("Result %1").arg(asset.index + 1));
    item->setData(Qt::UserRole, asset.id);
    const auto fill = [this, id = asset.id](const QString &path, const core::ApiError &error) {
        if (error || path.isEmpty())
            return;
        auto *watcher = new QFutureWatcher<QImage>(this);
        connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, watcher, id] {
            watcher->deleteLater();
            for (int i = 0; i < m_strip->count(); ++i)
                if (m_strip->item(i)->data(Qt::UserRole).toString() == id)
                    m_strip->item(i)->setIcon(QIcon(QPixmap::fromImage(watcher->result())));
        });
        watcher->setFuture(QtConcurrent::run(decodeThumbnail, path, 144));
    };
    if (asset.isVideo())
        m_cache->fetchPoster(asset, this, fill);
    else
        m_cache->fetch(asset, this, fill);
}

void ResultView::openAsset(int index)
{
    if (index < 0 || index >= m_assets.size())
        return;
    const core::Asset asset = m_assets.at(index);
    m_current = asset;
    m_currentPath.clear();
    {
        QSignalBlocker blocker(m_strip);
        m_strip->setCurrentRow(index);
    }
    m_info->setText(asset.isVideo() ? tr("%1 × %2, %3 s at %4 fps · seed %5 · %6")
                                          .arg(asset.width)
                                          .arg(asset.height)
                                          .arg(asset.durationS)
                                          .arg(asset.fps)
                                          .arg(asset.params.seed.value_or(0))
                                          .arg(asset.processedBy)
                                    : tr("%1 × %2 · seed %3 · %4")
                                          .arg(asset.width)
                                          .arg(asset.height)
                                          .arg(asset.params.seed.value_or(0))
                                          .arg(asset.processedBy));
    if (!asset.referencesUsed.isEmpty()) {
        QStringList strengths;
        for (const core::ReferenceUse &reference : asset.referencesUsed)
            strengths.append(tr("%1 %").arg(qRound(reference.strength * 100)));
        m_info->setText(tr("%1 · guided by %n reference(s) (strength %2)", nullptr, int(asset.referencesUsed.size()))
                            .arg(m_info->text(), strengths.join(tr(", "))));
    }
    m_status->hide();
    if (m_stack->currentWidget() != m_viewer || !m_viewer->isPreview())
        setPlaceholder(tr("Downloading the result…"));
    updateActions();
    Q_EMIT currentAssetChanged();
    m_cache->fetch(asset, this, [this, id = asset.id](const QString &path, const core::ApiError &error) {
        if (!m_current || m_current->id != id)
            return;
        if (error) {
            setPlaceholder(error.code() == u"checksum_mismatch"
                               ? tr("The downloaded result was damaged on the way. Select it again to retry.")
                               : tr("The result could not be downloaded: %1").arg(error.userMessage()));
            return;
        }
        m_currentPath = path;
        if (m_current->isVideo()) {
            m_viewer->clear();
            m_stack->setCurrentWidget(m_player);
            m_player->openFile(path, m_current->fps);
        } else {
            m_player->clear();
            m_viewer->openFile(path);
            m_stack->setCurrentWidget(m_viewer);
        }
        updateActions();
    });
}

QString ResultView::localPath() const
{
    return m_currentPath;
}

void ResultView::updateActions()
{
    const bool have = m_current.has_value();
    const bool local = have && !m_currentPath.isEmpty();
    const bool image = have && !m_current->isVideo();
    m_remix->setEnabled(have);
    m_vary->setEnabled(have);
    m_save->setEnabled(local);
    m_copy->setEnabled(local && image);
    m_copy->setVisible(!have || image);
    m_metadata->setVisible(!have || image);
    m_fit->setVisible(!have || image);
    m_actual->setVisible(!have || image);
    m_zoomLabel->setVisible(local && image);
    m_fit->setEnabled(local && image);
    m_actual->setEnabled(local && image);
}

void ResultView::saveCurrent()
{
    if (!m_current || m_currentPath.isEmpty())
        return;
    const core::Asset asset = *m_current;
    const QString source = m_currentPath;
    const QString folder = QStandardPaths::writableLocation(asset.isVideo() ? QStandardPaths::MoviesLocation
                                                                            : QStandardPaths::PicturesLocation);
    const QString base = tr("pygmi-%1-%2").arg(asset.generationId.left(8)).arg(asset.index + 1);
    QString target;
    if (asset.isVideo()) {
        const QString ext = QFileInfo(source).suffix();
        target = FileDialog::getSaveFileName(this, tr("Save video"), folder + u'/' + base + u'.' + ext,
                                             tr("Video (*.%1)").arg(ext));
        if (target.isEmpty())
            return;
        QFile::remove(target);
        if (!QFile::copy(source, target)) {
            m_status->setText(tr("The video could not be saved to %1.").arg(QDir::toNativeSeparators(target)));
            m_status->show();
            Q_EMIT saveFailed(m_status->text());
            return;
        }
        m_status->setText(tr("Saved to %1.").arg(QDir::toNativeSeparators(target)));
        m_status->show();
        Q_EMIT saved(target);
        return;
    }
    target = FileDialog::getSaveFileName(this, tr("Save image"), folder + u'/' + base + QStringLiteral(".png"),
                                         tr("PNG image (*.png);;JPEG image (*.jpg *.jpeg);;WebP image (*.webp)"));
    if (target.isEmpty())
        return;
    if (ImageExport::formatFor(target).isEmpty())
        target += QStringLiteral(".png");
    QByteArray metadata;
    if (m_metadata->isChecked()) {
        QJsonObject details = asset.params.toJson(false);
        details.insert(QStringLiteral("seed"), double(asset.params.seed.value_or(0)));
        details.insert(QStringLiteral("processed_by"), asset.processedBy);
        details.insert(QStringLiteral("created_at"), asset.createdAt.toString(Qt::ISODate));
        metadata = QJsonDocument(details).toJson(QJsonDocument::Compact);
    }
    m_save->setEnabled(false);
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, target] {
        watcher->deleteLater();
        const QString failure = watcher->result();
        updateActions();
        m_status->setText(failure.isEmpty() ? tr("Saved to %1.").arg(QDir::toNativeSeparators(target)) : failure);
        m_status->show();
        if (failure.isEmpty())
            Q_EMIT saved(target);
        else
            Q_EMIT saveFailed(failure);
    });
    watcher->setFuture(QtConcurrent::run(&ImageExport::save, source, target, metadata));
}

void ResultView::copyCurrent()
{
    if (!m_current || m_currentPath.isEmpty() || m_current->isVideo())
        return;
    auto *watcher = new QFutureWatcher<QImage>(this);
    connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QImage image = watcher->result();
        if (image.isNull())
            return;
        QGuiApplication::clipboard()->setImage(image);
        m_status->setText(tr("Copied to the clipboard."));
        m_status->show();
    });
    watcher->setFuture(QtConcurrent::run([path = m_currentPath] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        return reader.read();
    }));
}

} // namespace pygmi::ui
