#pragma once

#include "sso/SsoService.h"

#include <QGroupBox>
#include <QPointer>

class QComboBox;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace pygmi::ui {

class BrowserWaitWidget;

// Settings → Account → Connected sign-ins: the identity providers that can sign in to this
// account, when each was last used, connect another, disconnect one (never the last way in).
class ConnectedSignInsBox : public QGroupBox
{
    Q_OBJECT

public:
    ConnectedSignInsBox(core::SsoService *sso, QWidget *parent = nullptr);

    void reload();

private:
    void connectSelected();
    void disconnectSelected();
    void updateButtons();

    core::SsoService *m_sso;
    QList<core::SsoService::Provider> m_providers;
    QList<core::SsoService::Identity> m_identities;
    bool m_hasPassword = true;
    QPointer<core::SsoSignIn> m_signIn;
    QTreeWidget *m_list;
    QLabel *m_empty;
    QComboBox *m_providerCombo;
    QPushButton *m_connect;
    QPushButton *m_disconnect;
    BrowserWaitWidget *m_wait;
    QLabel *m_message;
};

} // namespace pygmi::ui
