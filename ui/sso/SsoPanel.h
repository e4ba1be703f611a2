#pragma once

#include "sso/SsoService.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace pygmi::ui {

class BrowserWaitWidget;

// "Or continue with …": one button per identity provider of the server. A click opens the
// system browser (through core's SsoService) and waits; the outcome is a session, or a
// sign-up / link the welcome window finishes.
class SsoPanel : public QWidget
{
    Q_OBJECT

public:
    SsoPanel(core::SsoService *sso, QWidget *parent = nullptr);

    // Asks the current server for its providers; hides the panel when there are none.
    void refresh();
    bool isWaiting() const;
    void cancel();
    QList<core::SsoService::Provider> providers() const { return m_providers; }

Q_SIGNALS:
    void signedIn();
    void signUpNeeded(const pygmi::core::SsoSignIn::Pending &pending);
    void linkNeeded(const pygmi::core::SsoSignIn::Pending &pending);
    void waitingChanged(bool waiting);
    // The panel grew or shrank (waiting box, error): the window may need to lay out again.
    void layoutChanged();

private:
    void begin(const core::SsoService::Provider &provider);
    void onFinished();

    core::SsoService *m_sso;
    QList<core::SsoService::Provider> m_providers;
    QPointer<core::SsoSignIn> m_signIn;
    QWidget *m_buttons;
    QVBoxLayout *m_buttonLayout;
    BrowserWaitWidget *m_wait;
    QLabel *m_error;
};

} // namespace pygmi::ui
