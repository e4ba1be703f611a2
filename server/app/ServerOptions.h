#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>

namespace pygmi::server {

// The command line. Serving is the default; "admin lock|unlock EMAIL" runs a one-off task on
// the data directory instead.
struct ServerOptions
{
    QString dataDir;
    QString host = QStringLiteral("127.0.0.1");
    std::uint16_t port = 8787;
    bool localMode = false;
    QString tlsCertificateFile;
    QString tlsKeyFile;
    bool behindProxy = false;
    std::int64_t accessTtlSeconds = 15 * 60;
    bool testClock = false;
    bool exitWithStdin = false;
    QString noticeFile;
    QStringList noticeFiles; // every --notice given, in order (a deployment may publish an upcoming one)
    int reconsentDays = 182; // consent is asked again after this long (about six months)
    QString requestLogFile; // --request-log: method, path and Sec-GPC of every request (tests, audits)
    int requestTimeoutMs = 15000;
    int idleTimeoutMs = 60000;
    int maxConnections = 1000;
    int ioThreads = 2;
    int workerThreads = 4;
    int loginAddressLimit = 30; // failed sign-ins per client address per 15 minutes
    QString oidcConfigFile; // identity providers for single sign-on (JSON list)
    QString publicUrl; // how clients and providers reach this server; default: the listen address
    int sketchStepMs = 60; // delay per sketch render step, so progress is visible; 0 in tests
    int generationWorkers = 2;
    int maxJobsPerUser = 8; // queued + running
    int contentRetentionDays = 30;
    int retentionSweepMs = 60000; // how often the retention sweep runs
    QString moderationPolicyFile; // empty: the built-in sample policy
    QString location; // where this server runs, in words for users; empty: a default by mode
    int uploadMaxMiB = 4096; // Tus-Max-Size
    int uploadRequestMaxMiB = 2048; // one PATCH/POST body
    int uploadQuotaMiB = 10240; // per user
    int imageMaxMegapixels = 50;
    int uploadSweepSeconds = 60;
    QStringList adminCommand; // e.g. {"lock", "a@b.c"}; empty: serve
    int deletionGraceDays = 7; // account deletion waits this long, so the user can cancel
    int exportTtlDays = 7; // export archives can be downloaded this long
    int privacySweepMs = 60000; // how often the privacy worker looks for due work
    QString countryDbFile; // CSV of "CIDR,country" lines; without it sessions show country "unknown"

    // Parses and checks the arguments; false with a message for the user in `error`.
    bool parse(const QStringList &arguments, QString *error);
    static bool isLoopback(const QString &host);
};

} // namespace pygmi::server
