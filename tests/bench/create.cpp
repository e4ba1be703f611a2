// Create benchmarks (run on purpose, see README.md):
//  1. end-to-end overhead with the sketch engine at zero work (--sketch-step-ms 0):
//     submit -> first event of the job -> result shown in the viewer (median, p99);
//  2. event latency with 10 jobs running: submit of a prompt the policy blocks (its job.state
//     event is published while the POST is handled) -> the client's signal. The server's
//     timestamps have whole seconds only, so this round trip is an upper bound of the
//     worker -> client latency;
//  3. the image viewer opening an 8192x8192 PNG: first fitted frame, and RSS.
#include "TestServer.h"
#include "api/ApiClient.h"
#include "create/ImageViewer.h"
#include "create/ResultView.h"
#include "generation/AssetCache.h"
#include "generation/EventStream.h"
#include "generation/GenerationService.h"
#include "generation/JobListModel.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

using namespace pygmi;

namespace {

struct Stats
{
    double median = 0;
    double p99 = 0;
    double max = 0;
};

Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    if (v.empty())
        return {};
    const auto at = [&](double q) { return v[std::min(v.size() - 1, size_t(q * (v.size() - 1) + 0.5))]; };
    return { at(0.5), at(0.99), v.back() };
}

long procStatusKiB(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').first().toLong();
    return -1;
}

