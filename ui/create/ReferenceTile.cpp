#include "create/ReferenceTile.h"

#include "create/ProgressRing.h"
#include "uploads/ReferenceLibrary.h"
#include "uploads/UploadManager.h"

#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLocale>
#include <QPixmap>
#include <QPointer>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace pygmi::ui {

namespace {

constexpr int kThumbSide = 56;

QImage scaledThumbnail(const QString &path)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    // Large photos decode at a reduced size: a thumbnail needs few pixels.
    if (size.isValid() && qMax(size.width(), size.height()) > kThumbSide * 4)
        reader.setScaledSize(size.scaled(kThumbSide * 4, kThumbSide * 4, Qt::KeepAspectRatio));
    const QImage image = reader.read();
    if (image.isNull())
        return {};
    return image.scaled(kThumbSide * 2, kThumbSide * 2, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

} // namespace

QString ReferenceTile::sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString ReferenceTile::metadataSummary(const core::UploadItem &item)
{
    if (item.state == core::UploadItem::State::Preparing)
        return tr("Checking for hidden data…");
    if (item.sha256.isEmpty())
        return {};
    QStringList names;
    for (const QString &code : item.metadataFound) {
        QString name;
        if (code == u"location")
            name = tr("location");
        else if (code == u"camera")
            name = tr("camera model");
        else if (code == u"owner")
            name = tr("owner name");
        else if (code == u"capture_time")
            name = tr("capture time");
        else if (code == u"software")
            name = tr("software");
        else if (code == u"generation_parameters")
            name = tr("generation parameters");
        else if (code == u"text")
            name = tr("embedded text");
        else if (code == u"comment")
            name = tr("comment");
        else if (code == u"exif")
            name = tr("EXIF");
        else if (code == u"xmp")
            name = tr("XMP");
        else if (code == u"iptc")
            name = tr("IPTC");
        else if (code == u"video_metadata")
            name = tr("video tags");
        else
            name = tr("other metadata");
        names.append(name);
    }
    if (names.isEmpty())
        return tr("No hidden metadata found.");
    if (item.keepMetadata)
        return tr("Kept as you chose: %1").arg(names.join(tr(", ")));
    QStringList parts;
    for (const QString &name : std::as_const(names))
        parts.append(tr("%1 removed").arg(name));
    QString text = parts.join(tr(", "));
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QString ReferenceTile::errorText(const core::UploadItem &item)
{
    const QString &code = item.errorCode;
    if (code == u"unsupported_type")
        return tr("Not a PNG, JPEG or WebP image or a WebM or MP4 video.");
    if (code == u"empty_file")
        return tr("The file is empty.");
    if (code == u"too_large")
        return tr("The file is too large for a reference.");
    if (code == u"corrupt")
        return tr("The file is damaged or incomplete.");
    if (code == u"unreadable")
        return tr("The file could not be read.");
    if (code == u"io_error")
        return tr("A private copy for the upload could not be written.");
    if (code == u"file_changed")
        return tr("The file changed after it was added. Resume to send it as it is now.");
    if (code == u"unauthorized" || code == u"token_expired")
        return tr("Sign in again to continue this upload.");
    if (!item.errorMessage.isEmpty())
        return item.errorMessage; // the server's own words (e.g. too many pixels, quota)
    return tr("The upload failed.");
}

QString ReferenceTile::statusText(const core::UploadItem &item)
{
    using State = core::UploadItem::State;
    switch (item.state) {
    case State::Preparing:
        return tr("Preparing…");
    case State::Queued:
        return tr("Waiting to upload · %1").arg(sizeText(item.size));
    case State::Uploading: {
        const QString done = tr("%1 of %2").arg(sizeText(item.bytesSent()), sizeText(item.size));
        if (item.bytesPerSecond <= 0)
            return done;
        const QString speed = tr("%1/s").arg(sizeText(qint64(item.bytesPerSecond)));
        if (item.etaSeconds < 0)
            return tr("%1 · %2").arg(done, speed);
        const QString left = item.etaSeconds >= 60 ? tr("%1 min left").arg((item.etaSeconds + 59) / 60)
                                                   : tr("%1 s left").arg(item.etaSeconds);
        return tr("%1 · %2 · %3").arg(done, speed, left);
    }
    case State::Paused:
        return tr("Paused at %1 of %2").arg(sizeText(item.bytesSent()), sizeText(item.size));
    case State::Retrying:
        return tr("Connection lost · retrying in %n s", nullptr, item.retryInSeconds);
    case State::Done:
        return tr("Uploaded · %1").arg(sizeText(item.size));
    case State::Failed:
        return errorText(item);
    }
    return {};
}

ReferenceTile::ReferenceTile(core::UploadManager *uploads, core::ReferenceLibrary *library, const QString &id,
                             QWidget *parent)
    : QFrame(parent)
    , m_uploads(uploads)
    , m_library(library)
    , m_id(id)
    , m_thumbnail(new QLabel(this))
    , m_name(new QLabel(this))
    , m_status(new QLabel(this))
    , m_metadata(new QLabel(this))
    , m_ring(new ProgressRing(this))
    , m_pause(new QPushButton(this))
    , m_remove(new QPushButton(this))
    , m_strength(new QSlider(Qt::Horizontal, this))
    , m_strengthValue(new QLabel(this))
{
    setObjectName(QStringLiteral("referenceTile"));
    setFrameShape(QFrame::StyledPanel);
    m_thumbnail->setObjectName(QStringLiteral("referenceThumbnail"));
    m_thumbnail->setFixedSize(kThumbSide, kThumbSide);
    m_thumbnail->setAlignment(Qt::AlignCenter);
    m_thumbnail->setAutoFillBackground(true);
    m_thumbnail->setBackgroundRole(QPalette::AlternateBase);
    m_name->setObjectName(QStringLiteral("referenceName"));
    QFont bold = m_name->font();
    bold.setBold(true);
    m_name->setFont(bold);
    m_name->setMinimumWidth(60);
    m_name->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // elided to the room there is
    m_status->setObjectName(QStringLiteral("referenceStatus"));
    m_status->setWordWrap(true);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_metadata->setObjectName(QStringLiteral("referenceMetadata"));
    m_metadata->setWordWrap(true);
    m_metadata->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_metadata->setForegroundRole(QPalette::PlaceholderText);
    m_ring->setObjectName(QStringLiteral("referenceProgress"));
    m_pause->setObjectName(QStringLiteral("referencePause"));
    m_remove->setObjectName(QStringLiteral("referenceRemove"));
    m_strength->setObjectName(QStringLiteral("referenceStrength"));
    m_strength->setRange(0, 100);
    m_strength->setAccessibleName(tr("Reference strength"));
    m_strength->setToolTip(tr("How strongly this reference guides the result: 0 % ignores it, 100 % follows it "
                              "closely."));
    m_strengthValue->setObjectName(QStringLiteral("referenceStrengthValue"));
    m_strengthValue->setMinimumWidth(m_strengthValue->fontMetrics().horizontalAdvance(QStringLiteral("100 %")));

    auto *text = new QVBoxLayout;
    text->setSpacing(2);
    text->addWidget(m_name);
    text->addWidget(m_status);
    auto *top = new QHBoxLayout;
    top->addWidget(m_thumbnail);
    top->addLayout(text, 1);
    top->addWidget(m_ring, 0, Qt::AlignTop);
    auto *strengthLine = new QHBoxLayout;
    auto *strengthLabel = new QLabel(tr("Strength"), this);
    strengthLabel->setBuddy(m_strength);
    strengthLine->addWidget(strengthLabel);
    strengthLine->addWidget(m_strength, 1);
    strengthLine->addWidget(m_strengthValue);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    layout->addLayout(top);
    layout->addWidget(m_metadata);
    layout->addLayout(strengthLine);
    layout->addLayout(buttons);

    connect(m_pause, &QPushButton::clicked, this, [this] {
        const auto item = m_uploads->item(m_id);
        if (!item)
            return;
        if (item->state == core::UploadItem::State::Paused || item->state == core::UploadItem::State::Failed)
            m_uploads->resume(m_id);
        else
            m_uploads->pause(m_id);
    });
    connect(m_remove, &QPushButton::clicked, this, [this] { m_uploads->remove(m_id); });
    connect(m_strength, &QSlider::valueChanged, this, [this](int value) {
        m_strengthValue->setText(tr("%1 %").arg(value));
        m_uploads->setStrength(m_id, value / 100.0);
    });
    connect(m_uploads, &core::UploadManager::itemChanged, this, [this](const QString &changed) {
        if (changed == m_id)
            refresh();
    });
    refresh();
}

void ReferenceTile::loadThumbnail(const core::UploadItem &item)
{
    if (m_thumbnailLoaded)
        return;
    if (item.media == u"image" && !item.sourcePath.isEmpty()) {
        m_thumbnailLoaded = true;
        auto *watcher = new QFutureWatcher<QImage>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
            watcher->deleteLater();
            const QImage image = watcher->result();
            if (!image.isNull()) {
                QPixmap pixmap = QPixmap::fromImage(image);
                pixmap.setDevicePixelRatio(2.0);
                m_thumbnail->setPixmap(pixmap);
            }
        });
        watcher->setFuture(QtConcurrent::run(&scaledThumbnail, item.sourcePath));
        return;
    }
    // Videos (and references from the library): the server's thumbnail once it has one.
    if (m_library && item.state == core::UploadItem::State::Done && !item.referenceId.isEmpty()) {
        m_thumbnailLoaded = true;
        m_library->thumbnail(item.referenceId, this, [this](const QByteArray &bytes, const core::ApiError &error) {
            QImage image;
            if (!error && image.loadFromData(bytes)) {
                QPixmap pixmap = QPixmap::fromImage(
                    image.scaled(kThumbSide * 2, kThumbSide * 2, Qt::KeepAspectRatio, Qt::SmoothTransformation));
                pixmap.setDevicePixelRatio(2.0);
                m_thumbnail->setPixmap(pixmap);
            }
        });
        return;
    }
    if (item.media == u"video")
        m_thumbnail->setText(QStringLiteral("▶"));
}

