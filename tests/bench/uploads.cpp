// Reference upload benchmarks (run on purpose; not a ctest test):
//  1. Throughput of UploadManager (4 MiB chunks, SHA-1 per chunk) sending a large file to
//     pygmi-server over loopback, against curl sending the same file to the same server in one
//     PATCH, in the same run.
//  2. Peak memory of the uploading process above its idle level while the file goes up.
//  3. kill -9 of an uploading process, then a restart: how many chunks are sent again.
// Usage: pygmi-bench-uploads [--size-mib 1024] [--skip-kill] [--dir DIR]
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"
#include "api/ApiClient.h"
#include "media/MetadataScrubber.h"
#include "uploads/UploadManager.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <cstdio>
#include <functional>

using namespace pygmi;
using namespace pygmi::test;

namespace {

// Waits with a running event loop (QTest::qWaitFor sleeps between checks, which would throttle
// the network thread's upload data requests to the main thread).
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    poll.start(5);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!done())
        loop.exec();
    return done();
}

qint64 rssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

// A real WebM (made by the server's sketch engine, its tags removed) followed by an EBML Void
// element of `padding` random bytes: a valid video of any size that the server accepts.
bool makeVideo(ServerApi &api, const QString &token, const QString &path, qint64 padding)
{
    QJsonObject request = generation::videoRequest(QStringLiteral("bench waves"), 64, 64, 1, 12);
    if (api.post(QStringLiteral("/v1/generations"), request, token).status != 201)
        return false;
    const QJsonObject job = generation::waitForFinal(api, token, request.value(QStringLiteral("id")).toString());
    const QString url = job.value(QStringLiteral("assets"))
                            .toArray()
                            .first()
                            .toObject()
                            .value(QStringLiteral("content_url"))
                            .toString();
    const QByteArray webm = api.get(url, token).body;
    QFile file(path);
    if (webm.isEmpty() || !file.open(QIODevice::WriteOnly))
        return false;
    file.write(webm);
    file.close();
    if (!media::MetadataScrubber::scrubVideoFile(QFile::encodeName(path).toStdString()).ok)
        return false;
    if (!file.open(QIODevice::Append))
        return false;
    QByteArray header(9, '\0');
    header[0] = char(0xEC);
    quint64 size = quint64(padding) | (quint64(1) << 56); // 8-byte size field
    for (int i = 8; i >= 1; --i) {
        header[i] = char(size & 0xff);
        size >>= 8;
    }
    file.write(header);
    QByteArray block(4 * 1024 * 1024, '\0');
    for (qint64 left = padding; left > 0;) {
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(block.data()), block.size() / 4);
        const qint64 n = qMin<qint64>(left, block.size());
        file.write(block.constData(), n);
        left -= n;
    }
    return file.flush();
}

struct ClientRun
{
    double seconds = 0;
    qint64 peakAboveIdleKiB = 0;
    bool ok = false;
};

ClientRun uploadWithManager(const QUrl &server, const QString &token, const QString &file, const QString &stateDir)
{
    ClientRun run;
    core::ApiClient api;
    api.setBaseUrl(server);
    api.setAccessToken(token);
    core::UploadManager uploads(&api, stateDir + QStringLiteral("/uploads.sqlite"), stateDir + QStringLiteral("/work"));
    uploads.setScope(QStringLiteral("bench"));
    QTest::qWait(200);
    const qint64 idle = rssKiB();
    qint64 peak = idle;
    QTimer sampler;
    QObject::connect(&sampler, &QTimer::timeout, [&] { peak = qMax(peak, rssKiB()); });
    sampler.start(20);
    QElapsedTimer clock;
    const QString id = uploads.add(file);
    QObject::connect(&uploads, &core::UploadManager::itemChanged, [&](const QString &) {
        const auto item = uploads.item(id);
        if (item && item->state == core::UploadItem::State::Uploading && !clock.isValid())
            clock.start(); // hashing before the upload is not part of the transfer
    });
    run.ok = waitUntil(
        [&] {
            const auto item = uploads.item(id);
            return item && item->isFinished();
        },
        30 * 60 * 1000);
    run.seconds = clock.isValid() ? double(clock.nsecsElapsed()) / 1e9 : 0;
    run.ok = run.ok && uploads.item(id)->state == core::UploadItem::State::Done;
    if (!run.ok)
        std::fprintf(stderr, "client upload failed: %s\n", qPrintable(uploads.item(id)->errorCode));
    peak = qMax(peak, rssKiB());
    run.peakAboveIdleKiB = peak - idle;
    return run;
}

