#include "create/JobDelegate.h"

#include "generation/JobListModel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QStyleOptionProgressBar>

namespace pygmi::ui {

namespace {
constexpr int kThumb = 56;
constexpr int kPad = 8;

QColor stateColor(core::Generation::State state, const QPalette &palette)
{
    using State = core::Generation::State;
    switch (state) {
    case State::Succeeded:
        return QColor(0x2e, 0x9d, 0x5b);
    case State::Failed:
    case State::Blocked:
        return QColor(0xd6, 0x33, 0x4a);
    case State::Cancelled:
        return palette.color(QPalette::PlaceholderText);
    case State::Running:
        return palette.color(QPalette::Highlight);
    case State::Queued:
        break;
    }
    return palette.color(QPalette::PlaceholderText);
}
} // namespace

JobDelegate::JobDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
    , m_previews(40)
{ }

QString JobDelegate::stateText(const core::Generation &job)
{
    using State = core::Generation::State;
    switch (job.state) {
    case State::Queued:
        return tr("Waiting");
    case State::Running:
        return job.total > 0 ? tr("Working · step %1 of %2").arg(job.step).arg(job.total) : tr("Working");
    case State::Succeeded:
        return job.assets.size() == 1 ? tr("Done · 1 result") : tr("Done · %1 results").arg(job.assets.size());
    case State::Failed:
        return tr("Failed");
    case State::Cancelled:
        return tr("Cancelled");
    case State::Blocked:
        return tr("Blocked by the content policy");
    }
    return {};
}

QSize JobDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto job = index.data(core::JobListModel::GenerationRole).value<core::Generation>();
    const bool reason = job.state == core::Generation::State::Failed || job.state == core::Generation::State::Blocked;
    const int lines = reason ? 4 : 3;
    return QSize(option.rect.width() > 0 ? option.rect.width() : 280,
                 std::max(kThumb + 2 * kPad, lines * option.fontMetrics.height() + 2 * kPad + 6));
}

void JobDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto job = index.data(core::JobListModel::GenerationRole).value<core::Generation>();
    const QByteArray preview = index.data(core::JobListModel::PreviewRole).toByteArray();
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    const QRect r = option.rect.adjusted(2, 2, -2, -2);
    QPainterPath card;
    card.addRoundedRect(r, 6, 6);
    painter->fillPath(
        card, selected ? pal.color(QPalette::Highlight).lighter(selected ? 100 : 100) : pal.color(QPalette::Base));
    if (!selected) {
        painter->setPen(pal.color(QPalette::Mid));
        painter->drawPath(card);
    }
    const QColor text = selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);

    // Thumbnail: live preview, or a tile saying what kind of result this makes.
    const QRect thumb(r.left() + kPad, r.top() + kPad, kThumb, kThumb);
    QImage image;
    if (!preview.isEmpty()) {
        const QString key = job.id + QString::number(preview.size()) + QString::number(qHash(preview.left(64)));
        if (QImage *cached = m_previews.object(key)) {
            image = *cached;
        } else {
            QImage decoded;
            if (decoded.loadFromData(preview)) {
                decoded
                    = decoded.scaled(kThumb * 2, kThumb * 2, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
                m_previews.insert(key, new QImage(decoded));
                image = decoded;
            }
        }
    }
    QPainterPath thumbPath;
    thumbPath.addRoundedRect(thumb, 4, 4);
    painter->fillPath(thumbPath, pal.color(QPalette::AlternateBase));
    if (!image.isNull()) {
        painter->setClipPath(thumbPath);
        const QRect src = QRect(QPoint(0, 0), QSize(kThumb, kThumb).scaled(image.size(), Qt::KeepAspectRatio));
        painter->drawImage(thumb, image,
                           src.translated((image.width() - src.width()) / 2, (image.height() - src.height()) / 2));
        painter->setClipping(false);
    } else {
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawText(thumb, Qt::AlignCenter, job.request.isVideo() ? tr("Video") : tr("Image"));
    }

    const int x = thumb.right() + kPad + 2;
    const int w = r.right() - kPad - x;
    const QFontMetrics fm = option.fontMetrics;
    int y = r.top() + kPad;
    painter->setPen(text);
    painter->drawText(QRect(x, y, w, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(job.request.prompt.simplified(), Qt::ElideRight, w));
    y += fm.height() + 2;

    QFont small = option.font;
    small.setPointSizeF(small.pointSizeF() * 0.92);
    painter->setFont(small);
    const QFontMetrics sfm(small);
    painter->setPen(selected ? text : stateColor(job.state, pal));
    painter->drawText(QRect(x, y, w, sfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      sfm.elidedText(stateText(job), Qt::ElideRight, w));
    y += sfm.height() + 3;

    using State = core::Generation::State;
    if (job.state == State::Running || job.state == State::Queued) {
        const QRect bar(x, y + 2, w, 6);
        QPainterPath track;
        track.addRoundedRect(bar, 3, 3);
        painter->fillPath(track, pal.color(QPalette::Mid).lighter(130));
        if (job.total > 0 && job.step > 0) {
            QRect done = bar;
            done.setWidth(std::max(6, int(double(bar.width()) * job.step / job.total)));
            QPainterPath fill;
            fill.addRoundedRect(done, 3, 3);
            painter->fillPath(fill, selected ? text : pal.color(QPalette::Highlight));
        }
    } else if (job.state == State::Failed || job.state == State::Blocked) {
        const QString reason = index.data(core::JobListModel::FailureTextRole).toString();
        painter->setPen(selected ? text : pal.color(QPalette::PlaceholderText));
        painter->drawText(QRect(x, y, w, sfm.height() * 2), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, reason);
    } else {
        painter->setPen(selected ? text : pal.color(QPalette::PlaceholderText));
        const QString detail = job.request.isVideo()
            ? tr("Video · %1×%2 · %3 s").arg(job.request.width).arg(job.request.height).arg(job.request.durationS)
            : tr("Image · %1×%2").arg(job.request.width).arg(job.request.height);
        painter->drawText(QRect(x, y, w, sfm.height()), Qt::AlignLeft | Qt::AlignVCenter, detail);
    }
    painter->restore();
}

} // namespace pygmi::ui
