#pragma once

#include <QDateTime>
#include <QStyledItemDelegate>
#include <functional>

namespace pygmi::ui {

class ThumbnailPipeline;

// One tile of the gallery grid: the thumbnail cropped to a square, and badges for a video's
// duration, a favourite, and the time left before the server deletes it ("Deleted in 6 days",
// highlighted when close). Every tile has the same size (uniformItemSizes).
class GalleryDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit GalleryDelegate(ThumbnailPipeline *thumbnails, QObject *parent = nullptr);

    void setTileSide(int side);
    int tileSide() const { return m_side; }
    // The clock for "deleted in …" (tests move it).
    void setNow(std::function<QDateTime()> now) { m_now = std::move(now); }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // "Deleted in 6 days" / "Deleted in 5 hours" / "Deleted soon"; `urgent` when 3 days or less.
    static QString retentionText(const QDateTime &expiresAt, const QDateTime &now, bool *urgent);
    static QString durationText(double seconds);

private:
    ThumbnailPipeline *m_thumbnails;
    int m_side = 176;
    std::function<QDateTime()> m_now;
};

} // namespace pygmi::ui
