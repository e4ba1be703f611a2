#include "main/EmailVerificationBanner.h"

#include "session/SessionManager.h"

#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>

namespace pygmi::ui {

EmailVerificationBanner::EmailVerificationBanner(core::SessionManager *session, QWidget *parent)
    : Banner(QStringLiteral("verificationBanner"), parent)
    , m_session(session)
    , m_code(new QLineEdit(this))
{
    m_code->setObjectName(QStringLiteral("verificationCodeEdit"));
    m_code->setAccessibleName(tr("Code from the email"));
    m_code->setPlaceholderText(tr("6-digit code"));
    m_code->setMaxLength(12);
    m_code->setFixedWidth(120);
    m_code->setInputMethodHints(Qt::ImhDigitsOnly);
    // Put the code field before the buttons.
    if (auto *row = qobject_cast<QHBoxLayout *>(layout()))
        row->insertWidget(1, m_code);
    m_verify = addAction(QStringLiteral("verifyEmailButton"), tr("Confirm"));
    m_resend = addAction(QStringLiteral("resendCodeButton"), tr("Send a new code"));
    connect(m_verify, &QPushButton::clicked, this, &EmailVerificationBanner::verify);
    connect(m_code, &QLineEdit::returnPressed, this, &EmailVerificationBanner::verify);
    connect(m_resend, &QPushButton::clicked, this, &EmailVerificationBanner::resend);
}

void EmailVerificationBanner::updateForUser(const core::UserInfo &user)
{
    m_email = user.email;
    const bool needed = user.kind == QLatin1String("password") && !user.emailVerified && !m_verified;
    if (!needed) {
        if (!m_verified)
            hide();
        return;
    }
    m_code->show();
    m_verify->show();
    m_resend->show();
    setDismissible(false);
    showMessage(Kind::Info, tr("Confirm your email address: enter the code we sent to %1.").arg(m_email));
}

void EmailVerificationBanner::verify()
{
    const QString code = m_code->text().trimmed();
    if (code.isEmpty()) {
        showMessage(Kind::Warning, tr("Enter the code from the email we sent to %1.").arg(m_email));
        return;
    }
    m_verify->setEnabled(false);
    m_session->verifyEmail(code, this, [this](const core::ApiError &error) {
        m_verify->setEnabled(true);
        if (error) {
            showMessage(Kind::Warning, tr("%1 Check the code, or ask for a new one.").arg(error.userMessage()));
            m_code->selectAll();
            return;
        }
        m_verified = true;
        m_code->clear();
        m_code->hide();
        m_verify->hide();
        m_resend->hide();
        setDismissible(true);
        showMessage(Kind::Success, tr("Thank you: your email address is confirmed."));
    });
}

void EmailVerificationBanner::resend()
{
    m_resend->setEnabled(false);
    m_session->resendVerification(this, [this](const core::ApiError &error) {
        // Don't let a click storm flood the mailbox.
        QTimer::singleShot(30000, m_resend, [button = m_resend] { button->setEnabled(true); });
        if (error) {
            m_resend->setEnabled(true);
            showMessage(Kind::Warning, error.userMessage());
            return;
        }
        showMessage(Kind::Info, tr("A new code is on its way to %1. Enter it here.").arg(m_email));
    });
}

} // namespace pygmi::ui
