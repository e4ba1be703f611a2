#include "main/MainWindow.h"

#include "common/Banner.h"
#include "common/MessageBox.h"
#include "create/Composer.h"
#include "create/CreatePage.h"
#include "gallery/GalleryPage.h"
#include "gallery/StorageSettingsSection.h"
#include "main/PlaceholderPage.h"
#include "main/EmailVerificationBanner.h"
#include "privacy/ConsentDialog.h"
#include "privacy/ConsentManager.h"
#include "privacy/PrivacyPage.h"
#include "privacy/PrivacyService.h"
#include "privacy/PrivacySettingsSection.h"
#include "privacy/TelemetryInspector.h"
#include "session/SessionManager.h"
#include "settings/SettingsPage.h"
#include "theme/Theme.h"

#include <QJsonObject>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace pygmi::ui {

MainWindow::MainWindow(core::SessionManager *session, Theme *theme, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_theme(theme)
    , m_sidebar(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_signedIn(new QLabel(this))
    , m_sidebarUser(new QLabel(this))
    , m_localServerBanner(new Banner(QStringLiteral("localServerBanner"), this))
    , m_keychainBanner(new Banner(QStringLiteral("keychainBanner"), this))
    , m_connectionBanner(new Banner(QStringLiteral("connectionBanner"), this))
    , m_verificationBanner(new EmailVerificationBanner(session, this))
    , m_policyBanner(new Banner(QStringLiteral("policyBanner"), this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Pygmi Studio"));
    setAccessibleName(windowTitle());
    resize(1100, 720);

    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setAccessibleName(tr("Sections"));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setFixedWidth(200);
    m_sidebar->setSpacing(2);
    m_sidebar->setStyleSheet(QStringLiteral(
        "QListWidget { background: palette(alternate-base); padding: 8px; outline: none; }"
        "QListWidget::item { padding: 8px 10px; border-radius: 6px; }"
        "QListWidget::item:selected { background: palette(highlight); color: palette(highlighted-text); }"));
    const QStringList sections { tr("Create"), tr("Gallery"), tr("Privacy"), tr("Settings") };
    const QStringList names { QStringLiteral("createSection"), QStringLiteral("gallerySection"),
                              QStringLiteral("privacySection"), QStringLiteral("settingsSection") };
    for (int i = 0; i < sections.size(); ++i) {
        auto *item = new QListWidgetItem(sections.at(i), m_sidebar);
        item->setData(Qt::UserRole, names.at(i));
        item->setData(Qt::AccessibleTextRole, sections.at(i));
    }
    for (int i = 0; i < sections.size(); ++i)
        m_pages->addWidget(new QWidget(m_pages)); // real pages are built on first use
    m_pages->setObjectName(QStringLiteral("pages"));

    auto *appName = new QLabel(tr("Pygmi Studio"), this);
    appName->setObjectName(QStringLiteral("sidebarAppName"));
    QFont font = appName->font();
    font.setPointSizeF(font.pointSizeF() * 1.25);
    font.setBold(true);
    appName->setFont(font);
    m_sidebarUser->setObjectName(QStringLiteral("sidebarUserLabel"));
    m_sidebarUser->setWordWrap(true);
    m_sidebarUser->setForegroundRole(QPalette::PlaceholderText);
    auto *sidebarPanel = new QWidget(this);
    sidebarPanel->setObjectName(QStringLiteral("sidebarPanel"));
    sidebarPanel->setAutoFillBackground(true);
    sidebarPanel->setBackgroundRole(QPalette::AlternateBase);
    auto *sidebarLayout = new QVBoxLayout(sidebarPanel);
    sidebarLayout->setContentsMargins(8, 16, 8, 12);
    sidebarLayout->addWidget(appName);
    sidebarLayout->addSpacing(8);
    sidebarLayout->addWidget(m_sidebar, 1);
    sidebarLayout->addWidget(m_sidebarUser);
    appName->setContentsMargins(10, 0, 0, 0);
    m_sidebarUser->setContentsMargins(10, 0, 0, 0);

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(16, 12, 16, 0);
    contentLayout->setSpacing(8);
    contentLayout->addWidget(m_connectionBanner);
    contentLayout->addWidget(m_localServerBanner);
    contentLayout->addWidget(m_keychainBanner);
    contentLayout->addWidget(m_verificationBanner);
    contentLayout->addWidget(m_policyBanner);
    m_deletionBanner = new Banner(QStringLiteral("accountDeletionBanner"), content);
    m_deletionBanner->hide();
    contentLayout->addWidget(m_deletionBanner);
    contentLayout->addWidget(m_pages, 1);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(sidebarPanel);
    layout->addWidget(content, 1);
    setCentralWidget(central);

    m_signedIn->setObjectName(QStringLiteral("signedInLabel"));
    m_signedIn->setAccessibleName(tr("Signed in as"));
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addPermanentWidget(m_signedIn);

    m_keychainBanner->setDismissible(true);
    m_localServerBanner->setDismissible(true);
    auto *retry = m_connectionBanner->addAction(QStringLiteral("retryConnectionButton"), tr("Try again"));
    connect(retry, &QPushButton::clicked, this, &MainWindow::retryConnectionRequested);

    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0) {
            page(static_cast<Section>(row));
            m_pages->setCurrentIndex(row);
            static const char *const ids[] = { "create", "gallery", "privacy", "settings" };
            Q_EMIT sectionShown(QString::fromLatin1(ids[row]));
        }
    });
    connect(session, &core::SessionManager::userChanged, this, &MainWindow::updateSignedIn);
    connect(session, &core::SessionManager::stateChanged, this, &MainWindow::updateSignedIn);
    m_sidebar->setCurrentRow(0);
    updateSignedIn();
}

