#pragma once

#include "generation/GenerationTypes.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QFrame;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace pygmi::core {
class ReferenceLibrary;
class UploadManager;
} // namespace pygmi::core

namespace pygmi::ui {

class ReferenceTile;

// The composer's references: a drop zone that takes dragged files, pasted images and a file
// picker, and one tile per reference with its upload progress and strength. Files lose their
// hidden metadata before anything is sent unless the creator ticks "keep" for them.
class ReferencePanel : public QWidget
{
    Q_OBJECT

public:
    ReferencePanel(core::UploadManager *uploads, core::ReferenceLibrary *library, QWidget *parent = nullptr);

    // The generator's limit of references per job (0: it takes none).
    void setMaximum(int maximum);
    int maximum() const { return m_maximum; }
    QList<core::ReferenceUse> references() const;
    bool isBusy() const;
    int count() const;

    void addFiles(const QStringList &paths);
    // Pasted images become PNG files in the app's cache, pasted file names are added as files.
    void paste();
    void openLibrary();

    static QString fileFilter();

Q_SIGNALS:
    void changed();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void addTile(const QString &id);
    void removeTile(const QString &id);
    void updateState();
    void showMessage(const QString &text);
    void setDropHighlight(bool on);

    core::UploadManager *m_uploads;
    core::ReferenceLibrary *m_library;
    QFrame *m_dropZone;
    QLabel *m_hint;
    QPushButton *m_choose;
    QPushButton *m_paste;
    QPushButton *m_libraryButton;
    QCheckBox *m_keep;
    QLabel *m_message;
    QVBoxLayout *m_tiles;
    QHash<QString, ReferenceTile *> m_tileById;
    int m_maximum = 4;
};

} // namespace pygmi::ui
