// UploadManager against the real pygmi-server: metadata removed before sending, chunked upload
// with progress, pause and resume, a restart of the app mid-upload (at most one chunk again), a
// network drop (backoff, then resume where the server stands), identical files not sent twice,
// files refused before anything is sent, and termination on remove.
#include "MediaSamples.h"
#include "TestServer.h"
#include "api/ApiClient.h"
#include "uploads/ReferenceLibrary.h"
#include "uploads/UploadManager.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pygmi::core;
using namespace pygmi::test;

namespace {

ApiResponse call(ApiClient &api, const ApiRequest &request)
{
    ApiResponse result;
    bool done = false;
    api.send(request, nullptr, [&](const ApiResponse &r) {
        result = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 15000))
        result.error = ApiError(ApiError::Kind::Timeout, QStringLiteral("test_timeout"));
    return result;
}

QString writeFile(const QString &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir + u'/' + name;
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(bytes);
    return path;
}

// A PNG large enough to take many small chunks.
QByteArray noisyPng(int side, quint32 seed)
{
    QImage image(side, side, QImage::Format_RGB32);
    quint32 x = seed;
    for (int y = 0; y < side; ++y)
        for (int i = 0; i < side; ++i) {
            x = x * 1664525u + 1013904223u;
            image.setPixel(i, y, x >> 8);
        }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

} // namespace

class TestUploads : public QObject
{
    Q_OBJECT

    TestServer m_server;
    ApiClient m_api;
    QTemporaryDir m_files;
    QTemporaryDir m_state;
    int m_managers = 0;

    std::unique_ptr<UploadManager> makeManager(qint64 chunk = UploadManager::kDefaultChunkSize,
                                               const QString &name = {})
    {
        const QString id = name.isEmpty() ? QString::number(++m_managers) : name;
        auto manager
            = std::make_unique<UploadManager>(&m_api, m_state.path() + QStringLiteral("/uploads-%1.sqlite").arg(id),
                                              m_state.path() + QStringLiteral("/work-%1").arg(id));
        manager->setScope(m_server.url().toString());
        manager->setChunkSize(chunk);
        manager->setBackoff(100, 1000);
        return manager;
    }

    static bool waitState(UploadManager &manager, const QString &id, UploadItem::State state, int timeoutMs = 20000)
    {
        return QTest::qWaitFor(
            [&] {
                const auto item = manager.item(id);
                return item && item->state == state;
            },
            timeoutMs);
    }

    QJsonObject reference(const QString &id)
    {
        ApiRequest request;
        request.path = QStringLiteral("/v1/references/") + id;
        return call(m_api, request).json;
    }

    QByteArray blob(const QString &sha) const
    {
        QFile file(m_server.dataDir() + QStringLiteral("/blobs/") + sha.left(2) + u'/' + sha);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    void signIn()
    {
        ApiRequest info;
        info.path = QStringLiteral("/v1/server");
        info.authenticated = false;
        const QString notice = call(m_api, info)
                                   .json.value(QStringLiteral("notice"))
                                   .toObject()
                                   .value(QStringLiteral("version"))
                                   .toString();
        ApiRequest signup;
        signup.method = "POST";
        signup.path = QStringLiteral("/v1/auth/signup");
        signup.authenticated = false;
        signup.body = QJsonObject { { QStringLiteral("email"), QStringLiteral("uploads@example.org") },
                                    { QStringLiteral("password"), QStringLiteral("violet-harbor-lantern-42") },
                                    { QStringLiteral("display_name"), QStringLiteral("Uploader") },
                                    { QStringLiteral("birth_date"), QStringLiteral("1990-04-01") },
                                    { QStringLiteral("accepted_notice_version"), notice } };
        const ApiResponse session = call(m_api, signup);
        QVERIFY2(session.ok(), session.raw.constData());
        m_api.setAccessToken(session.json.value(QStringLiteral("access_token")).toString());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.start({ QStringLiteral("--access-ttl"), QStringLiteral("3600") }),
                 qPrintable(m_server.errorString()));
        m_api.setBaseUrl(m_server.url());
        signIn();
    }

