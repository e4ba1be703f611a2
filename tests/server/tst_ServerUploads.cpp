// Reference uploads over the real API: tus 1.0.0 conformance (status codes and headers of
// protocols.md), metadata removal on the server, refused inputs, the reference library, retention
// and generation with references.
#include "GenerationHelpers.h"
#include "MediaSamples.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QtTest>

using namespace pygmi::test;
using namespace pygmi::test::generation;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

QByteArray b64(const QByteArray &text)
{
    return text.toBase64();
}

QByteArray sha1Header(const QByteArray &bytes)
{
    return "sha1 " + QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toBase64();
}

} // namespace

class TestServerUploads : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void optionsAdvertisesTheProtocol();
    void unsupportedVersionIs412();
    void requestsNeedAuthentication();
    void chunkedUploadWithChecksumsBecomesAReference();
    void creationWithUpload();
    void offsetMismatchIs409();
    void checksumMismatchIs460AndDiscardsTheChunk();
    void unsupportedChecksumAlgorithmIs400();
    void wrongContentTypeIs415();
    void tooLargeIs413();
    void patchPastTheDeclaredLengthIs413();
    void quotaIsEnforced();
    void terminationRemovesTheBytes();
    void anotherUsersUploadUrlIs404();
    void metadataIsRemovedOnTheServer_data();
    void metadataIsRemovedOnTheServer();
    void metadataIsKeptWhenAsked();
    void badInputIsRefusedWithoutAReference_data();
    void badInputIsRefusedWithoutAReference();
    void identicalFileIsRecognised();
    void libraryListsAndDeletes();
    void videoReferenceGetsAPoster();
    void generationUsesReferencesByStrength();
    void generationRefusesUnknownReferences();
    void incompleteUploadsExpireAndAreSwept();
    void referencesExpireWithContentRetention();
    void cleanupTestCase();

private:
    ApiReply tus(const QByteArray &method, const QString &path, const QString &token, const Headers &headers = {},
                 const QByteArray &body = {}, const QByteArray &contentType = "application/offset+octet-stream");
    // POST /v1/uploads; returns the upload path (empty on failure) and the reply.
    QString create(qint64 length, const QString &token, ApiReply *reply = nullptr, const QByteArray &metadata = {});
    // The whole file in chunks of `chunk` bytes; returns the last reply.
    ApiReply upload(const QByteArray &bytes, const QString &token, int chunk = 1 << 20,
                    const QByteArray &metadata = {});
    QByteArray blob(const QString &sha256) const;
    int referenceCount(const QString &token);
    void advance(qint64 seconds);

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QNetworkAccessManager m_network;
    QString m_token;
    QString m_otherToken;
};

void TestServerUploads::initTestCase()
{
    QVERIFY2(
        m_server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0"), QStringLiteral("--test-clock"),
                         QStringLiteral("--upload-max-mb"), QStringLiteral("8"), QStringLiteral("--upload-quota-mb"),
                         QStringLiteral("12"), QStringLiteral("--upload-sweep-seconds"), QStringLiteral("1"),
                         // Tokens outlive the clock jumps of the expiry tests.
                         QStringLiteral("--access-ttl"), QStringLiteral("400000000") }),
        qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    m_token = signUp(*m_api, QStringLiteral("uploader@example.com"));
    m_otherToken = signUp(*m_api, QStringLiteral("someone-else@example.com"));
    QVERIFY(!m_token.isEmpty() && !m_otherToken.isEmpty());
}

