#pragma once

#include "session/SessionManager.h"
#include "sso/SsoSignIn.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace pygmi::core {
class ApiClient;
class SsoService;
} // namespace pygmi::core

namespace pygmi::ui {

class BirthDateEdit;
class FormField;

// After a first single sign-on: nothing is created on the server until the person confirms
// their age and accepts the notice here, exactly as for email sign-up.
class SsoAccountPage : public QWidget
{
    Q_OBJECT

public:
    SsoAccountPage(core::SsoService *sso, core::ApiClient *api, QWidget *parent = nullptr);

    void setServerInfo(const core::ServerInfo &info);
    void begin(const core::SsoSignIn::Pending &pending);

Q_SIGNALS:
    void signedIn();
    void backRequested();

private:
    void submit();

    core::SsoService *m_sso;
    core::ApiClient *m_api;
    core::ServerInfo m_info;
    core::SsoSignIn::Pending m_pending;
    QLabel *m_intro;
    QLineEdit *m_name;
    FormField *m_nameField;
    BirthDateEdit *m_birthDate;
    FormField *m_birthDateField;
    QLabel *m_noticeLabel;
    QCheckBox *m_noticeCheck;
    QLabel *m_noticeError;
    QLabel *m_error;
    QPushButton *m_create;
    bool m_busy = false;
};

} // namespace pygmi::ui
