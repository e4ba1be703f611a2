// The gallery API over the real server: keyset pages while new items arrive, filters, prompt
// search, sort, ownership, thumbnails, real deletion (content, thumbnails, search entry, blobs;
// shared bytes kept) and the retention sweep on a moved clock.
#include "GenerationHelpers.h"
#include "ServerApi.h"
#include "TestServer.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QSet>
#include <QUrlQuery>
#include <QtTest>

using namespace pygmi::test;
using namespace pygmi::test::generation;

namespace {
const QString kPassword = QStringLiteral("violet-harbor-42");
}

class TestServerGallery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void pagesHaveNoDuplicatesOrGapsWhileItemsArrive();
    void filtersSearchAndSort();
    void otherUsersAssetsAreInvisible();
    void thumbnailsComeInSizesWithEtags();
    void bulkFavouriteAndTitle();
    void deletionIsRealAndSharedBytesStay();
    void retentionSweepDeletesExpiredEverywhere();
    void searchIndexMatchesTheRows(); // stops the server: keep last

private:
    QJsonArray make(const QString &token, const QJsonObject &request);
    QJsonObject list(const QString &token, const QString &query);
    QStringList idsOf(const QJsonObject &page);
    QString blobPath(const QString &sha) const;
    QStringList thumbnailBlobs() const;

    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    QString m_token;
    QString m_otherToken;
};

void TestServerGallery::initTestCase()
{
    QVERIFY2(m_server.start({ QStringLiteral("--sketch-step-ms"), QStringLiteral("0"), QStringLiteral("--test-clock"),
                              QStringLiteral("--retention-sweep-ms"), QStringLiteral("100") }),
             qPrintable(m_server.errorString()));
    m_api = std::make_unique<ServerApi>(m_server.url());
    m_token = signUp(*m_api, QStringLiteral("archive@example.com"));
    m_otherToken = signUp(*m_api, QStringLiteral("neighbour@example.com"));
    QVERIFY(!m_token.isEmpty());
    QVERIFY(!m_otherToken.isEmpty());
}

QJsonArray TestServerGallery::make(const QString &token, const QJsonObject &request)
{
    const ApiReply reply = m_api->post(QStringLiteral("/v1/generations"), request, token);
    if (reply.status != 201)
        qWarning() << "submit answered" << reply.status << reply.body;
    const QJsonObject job = waitForFinal(*m_api, token, request.value(QStringLiteral("id")).toString());
    if (job.value(QStringLiteral("state")).toString() != u"succeeded")
        qWarning() << "job ended" << job;
    return job.value(QStringLiteral("assets")).toArray();
}

QJsonObject TestServerGallery::list(const QString &token, const QString &query)
{
    const ApiReply reply = m_api->get(QStringLiteral("/v1/assets?") + query, token);
    if (reply.status != 200)
        qWarning() << "list answered" << reply.status << reply.body;
    return reply.json;
}

QStringList TestServerGallery::idsOf(const QJsonObject &page)
{
    QStringList ids;
    for (const QJsonValue &item : page.value(QStringLiteral("items")).toArray())
        ids << item.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

QString TestServerGallery::blobPath(const QString &sha) const
{
    return m_server.dataDir() + QStringLiteral("/blobs/") + sha.left(2) + u'/' + sha;
}

void TestServerGallery::pagesHaveNoDuplicatesOrGapsWhileItemsArrive()
{
    QJsonObject four = imageRequest(QStringLiteral("lighthouse at dusk"), 64, 11);
    four.insert(QStringLiteral("count"), 4);
    for (int i = 0; i < 3; ++i) {
        four.insert(QStringLiteral("id"), newId());
        four.insert(QStringLiteral("seed"), 11 + i);
        QCOMPARE(make(m_token, four).size(), 4);
    }
    const QJsonObject all = list(m_token, QStringLiteral("limit=200"));
    const QStringList before = idsOf(all);
    QCOMPARE(before.size(), 12);
    QCOMPARE(all.value(QStringLiteral("total")).toInt(), 12);

    for (const QString &sort : { QStringLiteral("newest"), QStringLiteral("oldest") }) {
        QStringList seen;
        QString cursor;
        int pages = 0;
        do {
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("limit"), QStringLiteral("5"));
            query.addQueryItem(QStringLiteral("sort"), sort);
            if (!cursor.isEmpty())
                query.addQueryItem(QStringLiteral("cursor"), cursor);
            const QJsonObject page = list(m_token, query.toString(QUrl::FullyEncoded));
            seen += idsOf(page);
            cursor = page.value(QStringLiteral("next_cursor")).toString();
            if (pages++ == 0) {
                // New results arrive while the user pages.
                four.insert(QStringLiteral("id"), newId());
                four.insert(QStringLiteral("seed"), 100 + pages);
                QCOMPARE(make(m_token, four).size(), 4);
            }
        } while (!cursor.isEmpty() && pages < 20);
        QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), seen.size()); // no duplicate
        for (const QString &id : before)
            QVERIFY2(seen.contains(id), "an item that existed all along was skipped"); // no gap
        if (sort == u"newest") {
            QCOMPARE(seen.size(), before.size()); // the new ones are above the first page
            QCOMPARE(seen, before);
        } else {
            // Oldest first: what arrived while paging (here and in the pass above) comes at the end.
            QCOMPARE(seen.size(), before.size() + 8);
        }
    }
    // A cursor of one sort is refused for the other.
    const QJsonObject newest = list(m_token, QStringLiteral("limit=2"));
    const ApiReply mixed = m_api->get(QStringLiteral("/v1/assets?sort=oldest&cursor=")
                                          + newest.value(QStringLiteral("next_cursor")).toString(),
                                      m_token);
    QCOMPARE(mixed.status, 422);
    QCOMPARE(mixed.fieldCode(QStringLiteral("cursor")), QStringLiteral("invalid"));
}