double uploadWithCurl(ServerApi &api, const QUrl &server, const QString &token, const QString &file)
{
    api.extraHeaders
        = { { "Tus-Resumable", "1.0.0" }, { "Upload-Length", QByteArray::number(QFileInfo(file).size()) } };
    const ApiReply created = api.send("POST", QStringLiteral("/v1/uploads"), {}, {}, token);
    api.extraHeaders.clear();
    if (created.status != 201)
        return -1;
    QUrl target = server;
    target.setPath(QString::fromLatin1(created.headers.value("location")));
    QProcess curl;
    QElapsedTimer clock;
    clock.start();
    curl.start(QStringLiteral("curl"),
               { QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-w"),
                 QStringLiteral("%{http_code}"), QStringLiteral("-X"), QStringLiteral("PATCH"), QStringLiteral("-T"),
                 file, QStringLiteral("-H"), QStringLiteral("Tus-Resumable: 1.0.0"), QStringLiteral("-H"),
                 QStringLiteral("Upload-Offset: 0"), QStringLiteral("-H"),
                 QStringLiteral("Content-Type: application/offset+octet-stream"), QStringLiteral("-H"),
                 QStringLiteral("Authorization: Bearer ") + token, target.toString() });
    curl.waitForFinished(30 * 60 * 1000);
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    const QByteArray code = curl.readAllStandardOutput();
    if (code != "204") {
        std::fprintf(stderr, "curl answered %s: %s\n", code.constData(), curl.readAllStandardError().constData());
        return -1;
    }
    return seconds;
}