ApiReply TestServerUploads::tus(const QByteArray &method, const QString &path, const QString &token,
                                const Headers &headers, const QByteArray &body, const QByteArray &contentType)
{
    QUrl url = m_server.url();
    url.setPath(path.section(u'?', 0, 0));
    if (path.contains(u'?'))
        url.setQuery(path.section(u'?', 1));
    QNetworkRequest request(url);
    bool hasVersion = false;
    for (const auto &[name, value] : headers) {
        request.setRawHeader(name, value);
        hasVersion = hasVersion || name == "Tus-Resumable";
    }
    if (!hasVersion)
        request.setRawHeader("Tus-Resumable", "1.0.0");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    if (!body.isEmpty() && !contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    request.setTransferTimeout(20000);
    QNetworkReply *reply
        = method == "HEAD" ? m_network.head(request) : m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    ApiReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.insert(pair.first.toLower(), pair.second);
    reply->deleteLater();
    return result;
}

QString TestServerUploads::create(qint64 length, const QString &token, ApiReply *out, const QByteArray &metadata)
{
    Headers headers { { "Upload-Length", QByteArray::number(length) } };
    if (!metadata.isEmpty())
        headers.append({ "Upload-Metadata", metadata });
    const ApiReply reply = tus("POST", QStringLiteral("/v1/uploads"), token, headers);
    if (out)
        *out = reply;
    if (reply.status != 201)
        return {};
    return QUrl(QString::fromLatin1(reply.headers.value("location"))).path();
}

ApiReply TestServerUploads::upload(const QByteArray &bytes, const QString &token, int chunk, const QByteArray &metadata)
{
    ApiReply reply;
    const QString path = create(bytes.size(), token, &reply, metadata);
    if (path.isEmpty())
        return reply;
    for (qsizetype offset = 0; offset < bytes.size(); offset += chunk) {
        const QByteArray piece = bytes.mid(offset, chunk);
        reply
            = tus("PATCH", path, token,
                  { { "Upload-Offset", QByteArray::number(offset) }, { "Upload-Checksum", sha1Header(piece) } }, piece);
        if (reply.status != 204)
            break;
    }
    reply.headers.insert("x-upload-path", path.toLatin1());
    return reply;
}

QByteArray TestServerUploads::blob(const QString &sha256) const
{
    QFile file(m_server.dataDir() + QStringLiteral("/blobs/") + sha256.left(2) + u'/' + sha256);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int TestServerUploads::referenceCount(const QString &token)
{
    return int(
        m_api->get(QStringLiteral("/v1/references"), token).json.value(QStringLiteral("items")).toArray().size());
}

void TestServerUploads::advance(qint64 seconds)
{
    QCOMPARE(m_api->post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), seconds } }).status,
             200);
}

void TestServerUploads::optionsAdvertisesTheProtocol()
{
    const ApiReply reply = tus("OPTIONS", QStringLiteral("/v1/uploads"), {}, {});
    QCOMPARE(reply.status, 204);
    QCOMPARE(reply.headers.value("tus-version"), QByteArray("1.0.0"));
    const QByteArrayList extensions = reply.headers.value("tus-extension").split(',');
    for (const char *name : { "creation", "creation-with-upload", "termination", "checksum", "expiration" })
        QVERIFY2(extensions.contains(name), name);
    QCOMPARE(reply.headers.value("tus-max-size"), QByteArray::number(8 * 1024 * 1024));
    const QByteArrayList algorithms = reply.headers.value("tus-checksum-algorithm").split(',');
    QVERIFY(algorithms.contains("sha1"));
    QVERIFY(algorithms.contains("sha256"));
}

void TestServerUploads::unsupportedVersionIs412()
{
    const ApiReply reply = tus("POST", QStringLiteral("/v1/uploads"), m_token,
                               { { "Tus-Resumable", "0.2.2" }, { "Upload-Length", "10" } });
    QCOMPARE(reply.status, 412);
    QCOMPARE(reply.headers.value("tus-version"), QByteArray("1.0.0"));
    QCOMPARE(reply.errorCode(), QStringLiteral("unsupported_tus_version"));
}

void TestServerUploads::requestsNeedAuthentication()
{
    QCOMPARE(tus("POST", QStringLiteral("/v1/uploads"), {}, { { "Upload-Length", "10" } }).status, 401);
    QCOMPARE(m_api->get(QStringLiteral("/v1/references")).status, 401);
}

