#include "sso/SsoAccountPage.h"

#include "common/FormField.h"
#include "common/NoticeDialog.h"
#include "sso/SsoService.h"
#include "welcome/BirthDateEdit.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

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

void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setAccessibleDescription(text);
    label->setVisible(!text.isEmpty());
}

} // namespace

SsoAccountPage::SsoAccountPage(core::SsoService *sso, core::ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_sso(sso)
    , m_api(api)
    , m_intro(new QLabel(this))
    , m_name(new QLineEdit(this))
    , m_birthDate(new BirthDateEdit(QStringLiteral("ssoBirthDate"), this))
    , m_noticeLabel(new QLabel(this))
    , m_noticeCheck(new QCheckBox(tr("I have read and accept this notice"), this))
    , m_noticeError(errorLabel(QStringLiteral("ssoNoticeCheckError"), this))
    , m_error(errorLabel(QStringLiteral("ssoAccountErrorLabel"), this))
    , m_create(new QPushButton(tr("Create account"), this))
{
    setObjectName(QStringLiteral("ssoAccountPage"));
    auto *title = new QLabel(tr("Finish creating your account"), this);
    title->setObjectName(QStringLiteral("ssoAccountPageTitle"));
    title->setWordWrap(true);
    QFont font = title->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    title->setFont(font);
    m_intro->setObjectName(QStringLiteral("ssoAccountIntro"));
    m_intro->setWordWrap(true);

    m_name->setObjectName(QStringLiteral("ssoNameEdit"));
    m_name->setAccessibleName(tr("Display name"));
    m_name->setMaxLength(64);
    m_name->setMinimumHeight(30);
    m_nameField = new FormField(tr("&Display name"), m_name, this);
    m_birthDateField = new FormField(tr("Date of &birth"), m_birthDate, this);
    m_birthDateField->setHint(tr("Pygmi is for people aged 13 or over. Your date of birth is checked once and not "
                                 "stored."));
    m_noticeLabel->setObjectName(QStringLiteral("ssoNoticeLabel"));
    m_noticeLabel->setWordWrap(true);
    m_noticeCheck->setObjectName(QStringLiteral("ssoNoticeCheck"));
    auto *read = new QPushButton(tr("Read the notice"), this);
    read->setObjectName(QStringLiteral("ssoNoticeButton"));
    read->setAccessibleName(tr("Read the notice"));
    auto *noticeTop = new QHBoxLayout;
    noticeTop->addWidget(m_noticeLabel, 1);
    noticeTop->addWidget(read, 0, Qt::AlignTop);

    auto *back = new QPushButton(tr("Back"), this);
    back->setObjectName(QStringLiteral("ssoAccountBackButton"));
    back->setAccessibleName(tr("Back"));
    m_create->setObjectName(QStringLiteral("ssoCreateAccountButton"));
    m_create->setAccessibleName(tr("Create account"));
    m_create->setDefault(true);
    m_create->setMinimumHeight(32);
    m_create->setStyleSheet(
        QStringLiteral("QPushButton { background: palette(highlight); color: palette(highlighted-text);"
                       " border: none; border-radius: 5px; padding: 6px 18px; font-weight: bold; }"
                       "QPushButton:disabled { background: palette(mid); }"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(back);
    buttons->addStretch(1);
    buttons->addWidget(m_create);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    layout->addWidget(title);
    layout->addWidget(m_intro);
    layout->addWidget(m_nameField);
    layout->addWidget(m_birthDateField);
    layout->addLayout(noticeTop);
    layout->addWidget(m_noticeCheck);
    layout->addWidget(m_noticeError);
    layout->addWidget(m_error);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(read, &QPushButton::clicked, this, [this] {
        NoticeDialog dialog(m_api, this);
        dialog.exec();
    });
    connect(back, &QPushButton::clicked, this, [this] {
        m_birthDate->clear();
        Q_EMIT backRequested();
    });
    connect(m_create, &QPushButton::clicked, this, &SsoAccountPage::submit);
    setServerInfo({});
}

void SsoAccountPage::setServerInfo(const core::ServerInfo &info)
{
    m_info = info;
    const QString title = info.noticeTitle.isEmpty() ? tr("terms and privacy notice") : info.noticeTitle;
    m_noticeLabel->setText(info.noticeVersion.isEmpty()
                               ? tr("Terms and privacy: %1.").arg(title)
                               : tr("Terms and privacy: %1, version %2.").arg(title, info.noticeVersion));
    m_noticeCheck->setAccessibleName(
        info.noticeVersion.isEmpty()
            ? tr("I have read and accept the %1.").arg(title)
            : tr("I have read and accept the %1 (version %2).").arg(title, info.noticeVersion));
}

void SsoAccountPage::begin(const core::SsoSignIn::Pending &pending)
{
    m_pending = pending;
    m_intro->setText(pending.email.isEmpty()
                         ? tr("You signed in with %1. There is no Pygmi account for you on this server yet: confirm "
                              "your age and accept the notice to create one.")
                               .arg(pending.providerName)
                         : tr("You signed in with %1 as %2. There is no Pygmi account for you on this server yet: "
                              "confirm your age and accept the notice to create one.")
                               .arg(pending.providerName, pending.email));
    m_name->setText(pending.displayName);
    m_birthDate->clear();
    m_noticeCheck->setChecked(false);
    m_nameField->setError({});
    m_birthDateField->setError({});
    m_noticeError->hide();
    m_error->hide();
    (m_name->text().isEmpty() ? static_cast<QWidget *>(m_name) : m_birthDate)->setFocus();
}

void SsoAccountPage::submit()
{
    if (m_busy)
        return;
    m_nameField->setError({});
    m_birthDateField->setError({});
    m_noticeError->hide();
    m_error->hide();
    bool ok = true;
    if (m_name->text().trimmed().isEmpty()) {
        m_nameField->setError(tr("Enter a display name."));
        ok = false;
    }
    if (!m_birthDate->date().isValid()) {
        m_birthDateField->setError(m_birthDate->isEmpty() ? tr("Enter your date of birth.")
                                                          : tr("Enter a real date: day, month and year."));
        ok = false;
    }
    if (!m_noticeCheck->isChecked()) {
        showError(m_noticeError, tr("Read and accept the notice to continue."));
        ok = false;
    }
    if (!ok)
        return;
    m_busy = true;
    setEnabled(false);
    m_sso->signUp(m_pending, m_name->text(), m_birthDate->date(), m_info.noticeVersion, this,
                  [this](const core::ApiError &error) {
                      m_busy = false;
                      setEnabled(true);
                      // The date was needed for this one check; forget it either way.
                      m_birthDate->clear();
                      if (!error) {
                          m_pending = {};
                          Q_EMIT signedIn();
                          return;
                      }
                      m_nameField->setError(error.fieldMessage(QStringLiteral("display_name")));
                      m_birthDateField->setError(error.fieldMessage(QStringLiteral("birth_date")));
                      const QString notice = error.fieldMessage(QStringLiteral("accepted_notice_version"));
                      if (!notice.isEmpty())
                          showError(m_noticeError, notice);
                      showError(m_error, core::SsoService::messageFor(error));
                  });
}

} // namespace pygmi::ui
