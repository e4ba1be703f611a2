// Our tus server with the reference tus client (npm tus-js-client, run by Node): a whole upload, an
// upload interrupted mid-chunk and resumed from its URL by a new client object, and a refused
// file whose reason reaches the client. Skips (77) without node or the installed peers.
#include "GenerationHelpers.h"
#include "MediaSamples.h"
#include "NodePeer.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace pygmi::test;

class TestServerTusInterop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void uploadsWholeFile();
    void resumesAfterAnInterruption();
    void refusedFileGivesAClearError();
    void cleanupTestCase();

private:
    QList<QJsonObject> runClient(const QString &file, int chunk, qint64 interruptAt, int *exitCode);
    QJsonObject reference(const QString &id)
    {
        return m_api->get(QStringLiteral("/v1/references/") + id, m_token).json;
    }

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QString m_token;
    QTemporaryDir m_files;
};

void TestServerTusInterop::initTestCase()
{
    NodePeer::skipUnlessAvailable(QStringLiteral("tus-js-client"));
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    m_token = generation::signUp(*m_api, QStringLiteral("tus-js@example.com"));
    QVERIFY(!m_token.isEmpty());
}

QList<QJsonObject> TestServerTusInterop::runClient(const QString &file, int chunk, qint64 interruptAt, int *exitCode)
{
    QProcess node;
    QUrl endpoint = m_server.url();
    endpoint.setPath(QStringLiteral("/v1/uploads"));
    node.start(NodePeer::nodeProgram(),
               { NodePeer::scriptPath(QStringLiteral("tus-client.mjs")), QStringLiteral("--endpoint"),
                 endpoint.toString(), QStringLiteral("--token"), m_token, QStringLiteral("--file"), file,
                 QStringLiteral("--chunk"), QString::number(chunk), QStringLiteral("--interrupt-at"),
                 QString::number(interruptAt) });
    if (!node.waitForFinished(60000))
        node.kill();
    *exitCode = node.exitCode();
    QList<QJsonObject> events;
    for (const QByteArray &line : node.readAllStandardOutput().split('\n')) {
        if (!line.trimmed().isEmpty())
            events.append(QJsonDocument::fromJson(line).object());
    }
    const QByteArray errors = node.readAllStandardError();
    if (!errors.isEmpty())
        qInfo() << "tus-js-client stderr:" << errors.left(2000);
    return events;
}

void TestServerTusInterop::uploadsWholeFile()
{
    const QByteArray image = samples::png(200, 150, Qt::darkCyan);
    const QString path = m_files.filePath(QStringLiteral("whole.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(image);
    file.close();
    int exitCode = -1;
    const QList<QJsonObject> events = runClient(path, 4096, 0, &exitCode);
    QCOMPARE(exitCode, 0);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.last().value(QStringLiteral("event")).toString(), QStringLiteral("success"));
    const QString id = events.last().value(QStringLiteral("reference")).toString();
    QVERIFY(!id.isEmpty());
    const QJsonObject stored = reference(id);
    QCOMPARE(stored.value(QStringLiteral("name")).toString(), QStringLiteral("whole.png"));
    QCOMPARE(stored.value(QStringLiteral("bytes")).toInteger(), image.size());
}

void TestServerTusInterop::resumesAfterAnInterruption()
{
    const QByteArray photo = samples::jpegWithMetadata(1200, 900);
    QVERIFY(photo.size() > 20 * 1024);
    const QString path = m_files.filePath(QStringLiteral("photo.jpg"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(photo);
    file.close();
    int exitCode = -1;
    const QList<QJsonObject> events = runClient(path, 8 * 1024, photo.size() / 2, &exitCode);
    QCOMPARE(exitCode, 0);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.first().value(QStringLiteral("event")).toString(), QStringLiteral("interrupted"));
    const QJsonObject done = events.last();
    QCOMPARE(done.value(QStringLiteral("event")).toString(), QStringLiteral("success"));
    // The same upload continued (same URL), not a new one.
    QCOMPARE(done.value(QStringLiteral("url")).toString(), events.first().value(QStringLiteral("url")).toString());
    const QJsonObject stored = reference(done.value(QStringLiteral("reference")).toString());
    QCOMPARE(stored.value(QStringLiteral("media")).toString(), QStringLiteral("image"));
    // A client that does not scrub still gets its photo's location removed on the server.
    QVERIFY(stored.value(QStringLiteral("metadata_removed")).toArray().contains(QStringLiteral("location")));
    QFile blob(m_server.dataDir() + QStringLiteral("/blobs/")
               + stored.value(QStringLiteral("sha256")).toString().left(2) + u'/'
               + stored.value(QStringLiteral("sha256")).toString());
    QVERIFY(blob.open(QIODevice::ReadOnly));
    const QByteArray bytes = blob.readAll();
    QCOMPARE(samples::exivMetadata(bytes), QStringList());
    QVERIFY(samples::samePixels(bytes, photo));
}

void TestServerTusInterop::refusedFileGivesAClearError()
{
    const QString path = m_files.filePath(QStringLiteral("notes.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("not an image at all\n").repeated(100));
    file.close();
    int exitCode = -1;
    const QList<QJsonObject> events = runClient(path, 1 << 20, 0, &exitCode);
    QCOMPARE(exitCode, 1);
    QCOMPARE(events.size(), 1);
    const QString message = events.first().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("unsupported_type")) && message.contains(QStringLiteral("PNG, JPEG")),
             qPrintable(message));
    QCOMPARE(m_api->get(QStringLiteral("/v1/references"), m_token).json.value(QStringLiteral("items")).toArray().size(),
             2);
}

void TestServerTusInterop::cleanupTestCase()
{
    m_server.stop();
}

QTEST_MAIN(TestServerTusInterop)
#include "tst_ServerTusInterop.moc"