void TestServerGallery::filtersSearchAndSort()
{
    make(m_token, imageRequest(QStringLiteral("red fox in the snow"), 64, 1));
    make(m_token, imageRequest(QStringLiteral("blue whale in deep ocean"), 64, 2));
    make(m_token, imageRequest(QStringLiteral("a red vintage car"), 64, 3));
    const QJsonArray video = make(m_token, videoRequest(QStringLiteral("foxes running"), 64, 64, 1, 12, 4));
    QCOMPARE(video.size(), 1);

    QCOMPARE(list(m_token, QStringLiteral("q=red")).value(QStringLiteral("items")).toArray().size(), 2);
    QCOMPARE(list(m_token, QStringLiteral("q=red")).value(QStringLiteral("total")).toInt(), 2);
    // Prefix match as the user types, accents and case ignored, every word required.
    QCOMPARE(list(m_token, QStringLiteral("q=FO")).value(QStringLiteral("items")).toArray().size(), 2);
    QCOMPARE(list(m_token, QStringLiteral("q=red%20fo")).value(QStringLiteral("items")).toArray().size(), 1);
    QCOMPARE(list(m_token, QStringLiteral("q=%C3%B3cean")).value(QStringLiteral("items")).toArray().size(), 1);
    // Operators typed by a person are words, not syntax.
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets?q=%22red%22%20OR%20*"), m_token).status, 200);

    const QJsonObject videos = list(m_token, QStringLiteral("media=video"));
    QCOMPARE(idsOf(videos), QStringList { video.at(0).toObject().value(QStringLiteral("id")).toString() });
    QVERIFY(!idsOf(list(m_token, QStringLiteral("media=image"))).contains(idsOf(videos).first()));

    QCOMPARE(
        list(m_token, QStringLiteral("provider=sketch&model=sketch-1&limit=1")).value(QStringLiteral("total")).toInt(),
        list(m_token, QStringLiteral("limit=1")).value(QStringLiteral("total")).toInt());
    QCOMPARE(list(m_token, QStringLiteral("provider=elsewhere")).value(QStringLiteral("total")).toInt(), 0);
    QCOMPARE(list(m_token, QStringLiteral("to=2020-01-01")).value(QStringLiteral("total")).toInt(), 0);
    QCOMPARE(list(m_token, QStringLiteral("from=2020-01-01&limit=1")).value(QStringLiteral("total")).toInt(),
             list(m_token, QStringLiteral("limit=1")).value(QStringLiteral("total")).toInt());

    const QStringList newest = idsOf(list(m_token, QStringLiteral("limit=200")));
    QStringList oldest = idsOf(list(m_token, QStringLiteral("limit=200&sort=oldest")));
    std::reverse(oldest.begin(), oldest.end());
    QCOMPARE(oldest, newest);

    QCOMPARE(m_api->get(QStringLiteral("/v1/assets?media=gif"), m_token).fieldCode(QStringLiteral("media")),
             QStringLiteral("invalid"));
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets?limit=0"), m_token).fieldCode(QStringLiteral("limit")),
             QStringLiteral("out_of_range"));
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets?from=yesterday"), m_token).fieldCode(QStringLiteral("from")),
             QStringLiteral("invalid"));
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets"), QString()).status, 401);

    const ApiReply facets = m_api->get(QStringLiteral("/v1/assets/facets"), m_token);
    QCOMPARE(facets.status, 200);
    QCOMPARE(facets.json.value(QStringLiteral("providers")).toArray().size(), 1);
}

