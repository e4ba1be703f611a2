#include "welcome/WelcomeWindow.h"

#include "api/ApiClient.h"
#include "common/FormField.h"
#include "common/NoticeDialog.h"
#include "sso/SsoAccountPage.h"
#include "sso/SsoPanel.h"
#include "sso/SsoService.h"
#include "welcome/BirthDateEdit.h"
#include "welcome/PasswordStrengthMeter.h"

#include <QCheckBox>
#include <QCommandLinkButton>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

namespace pygmi::ui {

namespace {

constexpr int kColumnWidth = 440;

QLabel *errorLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #d6334a;"));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

QLabel *infoLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->hide();
    return label;
}

bool isConnectionProblem(const core::ApiError &error)
{
    using Kind = core::ApiError::Kind;
    return error.kind() == Kind::Network || error.kind() == Kind::Timeout || error.kind() == Kind::Tls;
}

} // namespace

WelcomeWindow::WelcomeWindow(core::SessionManager *session, core::ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_api(api)
    , m_pages(new QStackedWidget(this))
    , m_logo(new QLabel(this))
    , m_notice(new QLabel(this))
{
    setObjectName(QStringLiteral("welcomeWindow"));
    setWindowTitle(tr("Welcome to Pygmi Studio"));
    setAccessibleName(windowTitle());
    resize(560, 720);

    m_logo->setObjectName(QStringLiteral("welcomeLogo"));
    m_logo->setFixedSize(56, 56);
    m_logo->setAccessibleName(tr("Pygmi Studio logo"));
    auto *appName = new QLabel(tr("Pygmi Studio"), this);
    appName->setObjectName(QStringLiteral("welcomeAppName"));
    QFont nameFont = appName->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.6);
    nameFont.setBold(true);
    appName->setFont(nameFont);
    auto *header = new QHBoxLayout;
    header->addWidget(m_logo);
    header->addWidget(appName, 1);

    m_notice->setObjectName(QStringLiteral("welcomeNotice"));
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral(
        "QLabel { background: rgba(230, 160, 0, 0.18); border: 1px solid rgba(230, 160, 0, 0.65);"
        " border-radius: 6px; padding: 8px; }"));
    m_notice->hide();

    m_pages->setObjectName(QStringLiteral("welcomePages"));
    m_pages->addWidget(buildChoicePage());
    m_pages->addWidget(buildLocalPage());
    m_pages->addWidget(buildServerPage());
    m_pages->addWidget(buildSignInPage());
    m_pages->addWidget(buildCreateAccountPage());
    m_pages->addWidget(buildForgotPasswordPage());
    for (int i = 0; i < m_pages->count(); ++i)
        static_cast<QVBoxLayout *>(m_pages->widget(i)->layout())->addStretch(1);

    auto *column = new QWidget(this);
    column->setObjectName(QStringLiteral("welcomeColumn"));
    column->setMaximumWidth(kColumnWidth);
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->setSpacing(16);
    columnLayout->addLayout(header);
    columnLayout->addWidget(m_notice);
    columnLayout->addWidget(m_pages);
    columnLayout->addStretch(1);

    auto *content = new QWidget(this);
    auto *contentLayout = new QHBoxLayout(content);
    contentLayout->setContentsMargins(24, 28, 24, 24);
    contentLayout->addStretch(1);
    contentLayout->addWidget(column, 100);
    contentLayout->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(content);

    updateNoticeTexts();
    showPage(Page::Choice);
}

void WelcomeWindow::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // The logo is an SVG: render it after the first paint, not on the way to it.
    if (!m_logoLoaded) {
        m_logoLoaded = true;
        QTimer::singleShot(0, this, [this] {
            m_logo->setPixmap(QIcon(QStringLiteral(":/icons/org.pygmi.Studio.svg")).pixmap(56, 56));
        });
    }
}

QWidget *WelcomeWindow::pageFrame(const QString &objectName, const QString &title, const QString &subtitle,
                                  QLabel **titleLabel)
{
    auto *page = new QWidget(m_pages);
    page->setObjectName(objectName);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    auto *heading = new QLabel(title, page);
    heading->setObjectName(objectName + QLatin1String("Title"));
    heading->setWordWrap(true);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    heading->setFont(font);
    layout->addWidget(heading);
    if (!subtitle.isEmpty()) {
        auto *text = new QLabel(subtitle, page);
        text->setObjectName(objectName + QLatin1String("Subtitle"));
        text->setWordWrap(true);
        layout->addWidget(text);
    }
    if (titleLabel)
        *titleLabel = heading;
    return page;
}

QLineEdit *WelcomeWindow::lineEdit(const QString &objectName, const QString &accessibleName)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(objectName);
    edit->setAccessibleName(accessibleName);
    edit->setMinimumHeight(30);
    return edit;
}

