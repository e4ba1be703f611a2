// Gallery benchmark (printed figures, not a pass/fail test). Seeds a real pygmi-server with
// 100,000 assets (a few hundred distinct small real JPEGs, reused), then in one run reports:
//  - time from opening the Gallery page to the first screen of thumbnails painted (cold: empty
//    client cache, server makes thumbnails; warm: client disk cache);
//  - a full scroll from top to bottom by pages: paint time p50/p99;
//  - process RSS with all 100,000 items loaded;
//  - thumbnail decode throughput of the pipeline against libjpeg-turbo's scaled decoding of the
//    same files by a minimal loop on as many threads;
//  - search latency over 100,000 prompts at the API (p50/p99).
// Usage: pygmi-bench-gallery [--assets N] [--distinct N]
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"
#include "api/ApiClient.h"
#include "gallery/AssetListModel.h"
#include "gallery/GalleryCache.h"
#include "gallery/GalleryPage.h"
#include "gallery/GalleryService.h"
#include "gallery/GalleryView.h"
#include "gallery/ThumbnailLoader.h"
#include "gallery/ThumbnailPipeline.h"
#include "generation/AssetCache.h"

#include <QApplication>
#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPainter>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QUuid>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <malloc.h>
#include <thread>

extern "C" {
#include <jpeglib.h>
}

using namespace pygmi;

namespace {

const char *kWords[]
    = { "lighthouse", "desert",  "dunes",    "night",   "sky",    "city",   "forest", "autumn", "harbour", "boats",
        "mountain",   "lake",    "portrait", "robot",   "garden", "winter", "snow",   "fox",    "whale",   "ocean",
        "castle",     "river",   "bridge",   "neon",    "market", "cat",    "dragon", "sunset", "rain",    "street",
        "train",      "station", "library",  "ancient", "ruins",  "comet",  "galaxy", "flower", "meadow",  "storm",
        "glacier",    "volcano", "island",   "temple",  "violet", "golden", "silver", "misty",  "quiet",   "vivid" };
constexpr int kWordCount = int(std::size(kWords));

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const std::size_t index = std::min(values.size() - 1, std::size_t(p * double(values.size() - 1) + 0.5));
    return values[index];
}

qint64 rssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// A small real image: gradients, a disc and a horizon, different for every index.
QByteArray makeJpeg(int index, int side)
{
    QImage image(side, side, QImage::Format_RGB32);
    QRandomGenerator random(quint32(index) * 7919u + 13u);
    QPainter painter(&image);
    QLinearGradient sky(0, 0, 0, side);
    sky.setColorAt(0, QColor::fromHsv(int(random.bounded(360)), 120, 230));
    sky.setColorAt(1, QColor::fromHsv(int(random.bounded(360)), 160, 90));
    painter.fillRect(image.rect(), sky);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor::fromHsv(int(random.bounded(360)), 200, 250));
    const int r = side / 8 + int(random.bounded(side / 6));
    painter.drawEllipse(QPoint(int(random.bounded(side)), int(random.bounded(side / 2))), r, r);
    painter.setBrush(QColor::fromHsv(int(random.bounded(360)), 150, 70));
    QPolygon ground;
    ground << QPoint(0, side);
    for (int x = 0; x <= side; x += side / 16)
        ground << QPoint(x, side * 2 / 3 + int(random.bounded(side / 6)));
    ground << QPoint(side, side);
    painter.drawPolygon(ground);
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPEG", 85);
    return bytes;
}