QWidget *MainWindow::page(Section section)
{
    const int index = int(section);
    QWidget *current = m_pages->widget(index);
    if (current->objectName().isEmpty()) {
        QWidget *built = buildPage(section);
        m_pages->insertWidget(index, built);
        m_pages->removeWidget(current);
        current->deleteLater();
        current = built;
    }
    return current;
}

QWidget *MainWindow::buildPage(Section section)
{
    switch (section) {
    case Section::Create:
        if (m_createServices.isComplete())
            return new CreatePage(m_createServices, m_pages);
        return new PlaceholderPage(QStringLiteral("createPage"), tr("Create"),
                                  tr("Write a prompt, add reference images or videos, and get images and videos "
                                     "back."),
                                  m_pages);
    case Section::Gallery:
        if (m_galleryServices.isComplete()) {
            auto *gallery = new GalleryPage(m_galleryServices, m_pages);
            // Remix: the creation's parameters go into the Create composer.
            connect(gallery, &GalleryPage::remixRequested, this, [this](const core::GenerationRequest &request) {
                m_sidebar->setCurrentRow(int(Section::Create));
                if (auto *create = qobject_cast<CreatePage *>(page(Section::Create))) {
                    core::GenerationRequest remix = request;
                    remix.id.clear(); // a new job, not a resubmission
                    create->composer()->setRequest(remix);
                }
            });
            return gallery;
        }
        return new PlaceholderPage(QStringLiteral("galleryPage"), tr("Gallery"),
                                  tr("Everything you have created, searchable, with its prompt and settings."),
                                  m_pages);
    case Section::Privacy:
        if (m_privacyDashboard) {
            auto *privacy = new PrivacyPage(m_privacyDashboard, m_pages);
            connect(privacy, &PrivacyPage::consentSettingsRequested, this, [this] { showSection(Section::Settings); });
            return privacy;
        }
        return new PlaceholderPage(QStringLiteral("privacyPage"), tr("Privacy"),
                                  tr("What Pygmi keeps about you, your choices, and your export and deletion "
                                     "requests."),
                                  m_pages);
    case Section::Settings:
        break;
    }
    m_settings = new SettingsPage(m_session, m_theme, m_pages);
    m_settings->setKeychainPersistent(m_persistent);
    m_settings->setSso(m_sso);
    connect(m_settings, &SettingsPage::signOutRequested, this, &MainWindow::requestSignOut);
    connect(m_settings, &SettingsPage::switchServerRequested, this, &MainWindow::requestSwitchServer);
    if (m_galleryServices.isComplete())
        m_settings->insertSection(-1, new StorageSettingsSection(m_galleryServices.cache, m_galleryServices.assets, m_settings));
    if (m_consent) {
        m_settings->insertSection(0, new PrivacySettingsSection(m_consent, m_settings));
        if (m_telemetry && m_api)
            m_settings->insertSection(-1, new TelemetryInspector(m_telemetry, m_api, m_settings));
    }
    return m_settings;
}