void TestServerUploads::chunkedUploadWithChecksumsBecomesAReference()
{
    const QByteArray image = samples::png(300, 200);
    ApiReply created;
    const QString path
        = create(image.size(), m_token, &created, "filename " + b64("sunset.png") + ",filetype " + b64("image/png"));
    QVERIFY2(!path.isEmpty(), created.body.constData());
    QCOMPARE(created.headers.value("tus-resumable"), QByteArray("1.0.0"));
    QVERIFY(created.headers.contains("upload-expires"));
    QVERIFY(path.startsWith(QStringLiteral("/v1/uploads/")));

    ApiReply head = tus("HEAD", path, m_token);
    QCOMPARE(head.status, 200);
    QCOMPARE(head.headers.value("upload-offset"), QByteArray("0"));
    QCOMPARE(head.headers.value("upload-length"), QByteArray::number(image.size()));
    QCOMPARE(head.headers.value("cache-control"), QByteArray("no-store"));

    const qsizetype half = image.size() / 2;
    ApiReply first
        = tus("PATCH", path, m_token, { { "Upload-Offset", "0" }, { "Upload-Checksum", sha1Header(image.left(half)) } },
              image.left(half));
    QCOMPARE(first.status, 204);
    QCOMPARE(first.headers.value("upload-offset"), QByteArray::number(half));
    QVERIFY(first.headers.contains("upload-expires"));
    QCOMPARE(tus("HEAD", path, m_token).headers.value("upload-offset"), QByteArray::number(half));

    const QByteArray rest = image.mid(half);
    const QByteArray sha256 = "sha256 " + QCryptographicHash::hash(rest, QCryptographicHash::Sha256).toBase64();
    ApiReply last = tus("PATCH", path, m_token,
                        { { "Upload-Offset", QByteArray::number(half) }, { "Upload-Checksum", sha256 } }, rest);
    QCOMPARE(last.status, 204);
    QCOMPARE(last.headers.value("upload-offset"), QByteArray::number(image.size()));
    const QString referenceId = QString::fromLatin1(last.headers.value("pygmi-reference-id"));
    QVERIFY(!referenceId.isEmpty());

    // After completion HEAD still says where it ended and what it became.
    head = tus("HEAD", path, m_token);
    QCOMPARE(head.headers.value("upload-offset"), QByteArray::number(image.size()));
    QCOMPARE(head.headers.value("pygmi-reference-id"), referenceId.toLatin1());

    const ApiReply reference = m_api->get(QStringLiteral("/v1/references/") + referenceId, m_token);
    QCOMPARE(reference.status, 200);
    QCOMPARE(reference.json.value(QStringLiteral("name")).toString(), QStringLiteral("sunset.png"));
    QCOMPARE(reference.json.value(QStringLiteral("media")).toString(), QStringLiteral("image"));
    QCOMPARE(reference.json.value(QStringLiteral("mime")).toString(), QStringLiteral("image/png"));
    QCOMPARE(reference.json.value(QStringLiteral("width")).toInt(), 300);
    QCOMPARE(reference.json.value(QStringLiteral("height")).toInt(), 200);
    // A PNG without metadata is stored byte for byte.
    QCOMPARE(reference.json.value(QStringLiteral("sha256")).toString(),
             QString::fromLatin1(QCryptographicHash::hash(image, QCryptographicHash::Sha256).toHex()));
    QCOMPARE(blob(reference.json.value(QStringLiteral("sha256")).toString()), image);

    const ApiReply thumbnail = m_api->get(QStringLiteral("/v1/references/%1/thumbnail").arg(referenceId), m_token);
    QCOMPARE(thumbnail.status, 200);
    QCOMPARE(thumbnail.headers.value("content-type"), QByteArray("image/jpeg"));
    const QImage thumb = QImage::fromData(thumbnail.body);
    QCOMPARE(thumb.width(), 256);
    QVERIFY(thumb.height() >= 170 && thumb.height() <= 171);
    // The partial file is gone once the reference exists.
    QVERIFY(QDir(m_server.dataDir() + QStringLiteral("/uploads")).entryList(QDir::Files).isEmpty());
}

void TestServerUploads::creationWithUpload()
{
    const QByteArray image = samples::png(40, 30, Qt::darkGreen);
    const ApiReply reply = tus(
        "POST", QStringLiteral("/v1/uploads"), m_token,
        { { "Upload-Length", QByteArray::number(image.size()) }, { "Upload-Checksum", sha1Header(image) } }, image);
    QCOMPARE(reply.status, 201);
    QVERIFY(reply.headers.contains("location"));
    QCOMPARE(reply.headers.value("upload-offset"), QByteArray::number(image.size()));
    QVERIFY(!reply.headers.value("pygmi-reference-id").isEmpty());
}

void TestServerUploads::offsetMismatchIs409()
{
    const QString path = create(100, m_token);
    QVERIFY(!path.isEmpty());
    const ApiReply reply = tus("PATCH", path, m_token, { { "Upload-Offset", "10" } }, QByteArray(10, 'x'));
    QCOMPARE(reply.status, 409);
    QCOMPARE(reply.errorCode(), QStringLiteral("offset_mismatch"));
    QCOMPARE(tus("HEAD", path, m_token).headers.value("upload-offset"), QByteArray("0"));
    QCOMPARE(tus("DELETE", path, m_token).status, 204);
}

