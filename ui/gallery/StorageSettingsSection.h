#pragma once

#include <QGroupBox>

class QLabel;
class QPushButton;
class QSpinBox;

namespace pygmi::core {
class AssetCache;
class GalleryCache;
} // namespace pygmi::core

namespace pygmi::ui {

// Settings → Storage: how much this computer keeps for the gallery (thumbnails and pages, and
// originals downloaded for viewing), the cap on the thumbnail cache, and "Clear cache". Nothing
// on the server is touched.
class StorageSettingsSection : public QGroupBox
{
    Q_OBJECT

public:
    StorageSettingsSection(core::GalleryCache *cache, core::AssetCache *assets, QWidget *parent = nullptr);

    void refresh();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void clearCache();

    core::GalleryCache *m_cache;
    core::AssetCache *m_assets;
    QLabel *m_usage;
    QSpinBox *m_cap;
    QPushButton *m_clear;
};

} // namespace pygmi::ui
