#pragma once

#include <QElapsedTimer>
#include <QImage>
#include <QPointF>
#include <QWidget>

namespace pygmi::ui {

// Shows one image: fitted to the window at first, zoomed with the wheel, a pinch or the
// keyboard (+, -, 0 fit, 1 actual size, arrows pan), panned by dragging. The file is decoded off
// the UI thread at the size the window needs; the full resolution is decoded only when the user
// zooms past that, so opening a very large image stays quick and light.
class ImageViewer : public QWidget
{
    Q_OBJECT

public:
    explicit ImageViewer(QWidget *parent = nullptr);

    void openFile(const QString &path);
    // A live low-resolution preview while a job runs (replaces what is shown).
    void showPreview(const QImage &image);
    void clear();

    QString filePath() const { return m_path; }
    QSize imageSize() const { return m_fullSize; }
    bool hasImage() const { return !m_fitted.isNull() || !m_full.isNull(); }
    bool isPreview() const { return m_preview; }
    bool isFitted() const { return m_fit; }
    // Screen pixels per image pixel (1.0 = actual size).
    double zoom() const;
    bool hasFullResolution() const { return !m_full.isNull(); }
    // Memory held by decoded pixels (for tests and benchmarks).
    qint64 decodedBytes() const { return m_fitted.sizeInBytes() + m_full.sizeInBytes(); }

public Q_SLOTS:
    void fitToWindow();
    void zoomToActualSize();
    void zoomIn();
    void zoomOut();

Q_SIGNALS:
    // The first frame of a newly opened file was painted.
    void imageShown();
    void zoomChanged(double zoom);
    void loadFailed(const QString &path);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    double fitZoom() const;
    void setZoom(double zoom, QPointF anchorInWidget);
    void clampCenter();
    void ensureFullResolution();
    void decodeFitted();
    QRectF imageRectInWidget() const;

    QString m_path;
    QSize m_fullSize;
    QImage m_fitted; // decoded at about the window's size
    QImage m_full; // decoded on demand when zoomed in
    bool m_preview = false;
    bool m_fit = true;
    double m_zoom = 1.0;
    QPointF m_center; // the image point at the middle of the widget
    QPoint m_dragStart;
    QPointF m_dragCenter;
    bool m_dragging = false;
    bool m_announcePending = false;
    bool m_fullRequested = false;
    quint64 m_generation = 0;
};

} // namespace pygmi::ui
