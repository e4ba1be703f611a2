// Privacy dashboard (issue 7) against the real server: export completeness, account deletion with
// its grace period, restriction, due dates and statuses, human review with the admin command,
// sessions and Range downloads. Each test checks the effect (rows, files, bytes), not only codes.
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"
#include "privacy/PrivacyRules.h"
#include "privacy/ReceiptVerifier.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QUuid>
#include <QBuffer>
#include <QtTest>

using namespace pygmi::test;
namespace gen = pygmi::test::generation;
using pygmi::server::PrivacyRules;

namespace {

const auto kPassword = QStringLiteral("violet-harbor-42");

// One read-only look at the server's database (the server is stopped, or WAL lets us read).
class DbLook
{
public:
    explicit DbLook(const QString &dataDir)
        : m_name(QUuid::createUuid().toString())
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("pygmi.sqlite")));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        QVERIFY(db.open());
    }
    ~DbLook()
    {
        QSqlDatabase::database(m_name).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name); }
    QStringList tables() const
    {
        QStringList list;
        QSqlQuery query(db());
        query.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"));
        while (query.next())
            list.append(query.value(0).toString());
        return list;
    }
    // Column names and which are part of the primary key.
    QList<QPair<QString, bool>> columns(const QString &table) const
    {
        QList<QPair<QString, bool>> list;
        QSqlQuery query(db());
        query.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table));
        while (query.next())
            list.append({ query.value(1).toString(), query.value(5).toInt() > 0 });
        return list;
    }
    QList<QJsonObject> rows(const QString &table, const QString &where = {}, const QVariant &value = {}) const
    {
        QSqlQuery query(db());
        query.prepare(
            QStringLiteral("SELECT * FROM %1%2").arg(table, where.isEmpty() ? QString() : u" WHERE " + where));
        if (!where.isEmpty())
            query.addBindValue(value);
        query.exec();
        QList<QJsonObject> list;
        while (query.next()) {
            QJsonObject row;
            const QSqlRecord record = query.record();
            for (int i = 0; i < record.count(); ++i)
                row.insert(record.fieldName(i), QJsonValue::fromVariant(query.value(i)));
            list.append(row);
        }
        return list;
    }

private:
    QString m_name;
};

QByteArray sha256(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

// An entry of a ZIP, read with the unzip tool (an independent reader of the format).
QByteArray unzipEntry(const QString &archive, const QString &entry)
{
    QProcess unzip;
    unzip.start(QStringLiteral("unzip"), { QStringLiteral("-p"), archive, entry });
    unzip.waitForFinished(20000);
    return unzip.readAllStandardOutput();
}

} // namespace

class ServerPrivacy : public QObject
{
    Q_OBJECT

private:
    struct Account
    {
        QString token;
        QString id;
        QString email;
    };

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;

    bool startServer()
    {
        const bool ok
            = m_server.start({ QStringLiteral("--test-clock"), QStringLiteral("--sketch-step-ms"), QStringLiteral("0"),
                               QStringLiteral("--privacy-sweep-ms"), QStringLiteral("50") });
        m_api = std::make_unique<ServerApi>(m_server.url());
        return ok;
    }

    Account signUp(const QString &email)
    {
        const ApiReply reply = m_api->signup(email, kPassword);
        return { reply.json.value(QStringLiteral("access_token")).toString(),
                 reply.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString(), email };
    }

    ApiReply send(const QByteArray &method, const QString &path, const QJsonObject &body, const QString &token)
    {
        return m_api->send(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", token);
    }

    void advanceDays(int days)
    {
        QCOMPARE(m_api->post(QStringLiteral("/v1/test/clock"), { { QStringLiteral("advance_seconds"), days * 86400 } })
                     .status,
                 200);
    }

    QJsonObject waitForRequest(const QString &token, const QString &id, const QString &status, int timeoutMs = 20000)
    {
        QElapsedTimer timer;
        timer.start();
        QJsonObject last;
        while (timer.elapsed() < timeoutMs) {
            last = m_api->get(QStringLiteral("/v1/privacy/requests/%1").arg(id), token).json;
            if (last.value(QStringLiteral("status")).toString() == status)
                return last;
            QTest::qWait(30);
        }
        return last;
    }

    // A finished image and a blocked prompt (a moderation decision) for `account`.
    QJsonObject makeContent(const Account &account, const QString &prompt)
    {
        const QJsonObject request = gen::imageRequest(prompt, 64, 7);
        const ApiReply created = m_api->post(QStringLiteral("/v1/generations"), request, account.token);
        if (created.status != 201)
            return {};
        const QJsonObject job
            = gen::waitForFinal(*m_api, account.token, request.value(QStringLiteral("id")).toString());
        m_api->post(QStringLiteral("/v1/generations"), gen::imageRequest(QStringLiteral("a gory massacre"), 64),
                    account.token);
        return job;
    }

    // A small PNG whose pixels depend on `seed` (equal seeds: equal bytes, shared in the blob store).
    static QByteArray png(int seed)
    {
        QImage image(48, 32, QImage::Format_RGB32);
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x)
                image.setPixel(x, y, qRgb((x * 5 + seed * 40) % 256, (y * 7 + seed * 13) % 256, (seed * 91) % 256));
        }
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG");
        return bytes;
    }

    // tus: `bytes` of a file of `length` bytes in one creation request. Returns the upload's
    // reply; a whole file becomes a reference (Pygmi-Reference-Id), a part stays an upload.
    ApiReply tusCreate(const Account &account, const QByteArray &bytes, qint64 length, const QByteArray &name)
    {
        m_api->extraHeaders = { { "Tus-Resumable", "1.0.0" },
                                { "Upload-Length", QByteArray::number(length) },
                                { "Upload-Metadata", "filename " + name.toBase64() } };
        const ApiReply reply = m_api->send("POST", QStringLiteral("/v1/uploads"), bytes,
                                           "application/offset+octet-stream", account.token);
        m_api->extraHeaders.clear();
        return reply;
    }

    // A finished reference; returns it as the server lists it.
    QJsonObject addReference(const Account &account, const QByteArray &bytes, const QByteArray &name)
    {
        const ApiReply reply = tusCreate(account, bytes, bytes.size(), name);
        const QString id = QString::fromLatin1(reply.headers.value("pygmi-reference-id"));
        if (reply.status != 201 || id.isEmpty())
            return {};
        return m_api->get(QStringLiteral("/v1/references/") + id, account.token).json;
    }

    // An unfinished upload (half its bytes); returns its id.
    QString addPartialUpload(const Account &account)
    {
        const QByteArray bytes = png(99);
        const ApiReply reply = tusCreate(account, bytes.left(bytes.size() / 2), bytes.size(), "half.png");
        if (reply.status != 201)
            return {};
        return QString::fromLatin1(reply.headers.value("location")).section(u'/', -1);
    }

    QString blobPath(const QString &sha) const
    {
        return QDir(m_server.dataDir()).filePath(QStringLiteral("blobs/%1/%2").arg(sha.left(2), sha));
    }

    QString archiveOf(const QString &token, const QJsonObject &request, QTemporaryDir &dir)
    {
        const QString url = request.value(QStringLiteral("artifacts"))
                                .toArray()
                                .first()
                                .toObject()
                                .value(QStringLiteral("url"))
                                .toString();
        const ApiReply download = m_api->get(url, token);
        if (download.status != 200)
            return {};
        const QString path = dir.filePath(QStringLiteral("export.zip"));
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(download.body);
        return path;
    }