void TestServerUploads::checksumMismatchIs460AndDiscardsTheChunk()
{
    const QString path = create(100, m_token);
    QVERIFY(!path.isEmpty());
    const ApiReply good = tus("PATCH", path, m_token,
                              { { "Upload-Offset", "0" }, { "Upload-Checksum", sha1Header(QByteArray(40, 'a')) } },
                              QByteArray(40, 'a'));
    QCOMPARE(good.status, 204);
    const ApiReply bad = tus("PATCH", path, m_token,
                             { { "Upload-Offset", "40" }, { "Upload-Checksum", sha1Header(QByteArray(30, 'b')) } },
                             QByteArray(30, 'c'));
    QCOMPARE(bad.status, 460);
    QCOMPARE(bad.errorCode(), QStringLiteral("checksum_mismatch"));
    QCOMPARE(tus("HEAD", path, m_token).headers.value("upload-offset"), QByteArray("40"));
    const QFileInfo partial(m_server.dataDir() + QStringLiteral("/uploads/") + path.section(u'/', -1)
                            + QStringLiteral(".part"));
    QCOMPARE(partial.size(), 40);
    QCOMPARE(tus("DELETE", path, m_token).status, 204);
}

void TestServerUploads::unsupportedChecksumAlgorithmIs400()
{
    const QString path = create(10, m_token);
    const ApiReply reply
        = tus("PATCH", path, m_token, { { "Upload-Offset", "0" }, { "Upload-Checksum", "md5 " + QByteArray("AAAA") } },
              QByteArray(10, 'x'));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("unsupported_checksum_algorithm"));
    QCOMPARE(tus("DELETE", path, m_token).status, 204);
}

void TestServerUploads::wrongContentTypeIs415()
{
    const QString path = create(10, m_token);
    const ApiReply reply
        = tus("PATCH", path, m_token, { { "Upload-Offset", "0" } }, QByteArray(10, 'x'), "application/octet-stream");
    QCOMPARE(reply.status, 415);
    QCOMPARE(tus("HEAD", path, m_token).headers.value("upload-offset"), QByteArray("0"));
    QCOMPARE(tus("DELETE", path, m_token).status, 204);
}

void TestServerUploads::tooLargeIs413()
{
    ApiReply reply;
    QVERIFY(create(8 * 1024 * 1024 + 1, m_token, &reply).isEmpty());
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.errorCode(), QStringLiteral("upload_too_large"));
}

void TestServerUploads::patchPastTheDeclaredLengthIs413()
{
    const QString path = create(10, m_token);
    const ApiReply reply = tus("PATCH", path, m_token, { { "Upload-Offset", "0" } }, QByteArray(11, 'x'));
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.errorCode(), QStringLiteral("past_length"));
    QCOMPARE(tus("HEAD", path, m_token).headers.value("upload-offset"), QByteArray("0"));
    QCOMPARE(referenceCount(m_otherToken), 0);
    QCOMPARE(tus("DELETE", path, m_token).status, 204);
}

void TestServerUploads::quotaIsEnforced()
{
    // 12 MiB per user: two unfinished 7 MiB uploads do not fit.
    const QString first = create(7 * 1024 * 1024, m_otherToken);
    QVERIFY(!first.isEmpty());
    ApiReply reply;
    QVERIFY(create(7 * 1024 * 1024, m_otherToken, &reply).isEmpty());
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.errorCode(), QStringLiteral("quota_exceeded"));
    QCOMPARE(tus("DELETE", first, m_otherToken).status, 204);
    QVERIFY(!create(7 * 1024 * 1024, m_otherToken, &reply).isEmpty());
    QCOMPARE(tus("DELETE", QUrl(QString::fromLatin1(reply.headers.value("location"))).path(), m_otherToken).status,
             204);
}

void TestServerUploads::terminationRemovesTheBytes()
{
    const QString path = create(100, m_token);
    QCOMPARE(tus("PATCH", path, m_token, { { "Upload-Offset", "0" } }, QByteArray(50, 'x')).status, 204);
    const QString partial
        = m_server.dataDir() + QStringLiteral("/uploads/") + path.section(u'/', -1) + QStringLiteral(".part");
    QVERIFY(QFileInfo::exists(partial));
    QCOMPARE(tus("DELETE", path, m_token).status, 204);
    QVERIFY(!QFileInfo::exists(partial));
    const ApiReply head = tus("HEAD", path, m_token);
    QVERIFY(head.status == 404 || head.status == 410);
    QVERIFY(!head.headers.contains("upload-offset"));
    QCOMPARE(tus("PATCH", path, m_token, { { "Upload-Offset", "50" } }, QByteArray(5, 'x')).status, 404);
}

void TestServerUploads::anotherUsersUploadUrlIs404()
{
    const QString path = create(100, m_token);
    QCOMPARE(tus("PATCH", path, m_token, { { "Upload-Offset", "0" } }, QByteArray(20, 'x')).status, 204);
    QCOMPARE(tus("HEAD", path, m_otherToken).status, 404);
    QCOMPARE(tus("PATCH", path, m_otherToken, { { "Upload-Offset", "20" } }, QByteArray(20, 'y')).status, 404);
    QCOMPARE(tus("DELETE", path, m_otherToken).status, 404);
    // Nothing the other user did changed it.
    QCOMPARE(tus("HEAD", path, m_token).headers.value("upload-offset"), QByteArray("20"));
    QCOMPARE(tus("DELETE", path, m_token).status, 204);
}

