// Generation jobs over the real API: lifecycle, idempotency, validation, limits, cancel,
// moderation, ownership, content URLs, the blob store and the sketch engine's determinism.
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>
#include <QtTest>

using namespace pygmi::test;
using namespace pygmi::test::generation;

class TestServerGenerations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void providersDescribeTheSketchEngine();
    void jobRunsToSuccess();
    void sameIdSameBodyIsIdempotent();
    void sameIdDifferentBodyConflicts();
    void validationNamesTheField_data();
    void validationNamesTheField();
    void serverPicksAndReturnsTheSeed();
    void sketchIsDeterministic();
    void differentPromptsGiveDifferentImages();
    void listIsNewestFirstAndPaged();
    void contentHasTypeEtagAndRanges();
    void moderationBlocksBeforeQueueing();
    void otherUsersSeeNothing();
    void cancelAfterTheEndIsRefused();
    void trainingFlagFollowsTheAccountsChoice();
    void storedRecords(); // stops the server: keep last
    void cleanupTestCase();

private:
    QJsonObject submitAndFinish(const QJsonObject &body);

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QString m_token;
    QString m_otherToken;
    QString m_blockedDecisionId;
};

void TestServerGenerations::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0") }),
             qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    m_token = signUp(*m_api, QStringLiteral("maker@example.com"));
    m_otherToken = signUp(*m_api, QStringLiteral("other@example.com"));
    QVERIFY(!m_token.isEmpty());
    QVERIFY(!m_otherToken.isEmpty());
}

QJsonObject TestServerGenerations::submitAndFinish(const QJsonObject &body)
{
    const ApiReply reply = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    if (reply.status != 201)
        qWarning() << "submit answered" << reply.status << reply.body;
    return waitForFinal(*m_api, m_token, body.value(QStringLiteral("id")).toString());
}

void TestServerGenerations::trainingFlagFollowsTheAccountsChoice()
{
    // Opting in to training (the model_training consent) marks new content as usable; withdrawing
    // marks what is made afterwards as excluded again. Nothing made before is changed.
    const auto choose = [&](const QString &state, const QString &method) {
        const QJsonObject body { { QStringLiteral("install_id"), QUuid::createUuid().toString(QUuid::WithoutBraces) },
                                 { QStringLiteral("choices"),
                                   QJsonObject { { QStringLiteral("model_training"), state } } },
                                 { QStringLiteral("method"), method },
                                 { QStringLiteral("surface"), QStringLiteral("settings") },
                                 { QStringLiteral("notice_version"), QStringLiteral("2026-11-01") } };
        return m_api->send("PUT", QStringLiteral("/v1/consent"), QJsonDocument(body).toJson(), "application/json",
                           m_token);
    };
    const auto firstAssetExcluded = [&](const QString &prompt) {
        const QJsonObject job = submitAndFinish(imageRequest(prompt, 64, 3));
        return job.value(QStringLiteral("assets"))
            .toArray()
            .first()
            .toObject()
            .value(QStringLiteral("excluded_from_training"))
            .toBool();
    };
    QCOMPARE(choose(QStringLiteral("granted"), QStringLiteral("toggle")).status, 200);
    QCOMPARE(firstAssetExcluded(QStringLiteral("a kite over green hills")), false);
    QCOMPARE(choose(QStringLiteral("denied"), QStringLiteral("withdraw")).status, 200);
    QCOMPARE(firstAssetExcluded(QStringLiteral("a kite over brown hills")), true);
}

void TestServerGenerations::providersDescribeTheSketchEngine()
{
    QCOMPARE(m_api->get(QStringLiteral("/v1/providers")).status, 401);
    const ApiReply reply = m_api->get(QStringLiteral("/v1/providers"), m_token);
    QCOMPARE(reply.status, 200);
    const QJsonObject sketch = reply.json.value(QStringLiteral("providers")).toArray().first().toObject();
    QCOMPARE(sketch.value(QStringLiteral("id")).toString(), QStringLiteral("sketch"));
    QVERIFY(sketch.value(QStringLiteral("description")).toString().contains(QStringLiteral("not an AI model")));
    QCOMPARE(sketch.value(QStringLiteral("runs_on")).toString(), QStringLiteral("this_server"));
    QCOMPARE(sketch.value(QStringLiteral("third_party")).toBool(), false);
    QCOMPARE(sketch.value(QStringLiteral("models")).toArray().first().toObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("sketch-1"));
    const QJsonObject limits = sketch.value(QStringLiteral("limits")).toObject();
    QCOMPARE(limits.value(QStringLiteral("prompt_max_chars")).toInt(), 2000);
    QCOMPARE(limits.value(QStringLiteral("video")).toObject().value(QStringLiteral("side_max")).toInt(), 1280);
}

