#include "create/ImageViewer.h"

#include <QFutureWatcher>
#include <QGestureEvent>
#include <QImageReader>
#include <QKeyEvent>
#include <QNativeGestureEvent>
#include <QPainter>
#include <QPinchGesture>
#include <QtConcurrent>
#include <cmath>

namespace pygmi::ui {

namespace {

constexpr double kMinZoom = 0.02;
constexpr double kMaxZoom = 32.0;
constexpr double kStep = 1.25;

struct Decoded
{
    QImage image;
    QSize fullSize;
};

// Runs on a pool thread. `target` empty = full resolution.
Decoded decode(const QString &path, QSize target)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    // Generated images are big but not absurd; this keeps a hostile file from taking all memory.
    QImageReader::setAllocationLimit(1024);
    Decoded d;
    d.fullSize = reader.size();
    if (target.isValid() && d.fullSize.isValid()
        && (d.fullSize.width() > target.width() || d.fullSize.height() > target.height()))
        reader.setScaledSize(d.fullSize.scaled(target, Qt::KeepAspectRatio));
    d.image = reader.read();
    if (!d.fullSize.isValid())
        d.fullSize = d.image.size();
    return d;
}

} // namespace

ImageViewer::ImageViewer(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("imageViewer"));
    setAccessibleName(tr("Image"));
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 160);
    setAttribute(Qt::WA_OpaquePaintEvent);
    grabGesture(Qt::PinchGesture);
}

void ImageViewer::openFile(const QString &path)
{
    m_path = path;
    // A live preview stays on screen until the result is decoded (no blank flash).
    m_full = QImage();
    m_fullRequested = false;
    m_fit = true;
    ++m_generation;
    decodeFitted();
}

void ImageViewer::decodeFitted()
{
    const quint64 generation = m_generation;
    const QString path = m_path;
    const QSize target = (size() * devicePixelRatioF()).expandedTo(QSize(512, 512));
    auto *watcher = new QFutureWatcher<Decoded>(this);
    connect(watcher, &QFutureWatcher<Decoded>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // another file was opened meanwhile
        const Decoded d = watcher->result();
        if (d.image.isNull()) {
            Q_EMIT loadFailed(m_path);
            return;
        }
        const bool first = m_fitted.isNull() || m_fullSize != d.fullSize || m_preview;
        m_fitted = d.image;
        m_fullSize = d.fullSize;
        m_preview = false;
        if (first) {
            m_center = QPointF(m_fullSize.width() / 2.0, m_fullSize.height() / 2.0);
        }
        if (d.image.size() == d.fullSize)
            m_full = d.image; // small enough: this is already the full resolution
        m_announcePending = true;
        setAccessibleDescription(tr("%1 × %2 pixels").arg(m_fullSize.width()).arg(m_fullSize.height()));
        update();
        Q_EMIT zoomChanged(zoom());
    });
    watcher->setFuture(QtConcurrent::run(decode, path, target));
}

void ImageViewer::showPreview(const QImage &image)
{
    if (image.isNull())
        return;
    ++m_generation;
    m_path.clear();
    m_preview = true;
    m_fitted = image;
    m_full = QImage();
    m_fullSize = image.size();
    m_fit = true;
    m_center = QPointF(m_fullSize.width() / 2.0, m_fullSize.height() / 2.0);
    update();
}

void ImageViewer::clear()
{
    ++m_generation;
    m_path.clear();
    m_fitted = QImage();
    m_full = QImage();
    m_fullSize = QSize();
    m_preview = false;
    update();
}

double ImageViewer::fitZoom() const
{
    if (m_fullSize.isEmpty() || width() <= 0 || height() <= 0)
        return 1.0;
    return std::min(double(width()) / m_fullSize.width(), double(height()) / m_fullSize.height());
}

double ImageViewer::zoom() const
{
    return m_fit ? fitZoom() : m_zoom;
}

void ImageViewer::fitToWindow()
{
    m_fit = true;
    m_center = QPointF(m_fullSize.width() / 2.0, m_fullSize.height() / 2.0);
    update();
    Q_EMIT zoomChanged(zoom());
}

void ImageViewer::zoomToActualSize()
{
    setZoom(1.0 / devicePixelRatioF(), rect().center());
}

void ImageViewer::zoomIn()
{
    setZoom(zoom() * kStep, rect().center());
}

void ImageViewer::zoomOut()
{
    setZoom(zoom() / kStep, rect().center());
}

void ImageViewer::setZoom(double newZoom, QPointF anchor)
{
    if (m_fullSize.isEmpty())
        return;
    const double old = zoom();
    newZoom = std::clamp(newZoom, std::min(kMinZoom, fitZoom()), kMaxZoom);
    // Keep the image point under the anchor where it is.
    const QPointF viewCenter(width() / 2.0, height() / 2.0);
    const QPointF imagePoint = m_center + (anchor - viewCenter) / old;
    m_center = imagePoint - (anchor - viewCenter) / newZoom;
    m_zoom = newZoom;
    m_fit = false;
    clampCenter();
    ensureFullResolution();
    update();
    Q_EMIT zoomChanged(zoom());
}

void ImageViewer::clampCenter()
{
    const double z = zoom();
    const double halfW = width() / 2.0 / z;
    const double halfH = height() / 2.0 / z;
    const auto clampAxis = [](double c, double half, double size) {
        if (size <= 2 * half)
            return size / 2; // smaller than the window: centred
        return std::clamp(c, half, size - half);
    };
    m_center.setX(clampAxis(m_center.x(), halfW, m_fullSize.width()));
    m_center.setY(clampAxis(m_center.y(), halfH, m_fullSize.height()));
}