void TestServerUploads::metadataIsRemovedOnTheServer_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QStringList>("expectedRemoved");
    QTest::newRow("jpeg exif gps xmp iptc")
        << samples::jpegWithMetadata()
        << QStringList { QStringLiteral("location"),     QStringLiteral("camera"), QStringLiteral("owner"),
                         QStringLiteral("capture_time"), QStringLiteral("exif"),   QStringLiteral("xmp"),
                         QStringLiteral("iptc"),         QStringLiteral("comment") };
    QTest::newRow("png text chunks") << samples::pngWithTextChunks()
                                     << QStringList { QStringLiteral("owner"),
                                                      QStringLiteral("generation_parameters") };
    QTest::newRow("webp exif") << samples::webpWithExif()
                               << QStringList { QStringLiteral("location"), QStringLiteral("camera"),
                                                QStringLiteral("exif") };
}

void TestServerUploads::metadataIsRemovedOnTheServer()
{
    QFETCH(QByteArray, file);
    QFETCH(QStringList, expectedRemoved);
    QVERIFY(!samples::exivMetadata(file).isEmpty() || !samples::pngTextKeywords(file).isEmpty());
    const ApiReply done = upload(file, m_token, 1000);
    QCOMPARE(done.status, 204);
    const ApiReply reference = m_api->get(
        QStringLiteral("/v1/references/") + QString::fromLatin1(done.headers.value("pygmi-reference-id")), m_token);
    QCOMPARE(reference.status, 200);
    QStringList removed;
    for (const QJsonValue &code : reference.json.value(QStringLiteral("metadata_removed")).toArray())
        removed << code.toString();
    for (const QString &code : expectedRemoved)
        QVERIFY2(removed.contains(code), qPrintable(code + QStringLiteral(" not in ") + removed.join(u',')));
    QCOMPARE(reference.json.value(QStringLiteral("metadata_kept")).toBool(), false);

    const QByteArray stored = blob(reference.json.value(QStringLiteral("sha256")).toString());
    QVERIFY(!stored.isEmpty());
    QCOMPARE(samples::exivMetadata(stored), QStringList());
    QCOMPARE(samples::pngTextKeywords(stored), QStringList());
    QVERIFY(!stored.contains("Ana Example"));
    QVERIFY(!stored.contains("Steps: 30"));
    QVERIFY(!stored.contains("PygmiPhone"));
    QVERIFY2(samples::samePixels(file, stored), "pixels changed");
    QVERIFY(stored.size() < file.size());
}

void TestServerUploads::metadataIsKeptWhenAsked()
{
    const QByteArray file = samples::jpegWithMetadata(50, 40);
    const ApiReply done = upload(file, m_token, 1 << 20, "keep_metadata " + b64("1"));
    QCOMPARE(done.status, 204);
    const ApiReply reference = m_api->get(
        QStringLiteral("/v1/references/") + QString::fromLatin1(done.headers.value("pygmi-reference-id")), m_token);
    QCOMPARE(reference.json.value(QStringLiteral("metadata_kept")).toBool(), true);
    QCOMPARE(reference.json.value(QStringLiteral("metadata_removed")).toArray().size(), 0);
    QCOMPARE(blob(reference.json.value(QStringLiteral("sha256")).toString()), file);
}

void TestServerUploads::badInputIsRefusedWithoutAReference_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray jpeg = samples::jpegWithMetadata(200, 150);
    QTest::newRow("truncated jpeg") << jpeg.left(jpeg.size() * 2 / 3) << QStringLiteral("cut.jpg") << 422
                                    << QStringLiteral("corrupt");
    QTest::newRow("text named png") << QByteArray("this is not a picture\n").repeated(20) << QStringLiteral("notes.png")
                                    << 422 << QStringLiteral("unsupported_type");
    QTest::newRow("empty file") << QByteArray() << QStringLiteral("empty.png") << 422 << QStringLiteral("empty_file");
    QTest::newRow("30000x30000 png bomb")
        << samples::pngBomb() << QStringLiteral("bomb.png") << 422 << QStringLiteral("too_many_pixels");
}