void TestServerGenerations::jobRunsToSuccess()
{
    QJsonObject body = imageRequest(QStringLiteral("a lighthouse on a cliff above the sea"), 96, 5);
    body.insert(QStringLiteral("count"), 2);
    body.insert(QStringLiteral("negative_prompt"), QStringLiteral("fog"));
    const ApiReply created = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(created.status, 201);
    QVERIFY(QStringList({ QStringLiteral("queued"), QStringLiteral("running") })
                .contains(created.json.value(QStringLiteral("state")).toString()));
    const QString id = body.value(QStringLiteral("id")).toString();
    QCOMPARE(created.json.value(QStringLiteral("id")).toString(), id);

    const QJsonObject job = waitForFinal(*m_api, m_token, id);
    QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    QVERIFY(job.value(QStringLiteral("error")).isNull());
    QVERIFY(!job.value(QStringLiteral("started_at")).isNull());
    QVERIFY(!job.value(QStringLiteral("finished_at")).isNull());
    const QJsonObject progress = job.value(QStringLiteral("progress")).toObject();
    QVERIFY(progress.value(QStringLiteral("total")).toInt() > 0);
    QCOMPARE(progress.value(QStringLiteral("step")).toInt(), progress.value(QStringLiteral("total")).toInt());

    const QJsonArray assets = job.value(QStringLiteral("assets")).toArray();
    QCOMPARE(assets.size(), 2);
    for (int i = 0; i < assets.size(); ++i) {
        const QJsonObject asset = assets.at(i).toObject();
        QCOMPARE(asset.value(QStringLiteral("index")).toInt(), i);
        QCOMPARE(asset.value(QStringLiteral("generation_id")).toString(), id);
        QCOMPARE(asset.value(QStringLiteral("mime")).toString(), QStringLiteral("image/png"));
        QCOMPARE(asset.value(QStringLiteral("width")).toInt(), 96);
        QCOMPARE(asset.value(QStringLiteral("prompt")).toString(),
                 QStringLiteral("a lighthouse on a cliff above the sea"));
        QCOMPARE(asset.value(QStringLiteral("negative_prompt")).toString(), QStringLiteral("fog"));
        QCOMPARE(asset.value(QStringLiteral("seed")).toInteger(), 5);
        QCOMPARE(asset.value(QStringLiteral("provider")).toString(), QStringLiteral("sketch"));
        QCOMPARE(asset.value(QStringLiteral("model")).toString(), QStringLiteral("sketch-1"));
        QCOMPARE(asset.value(QStringLiteral("processed_by")).toString(),
                 QStringLiteral("Sketch (offline) on this server"));
        QVERIFY(!asset.value(QStringLiteral("params")).toObject().contains(QStringLiteral("id")));
        QCOMPARE(asset.value(QStringLiteral("params")).toObject().value(QStringLiteral("count")).toInt(), 2);
        QVERIFY(asset.value(QStringLiteral("timings")).toObject().contains(QStringLiteral("run_ms")));
        // Nobody has opted in to training yet: everything is marked excluded.
        QCOMPARE(asset.value(QStringLiteral("excluded_from_training")).toBool(), true);
        const QDateTime created
            = QDateTime::fromString(asset.value(QStringLiteral("created_at")).toString(), Qt::ISODate);
        const QDateTime expires
            = QDateTime::fromString(asset.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
        QCOMPARE(created.daysTo(expires), 30);
        QVERIFY(asset.value(QStringLiteral("poster_url")).isNull());

        const ApiReply content = m_api->get(asset.value(QStringLiteral("content_url")).toString(), m_token);
        QCOMPARE(content.status, 200);
        QVERIFY(content.body.startsWith("\x89PNG"));
        QCOMPARE(content.body.size(), asset.value(QStringLiteral("bytes")).toInteger());
        QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(content.body, QCryptographicHash::Sha256).toHex()),
                 asset.value(QStringLiteral("sha256")).toString());
    }
    // Two outputs of one job differ (each has its own variation of the scene).
    QVERIFY(assets.at(0).toObject().value(QStringLiteral("sha256"))
            != assets.at(1).toObject().value(QStringLiteral("sha256")));
}

