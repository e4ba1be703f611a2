#pragma once

#include "generation/GenerationTypes.h"

#include <QDialog>

class QLabel;
class QStackedWidget;

namespace pygmi::core {
class AssetCache;
}

namespace pygmi::ui {

class ImageViewer;
class VideoPlayer;

// "Open in viewer": the original, downloaded once into the asset cache (verified by its
// SHA-256), shown with the Create page's image viewer (zoom, pan) or video player.
class AssetViewerDialog : public QDialog
{
    Q_OBJECT

public:
    AssetViewerDialog(core::AssetCache *cache, const core::Asset &asset, QWidget *parent = nullptr);

    ImageViewer *imageViewer() const { return m_image; }
    VideoPlayer *videoPlayer() const { return m_video; }
    bool isLoaded() const { return m_loaded; }

Q_SIGNALS:
    void loaded();

private:
    QStackedWidget *m_stack;
    QLabel *m_status;
    ImageViewer *m_image = nullptr;
    VideoPlayer *m_video = nullptr;
    bool m_loaded = false;
};

} // namespace pygmi::ui
