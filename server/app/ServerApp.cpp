#include "ServerApp.h"

#include "StdinWatcher.h"
#include "auth/AuthEndpoints.h"
#include "auth/AuthStore.h"
#include "auth/LoginThrottle.h"
#include "auth/PasswordHasher.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "events/EventEndpoints.h"
#include "events/EventHub.h"
#include "gallery/AssetRemover.h"
#include "gallery/GalleryEndpoints.h"
#include "gallery/GalleryStore.h"
#include "gallery/RetentionSweeper.h"
#include "generation/GenerationEndpoints.h"
#include "generation/GenerationService.h"
#include "generation/GenerationStore.h"
#include "generation/TrainingChoice.h"
#include "generation/ProviderRegistry.h"
#include "consent/ConsentEndpoints.h"
#include "consent/ConsentStore.h"
#include "consent/ReceiptSigner.h"
#include "http/HttpServer.h"
#include "http/RequestLog.h"
#include "http/Router.h"
#include "http/WorkerPool.h"
#include "mail/MailOutbox.h"
#include "moderation/ModerationPolicy.h"
#include "notice/PrivacyNotice.h"
#include "privacy/AccountErasure.h"
#include "privacy/CountryLookup.h"
#include "privacy/PrivacyEndpoints.h"
#include "privacy/PrivacyRequests.h"
#include "privacy/PrivacyWorker.h"
#include "privacy/ProcessingGate.h"
#include "sso/SsoEndpoints.h"
#include "sso/SsoStore.h"
#include "sketch/SketchProvider.h"
#include "storage/BlobStore.h"
#include "storage/Database.h"
#include "system/SystemEndpoints.h"
#include "telemetry/TelemetryEndpoints.h"
#include "uploads/ReferenceInputs.h"
#include "uploads/UploadEndpoints.h"
#include "uploads/UploadEraser.h"
#include "uploads/UploadStore.h"

#include <QDir>
#include <QUrl>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>