void TestServerUploads::badInputIsRefusedWithoutAReference()
{
    QFETCH(QByteArray, file);
    QFETCH(QString, name);
    QFETCH(int, status);
    QFETCH(QString, code);
    const QString token = signUp(*m_api,
                                 QStringLiteral("bad-input-%1@example.com")
                                     .arg(QString::fromLatin1(QTest::currentDataTag()))
                                     .replace(u' ', u'-'));
    const ApiReply reply = upload(file, token, 1 << 20, "filename " + b64(name.toUtf8()));
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.errorCode(), code);
    QVERIFY(
        !reply.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
    QCOMPARE(referenceCount(token), 0);
    if (reply.headers.contains("x-upload-path")) {
        // The upload remembers why it failed; its bytes are gone.
        const QString path = QString::fromLatin1(reply.headers.value("x-upload-path"));
        const ApiReply head = tus("HEAD", path, token);
        QCOMPARE(head.status, 410);
        QVERIFY(!head.headers.contains("upload-offset"));
        QCOMPARE(tus("GET", path, token).errorCode(), code);
    }
    QVERIFY(QDir(m_server.dataDir() + QStringLiteral("/uploads")).entryList(QDir::Files).isEmpty());
}

void TestServerUploads::identicalFileIsRecognised()
{
    const QByteArray image = samples::png(64, 64, Qt::magenta);
    const QString sha = QString::fromLatin1(QCryptographicHash::hash(image, QCryptographicHash::Sha256).toHex());
    QCOMPARE(m_api->get(QStringLiteral("/v1/references?sha256=") + sha, m_token)
                 .json.value(QStringLiteral("items"))
                 .toArray()
                 .size(),
             0);
    const ApiReply first = upload(image, m_token, 1 << 20, "sha256 " + b64(sha.toLatin1()));
    QCOMPARE(first.status, 204);
    const QJsonArray found = m_api->get(QStringLiteral("/v1/references?sha256=") + sha, m_token)
                                 .json.value(QStringLiteral("items"))
                                 .toArray();
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.first().toObject().value(QStringLiteral("id")).toString(),
             QString::fromLatin1(first.headers.value("pygmi-reference-id")));
    // Uploading it anyway gives the same reference, not a second copy.
    const int before = referenceCount(m_token);
    const ApiReply second = upload(image, m_token);
    QCOMPARE(second.headers.value("pygmi-reference-id"), first.headers.value("pygmi-reference-id"));
    QCOMPARE(referenceCount(m_token), before);
    // Another user does not learn that this user has the file.
    QCOMPARE(m_api->get(QStringLiteral("/v1/references?sha256=") + sha, m_otherToken)
                 .json.value(QStringLiteral("items"))
                 .toArray()
                 .size(),
             0);
    // A declared hash that does not match the bytes is refused.
    const ApiReply damaged = upload(samples::png(10, 10), m_token, 1 << 20, "sha256 " + b64(sha.toLatin1()));
    QCOMPARE(damaged.status, 422);
    QCOMPARE(damaged.errorCode(), QStringLiteral("checksum_mismatch"));
}

void TestServerUploads::libraryListsAndDeletes()
{
    const QString token = signUp(*m_api, QStringLiteral("library@example.com"));
    const QByteArray a = samples::png(30, 30, Qt::red);
    const QByteArray b = samples::png(30, 30, Qt::blue);
    QCOMPARE(upload(a, token, 1 << 20, "filename " + b64("a.png")).status, 204);
    advance(5);
    QCOMPARE(upload(b, token, 1 << 20, "filename " + b64("b.png")).status, 204);
    const ApiReply list = m_api->get(QStringLiteral("/v1/references"), token);
    QCOMPARE(list.status, 200);
    const QJsonArray items = list.json.value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 2);
    const QJsonObject newest = items.first().toObject();
    QCOMPARE(newest.value(QStringLiteral("name")).toString(), QStringLiteral("b.png"));
    QCOMPARE(newest.value(QStringLiteral("bytes")).toInteger(), b.size());
    const QDateTime created = QDateTime::fromString(newest.value(QStringLiteral("created_at")).toString(), Qt::ISODate);
    const QDateTime expires = QDateTime::fromString(newest.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
    QCOMPARE(created.daysTo(expires), 30);
    QVERIFY(!newest.value(QStringLiteral("thumbnail_url")).toString().isEmpty());
    QCOMPARE(list.json.value(QStringLiteral("quota")).toObject().value(QStringLiteral("used_bytes")).toInteger(),
             a.size() + b.size());

    const QString sha = newest.value(QStringLiteral("sha256")).toString();
    QVERIFY(!blob(sha).isEmpty());
    const QString id = newest.value(QStringLiteral("id")).toString();
    QCOMPARE(m_api->send("DELETE", QStringLiteral("/v1/references/") + id, {}, {}, m_otherToken).status, 404);
    QCOMPARE(m_api->send("DELETE", QStringLiteral("/v1/references/") + id, {}, {}, token).status, 204);
    QCOMPARE(m_api->get(QStringLiteral("/v1/references/") + id, token).status, 404);
    QCOMPARE(m_api->get(QStringLiteral("/v1/references/%1/thumbnail").arg(id), token).status, 404);
    QVERIFY(blob(sha).isEmpty());
    QCOMPARE(referenceCount(token), 1);
}