void MainWindow::setPrivacyServices(core::ConsentManager *consent, core::Telemetry *telemetry, core::ApiClient *api)
{
    m_consent = consent;
    m_telemetry = telemetry;
    m_api = api;
    connect(consent, &core::ConsentManager::questionsChanged, this, &MainWindow::maybeAskConsent);
    connect(consent, &core::ConsentManager::noticeChanged, this, &MainWindow::updatePolicyBanner);
    updatePolicyBanner();
    maybeAskConsent();
}

void MainWindow::setPrivacyDashboard(core::PrivacyService *privacy)
{
    m_privacyDashboard = privacy;
    // Exports are prepared in the background: say when one is ready, whatever page is open.
    connect(privacy, &core::PrivacyService::requestFinished, this, [this](const QJsonObject &request) {
        if (request.value(QLatin1String("type")).toString() == u"export"
            && request.value(QLatin1String("status")).toString() == u"completed")
            statusBar()->showMessage(tr("Your data archive is ready: download it from the Privacy page."), 15000);
    });
    // A deletion in its grace period is announced on every page, with the way back.
    const auto update = [this] {
        const QJsonObject pending = m_privacyDashboard->pendingDeletion();
        const QString shown = pending.value(QLatin1String("request_id")).toString()
            + pending.value(QLatin1String("status")).toString();
        if (shown == m_deletionBanner->property("shown").toString())
            return;
        m_deletionBanner->setProperty("shown", shown);
        m_deletionBanner->clearActions();
        if (pending.isEmpty() || pending.value(QLatin1String("status")).toString() != u"in_progress") {
            m_deletionBanner->hide();
            return;
        }
        const QDateTime at
            = QDateTime::fromString(pending.value(QLatin1String("grace_ends_at")).toString(), Qt::ISODate).toLocalTime();
        m_deletionBanner->showMessage(Banner::Kind::Warning,
                                      tr("Your account is scheduled for deletion on %1.")
                                          .arg(QLocale().toString(at, QLocale::ShortFormat)));
        auto *keep = m_deletionBanner->addAction(QStringLiteral("keepAccountBannerButton"), tr("Keep my account"));
        keep->show();
        const QString id = pending.value(QLatin1String("request_id")).toString();
        connect(keep, &QPushButton::clicked, this, [this, id] { m_privacyDashboard->cancelRequest(id); });
        m_deletionBanner->show();
    };
    connect(privacy, &core::PrivacyService::summaryChanged, this, update);
    update();
}

ConsentDialog *MainWindow::consentDialog() const
{
    return m_consentDialog;
}