namespace pygmi::server {

ServerApp::ServerApp(ServerOptions options)
    : m_options(std::move(options))
{ }

int ServerApp::run()
{
    if (!QDir().mkpath(m_options.dataDir)) {
        std::fprintf(stderr, "cannot create the data directory %s\n", qPrintable(m_options.dataDir));
        return 1;
    }
    QString error;
    PrivacyNotice notice;
    if (!notice.load(m_options.noticeFiles, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    std::vector<OidcProviderConfig> oidcProviders;
    if (!m_options.oidcConfigFile.isEmpty()
        && !OidcProviderConfig::loadFile(m_options.oidcConfigFile, &oidcProviders, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    Database database(QDir(m_options.dataDir).filePath(QStringLiteral("pygmi.sqlite")));
    if (!database.initialise(&error)) {
        std::fprintf(stderr, "cannot open the database: %s\n", qPrintable(error));
        return 1;
    }

    ModerationPolicy moderation;
    if (!moderation.load(m_options.moderationPolicyFile, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }

    Clock clock;
    notice.setClock(&clock);
    ReceiptSigner signer;
    if (!signer.initialise(m_options.dataDir, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    RequestLog requestLog;
    if (!m_options.requestLogFile.isEmpty() && !requestLog.open(m_options.requestLogFile, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const PasswordHasher hasher;
    LoginThrottle throttle(clock, m_options.loginAddressLimit, std::chrono::minutes(15));
    const MailOutbox outbox(QDir(m_options.dataDir).filePath(QStringLiteral("outbox")), clock);
    const AuthStore store(database);

    Router router;
    SystemEndpoints system(m_options.localMode, m_options.testClock, notice, clock);
    system.registerRoutes(router);
    AuthEndpoints auth({ m_options.localMode, m_options.accessTtlSeconds, 30LL * 24 * 3600 }, store, hasher, throttle,
                       outbox, notice, clock);
    auth.registerRoutes(router);
    const SsoStore ssoStore(database);
    SsoEndpoints sso(oidcProviders, m_options.localMode, auth, store, ssoStore, notice, clock);
    sso.registerRoutes(router);
    const ConsentStore consentStore(database, signer);
    ConsentEndpoints consent({ std::int64_t(m_options.reconsentDays) * 24 * 3600 * 1000 }, consentStore, signer, auth,
                             notice, clock);
    consent.registerRoutes(router);
    TelemetryEndpoints telemetry(database, auth, consent, consentStore, clock);
    telemetry.registerRoutes(router);

    EventHub events;
    EventEndpoints eventEndpoints(auth, events);
    eventEndpoints.registerRoutes(router);
    ProviderRegistry providers;
    providers.add(
        std::make_unique<SketchProvider>(m_options.location, std::chrono::milliseconds(m_options.sketchStepMs)));
    const BlobStore blobs(QDir(m_options.dataDir).filePath(QStringLiteral("blobs")));
    const GenerationStore generationStore(database);
    GenerationService::Settings generationSettings;
    generationSettings.workers = m_options.generationWorkers;
    generationSettings.localMode = m_options.localMode;
    generationSettings.retentionMs = std::int64_t(m_options.contentRetentionDays) * 24 * 3600 * 1000;
    const TrainingChoice training(&consent);
    GenerationService generations(generationSettings, generationStore, providers, blobs, events, clock, training);
    GenerationEndpoints generationEndpoints({ m_options.maxJobsPerUser }, auth, generationStore, generations, providers,
                                            moderation, blobs, clock);
    generationEndpoints.registerRoutes(router);

    // Reference uploads (tus) and the reference library; generation uses the references.
    const UploadStore uploadStore(database);
    UploadEndpoints::Settings uploadSettings;
    uploadSettings.uploadDir = QDir(m_options.dataDir).filePath(QStringLiteral("uploads"));
    uploadSettings.maxUploadBytes = std::int64_t(m_options.uploadMaxMiB) * 1024 * 1024;
    uploadSettings.requestMaxBytes = std::int64_t(m_options.uploadRequestMaxMiB) * 1024 * 1024;
    uploadSettings.quotaBytes = std::int64_t(m_options.uploadQuotaMiB) * 1024 * 1024;
    uploadSettings.sweepInterval = std::chrono::seconds(m_options.uploadSweepSeconds);
    uploadSettings.limits.imageMaxPixels = std::int64_t(m_options.imageMaxMegapixels) * 1'000'000;
    uploadSettings.limits.retentionMs = generationSettings.retentionMs;
    UploadEndpoints uploads(uploadSettings, auth, uploadStore, blobs, clock);
    uploads.registerRoutes(router);
    const ReferenceInputs referenceInputs(uploadStore, blobs, clock, uploadSettings.limits.imageMaxPixels);
    generationEndpoints.setReferenceCheck(
        [&referenceInputs](const QString &userId, const QString &id) { return referenceInputs.usable(userId, id); });
    generations.setReferenceLoader([&referenceInputs](const QString &userId, const QJsonArray &references) {
        return referenceInputs.load(userId, references);
    });
    const GalleryStore galleryStore(database);
    AssetRemover assetRemover(galleryStore, blobs, events);
    GalleryEndpoints galleryEndpoints(auth, galleryStore, assetRemover, blobs, events, clock);
    galleryEndpoints.registerRoutes(router);
    RetentionSweeper sweeper(galleryStore, assetRemover, clock, std::chrono::milliseconds(m_options.retentionSweepMs));

    // Privacy: requests, exports, account deletion. Feature areas with their own tables and files
    // register an eraser here (erasure.add(...)) and their tables in DataCatalog.
    CountryLookup countries;
    if (!m_options.countryDbFile.isEmpty() && !countries.load(m_options.countryDbFile, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    const ProcessingGate processingGate(database);
    generationEndpoints.setProcessingGate(&processingGate);
    telemetry.setProcessingGate(&processingGate);
    AccountErasure erasure(database, blobs, galleryStore, assetRemover, m_options.dataDir);
    erasure.add(std::make_unique<UploadEraser>(uploads));
    const PrivacyRequests privacyRequests(database, signer);
    PrivacyWorker::Settings privacyWorkerSettings;
    privacyWorkerSettings.dataDir = m_options.dataDir;
    privacyWorkerSettings.tick = std::chrono::milliseconds(m_options.privacySweepMs);
    privacyWorkerSettings.exportTtlMs = std::int64_t(m_options.exportTtlDays) * 24 * 3600 * 1000;
    PrivacyWorker privacyWorker(privacyWorkerSettings, database, blobs, privacyRequests, erasure, events, clock);
    PrivacyEndpoints privacy({ std::int64_t(m_options.deletionGraceDays) * 24 * 3600 * 1000,
                               privacyWorkerSettings.erasureRecordMs, m_options.localMode },
                             { database, auth, store, hasher, outbox, consent, notice, privacyRequests, privacyWorker,
                               erasure, blobs, countries, clock });
    privacy.registerRoutes(router);
    auth.setSeenHook([&privacy](const AuthEndpoints::Caller &caller, const HttpRequest &request) {
        privacy.sessionSeen(caller, request);
    });

    try {
        generations.start(); // resumes (local) or fails (hosted) what the last run left unfinished
    } catch (const std::exception &e) {
        std::fprintf(stderr, "cannot recover unfinished jobs: %s\n", e.what());
        return 1;
    }

    WorkerPool workers(m_options.workerThreads, [] { Database::closeThreadConnection(); });
    HttpServer::Settings settings;
    settings.host = m_options.host.toStdString();
    settings.port = m_options.port;
    settings.ioThreads = m_options.ioThreads;
    settings.requestTimeout = std::chrono::milliseconds(m_options.requestTimeoutMs);
    settings.idleTimeout = std::chrono::milliseconds(m_options.idleTimeoutMs);
    settings.maxConnections = m_options.maxConnections;
    settings.tlsCertificateFile = m_options.tlsCertificateFile;
    settings.tlsKeyFile = m_options.tlsKeyFile;
    settings.requestLog = requestLog.isOpen() ? &requestLog : nullptr;
    HttpServer server(settings, router, workers);
    if (!server.listen(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        generations.stop();
        workers.stop();
        return 1;
    }

    const QString host = m_options.host.contains(u':') ? u'[' + m_options.host + u']' : m_options.host;
    const QString listeningUrl = QStringLiteral("%1://%2:%3")
                                     .arg(server.isTls() ? QStringLiteral("https") : QStringLiteral("http"), host)
                                     .arg(server.port());
    sso.setPublicUrl(QUrl(m_options.publicUrl.isEmpty() ? listeningUrl : m_options.publicUrl));

    boost::asio::io_context signalIo;
    boost::asio::signal_set stopSignals(signalIo, SIGINT, SIGTERM);
    stopSignals.async_wait([](const boost::system::error_code &, int signal) {
        qCInfo(lcServer) << "signal" << signal << "- shutting down";
    });
    server.start();
    uploads.startSweeper();
    sweeper.start();
    privacyWorker.start();
    if (m_options.exitWithStdin)
        StdinWatcher::start();

    // The supervisor (and TestServer) wait for exactly this line.
    std::printf("listening on %s://%s:%u\n", server.isTls() ? "https" : "http", qPrintable(host),
                static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    qCInfo(lcServer) << "mode" << (m_options.localMode ? "local" : "hosted") << "data" << m_options.dataDir;

    signalIo.run(); // until SIGINT/SIGTERM
    StdinWatcher::disarm();
    server.stop();
    uploads.stopSweeper();
    sweeper.stop();
    privacyWorker.stop();
    generations.stop();
    workers.stop();
    Database::closeThreadConnection();
    qCInfo(lcServer) << "stopped";
    return 0;
}

} // namespace pygmi::server