    void twoImagesUploadWithoutTheirMetadata()
    {
        auto manager = makeManager();
        QSignalSpy changed(manager.get(), &UploadManager::itemChanged);
        const QByteArray photo = samples::jpegWithMetadata(320, 240);
        const QString a = manager->add(writeFile(m_files.path(), QStringLiteral("holiday.jpg"), photo));
        const QString b
            = manager->add(writeFile(m_files.path(), QStringLiteral("prompt.png"), samples::pngWithTextChunks()));
        QVERIFY(waitState(*manager, a, UploadItem::State::Done));
        QVERIFY(waitState(*manager, b, UploadItem::State::Done));
        QVERIFY(!changed.isEmpty());

        const UploadItem first = *manager->item(a);
        QVERIFY(first.metadataFound.contains(QStringLiteral("location")));
        QVERIFY(first.metadataFound.contains(QStringLiteral("camera")));
        QVERIFY(!first.referenceId.isEmpty());
        QCOMPARE(first.bytesSent(), first.size);
        QVERIFY(first.size < photo.size());
        // What left the machine had no metadata: the server found nothing more to remove.
        const QJsonObject stored = reference(first.referenceId);
        QCOMPARE(stored.value(QStringLiteral("metadata_removed")).toArray().size(), 0);
        const QByteArray bytes = blob(stored.value(QStringLiteral("sha256")).toString());
        QCOMPARE(samples::exivMetadata(bytes), QStringList());
        QVERIFY(samples::samePixels(bytes, photo));
        // The private copy made for the upload is gone; the creator's file is untouched.
        QCOMPARE(QDir(m_state.path() + QStringLiteral("/work-%1").arg(m_managers)).entryList(QDir::Files).size(), 0);
        QFile original(first.sourcePath);
        QVERIFY(original.open(QIODevice::ReadOnly));
        QCOMPARE(original.readAll(), photo);

        const UploadItem second = *manager->item(b);
        QVERIFY(second.metadataFound.contains(QStringLiteral("generation_parameters")));
        QCOMPARE(manager->references().size(), 2);
        QCOMPARE(manager->references().first().first, first.referenceId);
        QVERIFY(!manager->isBusy());
    }

    void keepingMetadataSendsTheFileAsItIs()
    {
        auto manager = makeManager();
        const QByteArray photo = samples::jpegWithMetadata(64, 48);
        const QString id = manager->add(writeFile(m_files.path(), QStringLiteral("keep.jpg"), photo), true);
        QVERIFY(waitState(*manager, id, UploadItem::State::Done));
        const QJsonObject stored = reference(manager->item(id)->referenceId);
        QCOMPARE(stored.value(QStringLiteral("metadata_kept")).toBool(), true);
        QCOMPARE(blob(stored.value(QStringLiteral("sha256")).toString()), photo);
    }

    void pauseAndResume()
    {
        auto manager = makeManager(16 * 1024);
        const QByteArray image = noisyPng(400, 7); // ~640 KB: 40 chunks
        const QString id = manager->add(writeFile(m_files.path(), QStringLiteral("noise.png"), image));
        QVERIFY(QTest::qWaitFor([&] { return manager->item(id)->offset > 0; }, 20000));
        manager->pause(id);
        QCOMPARE(manager->item(id)->state, UploadItem::State::Paused);
        const int requests = manager->chunkRequests();
        const qint64 offset = manager->item(id)->offset;
        QTest::qWait(300);
        QCOMPARE(manager->chunkRequests(), requests); // nothing is sent while paused
        QVERIFY(offset < image.size());
        manager->resume(id);
        QVERIFY(waitState(*manager, id, UploadItem::State::Done));
        const int chunks = int((image.size() + 16 * 1024 - 1) / (16 * 1024));
        QVERIFY2(manager->chunkRequests() <= chunks + 1,
                 qPrintable(QStringLiteral("%1 requests for %2 chunks").arg(manager->chunkRequests()).arg(chunks)));
        QCOMPARE(reference(manager->item(id)->referenceId).value(QStringLiteral("bytes")).toInteger(), image.size());
    }

    void restartContinuesWhereTheServerStands()
    {
        const QByteArray image = noisyPng(400, 11);
        const QString path = writeFile(m_files.path(), QStringLiteral("restart.png"), image);
        QString id;
        qint64 offsetAtQuit = 0;
        {
            auto first = makeManager(16 * 1024, QStringLiteral("restart"));
            id = first->add(path);
            QVERIFY(QTest::qWaitFor([&] { return first->item(id)->offset >= 5 * 16 * 1024; }, 20000));
            offsetAtQuit = first->item(id)->offset;
            // The app quits without pausing: the manager is simply gone (a request may be in flight).
        }
        auto second = makeManager(16 * 1024, QStringLiteral("restart"));
        second->restore();
        QCOMPARE(second->items().size(), 1);
        QVERIFY(waitState(*second, id, UploadItem::State::Done));
        const int remaining = int((image.size() - offsetAtQuit + 16 * 1024 - 1) / (16 * 1024));
        QVERIFY2(
            second->chunkRequests() <= remaining + 1,
            qPrintable(
                QStringLiteral("%1 requests for %2 remaining chunks").arg(second->chunkRequests()).arg(remaining)));
        QCOMPARE(reference(second->item(id)->referenceId).value(QStringLiteral("bytes")).toInteger(), image.size());
    }