void TestServerGenerations::sameIdSameBodyIsIdempotent()
{
    const QJsonObject body = imageRequest(QStringLiteral("idempotent teapot"), 64, 9);
    const ApiReply first = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(first.status, 201);
    const ApiReply again = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json.value(QStringLiteral("id")), first.json.value(QStringLiteral("id")));
    QCOMPARE(again.json.value(QStringLiteral("created_at")), first.json.value(QStringLiteral("created_at")));
    waitForFinal(*m_api, m_token, body.value(QStringLiteral("id")).toString());
    // Still the same job after it finished, and only one job exists for that id.
    const ApiReply late = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(late.status, 200);
    QCOMPARE(late.json.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    int matches = 0;
    for (const QJsonValue &item :
         m_api->get(QStringLiteral("/v1/generations?limit=100"), m_token).json.value(QStringLiteral("items")).toArray())
        matches += item.toObject().value(QStringLiteral("id")) == body.value(QStringLiteral("id")) ? 1 : 0;
    QCOMPARE(matches, 1);
}

void TestServerGenerations::sameIdDifferentBodyConflicts()
{
    QJsonObject body = imageRequest(QStringLiteral("first wording"), 64, 3);
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), body, m_token).status, 201);
    body.insert(QStringLiteral("prompt"), QStringLiteral("second wording"));
    const ApiReply conflict = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(conflict.status, 409);
    QCOMPARE(conflict.errorCode(), QStringLiteral("id_conflict"));
    // Another user reusing the id conflicts too, and learns nothing about the job.
    const ApiReply foreign = m_api->post(QStringLiteral("/v1/generations"), body, m_otherToken);
    QCOMPARE(foreign.status, 409);
    QVERIFY(!foreign.body.contains("first wording"));
    const QJsonObject job = waitForFinal(*m_api, m_token, body.value(QStringLiteral("id")).toString());
    QCOMPARE(job.value(QStringLiteral("request")).toObject().value(QStringLiteral("prompt")).toString(),
             QStringLiteral("first wording"));
}

void TestServerGenerations::validationNamesTheField_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("media");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("code");
    const QString image = QStringLiteral("image");
    const QString video = QStringLiteral("video");
    QTest::newRow("empty prompt") << "prompt" << QJsonValue(QStringLiteral("   ")) << image << "prompt"
                                  << "required";
    QTest::newRow("oversized prompt") << "prompt" << QJsonValue(QString(2001, u'a')) << image << "prompt"
                                      << "too_long";
    QTest::newRow("prompt not text") << "prompt" << QJsonValue(42) << image << "prompt"
                                     << "wrong_type";
    QTest::newRow("oversized negative") << "negative_prompt" << QJsonValue(QString(1001, u'n')) << image
                                        << "negative_prompt"
                                        << "too_long";
    QTest::newRow("width too small") << "width" << QJsonValue(32) << image << "width"
                                     << "out_of_range";
    QTest::newRow("height too large") << "height" << QJsonValue(4096) << image << "height"
                                      << "out_of_range";
    QTest::newRow("width not multiple") << "width" << QJsonValue(100) << image << "width"
                                        << "not_multiple";
    QTest::newRow("video side over 1280") << "width" << QJsonValue(1600) << video << "width"
                                          << "out_of_range";
    QTest::newRow("zero results") << "count" << QJsonValue(0) << image << "count"
                                  << "out_of_range";
    QTest::newRow("100 results") << "count" << QJsonValue(100) << image << "count"
                                 << "out_of_range";
    QTest::newRow("unknown provider") << "provider" << QJsonValue(QStringLiteral("imaginary")) << image << "provider"
                                      << "unknown";
    QTest::newRow("unknown model") << "model" << QJsonValue(QStringLiteral("sketch-99")) << image << "model"
                                   << "unknown";
    QTest::newRow("negative duration") << "duration_s" << QJsonValue(-2) << video << "duration_s"
                                       << "out_of_range";
    QTest::newRow("duration over 10 s") << "duration_s" << QJsonValue(11) << video << "duration_s"
                                        << "out_of_range";
    QTest::newRow("fps too low") << "fps" << QJsonValue(5) << video << "fps"
                                 << "out_of_range";
    QTest::newRow("id not a uuid") << "id" << QJsonValue(QStringLiteral("job-1")) << image << "id"
                                   << "invalid";
    QTest::newRow("id missing") << "id" << QJsonValue() << image << "id"
                                << "required";
    QTest::newRow("seed negative") << "seed" << QJsonValue(-1) << image << "seed"
                                   << "out_of_range";
}

