#include "gallery/AssetViewerDialog.h"

#include "create/ImageViewer.h"
#include "create/VideoPlayer.h"
#include "generation/AssetCache.h"

#include <QLabel>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace pygmi::ui {

AssetViewerDialog::AssetViewerDialog(core::AssetCache *cache, const core::Asset &asset, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("assetViewerDialog"));
    setAccessibleName(tr("Viewer"));
    setWindowTitle(asset.title.isEmpty() ? tr("Viewer") : asset.title);
    setAttribute(Qt::WA_DeleteOnClose);
    resize(960, 720);
    auto *layout = new QVBoxLayout(this);
    m_stack = new QStackedWidget(this);
    m_status = new QLabel(tr("Downloading the original…"), m_stack);
    m_status->setObjectName(QStringLiteral("assetViewerStatus"));
    m_status->setAlignment(Qt::AlignCenter);
    m_stack->addWidget(m_status);
    if (asset.isVideo()) {
        m_video = new VideoPlayer(m_stack);
        m_stack->addWidget(m_video);
    } else {
        m_image = new ImageViewer(m_stack);
        m_stack->addWidget(m_image);
    }
    layout->addWidget(m_stack);
    const double fps = asset.fps;
    cache->fetch(asset, this, [this, fps](const QString &path, const core::ApiError &error) {
        if (error || path.isEmpty()) {
            m_status->setText(tr("The original could not be opened. %1").arg(error.userMessage()));
            return;
        }
        if (m_video) {
            m_video->openFile(path, fps);
            m_stack->setCurrentWidget(m_video);
        } else {
            m_image->openFile(path);
            m_stack->setCurrentWidget(m_image);
        }
        m_loaded = true;
        Q_EMIT loaded();
    });
}

} // namespace pygmi::ui