    void networkDropIsRetriedWithBackoff()
    {
        auto manager = makeManager(16 * 1024);
        const QByteArray image = noisyPng(400, 13);
        const QString id = manager->add(writeFile(m_files.path(), QStringLiteral("drop.png"), image));
        QVERIFY(QTest::qWaitFor([&] { return manager->item(id)->offset >= 3 * 16 * 1024; }, 20000));
        m_server.stop();
        QVERIFY(waitState(*manager, id, UploadItem::State::Retrying, 20000));
        QVERIFY(manager->item(id)->retryInSeconds >= 1);
        QVERIFY(m_server.restart());
        m_api.setBaseUrl(m_server.url()); // same data, new port
        manager->setScope(m_server.url().toString());
        QVERIFY(waitState(*manager, id, UploadItem::State::Done, 30000));
        QCOMPARE(reference(manager->item(id)->referenceId).value(QStringLiteral("bytes")).toInteger(), image.size());
    }

    void identicalFileIsNotSentAgain()
    {
        auto manager = makeManager();
        const QByteArray image = samples::png(90, 90, Qt::darkYellow);
        const QString first = manager->add(writeFile(m_files.path(), QStringLiteral("same-1.png"), image));
        QVERIFY(waitState(*manager, first, UploadItem::State::Done));
        const int requests = manager->chunkRequests();
        const QString second = manager->add(writeFile(m_files.path(), QStringLiteral("same-2.png"), image));
        QVERIFY(waitState(*manager, second, UploadItem::State::Done));
        QCOMPARE(manager->chunkRequests(), requests);
        QCOMPARE(manager->item(second)->referenceId, manager->item(first)->referenceId);
    }

    void unusableFilesAreRefusedBeforeSending()
    {
        auto manager = makeManager();
        const quint64 before = m_api.requestCount();
        const QString text = manager->add(writeFile(m_files.path(), QStringLiteral("notes.png"), "just text\n"));
        const QString empty = manager->add(writeFile(m_files.path(), QStringLiteral("empty.jpg"), {}));
        const QByteArray jpeg = samples::jpegWithMetadata(200, 100);
        const QString cut
            = manager->add(writeFile(m_files.path(), QStringLiteral("cut.jpg"), jpeg.left(jpeg.size() / 2)));
        QVERIFY(waitState(*manager, text, UploadItem::State::Failed));
        QVERIFY(waitState(*manager, empty, UploadItem::State::Failed));
        QVERIFY(waitState(*manager, cut, UploadItem::State::Failed));
        QCOMPARE(manager->item(text)->errorCode, QStringLiteral("unsupported_type"));
        QCOMPARE(manager->item(empty)->errorCode, QStringLiteral("empty_file"));
        QCOMPARE(manager->item(cut)->errorCode, QStringLiteral("corrupt"));
        QCOMPARE(m_api.requestCount(), before);
    }

    void removingTerminatesTheServerUpload()
    {
        auto manager = makeManager(16 * 1024);
        const QString id = manager->add(writeFile(m_files.path(), QStringLiteral("remove.png"), noisyPng(300, 5)));
        QVERIFY(QTest::qWaitFor([&] { return manager->item(id)->offset > 0; }, 20000));
        manager->pause(id);
        const QString partial = m_server.dataDir() + QStringLiteral("/uploads/")
            + manager->item(id)->uploadUrl.section(u'/', -1) + QStringLiteral(".part");
        QVERIFY(QFileInfo::exists(partial));
        manager->remove(id);
        QVERIFY(!manager->item(id));
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(partial), 5000);
    }

    void libraryListsAndDeletes()
    {
        ReferenceLibrary library(&m_api);
        QSignalSpy changed(&library, &ReferenceLibrary::changed);
        library.refresh();
        QVERIFY(changed.wait(10000));
        const int count = int(library.items().size());
        QVERIFY(count >= 3);
        const ReferenceInfo newest = library.items().first();
        QVERIFY(newest.expiresAt > newest.createdAt.addDays(29));
        QVERIFY(library.usedBytes() > 0);
        bool thumbnailDone = false;
        library.thumbnail(newest.id, this, [&](const QByteArray &bytes, const ApiError &error) {
            QVERIFY(!error);
            QVERIFY(!QImage::fromData(bytes).isNull());
            thumbnailDone = true;
        });
        QTRY_VERIFY(thumbnailDone);
        bool removed = false;
        library.remove(newest.id, this, [&](const ApiError &error) {
            QVERIFY(!error);
            removed = true;
        });
        QTRY_VERIFY(removed);
        QCOMPARE(int(library.items().size()), count - 1);
    }

    void cleanupTestCase() { m_server.stop(); }
};

QTEST_MAIN(TestUploads)
#include "tst_Uploads.moc"