void TestServerGenerations::validationNamesTheField()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, media);
    QFETCH(QString, field);
    QFETCH(QString, code);
    QJsonObject body = media == QLatin1String("video") ? videoRequest(QStringLiteral("valid words"), 128, 128, 1, 12)
                                                       : imageRequest(QStringLiteral("valid words"));
    if (value.isNull())
        body.remove(key);
    else
        body.insert(key, value);
    const ApiReply reply = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.errorCode(), QStringLiteral("validation_failed"));
    QCOMPARE(reply.fieldCode(field), code);
    QCOMPARE(reply.fields().size(), 1); // only the broken field is named
}

void TestServerGenerations::serverPicksAndReturnsTheSeed()
{
    QJsonObject body = imageRequest(QStringLiteral("a seed of my own"), 64);
    body.insert(QStringLiteral("seed"), QJsonValue::Null);
    const ApiReply created = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(created.status, 201);
    const QJsonValue seed = created.json.value(QStringLiteral("seed"));
    QVERIFY(seed.isDouble());
    QCOMPARE(created.json.value(QStringLiteral("request")).toObject().value(QStringLiteral("seed")), seed);
    // A retry of the same body (seed still null) is the same job with the same seed.
    const ApiReply again = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json.value(QStringLiteral("seed")), seed);
    waitForFinal(*m_api, m_token, body.value(QStringLiteral("id")).toString());
}

void TestServerGenerations::sketchIsDeterministic()
{
    const QString prompt = QStringLiteral("a red balloon over a quiet harbour at dawn");
    const QJsonObject a = submitAndFinish(imageRequest(prompt, 128, 77));
    const QJsonObject b = submitAndFinish(imageRequest(prompt, 128, 77));
    const QJsonObject assetA = a.value(QStringLiteral("assets")).toArray().first().toObject();
    const QJsonObject assetB = b.value(QStringLiteral("assets")).toArray().first().toObject();
    QCOMPARE(assetA.value(QStringLiteral("sha256")).toString().size(), 64);
    QCOMPARE(assetA.value(QStringLiteral("sha256")), assetB.value(QStringLiteral("sha256")));
    QVERIFY(assetA.value(QStringLiteral("id")) != assetB.value(QStringLiteral("id")));
    QCOMPARE(m_api->get(assetA.value(QStringLiteral("content_url")).toString(), m_token).body,
             m_api->get(assetB.value(QStringLiteral("content_url")).toString(), m_token).body);
    // Another seed gives another picture.
    const QJsonObject c = submitAndFinish(imageRequest(prompt, 128, 78));
    QVERIFY(c.value(QStringLiteral("assets")).toArray().first().toObject().value(QStringLiteral("sha256"))
            != assetA.value(QStringLiteral("sha256")));
}

void TestServerGenerations::differentPromptsGiveDifferentImages()
{
    const QStringList prompts { QStringLiteral("snowy mountains under a blue sky"),
                                QStringLiteral("a neon city at night"),
                                QStringLiteral("abstract shapes in orange and purple"),
                                QStringLiteral("a calm green forest by a lake") };
    QSet<QString> hashes;
    QList<QByteArray> images;
    for (const QString &prompt : prompts) {
        const QJsonObject job = submitAndFinish(imageRequest(prompt, 128, 1));
        const QJsonObject asset = job.value(QStringLiteral("assets")).toArray().first().toObject();
        hashes.insert(asset.value(QStringLiteral("sha256")).toString());
        images.append(m_api->get(asset.value(QStringLiteral("content_url")).toString(), m_token).body);
    }
    QCOMPARE(hashes.size(), prompts.size());
    // Visibly different, not a few pixels: the compressed files differ in size by a real margin too.
    for (int i = 1; i < images.size(); ++i)
        QVERIFY(images[i] != images[0]);
}