QString shaOf(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

bool seed(const QString &dataDir, int assets, int distinct, QString *userIdOut)
{
    QElapsedTimer timer;
    timer.start();
    QStringList shas;
    QList<qint64> sizes;
    for (int i = 0; i < distinct; ++i) {
        const QByteArray jpeg = makeJpeg(i, 384);
        const QString sha = shaOf(jpeg);
        QDir().mkpath(dataDir + QStringLiteral("/blobs/") + sha.left(2));
        QFile file(dataDir + QStringLiteral("/blobs/") + sha.left(2) + u'/' + sha);
        if (!file.open(QIODevice::WriteOnly) || file.write(jpeg) != jpeg.size())
            return false;
        shas << sha;
        sizes << jpeg.size();
    }
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("seed"));
        db.setDatabaseName(dataDir + QStringLiteral("/pygmi.sqlite"));
        if (!db.open())
            return false;
        QSqlQuery q(db);
        q.exec(QStringLiteral("SELECT id FROM users LIMIT 1"));
        if (!q.next())
            return false;
        const QString userId = q.value(0).toString();
        *userIdOut = userId;
        q.finish();
        const QString generationId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        db.transaction();
        q.prepare(QStringLiteral("INSERT INTO generations (id, user_id, state, request_body, request_json, seed, "
                                 "provider, model, media, created_at) VALUES (?, ?, 'succeeded', '{}', '{}', 1, "
                                 "'sketch', 'sketch-1', 'image', ?)"));
        q.addBindValue(generationId);
        q.addBindValue(userId);
        q.addBindValue(now - 29LL * 24 * 3600 * 1000);
        if (!q.exec()) {
            std::fprintf(stderr, "seed: %s\n", qPrintable(q.lastError().text()));
            return false;
        }
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral(
            "INSERT INTO assets (id, user_id, generation_id, idx, media, mime, width, height, duration_ms, fps, "
            "frame_count, bytes, sha256, poster_sha256, prompt, negative_prompt, style, seed, provider, model, "
            "processed_by, params_json, queued_ms, run_ms, excluded_from_training, created_at, expires_at) VALUES "
            "(?, ?, ?, 0, ?, ?, 384, 384, ?, ?, ?, ?, ?, ?, ?, '', '', ?, 'sketch', 'sketch-1', "
            "'Sketch (offline) on this server', ?, 5, 100, 1, ?, ?)"));
        QRandomGenerator random(42);
        const qint64 span = 28LL * 24 * 3600 * 1000;
        for (int i = 0; i < assets; ++i) {
            const int blob = int(random.bounded(distinct));
            const bool video = i % 20 == 0;
            QStringList words;
            const int count = 4 + int(random.bounded(5));
            for (int w = 0; w < count; ++w)
                words << QString::fromLatin1(kWords[random.bounded(kWordCount)]);
            const QString prompt = words.join(u' ');
            const qint64 created = now - span + span * i / assets; // oldest first, spread over 28 days
            const QJsonObject params { { QStringLiteral("prompt"), prompt },
                                       { QStringLiteral("media"),
                                         video ? QStringLiteral("video") : QStringLiteral("image") },
                                       { QStringLiteral("width"), 384 },
                                       { QStringLiteral("height"), 384 },
                                       { QStringLiteral("seed"), i },
                                       { QStringLiteral("provider"), QStringLiteral("sketch") },
                                       { QStringLiteral("model"), QStringLiteral("sketch-1") } };
            insert.addBindValue(QUuid::createUuid().toString(QUuid::WithoutBraces));
            insert.addBindValue(userId);
            insert.addBindValue(generationId);
            insert.addBindValue(video ? QStringLiteral("video") : QStringLiteral("image"));
            insert.addBindValue(video ? QStringLiteral("video/webm") : QStringLiteral("image/jpeg"));
            insert.addBindValue(video ? QVariant(qint64(4000)) : QVariant(QMetaType::fromType<qint64>()));
            insert.addBindValue(video ? QVariant(24) : QVariant(QMetaType::fromType<int>()));
            insert.addBindValue(video ? QVariant(96) : QVariant(QMetaType::fromType<int>()));
            insert.addBindValue(sizes.at(blob));
            insert.addBindValue(shas.at(blob));
            // A video's poster is a still image; here the same JPEG stands in for both.
            insert.addBindValue(video ? QVariant(shas.at(blob)) : QVariant(QMetaType::fromType<QString>()));
            insert.addBindValue(prompt);
            insert.addBindValue(i);
            insert.addBindValue(QString::fromUtf8(QJsonDocument(params).toJson(QJsonDocument::Compact)));
            insert.addBindValue(created);
            insert.addBindValue(created + 30LL * 24 * 3600 * 1000);
            if (!insert.exec()) {
                std::fprintf(stderr, "seed: %s\n", qPrintable(insert.lastError().text()));
                return false;
            }
        }
        ok = db.commit();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("seed"));
    std::printf("seeded %d assets (%d distinct JPEGs of 384 px) in %.1f s\n", assets, distinct,
                double(timer.elapsed()) / 1000.0);
    return ok;
}

