#include "settings/SettingsPage.h"

#include "session/SessionManager.h"
#include "sso/ConnectedSignInsBox.h"
#include "theme/Theme.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace pygmi::ui {

SettingsPage::SettingsPage(core::SessionManager *session, Theme *theme, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_theme(theme)
    , m_account(new QLabel(this))
    , m_server(new QLabel(this))
    , m_keychain(new QLabel(this))
    , m_themeCombo(new QComboBox(this))
{
    setObjectName(QStringLiteral("settingsPage"));
    setAccessibleName(tr("Settings"));

    auto *heading = new QLabel(tr("Settings"), this);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    heading->setFont(font);

    auto *account = new QGroupBox(tr("Account"), this);
    account->setObjectName(QStringLiteral("accountGroup"));
    m_account->setObjectName(QStringLiteral("accountLabel"));
    m_account->setWordWrap(true);
    m_account->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_server->setObjectName(QStringLiteral("serverLabel"));
    m_server->setWordWrap(true);
    m_server->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keychain->setObjectName(QStringLiteral("keychainLabel"));
    m_keychain->setWordWrap(true);
    auto *switchServer = new QPushButton(tr("Switch server…"), account);
    switchServer->setObjectName(QStringLiteral("switchServerButton"));
    switchServer->setAccessibleName(tr("Switch server"));
    auto *signOut = new QPushButton(tr("Sign out"), account);
    signOut->setObjectName(QStringLiteral("signOutButton"));
    signOut->setAccessibleName(tr("Sign out"));
    auto *accountForm = new QFormLayout;
    accountForm->addRow(tr("Signed in as:"), m_account);
    accountForm->addRow(tr("Server:"), m_server);
    accountForm->addRow(tr("Sign-in kept:"), m_keychain);
    auto *accountButtons = new QHBoxLayout;
    accountButtons->addWidget(switchServer);
    accountButtons->addWidget(signOut);
    accountButtons->addStretch(1);
    auto *accountLayout = new QVBoxLayout(account);
    accountLayout->addLayout(accountForm);
    accountLayout->addLayout(accountButtons);
    m_accountSlot = accountLayout;

    auto *appearance = new QGroupBox(tr("Appearance"), this);
    appearance->setObjectName(QStringLiteral("appearanceGroup"));
    m_themeCombo->setObjectName(QStringLiteral("themeCombo"));
    m_themeCombo->setAccessibleName(tr("Theme"));
    m_themeCombo->addItem(tr("Same as the system"), int(Theme::Mode::System));
    m_themeCombo->addItem(tr("Light"), int(Theme::Mode::Light));
    m_themeCombo->addItem(tr("Dark"), int(Theme::Mode::Dark));
    m_themeCombo->setCurrentIndex(m_themeCombo->findData(int(theme->mode())));
    auto *appearanceForm = new QFormLayout(appearance);
    appearanceForm->addRow(tr("&Theme:"), m_themeCombo);

    // The groups scroll; Privacy & consent sits first so a withdrawal is two clicks away.
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("settingsScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *inner = new QWidget(scroll);
    inner->setObjectName(QStringLiteral("settingsContent"));
    scroll->setWidget(inner);
    outer->addWidget(scroll);
    heading->setParent(inner);
    account->setParent(inner);
    appearance->setParent(inner);
    auto *layout = new QVBoxLayout(inner);
    m_sections = layout;
    layout->setContentsMargins(32, 28, 32, 28);
    layout->setSpacing(16);
    layout->addWidget(heading);
    layout->addWidget(account);
    layout->addWidget(appearance);
    layout->addStretch(1);

    connect(m_themeCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_theme->setMode(static_cast<Theme::Mode>(m_themeCombo->currentData().toInt())); });
    connect(theme, &Theme::modeChanged, this,
            [this](Theme::Mode mode) { m_themeCombo->setCurrentIndex(m_themeCombo->findData(int(mode))); });
    connect(signOut, &QPushButton::clicked, this, &SettingsPage::signOutRequested);
    connect(switchServer, &QPushButton::clicked, this, &SettingsPage::switchServerRequested);
    connect(session, &core::SessionManager::userChanged, this, &SettingsPage::updateAccount);
    connect(session, &core::SessionManager::stateChanged, this, &SettingsPage::updateAccount);
    updateAccount();
}

void SettingsPage::insertSection(int index, QWidget *section)
{
    // Index 0 is right below the heading; the final stretch always stays last.
    const int position = index < 0 ? m_sections->count() - 1 : qMin(index + 1, m_sections->count() - 1);
    section->setParent(m_sections->parentWidget());
    m_sections->insertWidget(position, section);
}

void SettingsPage::setKeychainPersistent(bool persistent)
{
    m_persistent = persistent;
    updateAccount();
}

void SettingsPage::setSso(core::SsoService *sso)
{
    if (m_connectedSignIns || !sso || m_session->profile().isLocal())
        return;
    auto *box = new ConnectedSignInsBox(sso, this);
    m_connectedSignIns = box;
    m_accountSlot->addSpacing(6);
    m_accountSlot->addWidget(box); // Account → Connected sign-ins
}

void SettingsPage::updateAccount()
{
    const auto user = m_session->user();
    const auto profile = m_session->profile();
    const QString name = user.displayName.isEmpty() ? profile.displayName : user.displayName;
    const QString email = user.email.isEmpty() ? profile.email : user.email;
    m_account->setText(email.isEmpty() ? name : tr("%1 (%2)").arg(name, email));
    m_server->setText(profile.isLocal() ? tr("This computer: your data stays here")
                                        : profile.url.toDisplayString());
    m_keychain->setText(m_persistent ? tr("In the system keychain, so you stay signed in")
                                     : tr("For this session only: no keychain is available, so you will have "
                                          "to sign in again next time"));
}

} // namespace pygmi::ui