QLayout *WelcomeWindow::noticeRow(QLabel *label, QCheckBox *check, const QString &readButtonName)
{
    // The notice's title can be long: it goes on a wrapped line of its own, the box under it.
    label->setWordWrap(true);
    auto *read = button(readButtonName, tr("Read the notice"));
    connect(read, &QPushButton::clicked, this, &WelcomeWindow::openNotice);
    check->setText(tr("I have read and accept this notice"));
    auto *top = new QHBoxLayout;
    top->addWidget(label, 1);
    top->addWidget(read, 0, Qt::AlignTop);
    auto *rows = new QVBoxLayout;
    rows->setSpacing(6);
    rows->addLayout(top);
    rows->addWidget(check);
    return rows;
}

QPushButton *WelcomeWindow::button(const QString &objectName, const QString &text, bool primary)
{
    auto *result = new QPushButton(text, this);
    result->setObjectName(objectName);
    result->setAccessibleName(QString(text).remove(QLatin1Char('&')));
    result->setMinimumHeight(32);
    if (primary) {
        result->setDefault(true);
        result->setAutoDefault(true);
        result->setStyleSheet(QStringLiteral(
            "QPushButton { background: palette(highlight); color: palette(highlighted-text);"
            " border: none; border-radius: 5px; padding: 6px 18px; font-weight: bold; }"
            "QPushButton:disabled { background: palette(mid); }"
            "QPushButton:hover { background: palette(link); }"));
    }
    return result;
}

// --- Choice --------------------------------------------------------------------------------

QWidget *WelcomeWindow::buildChoicePage()
{
    auto *page = pageFrame(QStringLiteral("choicePage"), tr("How do you want to use Pygmi?"),
                           tr("You can switch later in Settings."));
    auto *local = new QCommandLinkButton(tr("On this computer"),
                                         tr("Recommended. Your creations and your account stay on this "
                                            "computer. No email or password needed."),
                                         page);
    local->setObjectName(QStringLiteral("localChoiceButton"));
    local->setAccessibleName(tr("On this computer"));
    local->setDefault(true);
    auto *server = new QCommandLinkButton(tr("Sign in to a server"),
                                          tr("Use a Pygmi server that someone runs for you, with an email "
                                             "and password. Its address starts with https://."),
                                          page);
    server->setObjectName(QStringLiteral("serverChoiceButton"));
    server->setAccessibleName(tr("Sign in to a server"));
    for (QCommandLinkButton *choice : { local, server }) {
        choice->setMinimumHeight(84);
        choice->setStyleSheet(QStringLiteral(
            "QCommandLinkButton { border: 1px solid palette(mid); border-radius: 8px; background: palette(base);"
            " padding: 10px; }"
            "QCommandLinkButton:hover, QCommandLinkButton:focus { border: 2px solid palette(highlight); }"));
        page->layout()->addWidget(choice);
    }
    connect(local, &QPushButton::clicked, this, &WelcomeWindow::chooseLocal);
    connect(server, &QPushButton::clicked, this, [this] {
        showPage(Page::ServerAddress);
        m_serverUrlEdit->setFocus();
    });
    return page;
}

// --- On this computer ----------------------------------------------------------------------

