// UploadManager against the reference tus server (npm @tus/server with its file store, on Node,
// loopback): chunked upload with a pause and resume in the middle, then the stored file is
// compared byte for byte; removing an unfinished upload terminates it there. Skips (77) without
// node or the installed peers.
#include "NodePeer.h"
#include "api/ApiClient.h"
#include "uploads/UploadManager.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace pygmi::core;
using namespace pygmi::test;

class TestUploadInterop : public QObject
{
    Q_OBJECT

    NodePeer m_peer;
    QTemporaryDir m_store;
    QTemporaryDir m_files;
    QTemporaryDir m_state;
    ApiClient m_api;

    QByteArray noisyPng(int side)
    {
        QImage image(side, side, QImage::Format_RGB32);
        quint32 x = 3;
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

    std::unique_ptr<UploadManager> manager()
    {
        auto uploads = std::make_unique<UploadManager>(&m_api, m_state.filePath(QStringLiteral("uploads.sqlite")),
                                                       m_state.filePath(QStringLiteral("work")));
        uploads->setScope(QStringLiteral("tus-server"));
        uploads->setEndpoint(QStringLiteral("/files"));
        uploads->setChunkSize(16 * 1024);
        uploads->setBackoff(100, 1000);
        return uploads;
    }

private Q_SLOTS:
    void initTestCase()
    {
        NodePeer::skipUnlessAvailable(QStringLiteral("@tus/server"));
        QVERIFY2(m_peer.start(QStringLiteral("tus-server.mjs"), { QStringLiteral("--dir"), m_store.path() }),
                 qPrintable(m_peer.errorString()));
        m_api.setBaseUrl(m_peer.url());
    }

    void uploadPauseResumeToTheReferenceServer()
    {
        const QByteArray bytes = noisyPng(300);
        const QString path = m_files.filePath(QStringLiteral("noise.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        file.close();

        auto uploads = manager();
        const QString id = uploads->add(path);
        QVERIFY(QTest::qWaitFor([&] { return uploads->item(id)->offset >= 3 * 16 * 1024; }, 20000));
        uploads->pause(id);
        const qint64 offset = uploads->item(id)->offset;
        QVERIFY(offset < bytes.size());
        uploads->resume(id); // asks the server (HEAD) where it stands, then continues
        QVERIFY(QTest::qWaitFor([&] { return uploads->item(id)->state == UploadItem::State::Done; }, 30000));
        const UploadItem item = *uploads->item(id);
        QVERIFY(item.referenceId.isEmpty()); // a plain tus server knows no references
        const int chunks = int((bytes.size() + 16 * 1024 - 1) / (16 * 1024));
        QVERIFY(uploads->chunkRequests() <= chunks + 1);

        // The server's file is our file, byte for byte.
        const QString uploadId = item.uploadUrl.section(u'/', -1);
        QFile stored(m_store.filePath(uploadId));
        QVERIFY2(stored.open(QIODevice::ReadOnly), qPrintable(stored.fileName()));
        QCOMPARE(stored.readAll(), bytes);
    }

    void removingTerminatesTheUploadThere()
    {
        const QString path = m_files.filePath(QStringLiteral("other.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(noisyPng(280));
        file.close();
        auto uploads = manager();
        const QString id = uploads->add(path);
        QVERIFY(QTest::qWaitFor([&] { return uploads->item(id)->offset > 0; }, 20000));
        uploads->pause(id);
        const QString uploadId = uploads->item(id)->uploadUrl.section(u'/', -1);
        QVERIFY(QFileInfo::exists(m_store.filePath(uploadId)));
        uploads->remove(id);
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(m_store.filePath(uploadId)), 5000);
    }

    void cleanupTestCase() { m_peer.stop(); }
};

QTEST_MAIN(TestUploadInterop)
#include "tst_UploadInterop.moc"
