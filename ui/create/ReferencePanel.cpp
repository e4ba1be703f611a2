#include "create/ReferencePanel.h"

#include "common/FileDialog.h"
#include "create/ReferenceLibraryDialog.h"
#include "create/ReferenceTile.h"
#include "uploads/UploadManager.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QDragEnterEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QImage>
#include <QKeyEvent>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QStandardPaths>
#include <QUuid>
#include <QVBoxLayout>

namespace pygmi::ui {

ReferencePanel::ReferencePanel(core::UploadManager *uploads, core::ReferenceLibrary *library, QWidget *parent)
    : QWidget(parent)
    , m_uploads(uploads)
    , m_library(library)
    , m_dropZone(new QFrame(this))
    , m_hint(new QLabel(m_dropZone))
    , m_choose(new QPushButton(tr("Choose…"), m_dropZone))
    , m_paste(new QPushButton(tr("Paste"), m_dropZone))
    , m_libraryButton(new QPushButton(tr("Library…"), m_dropZone))
    , m_keep(new QCheckBox(tr("Keep photo metadata"), this))
    , m_message(new QLabel(this))
    , m_tiles(new QVBoxLayout)
{
    setObjectName(QStringLiteral("referencePanel"));
    setAccessibleName(tr("References"));
    setAcceptDrops(true);

    m_dropZone->setObjectName(QStringLiteral("referenceDropZone"));
    m_dropZone->setAccessibleName(tr("Drop zone for reference images and videos"));
    m_dropZone->setAccessibleDescription(tr("Drop files here, paste an image with Ctrl+V, or choose files."));
    m_dropZone->setFrameShape(QFrame::StyledPanel);
    m_dropZone->setFrameShadow(QFrame::Sunken);
    m_dropZone->setFocusPolicy(Qt::StrongFocus);
    m_dropZone->setAutoFillBackground(true);
    m_dropZone->installEventFilter(this);
    m_hint->setObjectName(QStringLiteral("referenceDropHint"));
    m_hint->setWordWrap(true);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setText(tr("Drop images or short videos here to guide the result, or paste an image."));
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_choose->setObjectName(QStringLiteral("referenceChoose"));
    m_choose->setAccessibleName(tr("Choose reference files"));
    m_paste->setObjectName(QStringLiteral("referencePaste"));
    m_paste->setAccessibleName(tr("Paste a reference from the clipboard"));
    m_libraryButton->setObjectName(QStringLiteral("referenceLibrary"));
    m_libraryButton->setAccessibleName(tr("Open the reference library"));
    m_libraryButton->setVisible(m_library != nullptr);
    m_keep->setObjectName(QStringLiteral("referenceKeepMetadata"));
    m_keep->setAccessibleName(tr("Keep photo metadata in the next files"));
    m_keep->setAccessibleDescription(tr("Applies to the next files you add, then turns itself off."));
    m_keep->setToolTip(tr("Off by default: before a file leaves this computer its location, camera, owner and other "
                          "hidden data are removed, without changing the picture. Tick this only if you want the "
                          "next files sent as they are."));
    m_message->setObjectName(QStringLiteral("referenceMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_choose);
    buttons->addWidget(m_paste);
    buttons->addWidget(m_libraryButton);
    buttons->addStretch(1);
    auto *zone = new QVBoxLayout(m_dropZone);
    zone->setContentsMargins(8, 10, 8, 10);
    zone->addWidget(m_hint);
    zone->addLayout(buttons);

    m_tiles->setSpacing(6);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_dropZone);
    layout->addWidget(m_keep);
    layout->addWidget(m_message);
    layout->addLayout(m_tiles);

    connect(m_choose, &QPushButton::clicked, this, [this] {
        const QStringList paths = FileDialog::getOpenFileNames(
            this, tr("Choose references"), QStandardPaths::writableLocation(QStandardPaths::PicturesLocation),
            fileFilter());
        addFiles(paths);
    });
    connect(m_paste, &QPushButton::clicked, this, &ReferencePanel::paste);
    connect(m_libraryButton, &QPushButton::clicked, this, &ReferencePanel::openLibrary);
    connect(m_uploads, &core::UploadManager::itemAdded, this, &ReferencePanel::addTile);
    connect(m_uploads, &core::UploadManager::itemRemoved, this, &ReferencePanel::removeTile);
    connect(m_uploads, &core::UploadManager::itemChanged, this, [this] {
        updateState();
        emit changed();
    });
    for (const core::UploadItem &item : m_uploads->items())
        addTile(item.id);
    updateState();
}

QString ReferencePanel::fileFilter()
{
    return tr("Images and videos (*.png *.jpg *.jpeg *.webp *.webm *.mp4);;All files (*)");
}

void ReferencePanel::setMaximum(int maximum)
{
    m_maximum = maximum;
    updateState();
}

int ReferencePanel::count() const
{
    return int(m_uploads->items().size());
}

QList<core::ReferenceUse> ReferencePanel::references() const
{
    QList<core::ReferenceUse> list;
    for (const auto &[id, strength] : m_uploads->references())
        list.append({ id, strength, {} });
    return list;
}

bool ReferencePanel::isBusy() const
{
    return m_uploads->isBusy();
}

void ReferencePanel::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void ReferencePanel::addFiles(const QStringList &paths)
{
    int added = 0;
    int refused = 0;
    for (const QString &path : paths) {
        if (path.isEmpty())
            continue;
        if (count() >= m_maximum) {
            ++refused;
            continue;
        }
        m_uploads->add(path, m_keep->isChecked());
        ++added;
    }
    if (added > 0)
        m_keep->setChecked(false); // the choice is made per upload, never carried on silently
    if (refused > 0)
        showMessage(tr("This generator takes at most %n reference(s) per request.", nullptr, m_maximum));
    else if (added > 0)
        showMessage({});
}

void ReferencePanel::paste()
{
    const QMimeData *data = QApplication::clipboard()->mimeData();
    if (!data) {
        showMessage(tr("The clipboard is empty."));
        return;
    }
    if (data->hasUrls()) {
        QStringList paths;
        for (const QUrl &url : data->urls()) {
            if (url.isLocalFile())
                paths.append(url.toLocalFile());
        }
        if (!paths.isEmpty())
            return addFiles(paths);
    }
    if (data->hasImage()) {
        const QImage image = qvariant_cast<QImage>(data->imageData());
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/pasted");
        QDir().mkpath(dir);
        const QString path
            = dir + QStringLiteral("/pasted-%1.png").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
        if (image.isNull() || !image.save(path, "PNG")) {
            showMessage(tr("The pasted image could not be saved for upload."));
            return;
        }
        return addFiles({ path });
    }
    showMessage(tr("The clipboard holds no image or file."));
}

void ReferencePanel::openLibrary()
{
    if (!m_library)
        return;
    auto *dialog = new ReferenceLibraryDialog(m_library, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ReferenceLibraryDialog::useRequested, this, [this](const core::ReferenceInfo &reference) {
        if (count() >= m_maximum) {
            showMessage(tr("This generator takes at most %n reference(s) per request.", nullptr, m_maximum));
            return;
        }
        m_uploads->addReference(reference.id, reference.name, reference.media, reference.bytes);
    });
    dialog->open();
}

void ReferencePanel::addTile(const QString &id)
{
    if (m_tileById.contains(id))
        return;
    auto *tile = new ReferenceTile(m_uploads, m_library, id, this);
    m_tileById.insert(id, tile);
    m_tiles->addWidget(tile);
    updateState();
    emit changed();
}

void ReferencePanel::removeTile(const QString &id)
{
    if (ReferenceTile *tile = m_tileById.take(id))
        tile->deleteLater();
    updateState();
    emit changed();
}

void ReferencePanel::updateState()
{
    const bool takes = m_maximum > 0;
    const bool room = count() < m_maximum;
    m_choose->setEnabled(takes && room);
    m_paste->setEnabled(takes && room);
    m_libraryButton->setEnabled(takes && room);
    m_dropZone->setEnabled(takes);
    if (!takes)
        m_hint->setText(tr("This generator does not take reference images."));
    else if (!room)
        m_hint->setText(tr("%n reference(s) added, the most this generator takes.", nullptr, m_maximum));
    else
        m_hint->setText(tr("Drop images or short videos here to guide the result, or paste an image."));
}

void ReferencePanel::setDropHighlight(bool on)
{
    m_dropZone->setBackgroundRole(on ? QPalette::Highlight : QPalette::Base);
    m_hint->setForegroundRole(on ? QPalette::HighlightedText : QPalette::PlaceholderText);
}

void ReferencePanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (m_maximum > 0 && (event->mimeData()->hasUrls() || event->mimeData()->hasImage())) {
        event->acceptProposedAction();
        setDropHighlight(true);
    }
}

void ReferencePanel::dragLeaveEvent(QDragLeaveEvent *)
{
    setDropHighlight(false);
}

void ReferencePanel::dropEvent(QDropEvent *event)
{
    setDropHighlight(false);
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    if (!paths.isEmpty()) {
        addFiles(paths);
        event->acceptProposedAction();
    }
}

bool ReferencePanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_dropZone && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent *>(event)->matches(QKeySequence::Paste)) {
        paste();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace pygmi::ui
