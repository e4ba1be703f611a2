#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;

namespace pygmi::core {
class PrivacyService;
}

namespace pygmi::ui {

// Account deletion, asked properly: what will be deleted and what is kept (and why, and until
// when), the grace period, and the password again before anything is scheduled.
class DeleteAccountDialog : public QDialog
{
    Q_OBJECT

public:
    DeleteAccountDialog(core::PrivacyService *privacy, QWidget *parent = nullptr);

Q_SIGNALS:
    void scheduled();

private:
    void submit();

    core::PrivacyService *m_privacy;
    QTextBrowser *m_preview;
    QLineEdit *m_password;
    QLabel *m_error;
    QPushButton *m_delete;
};

} // namespace pygmi::ui
