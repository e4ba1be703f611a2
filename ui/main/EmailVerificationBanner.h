#pragma once

#include "common/Banner.h"

class QLineEdit;
class QPushButton;

namespace pygmi::core {
class SessionManager;
struct UserInfo;
} // namespace pygmi::core

namespace pygmi::ui {

// Shown while the signed-in account's email address is not confirmed: enter the code from
// the email, or ask for a new one.
class EmailVerificationBanner : public Banner
{
    Q_OBJECT

public:
    EmailVerificationBanner(core::SessionManager *session, QWidget *parent = nullptr);

    void updateForUser(const core::UserInfo &user);

private:
    void verify();
    void resend();

    core::SessionManager *m_session;
    QLineEdit *m_code;
    QPushButton *m_verify;
    QPushButton *m_resend;
    QString m_email;
    bool m_verified = false;
};

} // namespace pygmi::ui
