#include "gallery/GalleryView.h"

#include "gallery/AssetListModel.h"
#include "gallery/GalleryDelegate.h"
#include "gallery/ThumbnailPipeline.h"

#include <QElapsedTimer>
#include <QResizeEvent>
#include <QScrollBar>

namespace pygmi::ui {

GalleryView::GalleryView(ThumbnailPipeline *thumbnails, QWidget *parent)
    : QListView(parent)
    , m_thumbnails(thumbnails)
{
    setObjectName(QStringLiteral("galleryGrid"));
    setAccessibleName(tr("Your creations"));
    setViewMode(QListView::IconMode);
    setMovement(QListView::Static);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionRectVisible(true);
    setWrapping(true);
    setSpacing(0);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    // A scroll bar that comes and goes would change the width the tiles are sized for (and
    // QListView lays out as if it were there anyway): keep it, so columns always fill the width.
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    verticalScrollBar()->setSingleStep(40);
    setMouseTracking(false);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Dragging across tiles selects them (icon mode would otherwise start a drag-and-drop).
    setDragEnabled(false);
    m_retainTimer.setSingleShot(true);
    m_retainTimer.setInterval(60);
    connect(&m_retainTimer, &QTimer::timeout, this, &GalleryView::retainVisible);
}

int GalleryView::paintedSide() const
{
    const auto *delegate = qobject_cast<GalleryDelegate *>(itemDelegate());
    return int((delegate ? delegate->tileSide() : 176) * devicePixelRatioF());
}

QSet<QString> GalleryView::wantedKeys() const
{
    QSet<QString> keys;
    const auto *assets = qobject_cast<core::AssetListModel *>(model());
    if (!assets || assets->rowCount() == 0)
        return keys;
    const int side = paintedSide();
    // From the first visible row to one screen below the last.
    const QModelIndex first = indexAt(QPoint(4, 4));
    QModelIndex last = indexAt(QPoint(viewport()->width() - 4, viewport()->height() * 2));
    const int from = first.isValid() ? first.row() : 0;
    const int to = last.isValid() ? last.row() : assets->rowCount() - 1;
    for (int row = from; row <= to && row < assets->rowCount(); ++row)
        keys.insert(ThumbnailPipeline::keyFor(assets->assetAt(row), side));
    return keys;
}

void GalleryView::retainVisible()
{
    m_thumbnails->retainOnly(wantedKeys());
}

void GalleryView::paintEvent(QPaintEvent *event)
{
    QElapsedTimer timer;
    timer.start();
    QListView::paintEvent(event);
    m_lastPaintNs = timer.nsecsElapsed();
    Q_EMIT painted(m_lastPaintNs);
}

void GalleryView::scrollContentsBy(int dx, int dy)
{
    QListView::scrollContentsBy(dx, dy);
    m_retainTimer.start();
}

void GalleryView::resizeEvent(QResizeEvent *event)
{
    QListView::resizeEvent(event);
    updateTileSize();
}

void GalleryView::updateTileSize()
{
    // Columns of about 180 px that fill the width exactly (no ragged gap on the right).
    auto *delegate = qobject_cast<GalleryDelegate *>(itemDelegate());
    if (!delegate)
        return;
    const int width = viewport()->width() - 2;
    const int columns = std::max(1, width / 186);
    const int side = std::max(96, width / columns - 6);
    if (side != delegate->tileSide()) {
        delegate->setTileSide(side);
        setGridSize(QSize(side + 6, side + 6));
        doItemsLayout(); // now, not after QListView's 100 ms resize delay: no half-laid-out first frame
    }
}

} // namespace pygmi::ui
