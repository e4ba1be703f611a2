#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace pygmi::core {
class SessionManager;
class SsoService;
} // namespace pygmi::core

namespace pygmi::ui {

class Theme;

// Settings: the account (who, where, switch server, sign out) and the appearance.
class SettingsPage : public QWidget
{
    Q_OBJECT

public:
    SettingsPage(core::SessionManager *session, Theme *theme, QWidget *parent = nullptr);

    void setKeychainPersistent(bool persistent);
    // Adds Account → Connected sign-ins (server accounts only).
    void setSso(core::SsoService *sso);
    // Adds a group (e.g. Privacy & consent) at `index` among the groups (0 = first, -1 = last).
    void insertSection(int index, QWidget *section);

Q_SIGNALS:
    void signOutRequested();
    void switchServerRequested();

private:
    void updateAccount();

    core::SessionManager *m_session;
    Theme *m_theme;
    QLabel *m_account;
    QLabel *m_server;
    QLabel *m_keychain;
    QComboBox *m_themeCombo;
    QVBoxLayout *m_sections = nullptr;
    bool m_persistent = true;
    QWidget *m_connectedSignIns = nullptr;
    QVBoxLayout *m_accountSlot = nullptr;
};

} // namespace pygmi::ui
