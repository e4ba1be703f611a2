#include "AdminCommand.h"

#include "auth/AuthStore.h"
#include "common/Clock.h"
#include "consent/ReceiptSigner.h"
#include "privacy/PrivacyAdmin.h"
#include "privacy/PrivacyRequests.h"
#include "storage/Database.h"

#include <QDir>
#include <QFileInfo>
#include <cstdio>

namespace pygmi::server {

int AdminCommand::run(const ServerOptions &options)
{
    const QString file = QDir(options.dataDir).filePath(QStringLiteral("pygmi.sqlite"));
    if (!QFileInfo::exists(file)) {
        std::fprintf(stderr, "no pygmi-server data in %s\n", qPrintable(QDir::toNativeSeparators(options.dataDir)));
        return 1;
    }
    int exitCode = 0;
    {
        Database database(file);
        QString error;
        if (!database.initialise(&error)) {
            std::fprintf(stderr, "cannot open the database: %s\n", qPrintable(error));
            return 1;
        }
        const AuthStore store(database);
        const Clock clock;
        const QString area = options.adminCommand.value(0);
        if (area == QLatin1String("review") || area == QLatin1String("request")) {
            ReceiptSigner signer; // receipts of closed requests are signed with the server's key
            if (!signer.initialise(options.dataDir, &error)) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return 1;
            }
            const PrivacyRequests requests(database, signer);
            try {
                exitCode = PrivacyAdmin(database, requests).run(options.adminCommand, clock.nowMs());
            } catch (const std::exception &e) {
                std::fprintf(stderr, "failed: %s\n", e.what());
                exitCode = 1;
            }
            Database::closeThreadConnection();
            return exitCode;
        }
        const bool lock = options.adminCommand.value(0) == QLatin1String("lock");
        const QString email = options.adminCommand.value(1).trimmed().toLower();
        try {
            if (store.setLocked(email, lock, clock.nowMs())) {
                std::printf("%s %s\n", lock ? "locked" : "unlocked", qPrintable(email));
            } else {
                std::fprintf(stderr, "no account with that email address\n");
                exitCode = 1;
            }
        } catch (const std::exception &e) {
            std::fprintf(stderr, "failed: %s\n", e.what());
            exitCode = 1;
        }
    }
    Database::closeThreadConnection();
    return exitCode;
}

} // namespace pygmi::server
