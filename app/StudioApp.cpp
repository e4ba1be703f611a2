#include "StudioApp.h"

#include "api/ApiClient.h"
#include "gallery/GalleryCache.h"
#include "gallery/GalleryService.h"
#include "gallery/ThumbnailLoader.h"
#include "generation/AssetCache.h"
#include "generation/EventStream.h"
#include "generation/GenerationService.h"
#include "uploads/ReferenceLibrary.h"
#include "uploads/UploadManager.h"
#include "generation/JobListModel.h"
#include "generation/PromptHistory.h"
#include "generation/ProviderCatalog.h"
#include "localserver/LocalServerSupervisor.h"
#include "main/MainWindow.h"
#include "privacy/ConsentManager.h"
#include "privacy/PrivacyService.h"
#include "session/SecretStore.h"
#include "session/SessionManager.h"
#include "sso/SsoService.h"
#include "telemetry/Telemetry.h"
#include "theme/Theme.h"
#include "welcome/WelcomeWindow.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QIcon>
#include <QJsonObject>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcApp, "pygmi.app")

namespace pygmi::app {

namespace {

const auto kGeometryKey = QStringLiteral("window/mainGeometry");
const auto kStateKey = QStringLiteral("window/mainState");
const auto kChoiceKey = QStringLiteral("welcome/choice");
const auto kServerUrlKey = QStringLiteral("welcome/serverUrl");
const auto kEmailKey = QStringLiteral("welcome/email");

bool isConnectionProblem(const core::ApiError &error)
{
    using Kind = core::ApiError::Kind;
    return error.kind() == Kind::Network || error.kind() == Kind::Timeout || error.kind() == Kind::Tls;
}

} // namespace

StudioApp::StudioApp(StudioOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_api(new core::ApiClient(this))
    , m_secrets(new core::SecretStore(m_options.keychainService, this))
    , m_session(new core::SessionManager(m_api, m_secrets, configDir(), this))
    , m_sso(new core::SsoService(m_api, m_session, this))
    , m_generations(new core::GenerationService(m_api, this))
    , m_providers(new core::ProviderCatalog(m_api, this))
    , m_events(new core::EventStream(m_api, this))
    , m_jobs(new core::JobListModel(m_generations, m_events, this))
    // The prompt history is the user's content: app data (not a cache that may be wiped), own file.
    , m_history(new core::PromptHistory(
          QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/prompt-history.sqlite"),
          this))
    , m_cache(new core::AssetCache(
          m_api, QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QLatin1String("/assets"), this))
    // Upload progress survives restarts (app data); private scrubbed copies live in the cache.
    , m_uploads(new core::UploadManager(
          m_api, QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/uploads.sqlite"),
          QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QLatin1String("/uploads"), this))
    , m_references(new core::ReferenceLibrary(m_api, this))
    , m_gallery(new core::GalleryService(m_api, this))
    // Thumbnails and pages: a cache (losing it loses nothing the server has).
    , m_galleryCache(new core::GalleryCache(
          QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QLatin1String("/gallery"), this))
    , m_thumbnailLoader(new core::ThumbnailLoader(m_api, m_galleryCache, this))
    , m_theme(new ui::Theme(this))
    , m_consent(new core::ConsentManager(m_api, privacyDataDir(), this))
    , m_telemetry(new core::Telemetry(m_api, m_consent, privacyDataDir(), this))
    , m_privacy(new core::PrivacyService(m_api, privacyDataDir(), this))
{
    m_startClock.start();
    m_theme->apply();
    // Single sign-on uses the system browser, never an embedded web view (RFC 8252).
    m_sso->setBrowserOpener([](const QUrl &url) { return QDesktopServices::openUrl(url); });
    wirePrivacy();
    // Live updates and the list of generators exist only while someone is signed in.
    connect(m_session, &core::SessionManager::stateChanged, this, [this](core::SessionManager::State state) {
        if (state == core::SessionManager::State::SignedIn) {
            // Cached gallery pages belong to one account on one server.
            m_galleryCache->setScope(m_session->profile().refreshTokenKey());
            m_providers->refresh();
            m_events->start();
            // Uploads belong to the account (the local server's port changes between runs).
            m_uploads->setScope(m_session->user().id);
            m_uploads->restore();
        } else if (state == core::SessionManager::State::SignedOut) {
            m_events->stop();
            m_jobs->clear();
            m_uploads->setScope({});
            m_uploads->restore(); // stops what was running; it continues at the next sign-in
        }
    });
    connect(m_secrets, &core::SecretStore::statusChanged, this, [this](core::SecretStore::Status status) {
        if (m_main && status != core::SecretStore::Status::Unknown)
            m_main->setKeychainPersistent(status == core::SecretStore::Status::Persistent);
    });
    connect(m_session, &core::SessionManager::sessionExpired, this, [this](const core::ApiError &reason) {
        if (m_main && !m_signingOut)
            showWelcome(tr("You were signed out: %1").arg(reason.userMessage()));
    });
}

StudioApp::~StudioApp()
{
    saveGeometry();
    delete m_main.data();
    delete m_welcome.data();
    if (m_supervisor)
        m_supervisor->stop();
}

QString StudioApp::configDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
}

QString StudioApp::serverDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/server");
}