// Blocks in the event loop until something happens, so a socket event is handled the moment it
// arrives. (QTest::qWaitFor sleeps 10 ms between looks, which would add up to 10 ms to every
// hop measured here.)
bool waitFor(const std::function<bool()> &condition, int ms = 30000)
{
    QDeadlineTimer deadline(ms);
    QTimer wake; // ends the blocking wait at the deadline
    wake.setSingleShot(true);
    wake.start(ms);
    while (!condition()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    return true;
}

QString signUp(core::ApiClient &api)
{
    bool done = false;
    QString token;
    api.get(QStringLiteral("/v1/server"), nullptr, [&](const core::ApiResponse &info) {
        const QString notice
            = info.json.value(QStringLiteral("notice")).toObject().value(QStringLiteral("version")).toString();
        api.post(
            QStringLiteral("/v1/auth/signup"),
            { { QStringLiteral("email"), QStringLiteral("bench@example.org") },
              { QStringLiteral("password"), QStringLiteral("violet-harbor-lantern-42") },
              { QStringLiteral("display_name"), QStringLiteral("Bench") },
              { QStringLiteral("birth_date"), QStringLiteral("1990-04-01") },
              { QStringLiteral("accepted_notice_version"), notice } },
            nullptr,
            [&](const core::ApiResponse &r) {
                token = r.json.value(QStringLiteral("access_token")).toString();
                done = true;
            },
            false);
    });
    waitFor([&] { return done; });
    return token;
}

core::GenerationRequest request(const QString &prompt, int side = 256)
{
    core::GenerationRequest r;
    r.id = core::GenerationService::newId();
    r.prompt = prompt;
    r.provider = QStringLiteral("sketch");
    r.model = QStringLiteral("sketch-1");
    r.width = side;
    r.height = side;
    return r;
}

void endToEnd(int runs)
{
    test::TestServer server;
    if (!server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0") })) {
        std::printf("server did not start: %s\n", qPrintable(server.errorString()));
        return;
    }
    core::ApiClient api;
    api.setBaseUrl(server.url());
    api.setAccessToken(signUp(api));
    core::GenerationService service(&api);
    core::EventStream events(&api);
    core::JobListModel model(&service, &events);
    QTemporaryDir cacheDir;
    core::AssetCache cache(&api, cacheDir.path());
    ui::ResultView view(&cache);
    view.resize(900, 700);
    view.show();
    events.start();
    waitFor([&] { return events.state() == core::EventStream::State::Connected; });

    std::vector<double> firstEvent, finished, shown, assetEvent, downloaded;
    for (int i = 0; i < runs + 2; ++i) { // two warm-up runs
        const core::GenerationRequest r = request(QStringLiteral("bench kite %1").arg(i));
        QElapsedTimer timer;
        double tEvent = -1, tShown = -1, tDone = -1;
        auto c1 = QObject::connect(&events, &core::EventStream::eventReceived, &view, [&](const QJsonObject &e) {
            const QJsonObject job = e.value(QStringLiteral("job")).toObject();
            if (job.value(QStringLiteral("id")).toString() != r.id)
                return;
            if (tEvent < 0)
                tEvent = timer.nsecsElapsed() / 1e6;
            if (tDone < 0 && job.value(QStringLiteral("state")).toString() == u"succeeded")
                tDone = timer.nsecsElapsed() / 1e6;
        });
        auto c2 = QObject::connect(&model, &core::JobListModel::jobChanged, &view, [&](const QString &id) {
            if (id == r.id && view.shownJobId() != id)
                view.showJob(*model.job(id), {});
        });
        double tAsset = -1, tDownloaded = -1;
        auto c3 = QObject::connect(
            &model, &core::JobListModel::assetAdded, &view, [&](const QString &id, const core::Asset &a) {
                if (id != r.id)
                    return;
                tAsset = timer.nsecsElapsed() / 1e6;
                cache.fetch(a, &view,
                            [&](const QString &, const core::ApiError &) { tDownloaded = timer.nsecsElapsed() / 1e6; });
                view.addAsset(a);
            });
        auto c4 = QObject::connect(view.imageViewer(), &ui::ImageViewer::imageShown, &view, [&] {
            if (tShown < 0)
                tShown = timer.nsecsElapsed() / 1e6;
        });
        timer.start();
        service.submit(r, nullptr, {});
        waitFor([&] { return tShown >= 0; }, 20000);
        QObject::disconnect(c1);
        QObject::disconnect(c2);
        QObject::disconnect(c3);
        QObject::disconnect(c4);
        if (i >= 2 && tShown >= 0) {
            firstEvent.push_back(tEvent);
            finished.push_back(tDone);
            assetEvent.push_back(tAsset);
            downloaded.push_back(tDownloaded - tAsset);
            shown.push_back(tShown - tDone);
        }
    }
    const Stats e = stats(firstEvent), f = stats(finished), s = stats(shown);
    std::printf("end to end (sketch, 256x256, --sketch-step-ms 0, %d runs)\n", int(shown.size()));
    std::printf("  submit -> first event of the job   median %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", e.median, e.p99,
                e.max);
    std::printf("  submit -> job.state succeeded     median %7.2f ms  p99 %7.2f ms  max %7.2f ms   (server work)\n",
                f.median, f.p99, f.max);
    std::printf("  succeeded -> result shown (client: download, verify, decode, paint)  median %7.2f ms  p99 %7.2f ms"
                "  max %7.2f ms\n",
                s.median, s.p99, s.max);
    const Stats a = stats(assetEvent), d = stats(downloaded);
    std::printf("  submit -> asset.created           median %7.2f ms  p99 %7.2f ms\n", a.median, a.p99);
    std::printf("  asset.created -> downloaded and verified  median %7.2f ms  p99 %7.2f ms\n", d.median, d.p99);
    std::vector<double> total;
    for (size_t i = 0; i < shown.size(); ++i)
        total.push_back(finished[i] + shown[i]);
    const Stats t = stats(total);
    std::printf("  submit -> result shown in viewer   median %7.2f ms  p99 %7.2f ms  max %7.2f ms   (target 50/150)\n",
                t.median, t.p99, t.max);
}

void eventLatency(int probes)
{
    test::TestServer server;
    if (!server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("20"),
                        QStringLiteral("--workers-generation"), QStringLiteral("10"),
                        QStringLiteral("--max-jobs-per-user"), QStringLiteral("200") })) {
        std::printf("server did not start: %s\n", qPrintable(server.errorString()));
        return;
    }
    core::ApiClient api;
    api.setBaseUrl(server.url());
    api.setAccessToken(signUp(api));
    core::GenerationService service(&api);
    core::EventStream events(&api);
    core::JobListModel model(&service, &events);
    events.start();
    waitFor([&] { return events.state() == core::EventStream::State::Connected; });
    // Ten long video jobs keep ten workers busy and the stream full of progress.
    for (int i = 0; i < 10; ++i) {
        core::GenerationRequest r = request(QStringLiteral("busy %1").arg(i), 128);
        r.media = QStringLiteral("video");
        r.durationS = 10;
        r.fps = 30;
        service.submit(r, nullptr, {});
    }
    waitFor([&] { return model.activeCount() == 10 && model.rowCount() == 10; });
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.index(row).data(core::JobListModel::StateRole).toInt() != int(core::Generation::State::Running))
            std::printf("  (job %d is in state %d)\n", row,
                        model.index(row).data(core::JobListModel::StateRole).toInt());
    int progressEvents = 0;
    QObject::connect(&events, &core::EventStream::jobProgressReceived, [&] { ++progressEvents; });
    QTest::qWait(500);
    std::vector<double> latency;
    int running = 0;
    for (int i = 0; i < probes; ++i) {
        const core::GenerationRequest r = request(QStringLiteral("a gore probe %1").arg(i));
        QElapsedTimer timer;
        double t = -1;
        auto c = QObject::connect(&events, &core::EventStream::jobStateReceived, [&](const QJsonObject &job) {
            if (t < 0 && job.value(QStringLiteral("id")).toString() == r.id)
                t = timer.nsecsElapsed() / 1e6;
        });
        timer.start();
        service.submit(r, nullptr, {});
        waitFor([&] { return t >= 0; }, 5000);
        QObject::disconnect(c);
        running = std::max(running, model.activeCount());
        if (t >= 0)
            latency.push_back(t);
        QTest::qWait(20);
    }
    const Stats s = stats(latency);
    std::printf("event latency with %d jobs running (%d progress events received meanwhile)\n", running,
                progressEvents);
    std::printf("  submit -> job.state signal (round trip, upper bound)  median %6.2f ms  p99 %6.2f ms  max %6.2f ms"
                "   (target p99 20)\n",
                s.median, s.p99, s.max);
}

