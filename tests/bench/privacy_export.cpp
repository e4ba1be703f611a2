// Export benchmark against a real pygmi-server (run on purpose; not a ctest test): a user with
// N generated images asks for "Download your data"; prints the time until the archive is ready,
// its size and throughput, the server's peak resident memory before and after (the archive is
// streamed, so the peak should not grow with its size), and the download time.
// Usage: pygmi-bench-privacy-export [--jobs N] [--side PX]
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTest>
#include <cstdio>

using namespace pygmi::test;
using namespace pygmi::test::generation;

namespace {

long peakRssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int jobs = 20;
    int side = 1024;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == u"--jobs")
            jobs = args[i + 1].toInt();
        if (args[i] == u"--side")
            side = args[i + 1].toInt();
    }
    TestServer server;
    if (!server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0"), QStringLiteral("--privacy-sweep-ms"),
                        QStringLiteral("50"), QStringLiteral("--max-jobs-per-user"), QStringLiteral("100") })) {
        std::fprintf(stderr, "server: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    ServerApi api(server.url());
    const QString token = signUp(api, QStringLiteral("bench.export@example.test"));
    QStringList ids;
    for (int i = 0; i < jobs; ++i) {
        QJsonObject request = imageRequest(QStringLiteral("a harbour at dusk number %1").arg(i), side, i + 1);
        request.insert(QStringLiteral("count"), 4);
        api.post(QStringLiteral("/v1/generations"), request, token);
        ids.append(request.value(QStringLiteral("id")).toString());
    }
    for (const QString &id : ids)
        waitForFinal(api, token, id, 120000);
    const long before = peakRssKb(server.processId());

    QElapsedTimer timer;
    timer.start();
    const ApiReply asked = api.post(QStringLiteral("/v1/privacy/requests"),
                                    { { QStringLiteral("type"), QStringLiteral("export") } }, token);
    const QString id = asked.json.value(QStringLiteral("id")).toString();
    QJsonObject done;
    while (timer.elapsed() < 300000) {
        done = api.get(QStringLiteral("/v1/privacy/requests/%1").arg(id), token).json;
        if (done.value(QStringLiteral("status")).toString() == u"completed")
            break;
        QTest::qWait(20);
    }
    const double readyMs = double(timer.elapsed());
    const QJsonObject artifact = done.value(QStringLiteral("artifacts")).toArray().first().toObject();
    const double bytes = double(artifact.value(QStringLiteral("bytes")).toInteger());
    const long after = peakRssKb(server.processId());
    timer.restart();
    const ApiReply download = api.get(artifact.value(QStringLiteral("url")).toString(), token);
    const double downloadMs = double(timer.elapsed());

    std::printf("export of %d images (%d jobs x 4, %d px)\n", jobs * 4, jobs, side);
    std::printf("  archive           %.1f MiB\n", bytes / 1048576.0);
    std::printf("  ready after       %.0f ms (%.1f MiB/s, includes up to one 50 ms sweep tick)\n", readyMs,
                bytes / 1048576.0 / (readyMs / 1000.0));
    std::printf("  server peak RSS   %ld KiB before, %ld KiB after the export (+%ld KiB)\n", before, after,
                after - before);
    std::printf("  full download     %.0f ms (%d bytes)\n", downloadMs, int(download.body.size()));
    server.stop();
    return 0;
}
