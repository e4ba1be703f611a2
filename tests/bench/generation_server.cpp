// Generation benchmark against a real pygmi-server on loopback (run on purpose; not a ctest test).
//   1. --sketch-step-ms 0: submit → first event and submit → succeeded (event seen by a
//      WebSocket client), median and p99 over N small image jobs submitted one after another.
//   2. --workers-generation 10: event latency from the worker's progress call (the event's
//      server-side "t_ms") to receipt by the WebSocket client, with 10 jobs running at once.
// Usage: pygmi-bench-generation-server [--jobs N] [--side PX]
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QTest>
#include <algorithm>
#include <cstdio>

using namespace pygmi::test;
using namespace pygmi::test::generation;

namespace {

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const std::size_t index = std::min(values.size() - 1, std::size_t(p / 100.0 * double(values.size() - 1) + 0.5));
    return values[index];
}

void print(const char *what, const std::vector<double> &ms)
{
    std::printf("  %-48s n=%-4zu median %7.2f ms   p99 %7.2f ms   max %7.2f ms\n", what, ms.size(), percentile(ms, 50),
                percentile(ms, 99), ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
}

QString jobOf(const QJsonObject &frame)
{
    if (frame.contains(QStringLiteral("job")))
        return frame.value(QStringLiteral("job")).toObject().value(QStringLiteral("id")).toString();
    if (frame.contains(QStringLiteral("asset")))
        return frame.value(QStringLiteral("asset")).toObject().value(QStringLiteral("generation_id")).toString();
    return frame.value(QStringLiteral("job_id")).toString();
}

int argument(const QStringList &args, const QString &name, int fallback)
{
    const qsizetype at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int jobs = argument(args, QStringLiteral("--jobs"), 200);
    const int side = argument(args, QStringLiteral("--side"), 64);

    // 1. Round trips at full speed.
    {
        TestServer server;
        if (!server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0"),
                            QStringLiteral("--max-jobs-per-user"), QStringLiteral("100000") })) {
            std::fprintf(stderr, "server: %s\n", qPrintable(server.errorString()));
            return 1;
        }
        ServerApi api(server.url());
        const QString token = signUp(api, QStringLiteral("bench@example.com"));
        EventSocket events;
        if (!events.open(server.url(), token)) {
            std::fprintf(stderr, "cannot open /v1/events\n");
            return 1;
        }
        QElapsedTimer clock;
        clock.start();
        QHash<QString, qint64> firstEventAt, succeededAt;
        events.onFrame = [&](const QJsonObject &frame) {
            const QString id = jobOf(frame);
            if (id.isEmpty())
                return;
            const qint64 now = clock.nsecsElapsed();
            if (!firstEventAt.contains(id))
                firstEventAt.insert(id, now);
            if (frame.value(QStringLiteral("type")) == QLatin1String("job.state")
                && frame.value(QStringLiteral("job")).toObject().value(QStringLiteral("state"))
                    == QLatin1String("succeeded"))
                succeededAt.insert(id, now);
        };
        std::vector<double> firstEvent, succeeded, httpSubmit;
        for (int i = 0; i < jobs; ++i) {
            const QJsonObject body = imageRequest(QStringLiteral("benchmark hills and a lake %1").arg(i % 7), side, i);
            const QString id = body.value(QStringLiteral("id")).toString();
            const qint64 start = clock.nsecsElapsed();
            const ApiReply reply = api.post(QStringLiteral("/v1/generations"), body, token);
            httpSubmit.push_back(double(clock.nsecsElapsed() - start) / 1e6);
            if (reply.status != 201) {
                std::fprintf(stderr, "submit answered %d\n", reply.status);
                return 1;
            }
            QElapsedTimer wait;
            wait.start();
            while (!succeededAt.contains(id) && wait.elapsed() < 30000)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
            firstEvent.push_back(double(firstEventAt.value(id) - start) / 1e6);
            succeeded.push_back(double(succeededAt.value(id) - start) / 1e6);
        }
        std::printf("Generation round trips over loopback (--sketch-step-ms 0, %d jobs of %dx%d, one at a time):\n",
                    jobs, side, side);
        print("POST /v1/generations answered", httpSubmit);
        print("submit -> first event on the WebSocket", firstEvent);
        print("submit -> job.state succeeded on the WebSocket", succeeded);
        events.close();
        server.stop();
    }

    // 2. Event delivery latency with 10 jobs running.
    {
        TestServer server;
        if (!server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("20"),
                            QStringLiteral("--workers-generation"), QStringLiteral("10"),
                            QStringLiteral("--max-jobs-per-user"), QStringLiteral("100") })) {
            std::fprintf(stderr, "server: %s\n", qPrintable(server.errorString()));
            return 1;
        }
        ServerApi api(server.url());
        const QString token = signUp(api, QStringLiteral("bench@example.com"));
        EventSocket events;
        if (!events.open(server.url(), token))
            return 1;
        std::vector<double> delivery;
        int finished = 0;
        events.onFrame = [&](const QJsonObject &frame) {
            const QString type = frame.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("job.progress")) {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                delivery.push_back(double(now - frame.value(QStringLiteral("t_ms")).toInteger()));
            } else if (type == QLatin1String("job.state")
                       && frame.value(QStringLiteral("job")).toObject().value(QStringLiteral("state"))
                           == QLatin1String("succeeded")) {
                ++finished;
            }
        };
        for (int i = 0; i < 10; ++i) {
            QJsonObject body = imageRequest(QStringLiteral("ten at once %1").arg(i), 256, i);
            body.insert(QStringLiteral("count"), 4);
            api.post(QStringLiteral("/v1/generations"), body, token);
        }
        QElapsedTimer wait;
        wait.start();
        while (finished < 10 && wait.elapsed() < 120000)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        std::printf(
            "Event delivery with 10 jobs running (--workers-generation 10, --sketch-step-ms 20, 4 x 256 px each;\n"
            "worker's progress call -> WebSocket client, millisecond clock):\n");
        print("job.progress delivery", delivery);
        events.close();
        server.stop();
    }
    return 0;
}