void TestServerUploads::videoReferenceGetsAPoster()
{
    // A WebM made by the sketch engine is a fine reference video.
    QJsonObject request = videoRequest(QStringLiteral("waves on a lake"), 160, 96, 1, 12);
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), request, m_token).status, 201);
    const QJsonObject job = waitForFinal(*m_api, m_token, request.value(QStringLiteral("id")).toString());
    QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    const QString content = job.value(QStringLiteral("assets"))
                                .toArray()
                                .first()
                                .toObject()
                                .value(QStringLiteral("content_url"))
                                .toString();
    const QByteArray webm = m_api->get(content, m_token).body;
    QVERIFY(webm.startsWith("\x1a\x45\xdf\xa3"));
    const ApiReply done = upload(webm, m_token, 4096, "filename " + b64("lake.webm"));
    QCOMPARE(done.status, 204);
    const ApiReply reference = m_api->get(
        QStringLiteral("/v1/references/") + QString::fromLatin1(done.headers.value("pygmi-reference-id")), m_token);
    QCOMPARE(reference.json.value(QStringLiteral("media")).toString(), QStringLiteral("video"));
    QCOMPARE(reference.json.value(QStringLiteral("mime")).toString(), QStringLiteral("video/webm"));
    QCOMPARE(reference.json.value(QStringLiteral("width")).toInt(), 160);
    const ApiReply thumbnail = m_api->get(
        QStringLiteral("/v1/references/%1/thumbnail").arg(reference.json.value(QStringLiteral("id")).toString()),
        m_token);
    QCOMPARE(QImage::fromData(thumbnail.body).width(), 160);
}

void TestServerUploads::generationUsesReferencesByStrength()
{
    const ApiReply red = upload(samples::solidPng(64, 64, QColor(230, 20, 20)), m_token);
    QCOMPARE(red.status, 204);
    const QString referenceId = QString::fromLatin1(red.headers.value("pygmi-reference-id"));
    const ApiReply redInfo = m_api->get(QStringLiteral("/v1/references/") + referenceId, m_token);

    const auto make = [&](std::optional<double> strength) {
        QJsonObject request = imageRequest(QStringLiteral("a green forest under a blue sky"), 64, 7);
        if (strength)
            request.insert(QStringLiteral("references"),
                           QJsonArray { QJsonObject { { QStringLiteral("id"), referenceId },
                                                      { QStringLiteral("strength"), *strength } } });
        const ApiReply submitted = m_api->post(QStringLiteral("/v1/generations"), request, m_token);
        if (submitted.status != 201)
            qWarning() << submitted.body;
        const QJsonObject job = waitForFinal(*m_api, m_token, request.value(QStringLiteral("id")).toString());
        const QJsonObject asset = job.value(QStringLiteral("assets")).toArray().first().toObject();
        return std::make_pair(asset, m_api->get(asset.value(QStringLiteral("content_url")).toString(), m_token).body);
    };
    const auto redness = [](const QByteArray &png) {
        const QImage image = QImage::fromData(png);
        double sum = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QRgb p = image.pixel(x, y);
                sum += qRed(p) - (qGreen(p) + qBlue(p)) / 2.0;
            }
        return sum / (image.width() * image.height());
    };
    const auto [plainAsset, plain] = make(std::nullopt);
    const auto [zeroAsset, zero] = make(0.0);
    const auto [halfAsset, half] = make(0.5);
    const auto [fullAsset, full] = make(1.0);
    QVERIFY(!plain.isEmpty() && !full.isEmpty());
    QCOMPARE(zero, plain); // strength 0 changes nothing
    QVERIFY2(redness(half) > redness(plain) + 40, qPrintable(QString::number(redness(half))));
    QVERIFY2(redness(full) > redness(half) + 40, qPrintable(QString::number(redness(full))));

    QCOMPARE(plainAsset.value(QStringLiteral("references_used")).toArray().size(), 0);
    const QJsonArray used = fullAsset.value(QStringLiteral("references_used")).toArray();
    QCOMPARE(used.size(), 1);
    QCOMPARE(used.first().toObject().value(QStringLiteral("id")).toString(), referenceId);
    QCOMPARE(used.first().toObject().value(QStringLiteral("strength")).toDouble(), 1.0);
    QCOMPARE(used.first().toObject().value(QStringLiteral("sha256")).toString(),
             redInfo.json.value(QStringLiteral("sha256")).toString());
    QCOMPARE(fullAsset.value(QStringLiteral("params")).toObject().value(QStringLiteral("references")).toArray().size(),
             1);
}

