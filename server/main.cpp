#include "app/AdminCommand.h"
#include "app/ServerApp.h"
#include "app/ServerOptions.h"
#include "common/Secrets.h"

#include <QCoreApplication>
#include <csignal>
#include <cstdio>

int main(int argc, char *argv[])
{
    // Qt SQL's plugin lookup and QStandardPaths want an application object; no event loop runs.
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("pygmi-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PYGMI_VERSION));
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{type} %{category}: %{message}"));
    std::signal(SIGPIPE, SIG_IGN);

    if (!pygmi::server::Secrets::initialise()) {
        std::fprintf(stderr, "libsodium failed to initialise\n");
        return 1;
    }
    pygmi::server::ServerOptions options;
    QString error;
    if (!options.parse(QCoreApplication::arguments(), &error)) {
        std::fprintf(stderr, "pygmi-server: %s\n", qPrintable(error));
        return 2;
    }
    if (!options.adminCommand.isEmpty())
        return pygmi::server::AdminCommand::run(options);
    return pygmi::server::ServerApp(options).run();
}