void MainWindow::maybeAskConsent()
{
    if (!m_consent || !m_consent->isReady() || m_consentDialog)
        return;
    const QStringList questions = m_consent->questions();
    if (questions.isEmpty())
        return;
    const bool firstRun = m_consent->isFirstRun();
    auto *dialog = new ConsentDialog(m_consent->notice(), questions, firstRun, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_consentDialog = dialog;
    connect(dialog, &ConsentDialog::answered, this,
            [this, firstRun](const QMap<QString, bool> &choices, const QString &method) {
                if (m_consent)
                    m_consent->answer(choices, method,
                                      firstRun ? QStringLiteral("first_run") : QStringLiteral("reconsent"));
            });
    // Not modal: nothing optional runs until it is answered, and the app stays usable.
    dialog->show();
    dialog->raise();
}

void MainWindow::updatePolicyBanner()
{
    m_policyBanner->clearActions();
    if (!m_consent) {
        m_policyBanner->hide();
        return;
    }
    const QStringList acknowledged = m_consent->acknowledgedVersions();
    for (const core::PrivacyNotice &upcoming : m_consent->upcoming()) {
        if (acknowledged.contains(upcoming.version))
            continue;
        QStringList changes;
        for (const core::PrivacyNotice::Change &change : upcoming.summaryOfChanges) {
            const QString purpose = change.purpose.isEmpty() ? QString()
                                                             : m_consent->notice().purpose(change.purpose).title;
            changes << (purpose.isEmpty() ? change.change : tr("%1: %2").arg(purpose, change.change));
        }
        const QString date = QLocale().toString(upcoming.effectiveDate, QLocale::LongFormat);
        const QString text = upcoming.materialChanges.isEmpty()
            ? tr("The privacy notice changes on %1. None of your choices is affected. %2")
                  .arg(date, changes.join(QLatin1Char(' ')))
            : tr("The privacy notice changes on %1, and you will be asked again about what changed. What "
                 "changes: %2")
                  .arg(date, changes.join(QStringLiteral("; ")));
        m_policyBanner->showMessage(Banner::Kind::Info, text);
        auto *read = m_policyBanner->addAction(QStringLiteral("policyBannerSettingsButton"), tr("Privacy settings"));
        connect(read, &QPushButton::clicked, this, [this] { showSection(Section::Settings); });
        auto *ok = m_policyBanner->addAction(QStringLiteral("policyBannerAcknowledgeButton"), tr("Got it"));
        const QString version = upcoming.version;
        connect(ok, &QPushButton::clicked, this, [this, version] { m_consent->acknowledge(version); });
        return;
    }
    m_policyBanner->hide();
}

void MainWindow::showSection(Section section)
{
    m_sidebar->setCurrentRow(int(section));
}

MainWindow::Section MainWindow::currentSection() const
{
    return static_cast<Section>(m_sidebar->currentRow());
}

void MainWindow::updateSignedIn()
{
    const auto state = m_session->state();
    const auto user = m_session->user();
    const auto profile = m_session->state() == core::SessionManager::State::SignedIn || !m_restoring
        ? m_session->profile()
        : *m_restoring;
    const QString name = user.displayName.isEmpty() ? profile.displayName : user.displayName;
    const QString where = profile.isLocal() ? tr("this computer") : profile.url.host();
    if (state == core::SessionManager::State::SignedIn) {
        m_signedIn->setText(tr("Signed in as %1 on %2").arg(name, where));
        m_sidebarUser->setText(user.email.isEmpty() ? name : tr("%1\n%2").arg(name, user.email));
        m_verificationBanner->updateForUser(user);
    } else if (state == core::SessionManager::State::Restoring || m_restoring) {
        m_signedIn->setText(name.isEmpty() ? tr("Signing in…") : tr("Signing in as %1…").arg(name));
        m_sidebarUser->setText(name);
    } else {
        m_signedIn->setText(tr("Not signed in"));
        m_sidebarUser->clear();
    }
}

void MainWindow::setRestoringProfile(const core::ServerProfile &profile)
{
    m_restoring = profile;
    updateSignedIn();
}

void MainWindow::setLocalServerState(LocalServerState state, const QString &detail)
{
    m_localServerBanner->clearActions();
    switch (state) {
    case LocalServerState::Starting:
        if (!m_restartedOnce)
            m_localServerBanner->showMessage(Banner::Kind::Info, tr("Starting Pygmi on this computer…"));
        break;
    case LocalServerState::Ready:
        if (m_restartedOnce)
            m_localServerBanner->showMessage(
                Banner::Kind::Warning,
                tr("Pygmi's server on this computer stopped unexpectedly and was restarted. Work that was in "
                   "progress may have been interrupted; your saved creations are safe."));
        else
            m_localServerBanner->hide();
        break;
    case LocalServerState::Restarting:
        m_restartedOnce = true;
        m_localServerBanner->showMessage(
            Banner::Kind::Warning,
            tr("Pygmi's server on this computer stopped unexpectedly (%1). Restarting it…").arg(detail));
        break;
    case LocalServerState::Failed: {
        m_localServerBanner->showMessage(
            Banner::Kind::Error,
            tr("Pygmi's server on this computer could not run (%1). Try again; if it keeps failing, restart "
               "Pygmi Studio.")
                .arg(detail));
        auto *retry = m_localServerBanner->addAction(QStringLiteral("retryLocalServerButton"), tr("Try again"));
        connect(retry, &QPushButton::clicked, this, &MainWindow::retryLocalServerRequested);
        break;
    }
    }
}

void MainWindow::setSso(core::SsoService *sso)
{
    m_sso = sso;
    if (m_settings)
        m_settings->setSso(sso);
}

void MainWindow::setKeychainPersistent(bool persistent)
{
    m_persistent = persistent;
    if (m_settings)
        m_settings->setKeychainPersistent(persistent);
    if (persistent)
        m_keychainBanner->hide();
    else
        m_keychainBanner->showMessage(Banner::Kind::Warning,
                                      tr("No system keychain is available, so your sign-in is kept only while "
                                         "Pygmi Studio runs: you will have to sign in again next time."));
}

void MainWindow::setConnectionProblem(const QString &text)
{
    if (text.isEmpty())
        m_connectionBanner->hide();
    else
        m_connectionBanner->showMessage(Banner::Kind::Error, text);
}

void MainWindow::setCreateServices(const CreateServices &services)
{
    m_createServices = services;
    const int index = int(Section::Create);
    QWidget *current = m_pages->widget(index);
    if (qobject_cast<CreatePage *>(current))
        return;
    // Replace the placeholder; the real page is built now if it is on screen, else on first use.
    auto *empty = new QWidget(m_pages);
    m_pages->insertWidget(index, empty);
    m_pages->removeWidget(current);
    current->deleteLater();
    if (m_sidebar->currentRow() == index) {
        page(Section::Create);
        m_pages->setCurrentIndex(index);
    }
}

void MainWindow::setGalleryServices(const GalleryServices &services)
{
    m_galleryServices = services;
    const int index = int(Section::Gallery);
    QWidget *current = m_pages->widget(index);
    if (qobject_cast<GalleryPage *>(current))
        return;
    auto *empty = new QWidget(m_pages);
    m_pages->insertWidget(index, empty);
    m_pages->removeWidget(current);
    current->deleteLater();
    if (m_sidebar->currentRow() == index) {
        page(Section::Gallery);
        m_pages->setCurrentIndex(index);
    }
}

void MainWindow::requestSignOut()
{
    const bool local = m_session->profile().isLocal();
    const QString text = local ? tr("Sign out of Pygmi on this computer? Your creations stay here, and you can "
                                    "come back from the welcome window.")
                               : tr("Sign out of %1? You will need your password to sign in again.")
                                     .arg(m_session->profile().url.host());
    if (MessageBox::question(this, tr("Sign out"), text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes)
        == QMessageBox::Yes)
        Q_EMIT signOutRequested();
}

void MainWindow::requestSwitchServer()
{
    const QString text = tr("To use another server you sign out here first. Continue?");
    if (MessageBox::question(this, tr("Switch server"), text, QMessageBox::Yes | QMessageBox::Cancel,
                             QMessageBox::Yes)
        == QMessageBox::Yes)
        Q_EMIT switchServerRequested();
}

} // namespace pygmi::ui