void viewer(int side)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.png"));
    {
        // Detailed content so the PNG is as heavy to decode as a real render.
        QImage image(side, side, QImage::Format_RGB32);
        std::vector<int> noise(size_t(side) + 4096);
        for (int &n : noise)
            n = int(QRandomGenerator::global()->bounded(24));
        for (int y = 0; y < side; ++y) {
            auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
            const int *row = noise.data() + (y * 131) % 4096;
            for (int x = 0; x < side; ++x)
                line[x] = qRgb((x * 255 / side) ^ row[x], (y * 255 / side), ((x + y) & 0xff));
        }
        image.save(path, "png", 6);
    }
    const long rssBefore = procStatusKiB("VmRSS:");
    ui::ImageViewer viewer;
    viewer.resize(1280, 800);
    viewer.show();
    QTest::qWait(50);
    QElapsedTimer timer;
    double shown = -1;
    QObject::connect(&viewer, &ui::ImageViewer::imageShown, [&] { shown = timer.nsecsElapsed() / 1e6; });
    timer.start();
    viewer.openFile(path);
    waitFor([&] { return shown >= 0; }, 30000);
    QTest::qWait(200);
    const long rssFitted = procStatusKiB("VmRSS:");
    const long peak = procStatusKiB("VmHWM:");
    std::printf("viewer: %dx%d PNG (%.1f MiB file)\n", side, side, QFileInfo(path).size() / 1048576.0);
    std::printf("  open -> first fitted frame %7.1f ms   (target 300)\n", shown);
    std::printf("  RSS before %ld MiB, after fitted view %ld MiB, peak %ld MiB   (target 400)\n", rssBefore / 1024,
                rssFitted / 1024, peak / 1024);
    std::printf("  decoded pixels held: %.1f MiB\n", viewer.decodedBytes() / 1048576.0);
    QElapsedTimer zoom;
    zoom.start();
    viewer.zoomToActualSize();
    waitFor([&] { return viewer.hasFullResolution(); }, 60000);
    std::printf("  zoom to 1:1 -> full resolution ready %7.1f ms, RSS %ld MiB\n", zoom.nsecsElapsed() / 1e6,
                procStatusKiB("VmRSS:") / 1024);
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_LOGGING_RULES", "pygmi.*.info=false");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    int runs = 50;
    if (const int i = int(args.indexOf(QStringLiteral("--runs"))); i > 0 && i + 1 < args.size())
        runs = args.at(i + 1).toInt();
    const bool only = args.contains(QStringLiteral("--viewer")) || args.contains(QStringLiteral("--e2e"))
        || args.contains(QStringLiteral("--events"));
    // The viewer first, so its RSS is not inflated by the other runs.
    if (!only || args.contains(QStringLiteral("--viewer")))
        viewer(8192);
    if (!only || args.contains(QStringLiteral("--e2e")))
        endToEnd(runs);
    if (!only || args.contains(QStringLiteral("--events")))
        eventLatency(runs);
    return 0;
}