QString StudioApp::privacyDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/privacy");
}

void StudioApp::wirePrivacy()
{
    // Every request passes the gate, which asks the consent state (and sends Sec-GPC).
    m_api->setNetworkPolicy(m_consent);
    connect(m_session, &core::SessionManager::stateChanged, this, [this](core::SessionManager::State state) {
        if (state == core::SessionManager::State::SignedIn) {
            m_consent->start(m_session->user().id);
            m_privacy->start(m_session->user().id);
        } else if (state == core::SessionManager::State::SignedOut) {
            m_consent->stop();
            m_privacy->stop();
        }
    });
    connect(m_consent, &core::ConsentManager::changed, this, &StudioApp::recordStartupIfAllowed);
    connect(m_theme, &ui::Theme::modeChanged, this, [this] {
        m_telemetry->record(QStringLiteral("feature_used"),
                            QJsonObject { { QStringLiteral("feature"), QStringLiteral("theme_changed") } });
    });
}

void StudioApp::recordStartupIfAllowed()
{
    if (m_startupRecorded || m_startupMs < 0)
        return;
    m_startupRecorded = m_telemetry->record(QStringLiteral("app_started"),
                                            QJsonObject { { QStringLiteral("startup_ms"), m_startupMs } });
}

void StudioApp::resetProfile()
{
    core::ServerProfile::remove(configDir());
    QSettings settings;
    settings.remove(kChoiceKey);
    settings.remove(kServerUrlKey);
    settings.remove(kEmailKey);
}