void TestServerGenerations::listIsNewestFirstAndPaged()
{
    QSet<QString> seen;
    QString cursor;
    QString previousCreated = QStringLiteral("9999");
    int pages = 0;
    do {
        const QString path = QStringLiteral("/v1/generations?limit=3")
            + (cursor.isEmpty() ? QString() : QStringLiteral("&before=") + cursor);
        const ApiReply page = m_api->get(path, m_token);
        QCOMPARE(page.status, 200);
        const QJsonArray items = page.json.value(QStringLiteral("items")).toArray();
        QVERIFY(items.size() <= 3);
        for (const QJsonValue &item : items) {
            const QString id = item.toObject().value(QStringLiteral("id")).toString();
            QVERIFY2(!seen.contains(id), "an item appeared on two pages");
            seen.insert(id);
            const QString created = item.toObject().value(QStringLiteral("created_at")).toString();
            QVERIFY(created <= previousCreated);
            previousCreated = created;
        }
        cursor = page.json.value(QStringLiteral("next_cursor")).toString();
        ++pages;
    } while (!cursor.isEmpty() && pages < 50);
    QVERIFY(pages > 1);
    QVERIFY(seen.size() >= 8);
    QCOMPARE(m_api->get(QStringLiteral("/v1/generations?limit=0"), m_token).fieldCode(QStringLiteral("limit")),
             QStringLiteral("out_of_range"));
    QCOMPARE(m_api->get(QStringLiteral("/v1/generations?before=%%%"), m_token).status, 422);
    // The other user's list is empty of these.
    QVERIFY(m_api->get(QStringLiteral("/v1/generations"), m_otherToken)
                .json.value(QStringLiteral("items"))
                .toArray()
                .isEmpty());
}

void TestServerGenerations::contentHasTypeEtagAndRanges()
{
    const QJsonObject job = submitAndFinish(imageRequest(QStringLiteral("range test"), 64, 1));
    const QJsonObject asset = job.value(QStringLiteral("assets")).toArray().first().toObject();
    const QString url = asset.value(QStringLiteral("content_url")).toString();
    const ApiReply full = m_api->get(url, m_token);
    QCOMPARE(full.headers.value("content-type"), QByteArray("image/png"));
    const QByteArray etag = full.headers.value("etag");
    QCOMPARE(etag, '"' + asset.value(QStringLiteral("sha256")).toString().toLatin1() + '"');
    QCOMPARE(full.headers.value("content-length").toLongLong(), full.body.size());

    const QByteArray head
        = ServerApi::rawExchange(m_server.url(),
                                 "GET " + url.toLatin1() + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                                     + m_token.toLatin1() + "\r\nRange: bytes=0-7\r\nConnection: close\r\n\r\n");
    QCOMPARE(ServerApi::statusOfRaw(head), 206);
    QVERIFY(head.contains(QByteArray("Content-Range: bytes 0-7/" + QByteArray::number(full.body.size()))));
    QVERIFY(head.endsWith(full.body.left(8)));

    const QByteArray notModified = ServerApi::rawExchange(
        m_server.url(),
        "GET " + url.toLatin1() + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + m_token.toLatin1()
            + "\r\nIf-None-Match: " + etag + "\r\nConnection: close\r\n\r\n");
    QCOMPARE(ServerApi::statusOfRaw(notModified), 304);

    // Images have no poster.
    QCOMPARE(
        m_api->get(QStringLiteral("/v1/assets/%1/poster").arg(asset.value(QStringLiteral("id")).toString()), m_token)
            .status,
        404);
    QCOMPARE(m_api->get(url).status, 401);
}

void TestServerGenerations::moderationBlocksBeforeQueueing()
{
    const QJsonObject body = imageRequest(QStringLiteral("A bloodbath on the battlefield"), 64, 1);
    const ApiReply reply = m_api->post(QStringLiteral("/v1/generations"), body, m_token);
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json.value(QStringLiteral("state")).toString(), QStringLiteral("blocked"));
    const QJsonObject moderation = reply.json.value(QStringLiteral("moderation")).toObject();
    QCOMPARE(moderation.value(QStringLiteral("category")).toString(), QStringLiteral("violence"));
    QCOMPARE(moderation.value(QStringLiteral("automated")).toBool(), true);
    QVERIFY(!moderation.value(QStringLiteral("reason")).toString().isEmpty());
    QVERIFY(!moderation.value(QStringLiteral("reason")).toString().contains(QStringLiteral("bloodbath")));
    QVERIFY(QDateTime::fromString(moderation.value(QStringLiteral("decided_at")).toString(), Qt::ISODate).isValid());
    m_blockedDecisionId = moderation.value(QStringLiteral("decision_id")).toString();
    QVERIFY(!m_blockedDecisionId.isEmpty());

    // No work was done: it stays blocked, never started, no assets.
    QTest::qWait(200);
    const QJsonObject job
        = m_api->get(QStringLiteral("/v1/generations/") + body.value(QStringLiteral("id")).toString(), m_token).json;
    QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("blocked"));
    QVERIFY(job.value(QStringLiteral("started_at")).isNull());
    QVERIFY(job.value(QStringLiteral("assets")).toArray().isEmpty());
    // A blocked job cannot be cancelled: it already ended.
    QCOMPARE(m_api
                 ->post(QStringLiteral("/v1/generations/%1/cancel").arg(body.value(QStringLiteral("id")).toString()),
                        {}, m_token)
                 .errorCode(),
             QStringLiteral("not_cancellable"));
}

