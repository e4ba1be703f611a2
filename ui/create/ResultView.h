#pragma once

#include "generation/GenerationTypes.h"

#include <QWidget>
#include <optional>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QToolButton;

namespace pygmi::core {
class AssetCache;
}

namespace pygmi::ui {

class ImageViewer;
class VideoPlayer;

// The middle of Create: the result being looked at (image viewer or video player, or the live
// preview of the selected job while it runs), the strip of that job's results, and what can be
// done with a result: copy, save, remix, vary.
class ResultView : public QWidget
{
    Q_OBJECT

public:
    explicit ResultView(core::AssetCache *cache, QWidget *parent = nullptr);

    // Shows the results of `job` (its assets so far, or its preview while it runs).
    void showJob(const core::Generation &job, const QByteArray &preview);
    // A result of the shown job arrived.
    void addAsset(const core::Asset &asset);
    void updatePreview(const QByteArray &image);
    void clearJob();

    std::optional<core::Asset> currentAsset() const { return m_current; }
    QString shownJobId() const { return m_jobId; }
    ImageViewer *imageViewer() const { return m_viewer; }
    VideoPlayer *videoPlayer() const { return m_player; }

public Q_SLOTS:
    void openAsset(int index);
    void saveCurrent();
    void copyCurrent();

Q_SIGNALS:
    void remixRequested(const pygmi::core::Asset &asset);
    void varyRequested(const pygmi::core::Asset &asset);
    void currentAssetChanged();
    void saved(const QString &path);
    void saveFailed(const QString &reason);

private:
    void setPlaceholder(const QString &text);
    void updateActions();
    void addThumbnail(const core::Asset &asset);
    QString localPath() const;

    core::AssetCache *m_cache;
    QStackedWidget *m_stack;
    QLabel *m_placeholder;
    ImageViewer *m_viewer;
    VideoPlayer *m_player;
    QListWidget *m_strip;
    QLabel *m_info;
    QLabel *m_status;
    QToolButton *m_fit;
    QToolButton *m_actual;
    QLabel *m_zoomLabel;
    QPushButton *m_copy;
    QPushButton *m_save;
    QCheckBox *m_metadata;
    QPushButton *m_remix;
    QPushButton *m_vary;
    QString m_jobId;
    QList<core::Asset> m_assets;
    std::optional<core::Asset> m_current;
    QString m_currentPath;
    bool m_userPicked = false;
};

} // namespace pygmi::ui