void TestServerUploads::generationRefusesUnknownReferences()
{
    const ApiReply mine = upload(samples::png(20, 20, Qt::yellow), m_token);
    const QString referenceId = QString::fromLatin1(mine.headers.value("pygmi-reference-id"));
    const auto submit = [&](const QString &token, const QJsonValue &references) {
        QJsonObject request = imageRequest(QStringLiteral("a lighthouse"), 64, 3);
        request.insert(QStringLiteral("references"), references);
        return m_api->post(QStringLiteral("/v1/generations"), request, token);
    };
    const auto ref = [](const QString &id, double strength) {
        return QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("strength"), strength } };
    };
    ApiReply reply = submit(m_otherToken, QJsonArray { ref(referenceId, 0.5) });
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.fieldCode(QStringLiteral("references")), QStringLiteral("unknown"));
    reply = submit(m_token, QJsonArray { ref(QUuid::createUuid().toString(QUuid::WithoutBraces), 0.5) });
    QCOMPARE(reply.fieldCode(QStringLiteral("references")), QStringLiteral("unknown"));
    reply = submit(m_token, QJsonArray { ref(referenceId, 1.5) });
    QCOMPARE(reply.fieldCode(QStringLiteral("references")), QStringLiteral("out_of_range"));
    QJsonArray five;
    for (int i = 0; i < 5; ++i)
        five.append(ref(QUuid::createUuid().toString(QUuid::WithoutBraces), 0.5));
    reply = submit(m_token, five);
    QCOMPARE(reply.fieldCode(QStringLiteral("references")), QStringLiteral("out_of_range"));
    reply = submit(m_token, QStringLiteral("nope"));
    QCOMPARE(reply.fieldCode(QStringLiteral("references")), QStringLiteral("wrong_type"));
    const ApiReply providers = m_api->get(QStringLiteral("/v1/providers"), m_token);
    QCOMPARE(providers.json.value(QStringLiteral("providers"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("limits"))
                 .toObject()
                 .value(QStringLiteral("references_max"))
                 .toInt(),
             4);
}

void TestServerUploads::incompleteUploadsExpireAndAreSwept()
{
    const QString path = create(100, m_token);
    QCOMPARE(tus("PATCH", path, m_token, { { "Upload-Offset", "0" } }, QByteArray(30, 'x')).status, 204);
    const QString partial
        = m_server.dataDir() + QStringLiteral("/uploads/") + path.section(u'/', -1) + QStringLiteral(".part");
    QVERIFY(QFileInfo::exists(partial));
    advance(23 * 3600);
    QCOMPARE(tus("HEAD", path, m_token).headers.value("upload-offset"), QByteArray("30"));
    advance(2 * 3600);
    // The sweeper (every second here) removes row and bytes without anyone asking.
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(partial), 5000);
    const ApiReply head = tus("HEAD", path, m_token);
    QVERIFY(head.status == 404 || head.status == 410);
    QCOMPARE(tus("PATCH", path, m_token, { { "Upload-Offset", "30" } }, QByteArray(5, 'x')).status, 404);
}

void TestServerUploads::referencesExpireWithContentRetention()
{
    const QString token = signUp(*m_api, QStringLiteral("retention@example.com"));
    const QByteArray image = samples::png(33, 33, Qt::cyan);
    const ApiReply done = upload(image, token);
    const QString id = QString::fromLatin1(done.headers.value("pygmi-reference-id"));
    const QString sha
        = m_api->get(QStringLiteral("/v1/references/") + id, token).json.value(QStringLiteral("sha256")).toString();
    QVERIFY(!blob(sha).isEmpty());
    advance(31 * 24 * 3600);
    QTRY_COMPARE_WITH_TIMEOUT(m_api->get(QStringLiteral("/v1/references/") + id, token).status, 404, 5000);
    QVERIFY(blob(sha).isEmpty());
    QCOMPARE(referenceCount(token), 0);
}

void TestServerUploads::cleanupTestCase()
{
    m_server.stop();
}

QTEST_MAIN(TestServerUploads)
#include "tst_ServerUploads.moc"