private slots:
    void init()
    {
        m_server.stop();
        QVERIFY2(startServer(), qPrintable(m_server.errorString()));
    }
    void cleanup() { m_server.stop(); }

    void rules_dueDatesPerRegime()
    {
        const qint64 submitted = QDateTime(QDate(2026, 1, 31), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
        QCOMPARE(PrivacyRules::regimeFor(QStringLiteral("eu")), QStringLiteral("gdpr"));
        QCOMPARE(PrivacyRules::regimeFor(QStringLiteral("us-ca")), QStringLiteral("ccpa"));
        // One calendar month (end of January -> end of February), 45 days under CCPA.
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(PrivacyRules::dueAt(QStringLiteral("gdpr"), submitted), Qt::UTC).date(),
                 QDate(2026, 2, 28));
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(PrivacyRules::dueAt(QStringLiteral("ccpa"), submitted), Qt::UTC).date(),
                 QDate(2026, 3, 17));
        const qint64 due = PrivacyRules::dueAt(QStringLiteral("gdpr"), submitted);
        QCOMPARE(
            QDateTime::fromMSecsSinceEpoch(PrivacyRules::extendedDueAt(QStringLiteral("gdpr"), due), Qt::UTC).date(),
            QDate(2026, 4, 28));
        QVERIFY(PrivacyRules::canMove(QStringLiteral("submitted"), QStringLiteral("needs_verification")));
        QVERIFY(PrivacyRules::canMove(QStringLiteral("in_progress"), QStringLiteral("awaiting_user_input")));
        QVERIFY(PrivacyRules::canMove(QStringLiteral("awaiting_user_input"), QStringLiteral("in_progress")));
        QVERIFY(!PrivacyRules::canMove(QStringLiteral("completed"), QStringLiteral("cancelled")));
        QVERIFY(!PrivacyRules::canMove(QStringLiteral("awaiting_user_input"), QStringLiteral("completed")));
        QVERIFY(!PrivacyRules::canCancel(QStringLiteral("rectification"), QStringLiteral("in_progress"), 0, 1));
        QVERIFY(PrivacyRules::canCancel(QStringLiteral("erasure"), QStringLiteral("in_progress"), 10, 5));
        QVERIFY(!PrivacyRules::canCancel(QStringLiteral("erasure"), QStringLiteral("in_progress"), 10, 11));
    }

    void exportHoldsEverythingOfTheUserAndNothingElse()
    {
        const Account alice = signUp(QStringLiteral("alice.export@example.test"));
        const Account bob = signUp(QStringLiteral("bob.export@example.test"));
        QVERIFY(!makeContent(alice, QStringLiteral("a lighthouse at dawn")).isEmpty());
        QVERIFY(!makeContent(bob, QStringLiteral("a red fox in snow")).isEmpty());
        // A reference file and an unfinished upload (the references category), and Bob's reference.
        const QJsonObject aliceReference = addReference(alice, png(1), "lighthouse-sketch.png");
        QVERIFY(!aliceReference.isEmpty());
        QVERIFY(!addPartialUpload(alice).isEmpty());
        QVERIFY(!addReference(bob, png(2), "fox.png").isEmpty());
        // A correction request and a profile edit, so that those tables hold rows too.
        QCOMPARE(m_api
                     ->post(QStringLiteral("/v1/privacy/requests"),
                            { { QStringLiteral("type"), QStringLiteral("rectification") },
                              { QStringLiteral("details"), QStringLiteral("My old display name is wrong.") } },
                            alice.token)
                     .status,
                 201);
        QCOMPARE(send("PUT", QStringLiteral("/v1/privacy/processing"),
                      { { QStringLiteral("objections"), QJsonObject { { QStringLiteral("personalisation"), true } } } },
                      alice.token)
                     .status,
                 200);

        const ApiReply asked = m_api->post(QStringLiteral("/v1/privacy/requests"),
                                           { { QStringLiteral("type"), QStringLiteral("export") } }, alice.token);
        QCOMPARE(asked.status, 201);
        const QString requestId = asked.json.value(QStringLiteral("id")).toString();
        const QJsonObject done = waitForRequest(alice.token, requestId, QStringLiteral("completed"));
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY(done.value(QStringLiteral("receipt")).isObject());
        QTemporaryDir dir;
        const QString archive = archiveOf(alice.token, done, dir);
        QVERIFY(!archive.isEmpty());
        // The archive's checksum is the one announced.
        QFile file(archive);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        file.close();
        const QJsonObject artifact = done.value(QStringLiteral("artifacts")).toArray().first().toObject();
        QCOMPARE(QString::fromLatin1(sha256(bytes)), artifact.value(QStringLiteral("sha256")).toString());
        QProcess test;
        test.start(QStringLiteral("unzip"), { QStringLiteral("-tq"), archive });
        QVERIFY(test.waitForFinished(20000));
        QVERIFY2(test.exitCode() == 0, test.readAllStandardOutput().constData());

        const QJsonObject manifest
            = QJsonDocument::fromJson(unzipEntry(archive, QStringLiteral("manifest.json"))).object();
        QCOMPARE(manifest.value(QStringLiteral("user_id")).toString(), alice.id);
        QHash<QString, QList<QJsonObject>> exported; // table -> rows
        int mediaFiles = 0;
        QByteArray allText;
        for (const QJsonValue &value : manifest.value(QStringLiteral("files")).toArray()) {
            const QJsonObject entry = value.toObject();
            const QString path = entry.value(QStringLiteral("path")).toString();
            const QByteArray content = unzipEntry(archive, path);
            QCOMPARE(content.size(), entry.value(QStringLiteral("bytes")).toInteger());
            QCOMPARE(QString::fromLatin1(sha256(content)), entry.value(QStringLiteral("sha256")).toString());
            if (path.startsWith(u"media/")) {
                ++mediaFiles;
                continue;
            }
            allText += content;
            const QJsonObject tables
                = QJsonDocument::fromJson(content).object().value(QStringLiteral("tables")).toObject();
            for (auto it = tables.begin(); it != tables.end(); ++it) {
                for (const QJsonValue &row : it.value().toArray())
                    exported[it.key()].append(row.toObject());
            }
        }
        QVERIFY(mediaFiles >= 1);
        // The reference's file is there, byte for byte, with its checksum in the manifest.
        bool referenceFile = false;
        for (const QJsonValue &value : manifest.value(QStringLiteral("files")).toArray()) {
            const QJsonObject entry = value.toObject();
            if (entry.value(QStringLiteral("path")).toString().startsWith(
                    QStringLiteral("media/reference_files/%1.").arg(aliceReference.value(QStringLiteral("id")).toString()))) {
                QCOMPARE(entry.value(QStringLiteral("sha256")).toString(),
                         aliceReference.value(QStringLiteral("sha256")).toString());
                referenceFile = true;
            }
        }
        QVERIFY(referenceFile);
        QCOMPARE(exported.value(QStringLiteral("reference_files")).size(), 1);
        QCOMPARE(exported.value(QStringLiteral("uploads")).size(), 2); // the finished one and the partial one
        // Nothing of Bob, nothing secret.
        QVERIFY(!allText.contains(bob.id.toUtf8()));
        QVERIFY(!allText.contains(bob.email.toUtf8()));
        QVERIFY(!allText.contains("argon2"));

        m_server.stop();
        DbLook look(m_server.dataDir());
        int checked = 0;
        for (const QString &table : look.tables()) {
            const auto columns = look.columns(table);
            QString owner;
            for (const auto &[name, key] : columns) {
                if (name == u"user_id" || name == u"account_id")
                    owner = name;
            }
            if (table == u"users")
                owner = QStringLiteral("id");
            if (owner.isEmpty())
                continue;
            for (const QJsonObject &row : look.rows(table, owner + QStringLiteral(" = ?"), alice.id)) {
                // Rows written after the archive about the archive itself are the only exception.
                if ((table == u"privacy_exports" || table == u"privacy_request_events")
                    && row.value(QStringLiteral("request_id")).toString() == requestId
                    && (table == u"privacy_exports" || row.value(QStringLiteral("status")).toString() == u"completed"))
                    continue;
                bool found = false;
                for (const QJsonObject &candidate : exported.value(table)) {
                    bool same = true;
                    for (const auto &[name, key] : columns) {
                        if (key
                            && candidate.value(name).toVariant().toString() != row.value(name).toVariant().toString())
                            same = false;
                    }
                    found = found || same;
                }
                QVERIFY2(found, qPrintable(QStringLiteral("a row of %1 is missing from the export").arg(table)));
                ++checked;
            }
        }
        QVERIFY(checked >= 10);
        for (const auto &rows : std::as_const(exported)) {
            for (const QJsonObject &row : rows) {
                if (row.contains(QStringLiteral("user_id")))
                    QCOMPARE(row.value(QStringLiteral("user_id")).toString(), alice.id);
            }
        }

        // Seven days later the link answers 410 and the file is gone from the data directory.
        QVERIFY(startServer());
        advanceDays(8);
        const QString token
            = m_api->login(alice.email, kPassword).json.value(QStringLiteral("access_token")).toString();
        QTRY_COMPARE_WITH_TIMEOUT(m_api->get(artifact.value(QStringLiteral("url")).toString(), token).status, 410,
                                  5000);
        QVERIFY(!QFile::exists(
            QDir(m_server.dataDir())
                .filePath(QStringLiteral("exports/%1.zip").arg(artifact.value(QStringLiteral("id")).toString()))));
    }

    void downloadResumesWithRange()
    {
        const Account carol = signUp(QStringLiteral("carol.range@example.test"));
        QVERIFY(!makeContent(carol, QStringLiteral("a quiet harbour")).isEmpty());
        const ApiReply asked = m_api->post(
            QStringLiteral("/v1/privacy/requests"),
            { { QStringLiteral("type"), QStringLiteral("export") },
              { QStringLiteral("scope"),
                QJsonObject { { QStringLiteral("categories"), QJsonArray { QStringLiteral("content") } } } } },
            carol.token);
        QCOMPARE(asked.status, 201);
        const QJsonObject done = waitForRequest(carol.token, asked.json.value(QStringLiteral("id")).toString(),
                                                QStringLiteral("completed"));
        const QJsonObject artifact = done.value(QStringLiteral("artifacts")).toArray().first().toObject();
        const QString url = artifact.value(QStringLiteral("url")).toString();
        const qint64 size = artifact.value(QStringLiteral("bytes")).toInteger();
        QVERIFY(size > 200);
        m_api->extraHeaders = { { "Range", "bytes=0-99" } };
        const ApiReply first = m_api->get(url, carol.token);
        QCOMPARE(first.status, 206);
        QCOMPARE(first.body.size(), 100);
        QCOMPARE(first.headers.value("content-range"), QByteArray("bytes 0-99/") + QByteArray::number(size));
        m_api->extraHeaders = { { "Range", "bytes=100-" } };
        const ApiReply rest = m_api->get(url, carol.token);
        QCOMPARE(rest.status, 206);
        QCOMPARE(QString::fromLatin1(sha256(first.body + rest.body)),
                 artifact.value(QStringLiteral("sha256")).toString());
        m_api->extraHeaders = { { "Range", "bytes=99999999-" } };
        QCOMPARE(m_api->get(url, carol.token).status, 416);
        m_api->extraHeaders.clear();
        // Someone else's archive does not exist for them.
        const Account dave = signUp(QStringLiteral("dave.range@example.test"));
        QCOMPARE(m_api->get(url, dave.token).status, 404);
        // Only the content category was asked for.
        QTemporaryDir dir;
        const QString archive = archiveOf(carol.token, done, dir);
        const QJsonObject manifest
            = QJsonDocument::fromJson(unzipEntry(archive, QStringLiteral("manifest.json"))).object();
        QCOMPARE(manifest.value(QStringLiteral("categories")).toArray(), QJsonArray { QStringLiteral("content") });
    }

    void accountDeletionGraceCancelAndErasure()
    {
        const Account erin = signUp(QStringLiteral("erin.delete@example.test"));
        const Account frank = signUp(QStringLiteral("frank.keep@example.test"));
        const QJsonObject job = makeContent(erin, QStringLiteral("an orchard under moonlight"));
        QVERIFY(makeContent(frank, QStringLiteral("a desert caravan")).value(QStringLiteral("state")).toString()
                == u"succeeded");
        const QJsonObject asset = job.value(QStringLiteral("assets")).toArray().first().toObject();
        const QString contentUrl = asset.value(QStringLiteral("content_url")).toString();
        const QString assetSha = asset.value(QStringLiteral("sha256")).toString();
        QCOMPARE(m_api->get(contentUrl, erin.token).status, 200);
        // References: one of Erin's own, one with the same bytes as Frank's (shared in the blob
        // store: it must stay for Frank), and an unfinished upload whose bytes wait on disk.
        const QJsonObject ownReference = addReference(erin, png(3), "orchard.png");
        const QJsonObject sharedReference = addReference(erin, png(4), "shared.png");
        const QJsonObject franksReference = addReference(frank, png(4), "frank.png");
        QVERIFY(!ownReference.isEmpty() && !sharedReference.isEmpty() && !franksReference.isEmpty());
        QCOMPARE(sharedReference.value(QStringLiteral("sha256")), franksReference.value(QStringLiteral("sha256")));
        const QString partialUpload = addPartialUpload(erin);
        QVERIFY(!partialUpload.isEmpty());
        const QString partialPath
            = QDir(m_server.dataDir()).filePath(QStringLiteral("uploads/%1.part").arg(partialUpload));
        QVERIFY(QFile::exists(partialPath));
        const QString ownSha = ownReference.value(QStringLiteral("sha256")).toString();
        QVERIFY(QFile::exists(blobPath(ownSha)));
        // A thumbnail exists too (the gallery stores it in the blob store).
        QCOMPARE(m_api
                     ->get(QStringLiteral("/v1/assets/%1/thumbnail?size=256")
                               .arg(asset.value(QStringLiteral("id")).toString()),
                           erin.token)
                     .status,
                 200);
        // A second device, and an export file, both must go too.
        const QString otherDevice
            = m_api->login(erin.email, kPassword).json.value(QStringLiteral("access_token")).toString();
        const ApiReply exportAsked = m_api->post(QStringLiteral("/v1/privacy/requests"),
                                                 { { QStringLiteral("type"), QStringLiteral("export") } }, erin.token);
        waitForRequest(erin.token, exportAsked.json.value(QStringLiteral("id")).toString(),
                       QStringLiteral("completed"));

        const ApiReply preview = m_api->get(QStringLiteral("/v1/privacy/deletion-preview"), erin.token);
        QCOMPARE(preview.status, 200);
        QVERIFY(preview.json.value(QStringLiteral("retained")).toArray().size() >= 1);
        QCOMPARE(preview.json.value(QStringLiteral("grace_days")).toInt(), 7);

        // Without the password the request waits for verification; a wrong one is refused.
        const ApiReply unverified = m_api->post(QStringLiteral("/v1/privacy/requests"),
                                                { { QStringLiteral("type"), QStringLiteral("erasure") } }, erin.token);
        QCOMPARE(unverified.status, 201);
        QCOMPARE(unverified.json.value(QStringLiteral("status")).toString(), QStringLiteral("needs_verification"));
        const QString firstId = unverified.json.value(QStringLiteral("id")).toString();
        QCOMPARE(m_api
                     ->post(QStringLiteral("/v1/privacy/requests/%1/verify").arg(firstId),
                            { { QStringLiteral("password"), QStringLiteral("wrong-password-1") } }, erin.token)
                     .status,
                 401);
        const ApiReply verified = m_api->post(QStringLiteral("/v1/privacy/requests/%1/verify").arg(firstId),
                                              { { QStringLiteral("password"), kPassword } }, erin.token);
        QCOMPARE(verified.json.value(QStringLiteral("status")).toString(), QStringLiteral("in_progress"));
        QVERIFY(!verified.json.value(QStringLiteral("grace_ends_at")).isNull());
        QVERIFY(verified.json.value(QStringLiteral("can_cancel")).toBool());
        QCOMPARE(m_api->get(QStringLiteral("/v1/privacy/summary"), erin.token)
                     .json.value(QStringLiteral("pending_deletion"))
                     .toObject()
                     .value(QStringLiteral("request_id"))
                     .toString(),
                 firstId);

        // Cancel during the grace period: everything is still there, even after the period passes.
        QCOMPARE(m_api->post(QStringLiteral("/v1/privacy/requests/%1/cancel").arg(firstId), {}, erin.token).status,
                 200);
        advanceDays(8);
        QTest::qWait(300);
        const QString renewed
            = m_api->login(erin.email, kPassword).json.value(QStringLiteral("access_token")).toString();
        QVERIFY(!renewed.isEmpty());
        QCOMPARE(m_api->get(contentUrl, renewed).status, 200);

        // Now for real: with the password at once, then the grace period passes.
        const ApiReply scheduled = m_api->post(
            QStringLiteral("/v1/privacy/requests"),
            { { QStringLiteral("type"), QStringLiteral("erasure") }, { QStringLiteral("password"), kPassword } },
            renewed);
        QCOMPARE(scheduled.json.value(QStringLiteral("status")).toString(), QStringLiteral("in_progress"));
        const QString erasureId = scheduled.json.value(QStringLiteral("id")).toString();
        advanceDays(8);
        QTRY_COMPARE_WITH_TIMEOUT(m_api->get(QStringLiteral("/v1/privacy/erasure-receipts/%1").arg(erasureId)).status,
                                  200, 10000);
        const QJsonObject receipt = m_api->get(QStringLiteral("/v1/privacy/erasure-receipts/%1").arg(erasureId)).json;
        const QByteArray key = QByteArray::fromBase64(m_api->get(QStringLiteral("/v1/consent/receipt-key"))
                                                          .json.value(QStringLiteral("public_key"))
                                                          .toString()
                                                          .toLatin1(),
                                                      QByteArray::Base64UrlEncoding);
        QVERIFY(pygmi::core::ReceiptVerifier::verify(receipt, QStringLiteral("request"), key));
        const QJsonObject payload = receipt.value(QStringLiteral("request")).toObject();
        QVERIFY(payload.value(QStringLiteral("retained")).toArray().size() >= 1);
        QVERIFY(!QJsonDocument(receipt).toJson().contains(erin.id.toUtf8()));

        // Sign-in fails, every token is dead, the content URL is gone.
        QCOMPARE(m_api->login(erin.email, kPassword).status, 401);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), renewed).status, 401);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), otherDevice).status, 401);
        const QString frankNow
            = m_api->login(frank.email, kPassword).json.value(QStringLiteral("access_token")).toString();
        QCOMPARE(m_api->get(contentUrl, frankNow).status, 404);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), frankNow).status, 200);
        // Erin's references and upload are gone with their bytes; Frank's identical file stays.
        QVERIFY(!QFile::exists(partialPath));
        QVERIFY(!QFile::exists(blobPath(ownSha)));
        QVERIFY(QFile::exists(blobPath(franksReference.value(QStringLiteral("sha256")).toString())));
        const ApiReply franksThumbnail = m_api->get(
            QStringLiteral("/v1/references/%1/thumbnail").arg(franksReference.value(QStringLiteral("id")).toString()),
            frankNow);
        QCOMPARE(franksThumbnail.status, 200);

        // A scan of every table and of every file in the data directory finds nothing of Erin.
        m_server.stop();
        {
            DbLook look(m_server.dataDir());
            for (const QString &table : look.tables()) {
                for (const QJsonObject &row : look.rows(table)) {
                    const QByteArray text = QJsonDocument(row).toJson();
                    QVERIFY2(!text.contains(erin.id.toUtf8()), qPrintable(table));
                    QVERIFY2(!text.contains(erin.email.toUtf8()), qPrintable(table));
                }
            }
        }
        QVERIFY(!QFile::exists(
            QDir(m_server.dataDir()).filePath(QStringLiteral("blobs/%1/%2").arg(assetSha.left(2), assetSha))));
        // No orphan: every file left in the blob store is used by a remaining row (Frank's).
        {
            DbLook look(m_server.dataDir());
            QSet<QString> referenced;
            for (const QJsonObject &row : look.rows(QStringLiteral("assets"))) {
                referenced.insert(row.value(QStringLiteral("sha256")).toString());
                referenced.insert(row.value(QStringLiteral("poster_sha256")).toString());
            }
            for (const QJsonObject &row : look.rows(QStringLiteral("asset_thumbnails")))
                referenced.insert(row.value(QStringLiteral("thumb_sha256")).toString());
            for (const QJsonObject &row : look.rows(QStringLiteral("users")))
                referenced.insert(row.value(QStringLiteral("avatar_sha256")).toString());
            for (const QJsonObject &row : look.rows(QStringLiteral("reference_files"))) {
                referenced.insert(row.value(QStringLiteral("sha256")).toString());
                referenced.insert(row.value(QStringLiteral("thumbnail_sha256")).toString());
            }
            QVERIFY(look.rows(QStringLiteral("reference_files"), QStringLiteral("user_id = ?"), erin.id).isEmpty());
            QCOMPARE(look.rows(QStringLiteral("reference_files"), QStringLiteral("user_id = ?"), frank.id).size(), 1);
            QVERIFY(look.rows(QStringLiteral("uploads"), QStringLiteral("user_id = ?"), erin.id).isEmpty());
            QDirIterator blobs(QDir(m_server.dataDir()).filePath(QStringLiteral("blobs")), QDir::Files,
                               QDirIterator::Subdirectories);
            int kept = 0;
            while (blobs.hasNext()) {
                const QString name = QFileInfo(blobs.next()).fileName();
                QVERIFY2(referenced.contains(name), qPrintable(QStringLiteral("orphan blob %1").arg(name)));
                ++kept;
            }
            QVERIFY(kept >= 1); // Frank's picture stays
            QVERIFY(
                look.rows(QStringLiteral("asset_thumbnails"), QStringLiteral("source_sha256 = ?"), assetSha).isEmpty());
        }
        QDirIterator files(m_server.dataDir(), QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QVERIFY2(!bytes.contains(erin.email.toUtf8()), qPrintable(path));
            QVERIFY2(!bytes.contains(erin.id.toUtf8()), qPrintable(path));
        }
    }

    void restrictionBlocksProcessingButNotRights()
    {
        const Account gina = signUp(QStringLiteral("gina.restrict@example.test"));
        QCOMPARE(send("PUT", QStringLiteral("/v1/privacy/processing"), { { QStringLiteral("restricted"), true } },
                      gina.token)
                     .status,
                 200);
        const ApiReply refused
            = m_api->post(QStringLiteral("/v1/generations"), gen::imageRequest(QStringLiteral("a kite")), gina.token);
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), QStringLiteral("restricted"));
        const ApiReply telemetry
            = m_api->send("POST", QStringLiteral("/v1/telemetry"), "{}", "application/json", gina.token);
        QCOMPARE(telemetry.status, 403);
        QCOMPARE(telemetry.errorCode(), QStringLiteral("restricted"));
        // No job row was written for the refused request.
        QCOMPARE(m_api->get(QStringLiteral("/v1/generations"), gina.token)
                     .json.value(QStringLiteral("items"))
                     .toArray()
                     .size(),
                 0);
        // Export and deletion still work.
        const ApiReply asked = m_api->post(QStringLiteral("/v1/privacy/requests"),
                                           { { QStringLiteral("type"), QStringLiteral("export") } }, gina.token);
        QCOMPARE(asked.status, 201);
        QCOMPARE(
            waitForRequest(gina.token, asked.json.value(QStringLiteral("id")).toString(), QStringLiteral("completed"))
                .value(QStringLiteral("status")),
            QStringLiteral("completed"));
        const ApiReply erasure = m_api->post(
            QStringLiteral("/v1/privacy/requests"),
            { { QStringLiteral("type"), QStringLiteral("erasure") }, { QStringLiteral("password"), kPassword } },
            gina.token);
        QCOMPARE(erasure.json.value(QStringLiteral("status")).toString(), QStringLiteral("in_progress"));
        QCOMPARE(m_api
                     ->post(QStringLiteral("/v1/privacy/requests/%1/cancel")
                                .arg(erasure.json.value(QStringLiteral("id")).toString()),
                            {}, gina.token)
                     .status,
                 200);
        // Lifting it restores processing; the change is a completed, signed request.
        const ApiReply lifted = send("PUT", QStringLiteral("/v1/privacy/processing"),
                                     { { QStringLiteral("restricted"), false } }, gina.token);
        QCOMPARE(lifted.json.value(QStringLiteral("restricted")).toBool(), false);
        QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), gen::imageRequest(QStringLiteral("a kite")), gina.token)
                     .status,
                 201);
        QVERIFY(m_api->send("POST", QStringLiteral("/v1/telemetry"), "{}", "application/json", gina.token).errorCode()
                != u"restricted");
        int restrictions = 0;
        for (const QJsonValue &r : m_api->get(QStringLiteral("/v1/privacy/requests"), gina.token)
                                       .json.value(QStringLiteral("requests"))
                                       .toArray()) {
            if (r.toObject().value(QStringLiteral("type")).toString() == u"restriction") {
                ++restrictions;
                QCOMPARE(r.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
                QVERIFY(r.toObject().value(QStringLiteral("receipt")).isObject());
            }
        }
        QCOMPARE(restrictions, 2);
        // Objecting to analytics stops telemetry as well.
        send("PUT", QStringLiteral("/v1/privacy/processing"),
             { { QStringLiteral("objections"), QJsonObject { { QStringLiteral("product_analytics"), true } } } },
             gina.token);
        QCOMPARE(m_api->send("POST", QStringLiteral("/v1/telemetry"), "{}", "application/json", gina.token).errorCode(),
                 QStringLiteral("objected"));
    }

    void dueDatesStatusesAndCancel()
    {
        const Account hana = signUp(QStringLiteral("hana.due@example.test"));
        QCOMPARE(send("PATCH", QStringLiteral("/v1/privacy/profile"),
                      { { QStringLiteral("region"), QStringLiteral("us-ca") } }, hana.token)
                     .status,
                 200);
        const ApiReply ccpa = m_api->post(QStringLiteral("/v1/privacy/requests"),
                                          { { QStringLiteral("type"), QStringLiteral("rectification") },
                                            { QStringLiteral("details"), QStringLiteral("Please correct my name.") } },
                                          hana.token);
        QCOMPARE(ccpa.json.value(QStringLiteral("regime")).toString(), QStringLiteral("ccpa"));
        const auto days = [](const QJsonObject &r, const char *field) {
            return QDateTime::fromString(r.value(QStringLiteral("submitted_at")).toString(), Qt::ISODate)
                .daysTo(QDateTime::fromString(r.value(QLatin1String(field)).toString(), Qt::ISODate));
        };
        QCOMPARE(days(ccpa.json, "due_at"), 45);
        send("PATCH", QStringLiteral("/v1/privacy/profile"), { { QStringLiteral("region"), QStringLiteral("eu") } },
             hana.token);
        const ApiReply gdpr = m_api->post(QStringLiteral("/v1/privacy/requests"),
                                          { { QStringLiteral("type"), QStringLiteral("rectification") },
                                            { QStringLiteral("details"), QStringLiteral("And my avatar.") } },
                                          hana.token);
        QCOMPARE(gdpr.json.value(QStringLiteral("regime")).toString(), QStringLiteral("gdpr"));
        const QDateTime submitted
            = QDateTime::fromString(gdpr.json.value(QStringLiteral("submitted_at")).toString(), Qt::ISODate);
        QCOMPARE(QDateTime::fromString(gdpr.json.value(QStringLiteral("due_at")).toString(), Qt::ISODate).date(),
                 submitted.addMonths(1).date());

        // In progress: a person is working on it, so it cannot be cancelled.
        const QString id = gdpr.json.value(QStringLiteral("id")).toString();
        QCOMPARE(gdpr.json.value(QStringLiteral("status")).toString(), QStringLiteral("in_progress"));
        QCOMPARE(gdpr.json.value(QStringLiteral("can_cancel")).toBool(), false);
        const ApiReply refused = m_api->post(QStringLiteral("/v1/privacy/requests/%1/cancel").arg(id), {}, hana.token);
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.errorCode(), QStringLiteral("not_cancellable"));

        // The operator asks a question: now the user may answer or cancel.
        const auto admin = [&](const QStringList &args) {
            QProcess process;
            process.start(TestServer::serverProgram(),
                          QStringList { QStringLiteral("--data-dir"), m_server.dataDir(), QStringLiteral("admin") }
                              + args);
            process.waitForFinished(20000);
            return QPair<int, QByteArray>(process.exitCode(),
                                          process.readAllStandardOutput() + process.readAllStandardError());
        };
        QCOMPARE(admin({ QStringLiteral("request"), QStringLiteral("ask"), id, QStringLiteral("Which"),
                         QStringLiteral("name?") })
                     .first,
                 0);
        QJsonObject now = m_api->get(QStringLiteral("/v1/privacy/requests/%1").arg(id), hana.token).json;
        QCOMPARE(now.value(QStringLiteral("status")).toString(), QStringLiteral("awaiting_user_input"));
        QVERIFY(now.value(QStringLiteral("can_cancel")).toBool());
        QCOMPARE(m_api
                     ->post(QStringLiteral("/v1/privacy/requests/%1/reply").arg(id),
                            { { QStringLiteral("message"), QStringLiteral("The display name.") } }, hana.token)
                     .json.value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("in_progress"));
        QCOMPARE(admin({ QStringLiteral("request"), QStringLiteral("extend"), id, QStringLiteral("Waiting"),
                         QStringLiteral("for"), QStringLiteral("records") })
                     .first,
                 0);
        now = m_api->get(QStringLiteral("/v1/privacy/requests/%1").arg(id), hana.token).json;
        QCOMPARE(
            QDateTime::fromString(now.value(QStringLiteral("extended_due_at")).toString(), Qt::ISODate).date(),
            QDateTime::fromString(now.value(QStringLiteral("due_at")).toString(), Qt::ISODate).addMonths(2).date());
        QCOMPARE(now.value(QStringLiteral("extension_reason")).toString(), QStringLiteral("Waiting for records"));
        QCOMPARE(admin({ QStringLiteral("request"), QStringLiteral("extend"), id, QStringLiteral("again") }).first, 1);
        QCOMPARE(admin({ QStringLiteral("request"), QStringLiteral("deny"), id, QStringLiteral("Not"),
                         QStringLiteral("ours") })
                     .first,
                 0);
        now = m_api->get(QStringLiteral("/v1/privacy/requests/%1").arg(id), hana.token).json;
        QCOMPARE(now.value(QStringLiteral("status")).toString(), QStringLiteral("denied"));
        QCOMPARE(now.value(QStringLiteral("reason")).toString(), QStringLiteral("Not ours"));
        QStringList timeline;
        for (const QJsonValue &event : now.value(QStringLiteral("events")).toArray())
            timeline.append(event.toObject().value(QStringLiteral("status")).toString());
        QCOMPARE(timeline.first(), QStringLiteral("submitted"));
        QVERIFY(timeline.contains(QStringLiteral("awaiting_user_input")));
        QCOMPARE(timeline.last(), QStringLiteral("denied"));
        // Final requests cannot be cancelled.
        QCOMPARE(m_api->post(QStringLiteral("/v1/privacy/requests/%1/cancel").arg(id), {}, hana.token).status, 409);
        // Another user's request does not exist for Hana.
        const Account ivan = signUp(QStringLiteral("ivan.due@example.test"));
        QCOMPARE(m_api->get(QStringLiteral("/v1/privacy/requests/%1").arg(id), ivan.token).status, 404);
        QCOMPARE(m_api
                     ->post(QStringLiteral("/v1/privacy/requests"),
                            { { QStringLiteral("type"), QStringLiteral("rectification") } }, ivan.token)
                     .status,
                 422);
    }

    void humanReviewWithTheAdminCommand()
    {
        const Account jun = signUp(QStringLiteral("jun.review@example.test"));
        const ApiReply blocked = m_api->post(QStringLiteral("/v1/generations"),
                                             gen::imageRequest(QStringLiteral("a gory massacre")), jun.token);
        QCOMPARE(blocked.json.value(QStringLiteral("state")).toString(), QStringLiteral("blocked"));
        const QJsonArray decisions = m_api->get(QStringLiteral("/v1/privacy/decisions"), jun.token)
                                         .json.value(QStringLiteral("decisions"))
                                         .toArray();
        QCOMPARE(decisions.size(), 1);
        const QJsonObject decision = decisions.first().toObject();
        QCOMPARE(decision.value(QStringLiteral("automated")).toBool(), true);
        QCOMPARE(decision.value(QStringLiteral("category")).toString(), QStringLiteral("violence"));
        const QString decisionId = decision.value(QStringLiteral("id")).toString();
        const ApiReply asked = m_api->post(
            QStringLiteral("/v1/privacy/requests"),
            { { QStringLiteral("type"), QStringLiteral("human_review") },
              { QStringLiteral("scope"), QJsonObject { { QStringLiteral("decision_id"), decisionId } } } },
            jun.token);
        QCOMPARE(asked.status, 201);
        QCOMPARE(
            m_api
                ->post(QStringLiteral("/v1/privacy/requests"),
                       { { QStringLiteral("type"), QStringLiteral("human_review") },
                         { QStringLiteral("scope"), QJsonObject { { QStringLiteral("decision_id"), decisionId } } } },
                       jun.token)
                .status,
            409);
        const QString id = asked.json.value(QStringLiteral("id")).toString();
        QProcess list;
        list.start(TestServer::serverProgram(),
                   { QStringLiteral("--data-dir"), m_server.dataDir(), QStringLiteral("admin"),
                     QStringLiteral("review"), QStringLiteral("list") });
        QVERIFY(list.waitForFinished(20000));
        QVERIFY(list.readAllStandardOutput().contains(id.toUtf8()));
        QProcess resolve;
        resolve.start(TestServer::serverProgram(),
                      { QStringLiteral("--data-dir"), m_server.dataDir(), QStringLiteral("admin"),
                        QStringLiteral("review"), QStringLiteral("resolve"), id, QStringLiteral("overturned"),
                        QStringLiteral("Ada Reviewer"), QStringLiteral("Fiction"), QStringLiteral("about"),
                        QStringLiteral("history") });
        QVERIFY(resolve.waitForFinished(20000));
        QCOMPARE(resolve.exitCode(), 0);

        const QJsonObject after = m_api->get(QStringLiteral("/v1/privacy/decisions"), jun.token)
                                      .json.value(QStringLiteral("decisions"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(after.value(QStringLiteral("review_outcome")).toString(), QStringLiteral("overturned"));
        const QJsonObject review = after.value(QStringLiteral("review")).toObject();
        QCOMPARE(review.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(review.value(QStringLiteral("reviewer")).toString(), QStringLiteral("Ada Reviewer"));
        QCOMPARE(review.value(QStringLiteral("note")).toString(), QStringLiteral("Fiction about history"));
        const QJsonObject request = m_api->get(QStringLiteral("/v1/privacy/requests/%1").arg(id), jun.token).json;
        QCOMPARE(request.value(QStringLiteral("events"))
                     .toArray()
                     .last()
                     .toObject()
                     .value(QStringLiteral("actor"))
                     .toString(),
                 QStringLiteral("reviewer:Ada Reviewer"));
        const QByteArray key = QByteArray::fromBase64(m_api->get(QStringLiteral("/v1/consent/receipt-key"))
                                                          .json.value(QStringLiteral("public_key"))
                                                          .toString()
                                                          .toLatin1(),
                                                      QByteArray::Base64UrlEncoding);
        QVERIFY(pygmi::core::ReceiptVerifier::verify(request.value(QStringLiteral("receipt")).toObject(),
                                                     QStringLiteral("request"), key));
        // Resolving twice is refused.
        QProcess again;
        again.start(TestServer::serverProgram(),
                    { QStringLiteral("--data-dir"), m_server.dataDir(), QStringLiteral("admin"),
                      QStringLiteral("review"), QStringLiteral("resolve"), id, QStringLiteral("upheld"),
                      QStringLiteral("Bob") });
        QVERIFY(again.waitForFinished(20000));
        QCOMPARE(again.exitCode(), 1);
    }

    void sessionsProfileAndEmail()
    {
        const Account kim = signUp(QStringLiteral("kim.sessions@example.test"));
        QJsonObject body { { QStringLiteral("email"), kim.email },
                           { QStringLiteral("password"), kPassword },
                           { QStringLiteral("device_name"), QStringLiteral("Kim's laptop") } };
        m_api->extraHeaders = { { "User-Agent", "PygmiStudio/0.1.0" } };
        const QString laptop
            = m_api->post(QStringLiteral("/v1/auth/login"), body).json.value(QStringLiteral("access_token")).toString();
        const QJsonArray sessions = m_api->get(QStringLiteral("/v1/privacy/sessions"), kim.token)
                                        .json.value(QStringLiteral("sessions"))
                                        .toArray();
        m_api->get(QStringLiteral("/v1/me"), laptop);
        const QJsonArray listed = m_api->get(QStringLiteral("/v1/privacy/sessions"), kim.token)
                                      .json.value(QStringLiteral("sessions"))
                                      .toArray();
        m_api->extraHeaders.clear();
        QCOMPARE(sessions.size(), 2);
        QString laptopId;
        for (const QJsonValue &value : listed) {
            const QJsonObject session = value.toObject();
            QCOMPARE(session.value(QStringLiteral("country")).toString(), QStringLiteral("unknown"));
            if (session.value(QStringLiteral("device_name")).toString() == u"Kim's laptop") {
                laptopId = session.value(QStringLiteral("id")).toString();
                QCOMPARE(session.value(QStringLiteral("app_version")).toString(), QStringLiteral("Pygmi Studio 0.1.0"));
                QCOMPARE(session.value(QStringLiteral("current")).toBool(), false);
            }
        }
        QVERIFY(!laptopId.isEmpty());
        QCOMPARE(m_api->post(QStringLiteral("/v1/privacy/sessions/%1/revoke").arg(laptopId), {}, kim.token).status,
                 204);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), laptop).status, 401);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), kim.token).status, 200);

        // Correction in place, and the email change waits for the code sent to the new address.
        const ApiReply patched = send(
            "PATCH", QStringLiteral("/v1/privacy/profile"),
            { { QStringLiteral("display_name"), QStringLiteral("Kim K") },
              { QStringLiteral("name"), QStringLiteral("Kim Kowalski") },
              { QStringLiteral("preferences"), QJsonObject { { QStringLiteral("theme"), QStringLiteral("dark") } } } },
            kim.token);
        QCOMPARE(patched.json.value(QStringLiteral("name")).toString(), QStringLiteral("Kim Kowalski"));
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), kim.token).json.value(QStringLiteral("display_name")).toString(),
                 QStringLiteral("Kim K"));
        QCOMPARE(m_api
                     ->post(QStringLiteral("/v1/privacy/email"),
                            { { QStringLiteral("new_email"), QStringLiteral("kim.new@example.test") },
                              { QStringLiteral("password"), QStringLiteral("nope-nope-nope") } },
                            kim.token)
                     .status,
                 401);
        QCOMPARE(m_api
                     ->post(QStringLiteral("/v1/privacy/email"),
                            { { QStringLiteral("new_email"), QStringLiteral("kim.new@example.test") },
                              { QStringLiteral("password"), kPassword } },
                            kim.token)
                     .status,
                 202);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), kim.token).json.value(QStringLiteral("email")).toString(),
                 kim.email);
        const QString code = ServerApi::latestCode(m_server.dataDir(), QStringLiteral("kim.new@example.test"));
        QVERIFY(!code.isEmpty());
        QCOMPARE(
            m_api->post(QStringLiteral("/v1/privacy/email/confirm"), { { QStringLiteral("code"), code } }, kim.token)
                .status,
            200);
        const QJsonObject me = m_api->get(QStringLiteral("/v1/me"), kim.token).json;
        QCOMPARE(me.value(QStringLiteral("email")).toString(), QStringLiteral("kim.new@example.test"));
        QCOMPARE(me.value(QStringLiteral("email_verified")).toBool(), true);
        QCOMPARE(m_api->login(QStringLiteral("kim.new@example.test"), kPassword).status, 200);

        // Sign out everywhere else.
        const QString phone = m_api->login(QStringLiteral("kim.new@example.test"), kPassword)
                                  .json.value(QStringLiteral("access_token"))
                                  .toString();
        QCOMPARE(m_api
                     ->post(QStringLiteral("/v1/privacy/sessions/revoke-all"),
                            { { QStringLiteral("include_current"), false } }, kim.token)
                     .status,
                 200);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), phone).status, 401);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), kim.token).status, 200);
    }

    void summaryCountsTheRealData()
    {
        const Account lea = signUp(QStringLiteral("lea.summary@example.test"));
        QVERIFY(!makeContent(lea, QStringLiteral("a glass of water")).isEmpty());
        const QJsonObject summary = m_api->get(QStringLiteral("/v1/privacy/summary"), lea.token).json;
        QHash<QString, QJsonObject> categories;
        for (const QJsonValue &value : summary.value(QStringLiteral("categories")).toArray())
            categories.insert(value.toObject().value(QStringLiteral("id")).toString(), value.toObject());
        for (const char *id :
             { "account", "profile", "content", "references", "consent", "telemetry", "sessions", "billing" })
            QVERIFY2(categories.contains(QLatin1String(id)), id);
        // 2 generations (one blocked), 1 asset, 2 moderation decisions (every check is recorded).
        QCOMPARE(categories.value(QStringLiteral("content")).value(QStringLiteral("count")).toInt(), 5);
        QVERIFY(categories.value(QStringLiteral("content")).value(QStringLiteral("bytes")).toInteger() > 100);
        QVERIFY(!categories.value(QStringLiteral("content")).value(QStringLiteral("next_deletion_at")).isNull());
        QCOMPARE(categories.value(QStringLiteral("sessions")).value(QStringLiteral("count")).toInt(), 1);
        QCOMPARE(categories.value(QStringLiteral("billing")).value(QStringLiteral("count")).toInt(), 0);
        const QJsonObject training = summary.value(QStringLiteral("training")).toObject();
        QCOMPARE(training.value(QStringLiteral("granted")).toBool(), false);
        QCOMPARE(training.value(QStringLiteral("excluded_count")).toInt(), 1);
        QCOMPARE(summary.value(QStringLiteral("processors")).toArray().size(), 1);
        QVERIFY(!summary.value(QStringLiteral("contact")).toObject().isEmpty());

        // Delete all content now: rows and bytes go, the account stays.
        const QJsonObject job = m_api->get(QStringLiteral("/v1/generations"), lea.token).json;
        QCOMPARE(m_api->post(QStringLiteral("/v1/privacy/content/delete-all"), {}, lea.token).status, 200);
        QCOMPARE(m_api->get(QStringLiteral("/v1/generations"), lea.token)
                     .json.value(QStringLiteral("items"))
                     .toArray()
                     .size(),
                 0);
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), lea.token).status, 200);
        Q_UNUSED(job);
    }
};

QTEST_GUILESS_MAIN(ServerPrivacy)
#include "tst_ServerPrivacy.moc"