void ImageViewer::ensureFullResolution()
{
    if (m_preview || m_path.isEmpty() || !m_full.isNull() || m_fullRequested || m_fitted.isNull())
        return;
    // The fitted decode is enough until the screen shows more pixels than it has.
    if (zoom() * devicePixelRatioF() <= double(m_fitted.width()) / m_fullSize.width() * 1.01)
        return;
    m_fullRequested = true;
    const quint64 generation = m_generation;
    auto *watcher = new QFutureWatcher<Decoded>(this);
    connect(watcher, &QFutureWatcher<Decoded>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_full = watcher->result().image;
        update();
    });
    watcher->setFuture(QtConcurrent::run(decode, m_path, QSize()));
}

QRectF ImageViewer::imageRectInWidget() const
{
    const double z = zoom();
    const QPointF center = m_fit ? QPointF(m_fullSize.width() / 2.0, m_fullSize.height() / 2.0) : m_center;
    const QPointF topLeft = QPointF(width() / 2.0, height() / 2.0) - center * z;
    return QRectF(topLeft, QSizeF(m_fullSize) * z);
}

void ImageViewer::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base).darker(104));
    if (m_fitted.isNull() && m_full.isNull())
        return;
    const QRectF target = imageRectInWidget();
    const double z = zoom() * devicePixelRatioF();
    const bool useFull = !m_full.isNull() && (m_fitted.isNull() || z > double(m_fitted.width()) / m_fullSize.width());
    const QImage &source = useFull ? m_full : m_fitted;
    // Smooth when shrinking; sharp pixels when looking closely.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, z < 2.0 || m_preview);
    if (useFull) {
        // Only the visible part: drawing a huge image through a transform costs its full size.
        const QRectF visible = target.intersected(QRectF(rect()));
        const double sx = source.width() / target.width();
        const double sy = source.height() / target.height();
        const QRectF sourceRect((visible.left() - target.left()) * sx, (visible.top() - target.top()) * sy,
                                visible.width() * sx, visible.height() * sy);
        painter.drawImage(visible, source, sourceRect);
    } else {
        painter.drawImage(target, source);
    }
    if (m_announcePending) {
        m_announcePending = false;
        QMetaObject::invokeMethod(this, &ImageViewer::imageShown, Qt::QueuedConnection);
    }
}

void ImageViewer::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (!m_fit)
        clampCenter();
    // A much bigger window deserves a sharper fitted image.
    if (!m_path.isEmpty() && !m_fitted.isNull() && m_full.isNull()
        && (width() * devicePixelRatioF() > m_fitted.width() * 1.5
            || height() * devicePixelRatioF() > m_fitted.height() * 1.5)
        && m_fitted.size() != m_fullSize)
        decodeFitted();
    Q_EMIT zoomChanged(zoom());
}

void ImageViewer::wheelEvent(QWheelEvent *event)
{
    if (!hasImage())
        return;
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0)
        return;
    setZoom(zoom() * std::pow(kStep, steps), event->position());
    event->accept();
}

void ImageViewer::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_fit) {
        m_dragging = true;
        m_dragStart = event->position().toPoint();
        m_dragCenter = m_center;
        setCursor(Qt::ClosedHandCursor);
    }
    setFocus();
}

void ImageViewer::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return;
    m_center = m_dragCenter - QPointF(event->position().toPoint() - m_dragStart) / zoom();
    clampCenter();
    update();
}

void ImageViewer::mouseReleaseEvent(QMouseEvent *)
{
    m_dragging = false;
    unsetCursor();
}

void ImageViewer::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (m_fit)
        setZoom(1.0 / devicePixelRatioF(), event->position());
    else
        fitToWindow();
}

void ImageViewer::keyPressEvent(QKeyEvent *event)
{
    const double pan = 64.0 / zoom();
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_0:
        fitToWindow();
        return;
    case Qt::Key_1:
        zoomToActualSize();
        return;
    case Qt::Key_Left:
        m_center.rx() -= pan;
        break;
    case Qt::Key_Right:
        m_center.rx() += pan;
        break;
    case Qt::Key_Up:
        m_center.ry() -= pan;
        break;
    case Qt::Key_Down:
        m_center.ry() += pan;
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    if (!m_fit) {
        clampCenter();
        update();
    }
}

bool ImageViewer::event(QEvent *event)
{
    if (event->type() == QEvent::Gesture) {
        auto *gestures = static_cast<QGestureEvent *>(event);
        if (auto *pinch = static_cast<QPinchGesture *>(gestures->gesture(Qt::PinchGesture))) {
            if (pinch->changeFlags() & QPinchGesture::ScaleFactorChanged)
                setZoom(zoom() * pinch->scaleFactor(), mapFromGlobal(pinch->centerPoint().toPoint()));
            gestures->accept(pinch);
            return true;
        }
    }
    if (event->type() == QEvent::NativeGesture) {
        auto *native = static_cast<QNativeGestureEvent *>(event);
        if (native->gestureType() == Qt::ZoomNativeGesture) {
            setZoom(zoom() * (1.0 + native->value()), native->position());
            return true;
        }
    }
    return QWidget::event(event);
}

} // namespace pygmi::ui