void ReferenceTile::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    refresh(); // the name is elided to the new width
}

void ReferenceTile::refresh()
{
    const auto found = m_uploads->item(m_id);
    if (!found)
        return;
    const core::UploadItem &item = *found;
    using State = core::UploadItem::State;
    m_name->setText(m_name->fontMetrics().elidedText(item.fileName, Qt::ElideMiddle, qMax(80, m_name->width())));
    m_name->setToolTip(item.fileName);
    m_status->setText(statusText(item));
    m_metadata->setText(metadataSummary(item));
    m_metadata->setVisible(!m_metadata->text().isEmpty());
    m_ring->setIndeterminate(item.state == State::Preparing);
    m_ring->setFailed(item.state == State::Failed);
    m_ring->setDone(item.state == State::Done);
    m_ring->setFraction(item.size > 0 ? double(item.bytesSent()) / double(item.size) : 0.0);
    m_ring->setAccessibleName(tr("Upload progress of %1").arg(item.fileName));
    m_ring->setToolTip(statusText(item));

    const bool paused = item.state == State::Paused;
    const bool failed = item.state == State::Failed;
    m_pause->setText(paused || failed ? tr("Resume") : tr("Pause"));
    m_pause->setAccessibleName(paused || failed ? tr("Resume uploading %1").arg(item.fileName)
                                                : tr("Pause uploading %1").arg(item.fileName));
    m_pause->setVisible(item.state != State::Done && item.state != State::Preparing);
    const bool finished = item.state == State::Done || failed;
    m_remove->setText(finished ? tr("Remove") : tr("Cancel"));
    m_remove->setAccessibleName(finished ? tr("Remove %1 from this request").arg(item.fileName)
                                         : tr("Cancel the upload of %1").arg(item.fileName));
    m_remove->setToolTip(finished ? tr("Take this reference out of the request. It stays in your reference "
                                       "library until it expires or you delete it.")
                                  : tr("Stop the upload; the part already sent is deleted on the server."));
    {
        QSignalBlocker blocker(m_strength);
        m_strength->setValue(int(item.strength * 100 + 0.5));
    }
    m_strengthValue->setText(tr("%1 %").arg(m_strength->value()));
    setAccessibleName(tr("Reference %1: %2").arg(item.fileName, statusText(item)));
    loadThumbnail(item);
}

} // namespace pygmi::ui
