#include "ServerOptions.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <boost/asio/ip/address.hpp>

namespace pygmi::server {

bool ServerOptions::isLoopback(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return true;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host.toStdString(), ec);
    return !ec && address.is_loopback();
}

bool ServerOptions::parse(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Pygmi reference server.\n"
                                                    "  pygmi-server [options]            serve the API\n"
                                                    "  pygmi-server admin lock EMAIL     lock an account\n"
                                                    "  pygmi-server admin unlock EMAIL   unlock an account\n"
                                                    "  pygmi-server admin review list|resolve REQUEST upheld|overturned "
                                                    "REVIEWER [NOTE]\n"
                                                    "  pygmi-server admin request list|extend|deny|complete|ask ID TEXT"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataDirOption(QStringLiteral("data-dir"), QStringLiteral("Where data is kept."),
                                           QStringLiteral("DIR"));
    const QCommandLineOption listenOption(QStringLiteral("listen"),
                                          QStringLiteral("Address to listen on (default 127.0.0.1:8787; port 0 picks "
                                                         "a free one)."),
                                          QStringLiteral("HOST:PORT"));
    const QCommandLineOption localOption(QStringLiteral("local"),
                                         QStringLiteral("Local mode: one profile on this computer, no passwords."));
    const QCommandLineOption certOption(QStringLiteral("tls-cert"), QStringLiteral("TLS certificate chain (PEM)."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption keyOption(QStringLiteral("tls-key"), QStringLiteral("TLS private key (PEM)."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption proxyOption(QStringLiteral("behind-proxy"),
                                         QStringLiteral("Plain HTTP on a public address is allowed because a "
                                                        "TLS-terminating proxy is in front."));
    const QCommandLineOption accessTtlOption(QStringLiteral("access-ttl"),
                                             QStringLiteral("Access token lifetime (default 900)."),
                                             QStringLiteral("SECONDS"));
    const QCommandLineOption testClockOption(QStringLiteral("test-clock"),
                                             QStringLiteral("Enable POST /v1/test/clock (tests only)."));
    const QCommandLineOption stdinOption(QStringLiteral("exit-with-stdin"),
                                         QStringLiteral("Shut down when standard input reaches end of file."));
    const QCommandLineOption noticeOption(QStringLiteral("notice"),
                                          QStringLiteral("Privacy notice JSON (version, title, effective_date, text, "
                                                         "purposes, ...). Repeat for upcoming versions."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption reconsentOption(QStringLiteral("reconsent-days"),
                                             QStringLiteral("Ask for consent again after this many days (default "
                                                            "182)."),
                                             QStringLiteral("DAYS"));
    const QCommandLineOption requestLogOption(QStringLiteral("request-log"),
                                              QStringLiteral("Append method, path and Sec-GPC of every request to "
                                                             "FILE (never bodies or tokens)."),
                                              QStringLiteral("FILE"));
    const QCommandLineOption requestTimeoutOption(QStringLiteral("request-timeout-ms"),
                                                  QStringLiteral("Time allowed to send one request (default 15000)."),
                                                  QStringLiteral("MS"));
    const QCommandLineOption idleTimeoutOption(QStringLiteral("idle-timeout-ms"),
                                               QStringLiteral("Keep-alive idle time (default 60000)."),
                                               QStringLiteral("MS"));
    const QCommandLineOption maxConnectionsOption(
        QStringLiteral("max-connections"),
        QStringLiteral("Open connections allowed at once; more are closed at once (default 1000)."),
        QStringLiteral("N"));
    const QCommandLineOption ioThreadsOption(QStringLiteral("io-threads"),
                                             QStringLiteral("Network threads (default 2)."), QStringLiteral("N"));
    const QCommandLineOption workersOption(QStringLiteral("workers"),
                                           QStringLiteral("Worker threads for hashing and storage (default 4)."),
                                           QStringLiteral("N"));
    const QCommandLineOption addressLimitOption(
        QStringLiteral("login-address-limit"),
        QStringLiteral("Failed sign-ins allowed per client address per 15 minutes (default 30)."), QStringLiteral("N"));
    const QCommandLineOption oidcOption(QStringLiteral("oidc-config"),
                                        QStringLiteral("Single sign-on providers: a JSON list of {id, display_name, "
                                                       "icon, issuer, client_id, client_secret, scopes}."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption publicUrlOption(QStringLiteral("public-url"),
                                             QStringLiteral("The address clients use to reach this server, e.g. "
                                                            "https://pygmi.example (default: the listen address)."),
                                             QStringLiteral("URL"));
    const QCommandLineOption sketchStepOption(
        QStringLiteral("sketch-step-ms"),
        QStringLiteral("Delay per step of the offline sketch engine, so progress is visible (default 60; 0: instant)."),
        QStringLiteral("MS"));
    const QCommandLineOption generationWorkersOption(QStringLiteral("workers-generation"),
                                                     QStringLiteral("Generation jobs run at once (default 2)."),
                                                     QStringLiteral("N"));
    const QCommandLineOption maxJobsOption(QStringLiteral("max-jobs-per-user"),
                                           QStringLiteral("Queued plus running jobs allowed per user (default 8)."),
                                           QStringLiteral("N"));
    const QCommandLineOption retentionOption(QStringLiteral("content-retention-days"),
                                             QStringLiteral("Days generated content is kept (default 30)."),
                                             QStringLiteral("DAYS"));
    const QCommandLineOption sweepOption(
        QStringLiteral("retention-sweep-ms"),
        QStringLiteral("How often expired content is looked for and deleted, in milliseconds (default 60000)."),
        QStringLiteral("MS"));
    const QCommandLineOption moderationOption(
        QStringLiteral("moderation-policy"),
        QStringLiteral("Moderation policy JSON (categories with terms and patterns; default: the built-in sample)."),
        QStringLiteral("FILE"));
    const QCommandLineOption locationOption(
        QStringLiteral("location"),
        QStringLiteral("Where this server runs, shown to users next to results (default: \"This computer\" with "
                       "--local, else \"this server\")."),
        QStringLiteral("TEXT"));
    const QCommandLineOption graceOption(QStringLiteral("deletion-grace-days"),
                                         QStringLiteral("Days before a requested account deletion is carried out "
                                                        "(default 7; 0: at the next sweep)."),
                                         QStringLiteral("DAYS"));
    const QCommandLineOption exportTtlOption(QStringLiteral("export-ttl-days"),
                                             QStringLiteral("Days an export archive can be downloaded (default 7)."),
                                             QStringLiteral("DAYS"));
    const QCommandLineOption privacySweepOption(QStringLiteral("privacy-sweep-ms"),
                                                QStringLiteral("How often due privacy work is looked for (default "
                                                               "60000)."),
                                                QStringLiteral("MS"));
    const QCommandLineOption countryDbOption(QStringLiteral("country-db"),
                                             QStringLiteral("CSV of CIDR,country lines for the devices list (default: "
                                                            "none; countries show as unknown)."),
                                             QStringLiteral("FILE"));
    parser.addOptions({ graceOption, exportTtlOption, privacySweepOption, countryDbOption });
    parser.addOptions({ dataDirOption,
                        listenOption,
                        localOption,
                        certOption,
                        keyOption,
                        proxyOption,
                        accessTtlOption,
                        testClockOption,
                        stdinOption,
                        noticeOption,
                        requestTimeoutOption,
                        idleTimeoutOption,
                        maxConnectionsOption,
                        ioThreadsOption,
                        workersOption,
                        addressLimitOption,
                        sketchStepOption,
                        generationWorkersOption,
                        maxJobsOption,
                        retentionOption,
                        moderationOption,
                        locationOption,
                        reconsentOption,
                        requestLogOption,
                        oidcOption,
                        publicUrlOption });
    // Reference uploads (tus): sizes in MiB.
    const QCommandLineOption uploadMaxOption(QStringLiteral("upload-max-mb"),
                                             QStringLiteral("Largest upload accepted, Tus-Max-Size (default 4096)."),
                                             QStringLiteral("MIB"));
    const QCommandLineOption uploadRequestMaxOption(
        QStringLiteral("upload-request-max-mb"),
        QStringLiteral("Largest body of one upload request (PATCH/POST), streamed to disk (default 2048)."),
        QStringLiteral("MIB"));
    const QCommandLineOption uploadQuotaOption(
        QStringLiteral("upload-quota-mb"),
        QStringLiteral("Per-user space for references and unfinished uploads (default 10240)."), QStringLiteral("MIB"));
    const QCommandLineOption imagePixelsOption(
        QStringLiteral("image-max-megapixels"),
        QStringLiteral("Largest reference image, checked before decoding (default 50)."), QStringLiteral("N"));
    const QCommandLineOption uploadSweepOption(
        QStringLiteral("upload-sweep-seconds"),
        QStringLiteral("How often expired uploads and references are swept (default 60)."), QStringLiteral("SECONDS"));
    parser.addOptions({ uploadMaxOption, uploadRequestMaxOption, uploadQuotaOption, imagePixelsOption,
                        uploadSweepOption });
    parser.addOption(sweepOption);
    parser.addPositionalArgument(QStringLiteral("admin"), QStringLiteral("admin lock|unlock EMAIL"),
                                 QStringLiteral("[admin lock|unlock EMAIL]"));
    parser.process(arguments); // handles --help/--version and unknown options (exits)

    const auto positiveInt = [&](const QCommandLineOption &option, int *target, int minimum) {
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value < minimum) {
            *error
                = QStringLiteral("--%1 needs a whole number of at least %2").arg(option.names().first()).arg(minimum);
            return false;
        }
        *target = value;
        return true;
    };

    dataDir = parser.isSet(dataDirOption)
        ? parser.value(dataDirOption)
        : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/pygmi-server");
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        const bool privacyCommand = positional.size() >= 3 && positional[0] == QLatin1String("admin")
            && (positional[1] == QLatin1String("review") || positional[1] == QLatin1String("request"));
        if (!privacyCommand
            && (positional.size() != 3 || positional[0] != QLatin1String("admin")
                || (positional[1] != QLatin1String("lock") && positional[1] != QLatin1String("unlock")))) {
            *error = QStringLiteral("unknown command; use: pygmi-server --data-dir DIR admin lock|unlock EMAIL");
            return false;
        }
        adminCommand = positional.mid(1);
        return true;
    }

    if (parser.isSet(listenOption)) {
        const QString listen = parser.value(listenOption);
        const qsizetype colon = listen.lastIndexOf(u':');
        bool ok = false;
        const uint portValue = colon > 0 ? listen.mid(colon + 1).toUInt(&ok) : 0;
        if (!ok || portValue > 65535) {
            *error = QStringLiteral("--listen needs HOST:PORT, e.g. 127.0.0.1:8787");
            return false;
        }
        host = listen.left(colon);
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.mid(1, host.size() - 2);
        port = static_cast<std::uint16_t>(portValue);
    }
    localMode = parser.isSet(localOption);
    tlsCertificateFile = parser.value(certOption);
    tlsKeyFile = parser.value(keyOption);
    behindProxy = parser.isSet(proxyOption);
    testClock = parser.isSet(testClockOption);
    exitWithStdin = parser.isSet(stdinOption);
    oidcConfigFile = parser.value(oidcOption);
    publicUrl = parser.value(publicUrlOption);
    noticeFiles = parser.values(noticeOption);
    noticeFile = noticeFiles.value(0);
    requestLogFile = parser.value(requestLogOption);
    int accessTtl = static_cast<int>(accessTtlSeconds);
    if (!positiveInt(accessTtlOption, &accessTtl, 1) || !positiveInt(requestTimeoutOption, &requestTimeoutMs, 100)
        || !positiveInt(idleTimeoutOption, &idleTimeoutMs, 100)
        || !positiveInt(maxConnectionsOption, &maxConnections, 1) || !positiveInt(ioThreadsOption, &ioThreads, 1)
        || !positiveInt(workersOption, &workerThreads, 1) || !positiveInt(addressLimitOption, &loginAddressLimit, 1)
        || !positiveInt(sketchStepOption, &sketchStepMs, 0)
        || !positiveInt(generationWorkersOption, &generationWorkers, 1)
        || !positiveInt(maxJobsOption, &maxJobsPerUser, 1) || !positiveInt(retentionOption, &contentRetentionDays, 1)
        || !positiveInt(reconsentOption, &reconsentDays, 1) || !positiveInt(sweepOption, &retentionSweepMs, 10)
        || !positiveInt(graceOption, &deletionGraceDays, 0) || !positiveInt(exportTtlOption, &exportTtlDays, 1)
        || !positiveInt(privacySweepOption, &privacySweepMs, 10))
        return false;
    if (!positiveInt(uploadMaxOption, &uploadMaxMiB, 1) || !positiveInt(uploadRequestMaxOption, &uploadRequestMaxMiB, 1)
        || !positiveInt(uploadQuotaOption, &uploadQuotaMiB, 1) || !positiveInt(imagePixelsOption, &imageMaxMegapixels, 1)
        || !positiveInt(uploadSweepOption, &uploadSweepSeconds, 1))
        return false;
    countryDbFile = parser.value(countryDbOption);
    moderationPolicyFile = parser.value(moderationOption);
    location = parser.isSet(locationOption)
        ? parser.value(locationOption)
        : (localMode ? QStringLiteral("This computer") : QStringLiteral("this server"));
    accessTtlSeconds = accessTtl;

    if (tlsCertificateFile.isEmpty() != tlsKeyFile.isEmpty()) {
        *error = QStringLiteral("--tls-cert and --tls-key go together");
        return false;
    }
    const bool loopback = isLoopback(host);
    if (localMode && !loopback) {
        *error = QStringLiteral("--local only listens on a loopback address (127.0.0.1 or ::1)");
        return false;
    }
    // Tokens and passwords must not cross a network in clear text.
    if (!loopback && tlsCertificateFile.isEmpty() && !behindProxy) {
        *error = QStringLiteral("refusing to listen on %1 without TLS: give --tls-cert and --tls-key, or "
                                "--behind-proxy if a TLS-terminating proxy is in front")
                     .arg(host);
        return false;
    }
    return true;
}

} // namespace pygmi::server