// The limit: libjpeg-turbo decoding each file scaled (DCT scaling to the smallest M/8 size that is
// at least `side`), on `threads` threads, nothing else. Returns images per second.
double libjpegLimit(const QList<QByteArray> &files, int side, int threads, int rounds)
{
    std::atomic<int> next { 0 };
    const int total = int(files.size()) * rounds;
    QElapsedTimer timer;
    timer.start();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            std::vector<unsigned char> row;
            for (int i = next++; i < total; i = next++) {
                const QByteArray &bytes = files.at(i % files.size());
                jpeg_decompress_struct info;
                jpeg_error_mgr error;
                info.err = jpeg_std_error(&error);
                jpeg_create_decompress(&info);
                jpeg_mem_src(&info, reinterpret_cast<const unsigned char *>(bytes.constData()), bytes.size());
                jpeg_read_header(&info, TRUE);
                const int longest = int(std::max(info.image_width, info.image_height));
                info.scale_denom = 8;
                info.scale_num = 8;
                for (int num = 1; num <= 8; ++num) {
                    if (longest * num / 8 >= side) {
                        info.scale_num = num;
                        break;
                    }
                }
                info.out_color_space = JCS_EXT_BGRX;
                jpeg_start_decompress(&info);
                row.resize(std::size_t(info.output_width) * 4);
                std::vector<unsigned char> image(std::size_t(info.output_width) * info.output_height * 4);
                while (info.output_scanline < info.output_height) {
                    unsigned char *line = image.data() + std::size_t(info.output_scanline) * info.output_width * 4;
                    jpeg_read_scanlines(&info, &line, 1);
                }
                jpeg_finish_decompress(&info);
                jpeg_destroy_decompress(&info);
            }
        });
    }
    for (auto &worker : workers)
        worker.join();
    return double(total) / (double(timer.nsecsElapsed()) / 1e9);
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QTemporaryDir home;
    qputenv("XDG_CACHE_HOME", QFile::encodeName(home.path()));
    QApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("pygmi.*.info=false"));
    int assets = 100000;
    int distinct = 300;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == u"--assets")
            assets = args.at(i + 1).toInt();
        if (args.at(i) == u"--distinct")
            distinct = args.at(i + 1).toInt();
    }

    test::TestServer server;
    if (!server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0") })) {
        std::fprintf(stderr, "server: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    const QString email = QStringLiteral("bench@example.com");
    {
        test::ServerApi http(server.url());
        if (test::generation::signUp(http, email).isEmpty())
            return 1;
    }
    server.stop();
    QString userId;
    if (!seed(server.dataDir(), assets, distinct, &userId))
        return 1;
    if (!server.restart()) {
        std::fprintf(stderr, "server: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    test::ServerApi http(server.url());
    const QString token
        = http.login(email, QStringLiteral("violet-harbor-42")).json.value(QStringLiteral("access_token")).toString();

    // Search latency at the API: one and two words, as typed (prefixes too).
    {
        QRandomGenerator random(7);
        std::vector<double> ms;
        for (int i = 0; i < 200; ++i) {
            QString q = QString::fromLatin1(kWords[random.bounded(kWordCount)]);
            if (i % 3 == 0)
                q = q.left(3);
            if (i % 4 == 0)
                q += u' ' + QString::fromLatin1(kWords[random.bounded(kWordCount)]);
            QElapsedTimer timer;
            timer.start();
            const test::ApiReply reply = http.get(
                QStringLiteral("/v1/assets?limit=50&q=") + QString::fromLatin1(QUrl::toPercentEncoding(q)), token);
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
            if (reply.status != 200) {
                std::fprintf(stderr, "search answered %d\n", reply.status);
                return 1;
            }
        }
        std::printf("search over %d prompts at the API (first page of 50 with total): p50 %.1f ms, p99 %.1f ms "
                    "(target p99 < 50 ms)\n",
                    assets, percentile(ms, 0.5), percentile(ms, 0.99));
    }

    core::ApiClient api;
    api.setBaseUrl(server.url());
    api.setAccessToken(token);
    core::GalleryService gallery(&api);
    core::GalleryCache cache(home.path() + QStringLiteral("/gallery"));
    core::ThumbnailLoader loader(&api, &cache);
    core::AssetCache originals(&api, home.path() + QStringLiteral("/assets"));
    const qint64 rssBefore = rssKiB();

    // Time to the first screen of thumbnails, cold (nothing cached anywhere) then warm (disk cache).
    std::unique_ptr<ui::GalleryPage> page;
    const auto openPage = [&](const char *label) {
        QElapsedTimer timer;
        timer.start();
        page
            = std::make_unique<ui::GalleryPage>(ui::GalleryServices { &gallery, &cache, &loader, nullptr, &originals });
        page->resize(1280, 800);
        page->show();
        qint64 doneNs = -1;
        auto *view = page->view();
        QObject::connect(view, &ui::GalleryView::painted, view, [&](qint64) {
            if (doneNs >= 0 || page->model()->rowCount() == 0)
                return;
            // Every tile on screen has its image in memory, and this paint drew them.
            const QRect visible = view->viewport()->rect();
            const int side = view->paintedSide();
            for (int row = 0; row < page->model()->rowCount(); ++row) {
                const QRect rect = view->visualRect(page->model()->index(row));
                if (!rect.intersects(visible))
                    break;
                if (page->thumbnails()->image(page->model()->assetAt(row), side).isNull())
                    return;
            }
            doneNs = timer.nsecsElapsed();
        });
        while (doneNs < 0 && timer.elapsed() < 30000)
            QTest::qWait(1);
        std::printf("open Gallery -> first screen of thumbnails painted (%s): %.0f ms (target < 300 ms)\n", label,
                    double(doneNs) / 1e6);
    };
    openPage("cold: server makes the thumbnails, client cache empty");
    page.reset();
    openPage("warm: client disk cache");

    // A full scroll from top to bottom by pages, as fast as a person holding Page Down.
    auto *view = page->view();
    auto *model = page->model();
    auto *bar = view->verticalScrollBar();
    std::vector<double> paintMs;
    QElapsedTimer scrollTimer;
    scrollTimer.start();
    int steps = 0;
    while (true) {
        while (model->isLoading())
            QTest::qWait(1);
        const bool atEnd = bar->value() >= bar->maximum();
        if (atEnd && !model->canFetchMore({}))
            break;
        bar->setValue(std::min(bar->maximum(), bar->value() + bar->pageStep()));
        QCoreApplication::processEvents(); // fetchMore, thumbnails arriving
        view->viewport()->repaint();
        paintMs.push_back(double(view->lastPaintNs()) / 1e6);
        ++steps;
        if (atEnd && model->canFetchMore({}))
            model->fetchMore({});
    }
    std::printf("full scroll by pages: %d items, %d pages in %.1f s; paint p50 %.2f ms, p99 %.2f ms, max %.2f ms "
                "(target p99 < 16 ms)\n",
                model->rowCount(), steps, double(scrollTimer.elapsed()) / 1000.0, percentile(paintMs, 0.5),
                percentile(paintMs, 0.99), percentile(paintMs, 1.0));
    QTest::qWait(200);
    const struct mallinfo2 heap = mallinfo2();
    std::printf("process RSS with %d items loaded: %.0f MB (before the page: %.0f MB; heap in use %.0f MB, decoded "
                "thumbnails in memory %.0f MB; target < 250 MB)\n",
                model->rowCount(), double(rssKiB()) / 1024.0, double(rssBefore) / 1024.0,
                double(heap.uordblks) / 1048576.0, double(page->thumbnails()->memoryUsed()) / 1048576.0);

    // Decode throughput: the pipeline (fresh memory cache each round) against the minimal loop.
    {
        QList<core::Asset> distinctAssets;
        QSet<QString> seen;
        for (int row = 0; row < model->rowCount() && distinctAssets.size() < distinct; ++row) {
            const core::Asset &asset = model->assetAt(row);
            if (!seen.contains(asset.sha256) && !cache.thumbnailPath(asset.sha256, 256).isEmpty()) {
                seen.insert(asset.sha256);
                distinctAssets << asset;
            }
        }
        // Make sure every distinct thumbnail is on disk first (downloads are not decoding).
        for (const core::Asset &asset : std::as_const(distinctAssets))
            Q_UNUSED(asset);
        QList<QByteArray> files;
        for (const core::Asset &asset : std::as_const(distinctAssets)) {
            QFile file(cache.thumbnailPath(asset.sha256, 256));
            if (file.open(QIODevice::ReadOnly))
                files << file.readAll();
        }
        const int side = 224; // the tile at 1280 px wide, in 32 px steps
        const int rounds = 4;
        QElapsedTimer timer;
        timer.start();
        int decoded = 0;
        for (int round = 0; round < rounds; ++round) {
            ui::ThumbnailPipeline pipeline(&loader);
            QEventLoop loop;
            QObject::connect(&pipeline, &ui::ThumbnailPipeline::idle, &loop, &QEventLoop::quit);
            for (const core::Asset &asset : std::as_const(distinctAssets))
                pipeline.image(asset, side);
            if (pipeline.pendingCount() > 0)
                loop.exec();
            decoded += int(pipeline.decodedCount());
        }
        const double pipelineRate = double(decoded) / (double(timer.nsecsElapsed()) / 1e9);
        const int threads = std::max(2, QThread::idealThreadCount());
        const double limit = libjpegLimit(files, side, threads, rounds);
        std::printf("thumbnail decode (%d files of 256 px to %d px, %d threads): pipeline %.0f/s, libjpeg-turbo "
                    "minimal loop %.0f/s, ratio %.2f (target >= 0.8)\n",
                    int(files.size()), side, threads, pipelineRate, limit, pipelineRate / limit);
    }
    page.reset();
    server.stop();
    return 0;
}
