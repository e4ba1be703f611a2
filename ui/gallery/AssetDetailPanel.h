#pragma once

#include "generation/GenerationTypes.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace pygmi::ui {

class ThumbnailPipeline;

// Everything about one asset: a large preview, prompt and negative prompt, every parameter,
// seed, provider, model and where it ran, created and deletion dates, size, SHA-256 and the
// references used; with its actions (favourite, download, copy prompt, remix, open, delete).
class AssetDetailPanel : public QWidget
{
    Q_OBJECT

public:
    AssetDetailPanel(ThumbnailPipeline *thumbnails, QWidget *parent = nullptr);

    void showAsset(const core::Asset &asset);
    // Several selected: a summary instead of one asset's details.
    void showSelectionCount(int count);
    void clear();
    core::Asset asset() const { return m_asset; }
    bool hasAsset() const { return !m_asset.id.isEmpty(); }
    void setActionsEnabled(bool enabled);

Q_SIGNALS:
    void favouriteRequested(const pygmi::core::Asset &asset, bool favourite);
    void downloadRequested(const pygmi::core::Asset &asset);
    void remixRequested(const pygmi::core::Asset &asset);
    void openRequested(const pygmi::core::Asset &asset);
    void deleteRequested(const pygmi::core::Asset &asset);

private:
    void updatePreview();
    QLabel *addRow(const QString &label, const QString &objectName);

    ThumbnailPipeline *m_thumbnails;
    core::Asset m_asset;
    QLabel *m_preview;
    QLabel *m_heading;
    QWidget *m_details;
    QFormLayout *m_form;
    QLabel *m_prompt;
    QLabel *m_negative;
    QLabel *m_parameters;
    QLabel *m_seed;
    QLabel *m_model;
    QLabel *m_processedBy;
    QLabel *m_created;
    QLabel *m_deleted;
    QLabel *m_size;
    QLineEdit *m_sha; // read-only field: the whole hash, copyable exactly
    QLabel *m_references;
    QLabel *m_training;
    QPushButton *m_favourite;
    QPushButton *m_download;
    QPushButton *m_copy;
    QPushButton *m_remix;
    QPushButton *m_open;
    QPushButton *m_delete;
};

} // namespace pygmi::ui
