#pragma once

#include <QImage>
#include <QWidget>

class QVideoFrame;
class QVideoSink;

namespace pygmi::ui {

// Paints the frames of a QMediaPlayer itself (through a QVideoSink) instead of a native video
// surface, so the picture is there in screenshots, on every platform plugin, and the last
// frame stays on screen at the end.
class VideoFrameView : public QWidget
{
    Q_OBJECT

public:
    explicit VideoFrameView(QWidget *parent = nullptr);

    QVideoSink *sink() const { return m_sink; }
    bool hasFrame() const { return !m_frame.isNull(); }
    void clear();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void onFrame(const QVideoFrame &frame);

    QVideoSink *m_sink;
    QImage m_frame;
};

} // namespace pygmi::ui
