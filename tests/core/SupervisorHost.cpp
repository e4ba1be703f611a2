// A minimal "app" for tst_LocalServerSupervisor: supervises pygmi-server, prints the child's
// pid once it is ready, and waits to be killed. Usage: pygmi-supervisor-host SERVER DATA_DIR
#include "localserver/LocalServerSupervisor.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 3)
        return 2;
    pygmi::core::LocalServerSupervisor supervisor(QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]));
    QObject::connect(&supervisor, &pygmi::core::LocalServerSupervisor::ready, &app, [&supervisor] {
        std::printf("server-pid %lld\n", static_cast<long long>(supervisor.processId()));
        std::fflush(stdout);
    });
    QObject::connect(&supervisor, &pygmi::core::LocalServerSupervisor::failed, &app, [] { QCoreApplication::exit(1); });
    supervisor.start();
    return app.exec();
}