void TestServerGallery::otherUsersAssetsAreInvisible()
{
    const QString id = idsOf(list(m_token, QStringLiteral("limit=1"))).first();
    QCOMPARE(list(m_otherToken, QString()).value(QStringLiteral("total")).toInt(), 0);
    QCOMPARE(list(m_otherToken, QStringLiteral("q=red")).value(QStringLiteral("total")).toInt(), 0);
    for (const QString &suffix : { QString(), QStringLiteral("/thumbnail"), QStringLiteral("/content") })
        QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + id + suffix, m_otherToken).status, 404);
    QCOMPARE(m_api
                 ->send("PATCH", QStringLiteral("/v1/assets/") + id, R"({"favourite":true})", "application/json",
                        m_otherToken)
                 .status,
             404);
    QCOMPARE(m_api->send("DELETE", QStringLiteral("/v1/assets/") + id, {}, {}, m_otherToken).status, 404);
    const ApiReply bulk = m_api->post(QStringLiteral("/v1/assets/delete"),
                                      QJsonObject { { QStringLiteral("ids"), QJsonArray { id } } }, m_otherToken);
    QCOMPARE(bulk.status, 200);
    QCOMPARE(bulk.json.value(QStringLiteral("deleted")).toArray().size(), 0);
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + id, m_token).status, 200); // still there
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + id + QStringLiteral("x"), m_token).status, 404);
}

void TestServerGallery::thumbnailsComeInSizesWithEtags()
{
    const QJsonArray made = make(m_token, imageRequest(QStringLiteral("tall tower"), 512, 9));
    const QString id = made.at(0).toObject().value(QStringLiteral("id")).toString();
    const QString base = QStringLiteral("/v1/assets/") + id + QStringLiteral("/thumbnail");
    for (const auto &[asked, expected] : { std::pair { 128, 128 }, std::pair { 200, 256 }, std::pair { 300, 512 } }) {
        const ApiReply reply = m_api->get(base + QStringLiteral("?size=") + QString::number(asked), m_token);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.headers.value("content-type"), QByteArray("image/jpeg"));
        QVERIFY(reply.headers.value("cache-control").contains("immutable"));
        const QImage image = QImage::fromData(reply.body, "JPEG");
        QVERIFY(!image.isNull());
        QCOMPARE(std::max(image.width(), image.height()), expected);
        const QByteArray etag = reply.headers.value("etag");
        QVERIFY(!etag.isEmpty());
        // The same size again is served from the store; If-None-Match gives 304.
        QCOMPARE(m_api->get(base + QStringLiteral("?size=") + QString::number(asked), m_token).headers.value("etag"),
                 etag);
        m_api->extraHeaders = { { "If-None-Match", etag } };
        QCOMPARE(m_api->get(base + QStringLiteral("?size=") + QString::number(asked), m_token).status, 304);
        m_api->extraHeaders.clear();
    }
    // A video's thumbnail is drawn from its poster.
    const QString video = idsOf(list(m_token, QStringLiteral("media=video"))).first();
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + video + QStringLiteral("/thumbnail?size=128"), m_token).status,
             200);
    // Content still honours ranges (video seeking).
    m_api->extraHeaders = { { "Range", "bytes=0-9" } };
    const ApiReply part = m_api->get(QStringLiteral("/v1/assets/") + video + QStringLiteral("/content"), m_token);
    m_api->extraHeaders.clear();
    QCOMPARE(part.status, 206);
    QCOMPARE(part.body.size(), 10);
    QCOMPARE(part.headers.value("content-type"), QByteArray("video/webm"));
}

