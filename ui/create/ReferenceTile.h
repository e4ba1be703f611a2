#pragma once

#include "uploads/UploadItem.h"

#include <QFrame>

class QLabel;
class QPushButton;
class QSlider;

namespace pygmi::core {
class ReferenceLibrary;
class UploadManager;
} // namespace pygmi::core

namespace pygmi::ui {

class ProgressRing;

// One reference in the composer: thumbnail, name, a progress ring with speed and time left, what
// metadata was removed, pause/resume, cancel or remove, and how strongly it guides the result.
class ReferenceTile : public QFrame
{
    Q_OBJECT

public:
    ReferenceTile(core::UploadManager *uploads, core::ReferenceLibrary *library, const QString &id,
                  QWidget *parent = nullptr);

    QString uploadId() const { return m_id; }
    void refresh();

    // Plain words for the user; used by the tile and tests.
    static QString metadataSummary(const core::UploadItem &item);
    static QString statusText(const core::UploadItem &item);
    static QString errorText(const core::UploadItem &item);
    static QString sizeText(qint64 bytes);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void loadThumbnail(const core::UploadItem &item);

    core::UploadManager *m_uploads;
    core::ReferenceLibrary *m_library;
    QString m_id;
    QLabel *m_thumbnail;
    QLabel *m_name;
    QLabel *m_status;
    QLabel *m_metadata;
    ProgressRing *m_ring;
    QPushButton *m_pause;
    QPushButton *m_remove;
    QSlider *m_strength;
    QLabel *m_strengthValue;
    bool m_thumbnailLoaded = false;
    bool m_thumbnailFromServer = false;
};

} // namespace pygmi::ui
