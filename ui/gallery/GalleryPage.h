#pragma once

#include "gallery/GalleryServices.h"
#include "generation/GenerationTypes.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace pygmi::core {
class AssetListModel;
struct GalleryQuery;
} // namespace pygmi::core

namespace pygmi::ui {

class AssetDetailPanel;
class AssetViewerDialog;
class Banner;
class GalleryDelegate;
class GalleryView;
class ThumbnailPipeline;

// Gallery: every creation of the user in a grid, newest first, with search as you type, filters
// (images/videos, favourites, dates, generator), sort, multi-selection with bulk favourite,
// download and delete, and a details panel. Live: new results, changes and deletions from other
// devices arrive through /v1/events. Offline it shows what the local cache holds.
class GalleryPage : public QWidget
{
    Q_OBJECT

public:
    GalleryPage(const GalleryServices &services, QWidget *parent = nullptr);
    ~GalleryPage() override;

    core::AssetListModel *model() const { return m_model; }
    GalleryView *view() const { return m_view; }
    AssetDetailPanel *detailPanel() const { return m_detail; }
    ThumbnailPipeline *thumbnails() const { return m_thumbnails; }
    QStringList selectedIds() const;
    QList<core::Asset> selectedAssets() const;
    bool isDownloading() const { return !m_downloadQueue.isEmpty() || m_downloading; }
    AssetViewerDialog *viewerDialog() const;

public Q_SLOTS:
    void applyFilters();
    void favouriteSelected(bool favourite);
    void downloadSelected();
    void deleteSelected();
    void openInViewer(const core::Asset &asset);

Q_SIGNALS:
    // Load these parameters into the Create composer (the main window switches to Create).
    void remixRequested(const pygmi::core::GenerationRequest &request);
    // Every download of the last batch finished (`failed` could not be written).
    void downloadsFinished(int written, int failed);

protected:
    void showEvent(QShowEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void buildToolbar(QWidget *bar);
    core::GalleryQuery currentQuery() const;
    void updateSelection();
    void updateStatus();
    void updateOffline(bool offline);
    void refreshFacets();
    void downloadNext();
    void favourite(const QList<core::Asset> &assets, bool favourite);
    void removeAssets(const QList<core::Asset> &assets);

    GalleryServices m_services;
    ThumbnailPipeline *m_thumbnails;
    core::AssetListModel *m_model;
    GalleryDelegate *m_delegate;
    GalleryView *m_view;
    AssetDetailPanel *m_detail;
    Banner *m_offline;
    Banner *m_message;
    QLineEdit *m_search;
    QComboBox *m_media;
    QToolButton *m_favouritesOnly;
    QComboBox *m_dates;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QComboBox *m_generator;
    QComboBox *m_sort;
    QLabel *m_count;
    QLabel *m_empty;
    QWidget *m_selectionBar;
    QLabel *m_selectionLabel;
    QPushButton *m_bulkFavourite;
    QPushButton *m_bulkDownload;
    QPushButton *m_bulkDelete;
    QWidget *m_downloadBar;
    QProgressBar *m_downloadProgress;
    QLabel *m_downloadLabel;
    QTimer m_searchTimer;
    bool m_started = false;
    QPointer<AssetViewerDialog> m_viewer;
    // Downloads: one at a time into the chosen folder.
    QList<core::Asset> m_downloadQueue;
    QString m_downloadFolder;
    bool m_downloading = false;
    int m_downloadTotal = 0;
    int m_downloadWritten = 0;
    int m_downloadFailed = 0;
};

} // namespace pygmi::ui