void TestServerGallery::bulkFavouriteAndTitle()
{
    const QStringList ids = idsOf(list(m_token, QStringLiteral("q=red")));
    QCOMPARE(ids.size(), 2);
    EventSocket events;
    QVERIFY(events.open(m_server.url(), m_token));
    const ApiReply reply = m_api->post(QStringLiteral("/v1/assets/favourite"),
                                       QJsonObject { { QStringLiteral("ids"), QJsonArray::fromStringList(ids) },
                                                     { QStringLiteral("favourite"), true } },
                                       m_token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("updated")).toArray().size(), 2);
    const QStringList favourites = idsOf(list(m_token, QStringLiteral("favourite=true")));
    QCOMPARE(QSet<QString>(favourites.cbegin(), favourites.cend()), QSet<QString>(ids.cbegin(), ids.cend()));
    QVERIFY(events.waitFor([](const QJsonObject &frame) {
        return frame.value(QStringLiteral("type")).toString() == u"asset.updated"
            && frame.value(QStringLiteral("asset")).toObject().value(QStringLiteral("favourite")).toBool();
    }));

    const ApiReply titled = m_api->send("PATCH", QStringLiteral("/v1/assets/") + ids.first(),
                                        R"({"title":"Winter study","favourite":false})", "application/json", m_token);
    QCOMPARE(titled.status, 200);
    QCOMPARE(titled.json.value(QStringLiteral("title")).toString(), QStringLiteral("Winter study"));
    QCOMPARE(titled.json.value(QStringLiteral("favourite")).toBool(), false);
    QCOMPARE(idsOf(list(m_token, QStringLiteral("q=winter"))), QStringList { ids.first() }); // titles are searched
    const ApiReply wrong = m_api->send("PATCH", QStringLiteral("/v1/assets/") + ids.first(), R"({"favourite":"yes"})",
                                       "application/json", m_token);
    QCOMPARE(wrong.fieldCode(QStringLiteral("favourite")), QStringLiteral("wrong_type"));
}

QStringList TestServerGallery::thumbnailBlobs() const
{
    QStringList files;
    QDirIterator it(m_server.dataDir() + QStringLiteral("/blobs"), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QFileInfo(it.next()).fileName();
    return files;
}

void TestServerGallery::deletionIsRealAndSharedBytesStay()
{
    // Two identical requests give identical bytes: one blob, two rows.
    const QJsonObject request = imageRequest(QStringLiteral("twin moons over a quiet lake"), 64, 77);
    const QJsonObject first = make(m_token, request).at(0).toObject();
    QJsonObject again = request;
    again.insert(QStringLiteral("id"), newId());
    const QJsonObject second = make(m_token, again).at(0).toObject();
    const QString sha = first.value(QStringLiteral("sha256")).toString();
    QCOMPARE(second.value(QStringLiteral("sha256")).toString(), sha);
    const QString firstId = first.value(QStringLiteral("id")).toString();
    const QString secondId = second.value(QStringLiteral("id")).toString();
    const ApiReply thumb = m_api->get(QStringLiteral("/v1/assets/") + firstId + QStringLiteral("/thumbnail"), m_token);
    QCOMPARE(thumb.status, 200);
    const QString thumbSha = QString::fromLatin1(thumb.headers.value("etag")).remove(u'"');
    QVERIFY(QFileInfo::exists(blobPath(thumbSha)));

    EventSocket events;
    QVERIFY(events.open(m_server.url(), m_token));
    QCOMPARE(m_api->send("DELETE", QStringLiteral("/v1/assets/") + firstId, {}, {}, m_token).status, 204);
    QVERIFY(events.waitFor([&](const QJsonObject &frame) {
        return frame.value(QStringLiteral("type")).toString() == u"asset.deleted"
            && frame.value(QStringLiteral("asset_id")).toString() == firstId;
    }));
    for (const QString &suffix : { QString(), QStringLiteral("/thumbnail"), QStringLiteral("/content") })
        QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + firstId + suffix, m_token).status, 404);
    QCOMPARE(m_api->send("DELETE", QStringLiteral("/v1/assets/") + firstId, {}, {}, m_token).status, 404);
    // The twin still uses the bytes: they stay, and so does its thumbnail.
    QVERIFY(QFileInfo::exists(blobPath(sha)));
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + secondId + QStringLiteral("/content"), m_token).status, 200);
    QCOMPARE(list(m_token, QStringLiteral("q=twin")).value(QStringLiteral("total")).toInt(), 1);

    // The last row goes: the bytes and the thumbnails go with it (bulk delete this time).
    const ApiReply bulk = m_api->post(QStringLiteral("/v1/assets/delete"),
                                      QJsonObject { { QStringLiteral("ids"), QJsonArray { secondId } } }, m_token);
    QCOMPARE(bulk.json.value(QStringLiteral("deleted")).toArray(), QJsonArray { secondId });
    QVERIFY(!QFileInfo::exists(blobPath(sha)));
    QVERIFY(!QFileInfo::exists(blobPath(thumbSha)));
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + secondId + QStringLiteral("/content"), m_token).status, 404);
    QCOMPARE(list(m_token, QStringLiteral("q=twin")).value(QStringLiteral("total")).toInt(), 0);
}

