#pragma once

#include "create/CreateServices.h"
#include "gallery/GalleryServices.h"
#include "session/ServerProfile.h"

#include <QMainWindow>
#include <QPointer>

#include <optional>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace pygmi::core {
class PrivacyService;
class ApiClient;
class ConsentManager;
class SessionManager;
class SsoService;
class Telemetry;
} // namespace pygmi::core

namespace pygmi::ui {

class Banner;
class ConsentDialog;
class EmailVerificationBanner;
class SettingsPage;
class Theme;

// The shell once signed in: a sidebar (Create, Gallery, Privacy, Settings), the pages
// (built the first time they are opened), banners for what needs attention, and who is
// signed in.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class Section { Create, Gallery, Privacy, Settings };
    Q_ENUM(Section)
    enum class LocalServerState { Starting, Ready, Restarting, Failed };

    MainWindow(core::SessionManager *session, Theme *theme, QWidget *parent = nullptr);

    void showSection(Section section);
    Section currentSection() const;
    // The page of a section, building it if needed.
    QWidget *page(Section section);

    // Until the saved session is resumed, show whose it is.
    void setRestoringProfile(const core::ServerProfile &profile);
    void setLocalServerState(LocalServerState state, const QString &detail = {});
    void setKeychainPersistent(bool persistent);
    // Single sign-on: Settings shows the account's connected sign-ins.
    void setSso(core::SsoService *sso);
    // A problem reaching the server at start-up (empty text clears it).
    void setConnectionProblem(const QString &text);
    // The services of the Create page (it shows a placeholder until they are given).
    void setCreateServices(const CreateServices &services);
    // The services of the Gallery page and of Settings → Storage.
    void setGalleryServices(const GalleryServices &services);

    // Privacy: the consent dialog (asked when core says so), the policy-change banner, and the
    // Privacy & consent and What we send groups in Settings. Not owned.
    void setPrivacyServices(core::ConsentManager *consent, core::Telemetry *telemetry, core::ApiClient *api);
    ConsentDialog *consentDialog() const;
    // The privacy dashboard behind the Privacy section (a placeholder until given). Not owned.
    void setPrivacyDashboard(core::PrivacyService *privacy);

    // Asks before signing out / switching (through MessageBox, scriptable in tests).
    void requestSignOut();
    void requestSwitchServer();

Q_SIGNALS:
    void signOutRequested();
    void switchServerRequested();
    void retryConnectionRequested();
    void retryLocalServerRequested();
    // A section became visible ("create", "gallery", "privacy", "settings").
    void sectionShown(const QString &section);

private:
    QWidget *buildPage(Section section);
    void updateSignedIn();
    void maybeAskConsent();
    void updatePolicyBanner();

    core::SessionManager *m_session;
    Theme *m_theme;
    QListWidget *m_sidebar;
    QStackedWidget *m_pages;
    QLabel *m_signedIn;
    QLabel *m_sidebarUser;
    Banner *m_localServerBanner;
    Banner *m_keychainBanner;
    Banner *m_connectionBanner;
    EmailVerificationBanner *m_verificationBanner;
    SettingsPage *m_settings = nullptr;
    Banner *m_policyBanner;
    core::ConsentManager *m_consent = nullptr;
    core::Telemetry *m_telemetry = nullptr;
    core::ApiClient *m_api = nullptr;
    QPointer<ConsentDialog> m_consentDialog;
    CreateServices m_createServices;
    GalleryServices m_galleryServices;
    std::optional<core::ServerProfile> m_restoring;
    bool m_persistent = true;
    core::SsoService *m_sso = nullptr;
    bool m_restartedOnce = false;
    core::PrivacyService *m_privacyDashboard = nullptr;
    Banner *m_deletionBanner = nullptr;
};

} // namespace pygmi::ui
