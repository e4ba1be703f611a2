#include "gallery/GalleryDelegate.h"

#include "gallery/AssetListModel.h"
#include "gallery/ThumbnailPipeline.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace pygmi::ui {

namespace {
constexpr int kGap = 6; // between tiles
constexpr int kRadius = 6;
} // namespace

GalleryDelegate::GalleryDelegate(ThumbnailPipeline *thumbnails, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_thumbnails(thumbnails)
    , m_now([] { return QDateTime::currentDateTimeUtc(); })
{ }

void GalleryDelegate::setTileSide(int side)
{
    m_side = side;
    Q_EMIT sizeHintChanged({});
}

QSize GalleryDelegate::sizeHint(const QStyleOptionViewItem &, const QModelIndex &) const
{
    return QSize(m_side + kGap, m_side + kGap);
}

QString GalleryDelegate::retentionText(const QDateTime &expiresAt, const QDateTime &now, bool *urgent)
{
    const qint64 seconds = now.secsTo(expiresAt);
    *urgent = seconds <= 3LL * 24 * 3600;
    if (!expiresAt.isValid())
        return {};
    if (seconds <= 3600)
        return tr("Deleted soon");
    if (seconds < 2LL * 24 * 3600) {
        const int hours = int(seconds / 3600);
        return hours == 1 ? tr("Deleted in 1 hour") : tr("Deleted in %1 hours").arg(hours);
    }
    // A started day counts: a result made just now is "deleted in 30 days".
    return tr("Deleted in %1 days").arg((seconds + 24 * 3600 - 1) / (24 * 3600));
}

QString GalleryDelegate::durationText(double seconds)
{
    const int total = int(seconds + 0.5);
    return QStringLiteral("%1:%2").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'));
}

void GalleryDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto *model = qobject_cast<const core::AssetListModel *>(index.model());
    if (!model)
        return;
    const core::Asset &asset = model->assetAt(index.row());
    const QRect tile = option.rect.adjusted(kGap / 2, kGap / 2, -kGap / 2, -kGap / 2);
    const QPalette &palette = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    QPainterPath clip;
    clip.addRoundedRect(QRectF(tile), kRadius, kRadius);
    painter->fillPath(clip, palette.color(QPalette::AlternateBase));

    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const QImage image = m_thumbnails->image(asset, int(m_side * dpr));
    if (!image.isNull()) {
        // Crop to a square from the middle (like a contact sheet).
        const QSize size = image.size();
        const int side = std::min(size.width(), size.height());
        const QRect source((size.width() - side) / 2, (size.height() - side) / 2, side, side);
        painter->setClipPath(clip);
        painter->setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter->drawImage(tile, image, source);
        painter->setClipping(false);
    }

    QFont small = option.font;
    small.setPointSizeF(std::max(7.0, small.pointSizeF() * 0.85));
    painter->setFont(small);
    const QFontMetrics metrics(small);
    const auto badge = [&](const QRect &rect, const QString &text, const QColor &background) {
        QPainterPath path;
        path.addRoundedRect(QRectF(rect), 4, 4);
        painter->fillPath(path, background);
        painter->setPen(Qt::white);
        painter->drawText(rect, Qt::AlignCenter, text);
    };
    if (asset.isVideo()) {
        const QString text = QStringLiteral("▶ ") + durationText(asset.durationS);
        const QRect rect(tile.left() + 6, tile.top() + 6, metrics.horizontalAdvance(text) + 10, metrics.height() + 4);
        badge(rect, text, QColor(0, 0, 0, 170));
    }
    if (asset.favourite) {
        const QString star = QStringLiteral("★");
        const QRect rect(tile.right() - metrics.height() - 10, tile.top() + 6, metrics.height() + 6,
                         metrics.height() + 4);
        badge(rect, star, QColor(0xe0, 0x9b, 0x12, 230));
    }
    bool urgent = false;
    const QString left = retentionText(asset.expiresAt, m_now(), &urgent);
    if (!left.isEmpty()) {
        const QString text = metrics.elidedText(left, Qt::ElideRight, tile.width() - 16);
        const QRect rect(tile.left() + 6, tile.bottom() - metrics.height() - 9, metrics.horizontalAdvance(text) + 10,
                         metrics.height() + 4);
        badge(rect, text, urgent ? QColor(0xc6, 0x28, 0x28, 235) : QColor(0, 0, 0, 150));
    }
    if (selected || (option.state & QStyle::State_HasFocus)) {
        QPen pen(palette.color(QPalette::Highlight), selected ? 4 : 1.5);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(tile).adjusted(1.5, 1.5, -1.5, -1.5), kRadius, kRadius);
        if (selected) {
            const QRect check(tile.right() - 26, tile.bottom() - 26, 20, 20);
            painter->setBrush(palette.color(QPalette::Highlight));
            painter->setPen(Qt::NoPen);
            painter->drawEllipse(check);
            painter->setPen(QPen(palette.color(QPalette::HighlightedText), 2));
            painter->drawText(check, Qt::AlignCenter, QStringLiteral("✓"));
        }
    }
    painter->restore();
}

} // namespace pygmi::ui