void TestServerGenerations::otherUsersSeeNothing()
{
    const QJsonObject job = submitAndFinish(imageRequest(QStringLiteral("private sketch"), 64, 2));
    const QString id = job.value(QStringLiteral("id")).toString();
    const QString assetId
        = job.value(QStringLiteral("assets")).toArray().first().toObject().value(QStringLiteral("id")).toString();
    QVERIFY(!assetId.isEmpty());
    const QStringList paths { QStringLiteral("/v1/generations/") + id,
                              QStringLiteral("/v1/assets/%1/content").arg(assetId),
                              QStringLiteral("/v1/assets/%1/poster").arg(assetId) };
    for (const QString &path : paths) {
        const ApiReply reply = m_api->get(path, m_otherToken);
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.errorCode(), QStringLiteral("not_found"));
    }
    QCOMPARE(m_api->post(QStringLiteral("/v1/generations/%1/cancel").arg(id), {}, m_otherToken).status, 404);
    QCOMPARE(m_api->get(QStringLiteral("/v1/generations/") + newId(), m_token).status, 404);
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/%1/content").arg(newId()), m_token).status, 404);
}

void TestServerGenerations::cancelAfterTheEndIsRefused()
{
    const QJsonObject job = submitAndFinish(imageRequest(QStringLiteral("already done"), 64, 2));
    const ApiReply reply = m_api->post(
        QStringLiteral("/v1/generations/%1/cancel").arg(job.value(QStringLiteral("id")).toString()), {}, m_token);
    QCOMPARE(reply.status, 409);
    QCOMPARE(reply.errorCode(), QStringLiteral("not_cancellable"));
}

void TestServerGenerations::storedRecords()
{
    // A prompt that tries to steer file names must not reach the blob store.
    const QJsonObject sneaky = submitAndFinish(imageRequest(QStringLiteral("../../escape/%2e%2e/name.png"), 64, 4));
    QCOMPARE(sneaky.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    m_server.stop();

    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("moderation_decisions"),
                                  QStringLiteral("id = '%1' AND outcome = 'blocked' AND category = 'violence'"
                                                 " AND automated = 1 AND decided_at > 0")
                                      .arg(m_blockedDecisionId)),
             1);
    // Allowed prompts are decided (and recorded) too.
    QVERIFY(ServerApi::countRows(m_server.dataDir(), QStringLiteral("moderation_decisions"),
                                 QStringLiteral("outcome = 'allowed'"))
            > 5);
    // Only the one asset made while the user had opted in (trainingFlagFollowsTheAccountsChoice) may be used.
    QCOMPARE(ServerApi::countRows(m_server.dataDir(), QStringLiteral("assets"),
                                  QStringLiteral("excluded_from_training = 0")),
             1);

    // Every blob is named by the SHA-256 of its bytes, in a folder named by the hash's first two characters.
    const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    int blobs = 0;
    QDirIterator it(m_server.dataDir() + QStringLiteral("/blobs"), QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        QVERIFY2(hex.match(info.fileName()).hasMatch(), qPrintable(info.fileName()));
        QCOMPARE(info.dir().dirName(), info.fileName().left(2));
        QCOMPARE(info.dir().absolutePath(),
                 QDir(m_server.dataDir() + QStringLiteral("/blobs/") + info.fileName().left(2)).absolutePath());
        QFile file(info.filePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex()),
                 info.fileName());
        ++blobs;
    }
    QVERIFY(blobs > 5);
    QVERIFY(!QFileInfo::exists(m_server.dataDir() + QStringLiteral("/escape")));
}

void TestServerGenerations::cleanupTestCase()
{
    m_server.stop();
}

QTEST_GUILESS_MAIN(TestServerGenerations)
#include "tst_ServerGenerations.moc"