// The child of the kill -9 measure: uploads (or resumes) one file and prints its progress.
int childUpload(const QStringList &args)
{
    // args: --child URL TOKEN STATEDIR FILE
    core::ApiClient api;
    api.setBaseUrl(QUrl(args.value(2)));
    api.setAccessToken(args.value(3));
    core::UploadManager uploads(&api, args.value(4) + QStringLiteral("/uploads.sqlite"),
                                args.value(4) + QStringLiteral("/work"));
    uploads.setScope(QStringLiteral("bench"));
    uploads.restore();
    QString id = uploads.items().isEmpty() ? uploads.add(args.value(5)) : uploads.items().first().id;
    qint64 last = -1;
    QObject::connect(&uploads, &core::UploadManager::itemChanged, [&](const QString &) {
        const auto item = uploads.item(id);
        if (item && item->offset != last) {
            last = item->offset;
            std::printf("offset %lld\n", static_cast<long long>(last));
            std::fflush(stdout);
        }
    });
    waitUntil([&] { return uploads.item(id)->isFinished(); }, 10 * 60 * 1000);
    std::printf("done %d %s\n", uploads.chunkRequests(),
                uploads.item(id)->state == core::UploadItem::State::Done ? "ok" : "failed");
    std::fflush(stdout);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.value(1) == QLatin1String("--child"))
        return childUpload(args);
    const qint64 sizeMiB = args.contains(QStringLiteral("--size-mib"))
        ? args.value(args.indexOf(QStringLiteral("--size-mib")) + 1).toLongLong()
        : 1024;
    const QString base = args.contains(QStringLiteral("--dir")) ? args.value(args.indexOf(QStringLiteral("--dir")) + 1)
                                                                : QDir::tempPath();
    QTemporaryDir work(base + QStringLiteral("/pygmi-bench-uploads-XXXXXX"));

    TestServer server;
    if (!server.start({ QStringLiteral("--upload-max-mb"), QStringLiteral("8192"),
                        QStringLiteral("--upload-request-max-mb"), QStringLiteral("8192"),
                        QStringLiteral("--upload-quota-mb"), QStringLiteral("65536"), QStringLiteral("--access-ttl"),
                        QStringLiteral("36000"), QStringLiteral("--sketch-step-ms"), QStringLiteral("0") })) {
        std::fprintf(stderr, "server: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    ServerApi api(server.url());
    const QString clientToken = generation::signUp(api, QStringLiteral("bench-client@example.com"));
    const QString curlToken = generation::signUp(api, QStringLiteral("bench-curl@example.com"));
    const QString file = work.filePath(QStringLiteral("reference.webm"));
    if (!makeVideo(api, clientToken, file, sizeMiB * 1024 * 1024)) {
        std::fprintf(stderr, "could not make the test file\n");
        return 1;
    }
    const double mib = double(QFileInfo(file).size()) / (1024.0 * 1024.0);
    std::printf("file: %.1f MiB WebM (valid video + padding), server and client on loopback\n", mib);

    QDir().mkpath(work.filePath(QStringLiteral("client")));
    const ClientRun client
        = uploadWithManager(server.url(), clientToken, file, work.filePath(QStringLiteral("client")));
    const double curlSeconds = uploadWithCurl(api, server.url(), curlToken, file);
    if (!client.ok || curlSeconds <= 0)
        return 1;
    const double clientRate = mib / client.seconds;
    const double curlRate = mib / curlSeconds;
    std::printf("UploadManager (4 MiB chunks, SHA-1 each): %.2f s  %.0f MiB/s\n", client.seconds, clientRate);
    std::printf("curl (one PATCH of the whole file):        %.2f s  %.0f MiB/s\n", curlSeconds, curlRate);
    std::printf("ratio client/curl: %.2f (target >= 0.9)\n", clientRate / curlRate);
    std::printf("client peak memory above idle while uploading: %.1f MiB (target <= 64)\n",
                double(client.peakAboveIdleKiB) / 1024.0);

    if (args.contains(QStringLiteral("--skip-kill")))
        return 0;
    // kill -9 in the middle, then a restart.
    const QString small = work.filePath(QStringLiteral("kill.webm"));
    if (!makeVideo(api, clientToken, small, 96LL * 1024 * 1024))
        return 1;
    const QString state = work.filePath(QStringLiteral("kill-state"));
    QDir().mkpath(state);
    const QStringList childArgs { QStringLiteral("--child"), server.url().toString(), clientToken, state, small };
    QProcess first;
    first.start(app.applicationFilePath(), childArgs);
    qint64 recorded = 0;
    QElapsedTimer patience;
    patience.start();
    while (recorded < 40LL * 1024 * 1024 && patience.elapsed() < 120000) {
        first.waitForReadyRead(50);
        while (first.canReadLine()) {
            const QByteArray line = first.readLine().trimmed();
            if (line.startsWith("offset "))
                recorded = line.mid(7).toLongLong();
        }
    }
    first.kill(); // SIGKILL: no chance to save anything more
    first.waitForFinished();
    const qint64 chunk = core::UploadManager::kDefaultChunkSize;
    const qint64 size = QFileInfo(small).size();
    QProcess second;
    second.start(app.applicationFilePath(), childArgs);
    second.waitForFinished(300000);
    const QList<QByteArray> lines = second.readAllStandardOutput().split('\n');
    int requests = -1;
    bool ok = false;
    for (const QByteArray &line : lines) {
        if (line.startsWith("done ")) {
            requests = line.split(' ').value(1).toInt();
            ok = line.endsWith("ok");
        }
    }
    const int needed = int((size - recorded + chunk - 1) / chunk);
    // Bytes sent twice: the chunk that was on the wire at the kill (the server discards a chunk
    // that did not arrive whole with its checksum) plus any request beyond what the record needed.
    std::printf("kill -9 at %.1f MiB of %.1f MiB (4 MiB chunks): after restart %d PATCH requests for %d chunks left "
                "by the app's record -> chunks sent again: %d (the one in flight at the kill%s), upload %s\n",
                double(recorded) / 1048576.0, double(size) / 1048576.0, requests, needed,
                1 + qMax(0, requests - needed),
                requests > needed ? QStringLiteral(" and %1 more").arg(requests - needed).toUtf8().constData() : "",
                ok ? "completed" : "FAILED");
    server.stop();
    return ok ? 0 : 1;
}
