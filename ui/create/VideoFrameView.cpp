#include "create/VideoFrameView.h"

#include <QPainter>
#include <QVideoFrame>
#include <QVideoSink>

namespace pygmi::ui {

VideoFrameView::VideoFrameView(QWidget *parent)
    : QWidget(parent)
    , m_sink(new QVideoSink(this))
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(m_sink, &QVideoSink::videoFrameChanged, this, &VideoFrameView::onFrame);
}

void VideoFrameView::clear()
{
    m_frame = QImage();
    update();
}

void VideoFrameView::onFrame(const QVideoFrame &frame)
{
    if (!frame.isValid())
        return; // keep the last picture (end of the video, stop)
    m_frame = frame.toImage();
    update();
}

void VideoFrameView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base).darker(104));
    if (m_frame.isNull())
        return;
    const QSize size = m_frame.size().scaled(this->size(), Qt::KeepAspectRatio);
    const QRect target(QPoint((width() - size.width()) / 2, (height() - size.height()) / 2), size);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(target, m_frame);
}

} // namespace pygmi::ui