QWidget *WelcomeWindow::buildLocalPage()
{
    auto *page = pageFrame(QStringLiteral("localPage"), tr("Set up Pygmi on this computer"),
                           tr("Everything stays on this computer. Pygmi runs its own server here, and you "
                              "do not need an email address or a password."));
    auto *layout = static_cast<QVBoxLayout *>(page->layout());

    m_localStatus = infoLabel(QStringLiteral("localStatusLabel"), page);
    m_localStatus->setAccessibleName(tr("Local server status"));
    layout->addWidget(m_localStatus);
    m_localRetry = button(QStringLiteral("localRetryButton"), tr("Try again"));
    m_localRetry->hide();
    layout->addWidget(m_localRetry, 0, Qt::AlignLeft);
    connect(m_localRetry, &QPushButton::clicked, this, [this] {
        m_localRetry->hide();
        Q_EMIT localRetryRequested();
    });

    m_localForm = new QWidget(page);
    m_localForm->setObjectName(QStringLiteral("localForm"));
    auto *form = new QVBoxLayout(m_localForm);
    form->setContentsMargins(0, 0, 0, 0);
    form->setSpacing(12);
    m_localName = lineEdit(QStringLiteral("localNameEdit"), tr("Display name"));
    m_localName->setMaxLength(64);
    m_localNameField = new FormField(tr("&Display name"), m_localName, m_localForm);
    m_localNameField->setHint(tr("Shown in the app. It can be any name you like."));
    form->addWidget(m_localNameField);

    m_localBirthDate = new BirthDateEdit(QStringLiteral("localBirthDate"), m_localForm);
    m_localBirthDateField = new FormField(tr("Date of &birth"), m_localBirthDate, m_localForm);
    m_localBirthDateField->setHint(tr("Pygmi is for people aged 13 or over. Your date of birth is checked once "
                                      "and not stored."));
    form->addWidget(m_localBirthDateField);

    m_localNoticeCheck = new QCheckBox(m_localForm);
    m_localNoticeCheck->setObjectName(QStringLiteral("localNoticeCheck"));
    m_localNoticeLabel = new QLabel(m_localForm);
    m_localNoticeLabel->setObjectName(QStringLiteral("localNoticeLabel"));
    form->addLayout(noticeRow(m_localNoticeLabel, m_localNoticeCheck, QStringLiteral("localNoticeButton")));
    m_localNoticeError = errorLabel(QStringLiteral("localNoticeCheckError"), m_localForm);
    form->addWidget(m_localNoticeError);
    layout->addWidget(m_localForm);

    m_localError = errorLabel(QStringLiteral("localErrorLabel"), page);
    layout->addWidget(m_localError);

    auto *back = button(QStringLiteral("localBackButton"), tr("Back"));
    m_localStart = button(QStringLiteral("localStartButton"), tr("Start"), true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(back);
    buttons->addStretch(1);
    buttons->addWidget(m_localStart);
    layout->addLayout(buttons);
    connect(back, &QPushButton::clicked, this, [this] { showPage(Page::Choice); });
    connect(m_localStart, &QPushButton::clicked, this, &WelcomeWindow::submitLocalSetUp);
    connect(m_localName, &QLineEdit::returnPressed, this, &WelcomeWindow::submitLocalSetUp);
    m_localForm->hide();
    m_localStart->hide();
    return page;
}

void WelcomeWindow::chooseLocal()
{
    m_notice->hide();
    showPage(Page::LocalSetUp);
    Q_EMIT localChosen();
    if (m_localState == LocalServerState::Ready)
        beginLocal();
    else if (m_localState != LocalServerState::Failed)
        setLocalServerState(m_localState, m_localUrl);
}

void WelcomeWindow::setLocalServerState(LocalServerState state, const QUrl &url, const QString &detail)
{
    m_localState = state;
    if (state == LocalServerState::Ready)
        m_localUrl = url;
    switch (state) {
    case LocalServerState::Starting:
    case LocalServerState::Restarting:
        if (m_localForm->isHidden()) {
            m_localStatus->setText(tr("Starting Pygmi on this computer…"));
            m_localStatus->show();
        }
        break;
    case LocalServerState::Ready:
        m_localRetry->hide();
        if (currentPage() == Page::LocalSetUp) {
            m_api->setBaseUrl(m_localUrl);
            if (!m_localBegun)
                beginLocal();
            else
                m_localStatus->hide();
        }
        break;
    case LocalServerState::Failed:
        m_localBegun = false;
        setBusy(false);
        m_localStatus->setText(detail.isEmpty()
                                   ? tr("Pygmi could not start its server on this computer.")
                                   : tr("Pygmi could not start its server on this computer: %1").arg(detail));
        m_localStatus->show();
        m_localRetry->show();
        break;
    }
}

void WelcomeWindow::beginLocal()
{
    if (m_localUrl.isEmpty())
        return;
    m_localBegun = true;
    m_api->setBaseUrl(m_localUrl);
    m_localError->hide();
    if (m_localForm->isHidden()) {
        m_localStatus->setText(tr("Connecting to Pygmi on this computer…"));
        m_localStatus->show();
    }
    m_session->fetchServerInfo(this, [this](const core::ServerInfo &info, const core::ApiError &error) {
        if (error) {
            m_localBegun = false;
            m_localStatus->hide();
            showError(m_localError, error.userMessage());
            return;
        }
        m_serverInfo = info;
        updateNoticeTexts();
        // Set up before? Then the install secret in the keychain signs us in without a question.
        m_session->signInLocal(this, [this](const core::ApiError &error) {
            if (!error) {
                Q_EMIT signedIn();
                return;
            }
            m_localStatus->hide();
            if (isConnectionProblem(error)) {
                m_localBegun = false;
                showError(m_localError, error.userMessage());
                return;
            }
            m_localForm->show();
            m_localStart->show();
            m_localName->setFocus();
        });
    });
}

void WelcomeWindow::submitLocalSetUp()
{
    if (m_busy || m_localForm->isHidden())
        return;
    clearFieldErrors({ m_localNameField, m_localBirthDateField });
    m_localNoticeError->hide();
    m_localError->hide();
    bool ok = true;
    if (m_localName->text().trimmed().isEmpty()) {
        m_localNameField->setError(tr("Enter a display name."));
        ok = false;
    }
    if (!m_localBirthDate->date().isValid()) {
        m_localBirthDateField->setError(m_localBirthDate->isEmpty() ? tr("Enter your date of birth.")
                                                                    : tr("Enter a real date: day, month and year."));
        ok = false;
    }
    if (!m_localNoticeCheck->isChecked()) {
        showError(m_localNoticeError, tr("Read and accept the notice to continue."));
        ok = false;
    }
    if (!ok)
        return;
    setBusy(true);
    const QDate birthDate = m_localBirthDate->date();
    m_session->setUpLocal(m_localName->text().trimmed(), birthDate, m_serverInfo.noticeVersion, this,
                          [this](const core::ApiError &error) {
                              setBusy(false);
                              // The date was needed for this one check; forget it either way.
                              m_localBirthDate->clear();
                              if (!error) {
                                  Q_EMIT signedIn();
                                  return;
                              }
                              showFieldErrors(error, { { QStringLiteral("display_name"), m_localNameField },
                                                       { QStringLiteral("birth_date"), m_localBirthDateField } });
                              if (!error.fieldMessage(QStringLiteral("accepted_notice_version")).isEmpty())
                                  showError(m_localNoticeError,
                                            error.fieldMessage(QStringLiteral("accepted_notice_version")));
                              showError(m_localError, error.userMessage());
                          });
}

// --- Server address ------------------------------------------------------------------------

QWidget *WelcomeWindow::buildServerPage()
{
    auto *page = pageFrame(QStringLiteral("serverPage"), tr("Sign in to a server"),
                           tr("Enter the address of the Pygmi server you were given."));
    auto *layout = static_cast<QVBoxLayout *>(page->layout());
    m_serverUrlEdit = lineEdit(QStringLiteral("serverUrlEdit"), tr("Server address"));
    m_serverUrlEdit->setPlaceholderText(QStringLiteral("https://pygmi.example.com"));
    m_serverUrlEdit->setInputMethodHints(Qt::ImhUrlCharactersOnly | Qt::ImhNoAutoUppercase);
    m_serverUrlField = new FormField(tr("Server &address"), m_serverUrlEdit, page);
    m_serverUrlField->setHint(tr("Addresses start with https://. Plain http:// works only for a server on this "
                                 "computer."));
    layout->addWidget(m_serverUrlField);
    auto *back = button(QStringLiteral("serverBackButton"), tr("Back"));
    m_serverContinue = button(QStringLiteral("serverContinueButton"), tr("Continue"), true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(back);
    buttons->addStretch(1);
    buttons->addWidget(m_serverContinue);
    layout->addLayout(buttons);
    connect(back, &QPushButton::clicked, this, [this] { showPage(Page::Choice); });
    connect(m_serverContinue, &QPushButton::clicked, this, &WelcomeWindow::submitServerAddress);
    connect(m_serverUrlEdit, &QLineEdit::returnPressed, this, &WelcomeWindow::submitServerAddress);
    return page;
}

void WelcomeWindow::submitServerAddress()
{
    if (m_busy)
        return;
    m_serverUrlField->setError({});
    m_notice->hide();
    const QString text = m_serverUrlEdit->text().trimmed();
    if (text.isEmpty()) {
        m_serverUrlField->setError(tr("Enter the server's address."));
        return;
    }
    const QUrl url = core::ApiClient::normalizeServerUrl(text);
    if (const auto problem = core::ApiClient::checkServerUrl(url)) {
        m_serverUrlField->setError(problem.userMessage());
        return;
    }
    setBusy(true);
    m_api->setBaseUrl(url);
    m_session->fetchServerInfo(this, [this, url](const core::ServerInfo &info, const core::ApiError &error) {
        setBusy(false);
        if (error) {
            m_serverUrlField->setError(error.userMessage());
            return;
        }
        if (info.mode == QLatin1String("local")) {
            m_serverUrlField->setError(tr("This server belongs to one computer and does not take sign-ins. Ask "
                                          "for the address of a shared Pygmi server."));
            return;
        }
        m_serverUrl = url;
        m_serverInfo = info;
        updateNoticeTexts();
        m_signUpMeter->setMinimumLength(info.passwordMinLength);
        m_signInTitle->setText(tr("Sign in to %1").arg(serverDisplayName()));
        if (m_ssoPanel) {
            m_pendingLinkToken.clear(); // it belonged to the previous server
            m_ssoPanel->refresh();
            m_ssoAccountPage->setServerInfo(info);
        }
        showPage(Page::SignIn);
        (m_signInEmail->text().isEmpty() ? m_signInEmail : m_signInPassword)->setFocus();
    });
}

QString WelcomeWindow::serverDisplayName() const
{
    return m_serverUrl.port() > 0 ? QStringLiteral("%1:%2").arg(m_serverUrl.host()).arg(m_serverUrl.port())
                                  : m_serverUrl.host();
}

// --- Sign in -------------------------------------------------------------------------------

QWidget *WelcomeWindow::buildSignInPage()
{
    auto *page = pageFrame(QStringLiteral("signInPage"), tr("Sign in"), {}, &m_signInTitle);
    auto *layout = static_cast<QVBoxLayout *>(page->layout());
    m_signInInfo = infoLabel(QStringLiteral("signInInfoLabel"), page);
    layout->addWidget(m_signInInfo);
    m_signInEmail = lineEdit(QStringLiteral("signInEmailEdit"), tr("Email"));
    m_signInEmail->setInputMethodHints(Qt::ImhEmailCharactersOnly | Qt::ImhNoAutoUppercase);
    layout->addWidget(new FormField(tr("&Email"), m_signInEmail, page));
    m_signInPassword = lineEdit(QStringLiteral("signInPasswordEdit"), tr("Password"));
    m_signInPassword->setEchoMode(QLineEdit::Password);
    layout->addWidget(new FormField(tr("&Password"), m_signInPassword, page));
    auto *forgot = button(QStringLiteral("forgotPasswordButton"), tr("Forgot password?"));
    forgot->setFlat(true);
    layout->addWidget(forgot, 0, Qt::AlignLeft);
    m_signInError = errorLabel(QStringLiteral("signInErrorLabel"), page);
    m_signInError->setAccessibleName(tr("Sign-in problem"));
    layout->addWidget(m_signInError);

    m_signInButton = button(QStringLiteral("signInButton"), tr("Sign in"), true);
    auto *changeServer = button(QStringLiteral("changeServerButton"), tr("Change server"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(changeServer);
    buttons->addStretch(1);
    buttons->addWidget(m_signInButton);
    layout->addLayout(buttons);
    m_ssoSlot = new QVBoxLayout;
    layout->addLayout(m_ssoSlot);

    auto *createRow = new QHBoxLayout;
    auto *createText = new QLabel(tr("New here?"), page);
    auto *create = button(QStringLiteral("createAccountButton"), tr("Create an account"));
    createRow->addWidget(createText);
    createRow->addWidget(create);
    createRow->addStretch(1);
    layout->addSpacing(8);
    layout->addLayout(createRow);

    connect(m_signInButton, &QPushButton::clicked, this, &WelcomeWindow::submitSignIn);
    connect(m_signInPassword, &QLineEdit::returnPressed, this, &WelcomeWindow::submitSignIn);
    connect(changeServer, &QPushButton::clicked, this, [this] { showPage(Page::ServerAddress); });
    connect(create, &QPushButton::clicked, this, [this] {
        if (m_signUpEmail->text().isEmpty())
            m_signUpEmail->setText(m_signInEmail->text().trimmed());
        showPage(Page::CreateAccount);
        (m_signUpEmail->text().isEmpty() ? m_signUpEmail : m_signUpPassword)->setFocus();
    });
    connect(forgot, &QPushButton::clicked, this, [this] {
        m_resetEmail->setText(m_signInEmail->text().trimmed());
        m_resetSecondStep->hide();
        m_resetInfo->hide();
        m_resetError->hide();
        showPage(Page::ForgotPassword);
        m_resetEmail->setFocus();
    });
    return page;
}

void WelcomeWindow::submitSignIn()
{
    if (m_busy)
        return;
    m_signInError->hide();
    m_signInInfo->hide();
    const QString email = m_signInEmail->text().trimmed();
    if (email.isEmpty() || m_signInPassword->text().isEmpty()) {
        showError(m_signInError, tr("Enter your email and your password."));
        return;
    }
    setBusy(true);
    m_session->signIn(email, m_signInPassword->text(), this, [this](const core::ApiError &error) {
        setBusy(false);
        if (!error) {
            m_signInPassword->clear();
            if (!m_pendingLinkToken.isEmpty() && m_sso) {
                // The person proved they own the account: now connect the provider that vouched
                // for the same email. The session stands even if connecting fails.
                core::SsoSignIn::Pending pending;
                pending.token = std::exchange(m_pendingLinkToken, QString());
                m_sso->confirmLink(pending, this, [this](const core::ApiError &linkError) {
                    if (linkError)
                        qWarning("connecting the provider failed: %s", qPrintable(linkError.code()));
                    Q_EMIT signedIn();
                });
                return;
            }
            Q_EMIT signedIn();
            return;
        }
        // One message for a wrong password and an unknown email: the form never says which.
        showError(m_signInError, error.userMessage());
        m_signInPassword->selectAll();
        m_signInPassword->setFocus();
    });
}

// --- Create account ------------------------------------------------------------------------

QWidget *WelcomeWindow::buildCreateAccountPage()
{
    auto *page = pageFrame(QStringLiteral("createAccountPage"), tr("Create an account"),
                           tr("We will send a code to your email address to confirm it."));
    auto *layout = static_cast<QVBoxLayout *>(page->layout());
    m_signUpEmail = lineEdit(QStringLiteral("signUpEmailEdit"), tr("Email"));
    m_signUpEmail->setMaxLength(254);
    m_signUpEmailField = new FormField(tr("&Email"), m_signUpEmail, page);
    layout->addWidget(m_signUpEmailField);
    m_signUpPassword = lineEdit(QStringLiteral("signUpPasswordEdit"), tr("New password"));
    m_signUpPassword->setEchoMode(QLineEdit::Password);
    m_signUpPassword->setMaxLength(256);
    m_signUpPasswordField = new FormField(tr("&Password"), m_signUpPassword, page);
    layout->addWidget(m_signUpPasswordField);
    m_signUpMeter = new PasswordStrengthMeter(QStringLiteral("signUpPasswordStrength"), m_signUpPassword, page);
    layout->addWidget(m_signUpMeter);
    m_signUpName = lineEdit(QStringLiteral("signUpNameEdit"), tr("Display name"));
    m_signUpName->setMaxLength(64);
    m_signUpNameField = new FormField(tr("&Display name"), m_signUpName, page);
    layout->addWidget(m_signUpNameField);
    m_signUpBirthDate = new BirthDateEdit(QStringLiteral("signUpBirthDate"), page);
    m_signUpBirthDateField = new FormField(tr("Date of &birth"), m_signUpBirthDate, page);
    m_signUpBirthDateField->setHint(tr("Pygmi is for people aged 13 or over. Your date of birth is checked once "
                                       "and not stored."));
    layout->addWidget(m_signUpBirthDateField);

    m_signUpNoticeCheck = new QCheckBox(page);
    m_signUpNoticeCheck->setObjectName(QStringLiteral("signUpNoticeCheck"));
    m_signUpNoticeLabel = new QLabel(page);
    m_signUpNoticeLabel->setObjectName(QStringLiteral("signUpNoticeLabel"));
    layout->addLayout(noticeRow(m_signUpNoticeLabel, m_signUpNoticeCheck, QStringLiteral("signUpNoticeButton")));
    m_signUpNoticeError = errorLabel(QStringLiteral("signUpNoticeCheckError"), page);
    layout->addWidget(m_signUpNoticeError);
    m_signUpError = errorLabel(QStringLiteral("signUpErrorLabel"), page);
    layout->addWidget(m_signUpError);

    auto *back = button(QStringLiteral("signUpBackButton"), tr("Back"));
    m_signUpButton = button(QStringLiteral("signUpButton"), tr("Create account"), true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(back);
    buttons->addStretch(1);
    buttons->addWidget(m_signUpButton);
    layout->addLayout(buttons);

    const auto updateContext = [this] {
        m_signUpMeter->setContext(m_signUpEmail->text().trimmed(), m_signUpName->text().trimmed());
    };
    connect(m_signUpEmail, &QLineEdit::textChanged, this, updateContext);
    connect(m_signUpName, &QLineEdit::textChanged, this, updateContext);
    connect(back, &QPushButton::clicked, this, [this] { showPage(Page::SignIn); });
    connect(m_signUpButton, &QPushButton::clicked, this, &WelcomeWindow::submitCreateAccount);
    return page;
}

void WelcomeWindow::submitCreateAccount()
{
    if (m_busy)
        return;
    clearFieldErrors({ m_signUpEmailField, m_signUpPasswordField, m_signUpNameField, m_signUpBirthDateField });
    m_signUpNoticeError->hide();
    m_signUpError->hide();
    bool ok = true;
    if (m_signUpEmail->text().trimmed().isEmpty()) {
        m_signUpEmailField->setError(tr("Enter your email address."));
        ok = false;
    }
    if (!m_signUpMeter->isAcceptable()) {
        m_signUpPasswordField->setError(m_signUpPassword->text().isEmpty() ? tr("Choose a password.")
                                                                           : m_signUpMeter->message());
        ok = false;
    }
    if (m_signUpName->text().trimmed().isEmpty()) {
        m_signUpNameField->setError(tr("Enter a display name."));
        ok = false;
    }
    if (!m_signUpBirthDate->date().isValid()) {
        m_signUpBirthDateField->setError(m_signUpBirthDate->isEmpty() ? tr("Enter your date of birth.")
                                                                      : tr("Enter a real date: day, month and year."));
        ok = false;
    }
    if (!m_signUpNoticeCheck->isChecked()) {
        showError(m_signUpNoticeError, tr("Read and accept the notice to continue."));
        ok = false;
    }
    if (!ok)
        return;

    core::SignUpForm form;
    form.email = m_signUpEmail->text().trimmed();
    form.password = m_signUpPassword->text();
    form.displayName = m_signUpName->text().trimmed();
    form.birthDate = m_signUpBirthDate->date();
    form.acceptedNoticeVersion = m_serverInfo.noticeVersion;
    setBusy(true);
    m_session->signUp(form, this, [this](const core::ApiError &error) {
        setBusy(false);
        // The date was needed for this one check; forget it either way.
        m_signUpBirthDate->clear();
        if (!error) {
            m_signUpPassword->clear();
            Q_EMIT signedIn();
            return;
        }
        showFieldErrors(error, { { QStringLiteral("email"), m_signUpEmailField },
                                 { QStringLiteral("password"), m_signUpPasswordField },
                                 { QStringLiteral("display_name"), m_signUpNameField },
                                 { QStringLiteral("birth_date"), m_signUpBirthDateField } });
        const QString notice = error.fieldMessage(QStringLiteral("accepted_notice_version"));
        if (!notice.isEmpty())
            showError(m_signUpNoticeError, notice);
        showError(m_signUpError, error.userMessage());
    });
}

// --- Forgot password -----------------------------------------------------------------------

QWidget *WelcomeWindow::buildForgotPasswordPage()
{
    auto *page = pageFrame(QStringLiteral("forgotPasswordPage"), tr("Reset your password"),
                           tr("We will email you a code. Enter it here with a new password."));
    auto *layout = static_cast<QVBoxLayout *>(page->layout());
    m_resetEmail = lineEdit(QStringLiteral("resetEmailEdit"), tr("Email"));
    layout->addWidget(new FormField(tr("&Email"), m_resetEmail, page));
    auto *send = button(QStringLiteral("sendResetCodeButton"), tr("Send code"));
    layout->addWidget(send, 0, Qt::AlignLeft);
    m_resetInfo = infoLabel(QStringLiteral("resetInfoLabel"), page);
    layout->addWidget(m_resetInfo);

    m_resetSecondStep = new QWidget(page);
    m_resetSecondStep->setObjectName(QStringLiteral("resetSecondStep"));
    auto *second = new QVBoxLayout(m_resetSecondStep);
    second->setContentsMargins(0, 0, 0, 0);
    second->setSpacing(12);
    m_resetCode = lineEdit(QStringLiteral("resetCodeEdit"), tr("Code from the email"));
    m_resetCode->setMaxLength(12);
    m_resetCode->setInputMethodHints(Qt::ImhDigitsOnly);
    m_resetCodeField = new FormField(tr("&Code from the email"), m_resetCode, m_resetSecondStep);
    second->addWidget(m_resetCodeField);
    m_resetPassword = lineEdit(QStringLiteral("resetPasswordEdit"), tr("New password"));
    m_resetPassword->setEchoMode(QLineEdit::Password);
    m_resetPasswordField = new FormField(tr("&New password"), m_resetPassword, m_resetSecondStep);
    second->addWidget(m_resetPasswordField);
    m_resetMeter = new PasswordStrengthMeter(QStringLiteral("resetPasswordStrength"), m_resetPassword,
                                             m_resetSecondStep);
    second->addWidget(m_resetMeter);
    auto *setPassword = button(QStringLiteral("setNewPasswordButton"), tr("Set new password"), true);
    second->addWidget(setPassword, 0, Qt::AlignRight);
    m_resetSecondStep->hide();
    layout->addWidget(m_resetSecondStep);

    m_resetError = errorLabel(QStringLiteral("resetErrorLabel"), page);
    layout->addWidget(m_resetError);
    auto *back = button(QStringLiteral("resetBackButton"), tr("Back to sign in"));
    layout->addWidget(back, 0, Qt::AlignLeft);

    connect(send, &QPushButton::clicked, this, &WelcomeWindow::submitResetRequest);
    connect(setPassword, &QPushButton::clicked, this, &WelcomeWindow::submitNewPassword);
    connect(m_resetEmail, &QLineEdit::textChanged, this,
            [this](const QString &email) { m_resetMeter->setContext(email.trimmed(), {}); });
    connect(back, &QPushButton::clicked, this, [this] { showPage(Page::SignIn); });
    return page;
}

void WelcomeWindow::submitResetRequest()
{
    if (m_busy)
        return;
    m_resetError->hide();
    const QString email = m_resetEmail->text().trimmed();
    if (email.isEmpty()) {
        showError(m_resetError, tr("Enter the email address of your account."));
        return;
    }
    setBusy(true);
    m_session->requestPasswordReset(email, this, [this, email](const core::ApiError &error) {
        setBusy(false);
        if (error) {
            showError(m_resetError, error.userMessage());
            return;
        }
        // Same words whether or not the account exists.
        m_resetInfo->setText(tr("If there is an account for %1, a code is on its way. It is valid for 30 minutes. "
                                "Check your spam folder if it does not arrive.")
                                 .arg(email));
        m_resetInfo->show();
        m_resetSecondStep->show();
        m_resetCode->setFocus();
    });
}

void WelcomeWindow::submitNewPassword()
{
    if (m_busy)
        return;
    m_resetError->hide();
    clearFieldErrors({ m_resetCodeField, m_resetPasswordField });
    const QString email = m_resetEmail->text().trimmed();
    if (m_resetCode->text().trimmed().isEmpty()) {
        m_resetCodeField->setError(tr("Enter the code from the email."));
        return;
    }
    if (!m_resetMeter->isAcceptable()) {
        m_resetPasswordField->setError(m_resetPassword->text().isEmpty() ? tr("Choose a new password.")
                                                                         : m_resetMeter->message());
        return;
    }
    setBusy(true);
    m_session->resetPassword(email, m_resetCode->text().trimmed(), m_resetPassword->text(), this,
                             [this, email](const core::ApiError &error) {
                                 setBusy(false);
                                 if (error) {
                                     showFieldErrors(error, { { QStringLiteral("code"), m_resetCodeField },
                                                              { QStringLiteral("new_password"),
                                                                m_resetPasswordField } });
                                     showError(m_resetError, error.userMessage());
                                     return;
                                 }
                                 m_resetCode->clear();
                                 m_resetPassword->clear();
                                 m_resetSecondStep->hide();
                                 m_resetInfo->hide();
                                 m_signInEmail->setText(email);
                                 m_signInPassword->clear();
                                 m_signInInfo->setText(tr("Your password was changed and you were signed out "
                                                          "everywhere. Sign in with the new password."));
                                 m_signInInfo->show();
                                 showPage(Page::SignIn);
                                 m_signInPassword->setFocus();
                             });
}

// --- Single sign-on ------------------------------------------------------------------------

void WelcomeWindow::setSso(core::SsoService *sso)
{
    if (m_sso || !sso)
        return;
    m_sso = sso;
    m_ssoPanel = new SsoPanel(sso, m_pages->widget(int(Page::SignIn)));
    m_ssoSlot->addWidget(m_ssoPanel);
    m_ssoAccountPage = new SsoAccountPage(sso, m_api, m_pages);
    m_pages->addWidget(m_ssoAccountPage);
    connect(m_ssoPanel, &SsoPanel::signedIn, this, [this] {
        // Signed in to the existing account with another provider: connect the waiting one too.
        if (m_pendingLinkToken.isEmpty()) {
            Q_EMIT signedIn();
            return;
        }
        core::SsoSignIn::Pending pending;
        pending.token = std::exchange(m_pendingLinkToken, QString());
        m_sso->confirmLink(pending, this, [this](const core::ApiError &linkError) {
            if (linkError)
                qWarning("connecting the provider failed: %s", qPrintable(linkError.code()));
            Q_EMIT signedIn();
        });
    });
    connect(m_ssoPanel, &SsoPanel::waitingChanged, this, [this](bool waiting) {
        m_signInButton->setEnabled(!waiting);
    });
    connect(m_ssoPanel, &SsoPanel::layoutChanged, this, [this] {
        m_pages->currentWidget()->updateGeometry(); // the stack takes the page's new height
        m_pages->updateGeometry();
    });
    connect(m_ssoPanel, &SsoPanel::signUpNeeded, this, [this](const core::SsoSignIn::Pending &pending) {
        m_ssoAccountPage->begin(pending);
        showPage(Page::SsoCreateAccount);
    });
    connect(m_ssoPanel, &SsoPanel::linkNeeded, this, [this](const core::SsoSignIn::Pending &pending) {
        m_pendingLinkToken = pending.token;
        m_signInEmail->setText(pending.email);
        m_signInInfo->setText(tr("There is already an account for %1 on this server. Sign in to it (with your "
                                 "password, or the way you signed in before) to connect %2; next time you can "
                                 "use either.")
                                  .arg(pending.email, pending.providerName));
        m_signInInfo->show();
        m_signInPassword->setFocus();
    });
    connect(m_ssoAccountPage, &SsoAccountPage::signedIn, this, &WelcomeWindow::signedIn);
    connect(m_ssoAccountPage, &SsoAccountPage::backRequested, this, [this] { showPage(Page::SignIn); });
    if (currentPage() == Page::SignIn) {
        m_ssoPanel->refresh();
        m_ssoAccountPage->setServerInfo(m_serverInfo);
    }
}

// --- Shared --------------------------------------------------------------------------------

WelcomeWindow::Page WelcomeWindow::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

void WelcomeWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
    // Let the stack take the height of the page on show, not of the tallest page.
    for (int i = 0; i < m_pages->count(); ++i)
        m_pages->widget(i)->setSizePolicy(QSizePolicy::Preferred,
                                          i == int(page) ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    m_pages->adjustSize();
}

void WelcomeWindow::setRememberedServer(const QUrl &url, const QString &email)
{
    if (!url.isEmpty())
        m_serverUrlEdit->setText(url.toString());
    if (!email.isEmpty()) {
        m_signInEmail->setText(email);
    }
}

void WelcomeWindow::showNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

void WelcomeWindow::openNotice()
{
    NoticeDialog dialog(m_api, this);
    dialog.exec();
}

void WelcomeWindow::updateNoticeTexts()
{
    const QString title = m_serverInfo.noticeTitle.isEmpty() ? tr("terms and privacy notice")
                                                             : m_serverInfo.noticeTitle;
    const QString notice = m_serverInfo.noticeVersion.isEmpty()
        ? tr("Terms and privacy: %1.").arg(title)
        : tr("Terms and privacy: %1, version %2.").arg(title, m_serverInfo.noticeVersion);
    const QString accept = m_serverInfo.noticeVersion.isEmpty()
        ? tr("I have read and accept the %1.").arg(title)
        : tr("I have read and accept the %1 (version %2).").arg(title, m_serverInfo.noticeVersion);
    for (QLabel *label : { m_localNoticeLabel, m_signUpNoticeLabel })
        label->setText(notice);
    for (QCheckBox *check : { m_localNoticeCheck, m_signUpNoticeCheck })
        check->setAccessibleName(accept);
}

void WelcomeWindow::setBusy(bool busy, const QString &)
{
    m_busy = busy;
    if (QWidget *page = m_pages->currentWidget())
        page->setEnabled(!busy);
    if (busy)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

void WelcomeWindow::showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
    label->setAccessibleDescription(text);
}

void WelcomeWindow::showFieldErrors(const core::ApiError &error, const QHash<QString, FormField *> &fields)
{
    for (auto it = fields.begin(); it != fields.end(); ++it)
        it.value()->setError(error.fieldMessage(it.key()));
}

void WelcomeWindow::clearFieldErrors(const QList<FormField *> &fields)
{
    for (FormField *field : fields)
        field->setError({});
}

} // namespace pygmi::ui
