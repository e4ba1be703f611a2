#pragma once

#include "uploads/ReferenceLibrary.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace pygmi::ui {

// The user's uploaded references on the server: thumbnail, size, when uploaded and when they will
// be deleted (content retention); use one again, or delete it now.
class ReferenceLibraryDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ReferenceLibraryDialog(core::ReferenceLibrary *library, QWidget *parent = nullptr);

    static QString describe(const core::ReferenceInfo &reference);

Q_SIGNALS:
    void useRequested(const core::ReferenceInfo &reference);

private:
    void fill();
    void updateButtons();
    std::optional<core::ReferenceInfo> selected() const;

    core::ReferenceLibrary *m_library;
    QListWidget *m_list;
    QLabel *m_summary;
    QPushButton *m_use;
    QPushButton *m_delete;
};

} // namespace pygmi::ui