void StudioApp::installTranslations()
{
    const QLocale locale;
    if (locale.language() == QLocale::English || locale.language() == QLocale::C)
        return;
    auto *translator = new QTranslator(qApp);
    if (translator->load(locale, QStringLiteral("pygmi"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(translator);
    else
        delete translator;
    auto *qtTranslator = new QTranslator(qApp);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    else
        delete qtTranslator;
}

QWidget *StudioApp::currentWindow() const
{
    if (m_main)
        return m_main;
    return m_welcome;
}

void StudioApp::start()
{
    const auto profile = core::ServerProfile::load(configDir());
    if (profile) {
        m_pendingRestore = *profile;
        showMain();
        m_main->setRestoringProfile(*profile);
        if (profile->isLocal()) {
            useLocalServer(true);
        } else {
            useLocalServer(false);
            m_api->setBaseUrl(profile->url);
        }
        QTimer::singleShot(0, this, &StudioApp::restoreSession);
    } else {
        showWelcome();
    }
    // After the first paint: the keychain check and the app icon.
    QTimer::singleShot(0, this, [this] {
        m_secrets->probe();
        m_theme->probeSystemScheme();
        QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/org.pygmi.Studio.svg")));
    });
}

void StudioApp::replaceWindow(QWidget *previous, QWidget *next)
{
    // Show the next window before the previous one goes, so the app never has no window.
    next->show();
    if (previous) {
        previous->hide();
        previous->deleteLater();
    }
    Q_EMIT currentWindowChanged(next);
}

void StudioApp::showWelcome(const QString &notice)
{
    auto *welcome = new ui::WelcomeWindow(m_session, m_api);
    welcome->setSso(m_sso);
    const QSettings settings;
    const QString choice = settings.value(kChoiceKey).toString();
    welcome->setRememberedServer(QUrl(settings.value(kServerUrlKey).toString()),
                                 settings.value(kEmailKey).toString());
    if (!notice.isEmpty())
        welcome->showNotice(notice);
    if (choice == QLatin1String("remote"))
        welcome->showPage(ui::WelcomeWindow::Page::ServerAddress);

    connect(welcome, &ui::WelcomeWindow::localChosen, this, [this] {
        useLocalServer(true);
        ensureLocalServer();
    });
    connect(welcome, &ui::WelcomeWindow::localRetryRequested, this, &StudioApp::ensureLocalServer);
    connect(welcome, &ui::WelcomeWindow::signedIn, this, &StudioApp::onSignedIn);

    saveGeometry();
    QWidget *previous = currentWindow();
    m_welcome = welcome;
    m_main = nullptr;
    replaceWindow(previous, welcome);

    // "On this computer" is the default: have its server ready by the time it is chosen.
    if (choice != QLatin1String("remote"))
        QTimer::singleShot(0, this, &StudioApp::ensureLocalServer);
    if (m_supervisor && m_supervisor->state() == core::LocalServerSupervisor::State::Running)
        welcome->setLocalServerState(ui::WelcomeWindow::LocalServerState::Ready, m_supervisor->url());
}

void StudioApp::showMain()
{
    auto *main = new ui::MainWindow(m_session, m_theme);
    main->setCreateServices({ m_generations, m_providers, m_events, m_jobs, m_history, m_cache, m_uploads, m_references });
    main->setGalleryServices({ m_gallery, m_galleryCache, m_thumbnailLoader, m_events, m_cache });
    main->setSso(m_sso);
    const QSettings settings;
    const QByteArray geometry = settings.value(kGeometryKey).toByteArray();
    if (!geometry.isEmpty())
        main->restoreGeometry(geometry);
    const QByteArray state = settings.value(kStateKey).toByteArray();
    if (!state.isEmpty())
        main->restoreState(state);
    if (m_secrets->status() != core::SecretStore::Status::Unknown)
        main->setKeychainPersistent(m_secrets->isPersistent());

    connect(main, &ui::MainWindow::signOutRequested, this, [this] { signOut(false); });
    connect(main, &ui::MainWindow::switchServerRequested, this, [this] { signOut(true); });
    connect(main, &ui::MainWindow::retryConnectionRequested, this, &StudioApp::restoreSession);
    connect(main, &ui::MainWindow::retryLocalServerRequested, this, &StudioApp::ensureLocalServer);
    main->setPrivacyServices(m_consent, m_telemetry, m_api);
    main->setPrivacyDashboard(m_privacy);
    connect(main, &ui::MainWindow::sectionShown, this, [this](const QString &section) {
        m_telemetry->record(QStringLiteral("page_viewed"), QJsonObject { { QStringLiteral("page"), section } });
    });

    saveGeometry();
    QWidget *previous = currentWindow();
    m_main = main;
    m_welcome = nullptr;
    replaceWindow(previous, main);
    if (m_startupMs < 0) {
        m_startupMs = m_startClock.elapsed();
        recordStartupIfAllowed();
    }
    if (m_localMode && m_supervisor) {
        switch (m_supervisor->state()) {
        case core::LocalServerSupervisor::State::Starting:
            main->setLocalServerState(ui::MainWindow::LocalServerState::Starting);
            break;
        case core::LocalServerSupervisor::State::Failed:
            main->setLocalServerState(ui::MainWindow::LocalServerState::Failed);
            break;
        default:
            break;
        }
    }
}

void StudioApp::saveGeometry()
{
    if (!m_main)
        return;
    QSettings settings;
    settings.setValue(kGeometryKey, m_main->saveGeometry());
    settings.setValue(kStateKey, m_main->saveState());
}

void StudioApp::useLocalServer(bool use)
{
    m_localMode = use;
    if (use && m_supervisor && m_supervisor->state() == core::LocalServerSupervisor::State::Running)
        m_api->setBaseUrl(m_supervisor->url());
}

void StudioApp::ensureLocalServer()
{
    if (!m_supervisor) {
        const QString program = m_options.serverProgram.isEmpty()
            ? core::LocalServerSupervisor::defaultServerProgram()
            : m_options.serverProgram;
        QDir().mkpath(serverDataDir());
        m_supervisor = new core::LocalServerSupervisor(program, serverDataDir(), this);
        connect(m_supervisor, &core::LocalServerSupervisor::stateChanged, this,
                [this](core::LocalServerSupervisor::State state) {
                    if (state != core::LocalServerSupervisor::State::Starting)
                        return;
                    if (m_welcome)
                        m_welcome->setLocalServerState(ui::WelcomeWindow::LocalServerState::Starting);
                    if (m_main && m_localMode)
                        m_main->setLocalServerState(ui::MainWindow::LocalServerState::Starting);
                });
        connect(m_supervisor, &core::LocalServerSupervisor::ready, this, &StudioApp::onLocalServerReady);
        connect(m_supervisor, &core::LocalServerSupervisor::restarting, this, [this](const QString &reason) {
            qCWarning(lcApp) << "local server stopped unexpectedly, restarting:" << reason;
            if (m_welcome)
                m_welcome->setLocalServerState(ui::WelcomeWindow::LocalServerState::Restarting, {}, reason);
            if (m_main && m_localMode)
                m_main->setLocalServerState(ui::MainWindow::LocalServerState::Restarting, reason);
        });
        connect(m_supervisor, &core::LocalServerSupervisor::failed, this, [this](const QString &reason) {
            qCWarning(lcApp) << "local server failed:" << reason;
            if (m_welcome)
                m_welcome->setLocalServerState(ui::WelcomeWindow::LocalServerState::Failed, {}, reason);
            if (m_main && m_localMode)
                m_main->setLocalServerState(ui::MainWindow::LocalServerState::Failed, reason);
        });
    }
    const auto state = m_supervisor->state();
    if (state == core::LocalServerSupervisor::State::Stopped || state == core::LocalServerSupervisor::State::Failed)
        m_supervisor->start();
}

void StudioApp::onLocalServerReady(const QUrl &url)
{
    if (m_localMode)
        m_api->setBaseUrl(url);
    if (m_welcome)
        m_welcome->setLocalServerState(ui::WelcomeWindow::LocalServerState::Ready, url);
    if (m_main && m_localMode) {
        m_main->setLocalServerState(ui::MainWindow::LocalServerState::Ready);
        if (m_pendingRestore && m_session->state() != core::SessionManager::State::Restoring)
            restoreSession();
    }
}

void StudioApp::restoreSession()
{
    if (!m_pendingRestore || !m_main)
        return;
    if (m_pendingRestore->isLocal()) {
        ensureLocalServer();
        if (m_supervisor->state() != core::LocalServerSupervisor::State::Running)
            return; // onLocalServerReady() comes back here
    }
    m_main->setConnectionProblem({});
    m_session->restore(*m_pendingRestore, this, [this](const core::ApiError &error) { onRestored(error); });
}

void StudioApp::onRestored(const core::ApiError &error)
{
    if (!error) {
        m_pendingRestore.reset();
        return;
    }
    qCInfo(lcApp) << "could not resume the session:" << error.code();
    if (isConnectionProblem(error) && m_main) {
        m_main->setConnectionProblem(error.userMessage());
        m_telemetry->record(QStringLiteral("error_shown"), QJsonObject { { QStringLiteral("code"), error.code() } });
        return;
    }
    const auto profile = *m_pendingRestore;
    m_pendingRestore.reset();
    if (!profile.isLocal()) {
        QSettings settings;
        settings.setValue(kChoiceKey, QStringLiteral("remote"));
        settings.setValue(kServerUrlKey, profile.url.toString());
        settings.setValue(kEmailKey, profile.email);
    }
    showWelcome(tr("Your session has ended. %1").arg(error.userMessage()));
}

void StudioApp::onSignedIn()
{
    const auto profile = m_session->profile();
    QSettings settings;
    settings.setValue(kChoiceKey, profile.isLocal() ? QStringLiteral("local") : QStringLiteral("remote"));
    if (!profile.isLocal()) {
        settings.setValue(kServerUrlKey, profile.url.toString());
        settings.setValue(kEmailKey, profile.email);
        useLocalServer(false);
        // Nobody needs the local server while signed in elsewhere.
        if (m_supervisor)
            m_supervisor->stop();
    }
    showMain();
}

void StudioApp::signOut(bool switchServer)
{
    if (m_signingOut)
        return;
    m_signingOut = true;
    const bool wasLocal = m_session->profile().isLocal();
    m_session->signOut(this, [this, switchServer, wasLocal](const core::ApiError &error) {
        m_signingOut = false;
        if (error)
            qCInfo(lcApp) << "sign-out finished with" << error.code();
        // Signed out means no saved session, whatever the server said.
        core::ServerProfile::remove(configDir());
        if (switchServer) {
            QSettings settings;
            settings.setValue(kChoiceKey, wasLocal ? QStringLiteral("remote") : QStringLiteral("local"));
        }
        showWelcome();
        if (switchServer && m_welcome)
            m_welcome->showPage(ui::WelcomeWindow::Page::Choice);
    });
}

} // namespace pygmi::app
