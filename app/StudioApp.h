#pragma once

#include "main/MainWindow.h"
#include "session/ServerProfile.h"
#include "welcome/WelcomeWindow.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

class QWidget;

namespace pygmi::core {
class PrivacyService;
class ApiClient;
class AssetCache;
class ReferenceLibrary;
class UploadManager;
class EventStream;
class GalleryCache;
class GalleryService;
class ThumbnailLoader;
class GenerationService;
class JobListModel;
class PromptHistory;
class ProviderCatalog;
class ApiError;
class ConsentManager;
class Telemetry;
class LocalServerSupervisor;
class SecretStore;
class SessionManager;
class SsoService;
} // namespace pygmi::core

namespace pygmi::ui {
class Theme;
} // namespace pygmi::ui

namespace pygmi::app {

struct StudioOptions
{
    // Keychain service name; tests use their own so that parallel runs don't share secrets.
    QString keychainService = QStringLiteral("Pygmi Studio");
    // pygmi-server to run for the local profile; empty = the one next to the executable.
    QString serverProgram;
};

// The composition root: builds the services, decides which window comes first, runs the
// local server when the profile is "On this computer", and remembers the window geometry.
// No business logic lives here. Tests create, destroy and re-create it to "restart the app".
class StudioApp : public QObject
{
    Q_OBJECT

public:
    explicit StudioApp(StudioOptions options = {}, QObject *parent = nullptr);
    ~StudioApp() override;

    // Shows the first window at once; everything slow (keychain, server, network) follows.
    void start();

    // Forgets the saved server choice and session of this installation (not its data).
    static void resetProfile();
    // Loads the translation for the system language, if there is one.
    static void installTranslations();

    core::ApiClient *api() const { return m_api; }
    core::SecretStore *secrets() const { return m_secrets; }
    core::SessionManager *session() const { return m_session; }
    // Single sign-on; tests replace its browser opener.
    core::SsoService *sso() const { return m_sso; }
    core::LocalServerSupervisor *localServer() const { return m_supervisor; }
    core::ConsentManager *consent() const { return m_consent; }
    core::Telemetry *telemetry() const { return m_telemetry; }
    core::PrivacyService *privacy() const { return m_privacy; }
    core::GenerationService *generations() const { return m_generations; }
    core::EventStream *events() const { return m_events; }
    core::JobListModel *jobs() const { return m_jobs; }
    core::PromptHistory *promptHistory() const { return m_history; }
    core::AssetCache *assetCache() const { return m_cache; }
    core::UploadManager *uploads() const { return m_uploads; }
    core::GalleryService *gallery() const { return m_gallery; }
    core::GalleryCache *galleryCache() const { return m_galleryCache; }
    core::ThumbnailLoader *thumbnailLoader() const { return m_thumbnailLoader; }
    core::ProviderCatalog *providers() const { return m_providers; }
    ui::Theme *theme() const { return m_theme; }
    ui::WelcomeWindow *welcomeWindow() const { return m_welcome; }
    ui::MainWindow *mainWindow() const { return m_main; }
    QWidget *currentWindow() const;

    static QString configDir();
    static QString serverDataDir();
    // Consent choices, receipts, the telemetry queue and log (no secrets).
    static QString privacyDataDir();

Q_SIGNALS:
    void currentWindowChanged(QWidget *window);

private:
    void showWelcome(const QString &notice = {});
    void showMain();
    void replaceWindow(QWidget *previous, QWidget *next);
    void saveGeometry();

    void useLocalServer(bool use);
    void ensureLocalServer();
    void onLocalServerReady(const QUrl &url);
    void restoreSession();
    void onRestored(const core::ApiError &error);
    void onSignedIn();
    void signOut(bool switchServer);
    void wirePrivacy();
    void recordStartupIfAllowed();

    StudioOptions m_options;
    core::ApiClient *m_api;
    core::SecretStore *m_secrets;
    core::SessionManager *m_session;
    core::SsoService *m_sso;
    core::LocalServerSupervisor *m_supervisor = nullptr;
    core::GenerationService *m_generations;
    core::ProviderCatalog *m_providers;
    core::EventStream *m_events;
    core::JobListModel *m_jobs;
    core::PromptHistory *m_history;
    core::AssetCache *m_cache;
    core::UploadManager *m_uploads;
    core::ReferenceLibrary *m_references;
    core::GalleryService *m_gallery;
    core::GalleryCache *m_galleryCache;
    core::ThumbnailLoader *m_thumbnailLoader;
    ui::Theme *m_theme;
    QPointer<ui::WelcomeWindow> m_welcome;
    QPointer<ui::MainWindow> m_main;
    std::optional<core::ServerProfile> m_pendingRestore;
    bool m_localMode = false;
    bool m_signingOut = false;
    core::ConsentManager *m_consent;
    core::Telemetry *m_telemetry;
    core::PrivacyService *m_privacy;
    QElapsedTimer m_startClock;
    qint64 m_startupMs = -1; // until the main window is first shown
    bool m_startupRecorded = false;
};

} // namespace pygmi::app
