#pragma once

#include <QListView>
#include <QSet>
#include <QTimer>

namespace pygmi::ui {

class ThumbnailPipeline;

// The grid: a QListView in icon mode with uniform tiles and extended selection (click, Shift,
// Ctrl, Ctrl+A, rubber band). After each scroll it tells the thumbnail pipeline which items are
// on screen (plus a screen of look-ahead), so work for the others is dropped. It also measures
// how long each paint takes, for the benchmark.
class GalleryView : public QListView
{
    Q_OBJECT

public:
    GalleryView(ThumbnailPipeline *thumbnails, QWidget *parent = nullptr);

    // Thumbnail keys of the rows on screen and just below.
    QSet<QString> wantedKeys() const;
    qint64 lastPaintNs() const { return m_lastPaintNs; }
    int paintedSide() const;

Q_SIGNALS:
    void painted(qint64 nanoseconds);

protected:
    void paintEvent(QPaintEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateTileSize();
    void retainVisible();

    ThumbnailPipeline *m_thumbnails;
    QTimer m_retainTimer;
    qint64 m_lastPaintNs = 0;
};

} // namespace pygmi::ui
