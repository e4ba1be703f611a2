#pragma once

#include "session/SessionManager.h"

#include <QUrl>
#include <QWidget>

class QCheckBox;
class QCommandLinkButton;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QVBoxLayout;

namespace pygmi::core {
class ApiClient;
class SsoService;
} // namespace pygmi::core

namespace pygmi::ui {

class BirthDateEdit;
class FormField;
class PasswordStrengthMeter;
class SsoAccountPage;
class SsoPanel;

// The first window: choose "On this computer" (the local server the app runs itself) or
// "Sign in to a server", then set up, sign in, create an account or reset a password.
// It drives the SessionManager and says signedIn() when there is a session.
class WelcomeWindow : public QWidget
{
    Q_OBJECT

public:
    // SsoCreateAccount exists once setSso() was called.
    enum class Page { Choice, LocalSetUp, ServerAddress, SignIn, CreateAccount, ForgotPassword, SsoCreateAccount };
    Q_ENUM(Page)
    enum class LocalServerState { Starting, Ready, Restarting, Failed };

    WelcomeWindow(core::SessionManager *session, core::ApiClient *api, QWidget *parent = nullptr);

    Page currentPage() const;
    void showPage(Page page);

    // The composition root reports the local server; the window uses its URL while on the
    // local path.
    void setLocalServerState(LocalServerState state, const QUrl &url = {}, const QString &detail = {});
    // Pre-fills the server path (remembered choice, or a session that ended).
    void setRememberedServer(const QUrl &url, const QString &email);
    // Offers the server's identity providers on the sign-in page (single sign-on).
    void setSso(core::SsoService *sso);
    SsoPanel *ssoPanel() const { return m_ssoPanel; }
    // A sentence shown above the current page, e.g. "Your session ended. Sign in again."
    void showNotice(const QString &text);

Q_SIGNALS:
    // The user chose "On this computer": make sure the local server runs.
    void localChosen();
    // The user asked to start the local server again after it failed.
    void localRetryRequested();
    // There is a session (local or remote); the window has done its job.
    void signedIn();

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *buildChoicePage();
    QWidget *buildLocalPage();
    QWidget *buildServerPage();
    QWidget *buildSignInPage();
    QWidget *buildCreateAccountPage();
    QWidget *buildForgotPasswordPage();
    QWidget *pageFrame(const QString &objectName, const QString &title, const QString &subtitle,
                       QLabel **titleLabel = nullptr);
    QLayout *noticeRow(QLabel *label, QCheckBox *check, const QString &readButtonName);
    QLineEdit *lineEdit(const QString &objectName, const QString &accessibleName);
    QPushButton *button(const QString &objectName, const QString &text, bool primary = false);

    void chooseLocal();
    void beginLocal();
    void submitLocalSetUp();
    void submitServerAddress();
    void submitSignIn();
    void submitCreateAccount();
    void submitResetRequest();
    void submitNewPassword();
    void openNotice();

    void setBusy(bool busy, const QString &status = {});
    void showError(QLabel *label, const QString &text);
    void showFieldErrors(const core::ApiError &error, const QHash<QString, FormField *> &fields);
    void clearFieldErrors(const QList<FormField *> &fields);
    void updateNoticeTexts();
    QString serverDisplayName() const;

    core::SessionManager *m_session;
    core::ApiClient *m_api;
    QStackedWidget *m_pages;
    QLabel *m_logo;
    QLabel *m_notice;
    bool m_logoLoaded = false;
    bool m_busy = false;

    // Local path.
    LocalServerState m_localState = LocalServerState::Starting;
    QUrl m_localUrl;
    bool m_localBegun = false;
    QLabel *m_localStatus;
    QWidget *m_localForm;
    QLineEdit *m_localName;
    FormField *m_localNameField;
    BirthDateEdit *m_localBirthDate;
    FormField *m_localBirthDateField;
    QCheckBox *m_localNoticeCheck;
    QLabel *m_localNoticeLabel;
    QLabel *m_localNoticeError;
    QLabel *m_localError;
    QPushButton *m_localStart;
    QPushButton *m_localRetry;

    // Server path.
    QUrl m_serverUrl;
    core::ServerInfo m_serverInfo;
    QLineEdit *m_serverUrlEdit;
    FormField *m_serverUrlField;
    QPushButton *m_serverContinue;
    QLabel *m_signInTitle;
    QLineEdit *m_signInEmail;
    QLineEdit *m_signInPassword;
    QLabel *m_signInError;
    QLabel *m_signInInfo;
    QPushButton *m_signInButton;
    QVBoxLayout *m_ssoSlot = nullptr;

    // Single sign-on.
    core::SsoService *m_sso = nullptr;
    SsoPanel *m_ssoPanel = nullptr;
    SsoAccountPage *m_ssoAccountPage = nullptr;
    QString m_pendingLinkToken; // a provider waits to be connected once the person signs in

    QLineEdit *m_signUpEmail;
    QLineEdit *m_signUpPassword;
    QLineEdit *m_signUpName;
    BirthDateEdit *m_signUpBirthDate;
    QCheckBox *m_signUpNoticeCheck;
    QLabel *m_signUpNoticeLabel;
    PasswordStrengthMeter *m_signUpMeter;
    FormField *m_signUpEmailField;
    FormField *m_signUpPasswordField;
    FormField *m_signUpNameField;
    FormField *m_signUpBirthDateField;
    QLabel *m_signUpNoticeError;
    QLabel *m_signUpError;
    QPushButton *m_signUpButton;

    QLineEdit *m_resetEmail;
    QLineEdit *m_resetCode;
    QLineEdit *m_resetPassword;
    PasswordStrengthMeter *m_resetMeter;
    FormField *m_resetCodeField;
    FormField *m_resetPasswordField;
    QWidget *m_resetSecondStep;
    QLabel *m_resetInfo;
    QLabel *m_resetError;
};

} // namespace pygmi::ui
