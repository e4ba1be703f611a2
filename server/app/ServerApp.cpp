#include "ServerApp.h"

#include "StdinWatcher.h"
#include "auth/AuthEndpoints.h"
#include "auth/AuthStore.h"
#include "auth/LoginThrottle.h"
#include "auth/PasswordHasher.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "http/HttpServer.h"
#include "http/Router.h"
#include "http/WorkerPool.h"
#include "mail/MailOutbox.h"
#include "notice/PrivacyNotice.h"
#include "sso/SsoEndpoints.h"
#include "sso/SsoStore.h"
#include "storage/Database.h"
#include "system/SystemEndpoints.h"

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
    if (!notice.load(m_options.noticeFile, &error)) {
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

    Clock clock;
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

    WorkerPool workers(m_options.workerThreads, [] { Database::closeThreadConnection(); });
    HttpServer::Settings settings;
    settings.host = m_options.host.toStdString();
    settings.port = m_options.port;
    settings.ioThreads = m_options.ioThreads;
    settings.requestTimeout = std::chrono::milliseconds(m_options.requestTimeoutMs);
    settings.idleTimeout = std::chrono::milliseconds(m_options.idleTimeoutMs);
    settings.tlsCertificateFile = m_options.tlsCertificateFile;
    settings.tlsKeyFile = m_options.tlsKeyFile;
    HttpServer server(settings, router, workers);
    if (!server.listen(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
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
    workers.stop();
    Database::closeThreadConnection();
    qCInfo(lcServer) << "stopped";
    return 0;
}

} // namespace pygmi::server