void TestServerGallery::retentionSweepDeletesExpiredEverywhere()
{
    // Old content of this user, then the clock moves 20 days; new content of both users; then 11
    // more days: the old content is 31 days old (past the 30-day default), the new 11 days.
    const QJsonArray old = make(m_token, imageRequest(QStringLiteral("ancient ruins at noon"), 64, 501));
    const QString oldId = old.at(0).toObject().value(QStringLiteral("id")).toString();
    const QString oldSha = old.at(0).toObject().value(QStringLiteral("sha256")).toString();
    const ApiReply oldThumb = m_api->get(QStringLiteral("/v1/assets/") + oldId + QStringLiteral("/thumbnail"), m_token);
    const QString oldThumbSha = QString::fromLatin1(oldThumb.headers.value("etag")).remove(u'"');
    QVERIFY(QFileInfo::exists(blobPath(oldThumbSha)));

    const auto advanceDays = [&](int days) {
        const ApiReply moved = m_api->post(QStringLiteral("/v1/test/clock"),
                                           QJsonObject { { QStringLiteral("advance_seconds"), days * 24 * 3600 } });
        QCOMPARE(moved.status, 200);
        // Access tokens expired with the jump: sign in again.
        m_token = m_api->login(QStringLiteral("archive@example.com"), kPassword)
                      .json.value(QStringLiteral("access_token"))
                      .toString();
        m_otherToken = m_api->login(QStringLiteral("neighbour@example.com"), kPassword)
                           .json.value(QStringLiteral("access_token"))
                           .toString();
    };
    advanceDays(20);
    const QString freshId = make(m_token, imageRequest(QStringLiteral("fresh bread"), 64, 502))
                                .at(0)
                                .toObject()
                                .value(QStringLiteral("id"))
                                .toString();
    const QString neighbourId = make(m_otherToken, imageRequest(QStringLiteral("neighbour's garden"), 64, 503))
                                    .at(0)
                                    .toObject()
                                    .value(QStringLiteral("id"))
                                    .toString();
    EventSocket events;
    QVERIFY(events.open(m_server.url(), m_token));
    advanceDays(11);

    // The sweep runs on its own (every 100 ms here): wait for the bytes to go.
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(blobPath(oldSha)), 5000);
    QVERIFY(!QFileInfo::exists(blobPath(oldThumbSha)));
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + oldId, m_token).status, 404);
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + oldId + QStringLiteral("/content"), m_token).status, 404);
    QCOMPARE(list(m_token, QStringLiteral("q=ancient")).value(QStringLiteral("total")).toInt(), 0);
    QVERIFY(events.waitFor([&](const QJsonObject &frame) {
        return frame.value(QStringLiteral("type")).toString() == u"asset.deleted"
            && frame.value(QStringLiteral("asset_id")).toString() == oldId
            && frame.value(QStringLiteral("reason")).toString() == u"expired";
    }));
    // Everything of the first 31 days is gone; what is 11 days old stays, for both users.
    QCOMPARE(idsOf(list(m_token, QStringLiteral("limit=200"))), QStringList { freshId });
    QCOMPARE(idsOf(list(m_otherToken, QStringLiteral("limit=200"))), QStringList { neighbourId });
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + freshId + QStringLiteral("/content"), m_token).status, 200);
    QCOMPARE(m_api->get(QStringLiteral("/v1/assets/") + neighbourId + QStringLiteral("/content"), m_otherToken).status,
             200);
    const QJsonObject fresh = m_api->get(QStringLiteral("/v1/assets/") + freshId, m_token).json;
    QVERIFY(!fresh.value(QStringLiteral("expires_at")).toString().isEmpty());
}

void TestServerGallery::searchIndexMatchesTheRows()
{
    m_server.stop();
    const QString dir = m_server.dataDir();
    QCOMPARE(ServerApi::countRows(dir, QStringLiteral("assets")), 2);
    QCOMPARE(ServerApi::countRows(dir, QStringLiteral("asset_search")), 2);
    // No thumbnail row outlives its content.
    QCOMPARE(ServerApi::countRows(dir, QStringLiteral("asset_thumbnails"),
                                  QStringLiteral("source_sha256 NOT IN (SELECT sha256 FROM assets UNION SELECT "
                                                 "poster_sha256 FROM assets WHERE poster_sha256 IS NOT NULL)")),
             0);
}

QTEST_GUILESS_MAIN(TestServerGallery)
#include "tst_ServerGallery.moc"
