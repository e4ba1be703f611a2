#include "create/ProgressRing.h"

#include <QPainter>
#include <QPainterPath>

namespace pygmi::ui {

ProgressRing::ProgressRing(QWidget *parent)
    : QWidget(parent)
{
    setFixedSize(40, 40);
}

void ProgressRing::setFraction(double fraction)
{
    m_fraction = qBound(0.0, fraction, 1.0);
    update();
}

void ProgressRing::setIndeterminate(bool indeterminate)
{
    if (m_indeterminate == indeterminate)
        return;
    m_indeterminate = indeterminate;
    if (indeterminate && !m_timer)
        m_timer = startTimer(50);
    else if (!indeterminate && m_timer) {
        killTimer(m_timer);
        m_timer = 0;
    }
    update();
}

void ProgressRing::setDone(bool done)
{
    m_done = done;
    update();
}

void ProgressRing::setFailed(bool failed)
{
    m_failed = failed;
    update();
}

void ProgressRing::timerEvent(QTimerEvent *)
{
    m_angle = (m_angle + 24) % 360;
    update();
}

void ProgressRing::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF box = QRectF(rect()).adjusted(3, 3, -3, -3);
    const QPalette &pal = palette();
    QPen track(pal.color(QPalette::Mid), 3.5);
    painter.setPen(track);
    painter.drawEllipse(box);
    QColor accent = m_failed ? QColor(200, 60, 50) : pal.color(QPalette::Highlight);
    QPen arc(accent, 3.5, Qt::SolidLine, Qt::RoundCap);
    painter.setPen(arc);
    if (m_indeterminate) {
        painter.drawArc(box, (90 - m_angle) * 16, -100 * 16);
    } else if (m_done || m_fraction > 0) {
        painter.drawArc(box, 90 * 16, -int((m_done ? 1.0 : m_fraction) * 360 * 16));
    }
    painter.setPen(pal.color(QPalette::Text));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.75);
    painter.setFont(f);
    QString label;
    if (m_failed)
        label = QStringLiteral("!");
    else if (m_done)
        label = QStringLiteral("✓");
    else if (!m_indeterminate)
        label = QStringLiteral("%1%").arg(int(m_fraction * 100));
    painter.drawText(rect(), Qt::AlignCenter, label);
}

} // namespace pygmi::ui
