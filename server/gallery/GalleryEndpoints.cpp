#include "GalleryEndpoints.h"

#include "AssetRemover.h"
#include "GalleryStore.h"
#include "ThumbnailMaker.h"
#include "auth/AuthEndpoints.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "events/EventHub.h"
#include "generation/GenerationStore.h"
#include "http/ApiError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "storage/BlobStore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimeZone>
#include <charconv>

namespace pygmi::server {

namespace {

constexpr int kListDefault = 50;
constexpr int kListMax = 200;
constexpr int kSearchMaxChars = 200;
constexpr int kTitleMaxChars = 200;
constexpr int kBulkMax = 1000;

bool isUuid(const QString &text)
{
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    return uuid.match(text).hasMatch();
}

// "2026-11-01" (a whole day; `end` means the day after it) or an ISO 8601 instant.
std::optional<std::int64_t> parseInstant(const QString &text, bool end)
{
    if (text.size() == 10) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (!date.isValid())
            return std::nullopt;
        return QDateTime(end ? date.addDays(1) : date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    }
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    return time.toMSecsSinceEpoch();
}

HttpResponse cachedImage(const HttpRequest &request, const QString &sha, std::string contentType,
                         const std::optional<QByteArray> &bytes)
{
    HttpResponse response;
    const std::string etag = '"' + sha.toStdString() + '"';
    response.headers.emplace_back("ETag", etag);
    // Thumbnails are named by their bytes: a URL's answer only changes if the asset is deleted.
    response.headers.emplace_back("Cache-Control", "private, max-age=31536000, immutable");
    if (request.header("if-none-match") == etag) {
        response.status = 304;
        response.contentType.clear();
        return response;
    }
    if (!bytes)
        return ApiError::notFound();
    response.contentType = std::move(contentType);
    response.body = bytes->toStdString();
    return response;
}

} // namespace

GalleryEndpoints::GalleryEndpoints(const AuthEndpoints &auth, const GalleryStore &store, AssetRemover &remover,
                                   const BlobStore &blobs, EventHub &events, const Clock &clock)
    : m_auth(auth)
    , m_store(store)
    , m_remover(remover)
    , m_blobs(blobs)
    , m_events(events)
    , m_clock(clock)
{ }

void GalleryEndpoints::registerRoutes(Router &router)
{
    const auto bind = [this](HttpResponse (GalleryEndpoints::*method)(const HttpRequest &)) {
        return [this, method](const HttpRequest &request) { return (this->*method)(request); };
    };
    router.add("GET", "/v1/assets", bind(&GalleryEndpoints::list));
    router.add("GET", "/v1/assets/facets", bind(&GalleryEndpoints::facets));
    router.add("POST", "/v1/assets/delete", bind(&GalleryEndpoints::bulkDelete));
    router.add("POST", "/v1/assets/favourite", bind(&GalleryEndpoints::bulkFavourite));
    router.add("GET", "/v1/assets/{id}", bind(&GalleryEndpoints::get));
    router.add("PATCH", "/v1/assets/{id}", bind(&GalleryEndpoints::patch));
    router.add("DELETE", "/v1/assets/{id}", bind(&GalleryEndpoints::remove));
    router.add("GET", "/v1/assets/{id}/thumbnail", bind(&GalleryEndpoints::thumbnail));
}

HttpResponse GalleryEndpoints::list(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    GalleryStore::Query query;
    query.limit = kListDefault;
    ApiError::FieldErrors errors;
    const auto text = [&](std::string_view name) {
        const auto raw = request.queryValue(name);
        return raw ? QString::fromStdString(*raw) : QString();
    };
    if (const auto raw = request.queryValue("limit")) {
        const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), query.limit);
        if (ec != std::errc() || end != raw->data() + raw->size())
            errors.insert(QStringLiteral("limit"), QStringLiteral("wrong_type"));
        else if (query.limit < 1 || query.limit > kListMax)
            errors.insert(QStringLiteral("limit"), QStringLiteral("out_of_range"));
    }
    const QString sort = text("sort");
    if (sort == u"oldest")
        query.sort = GalleryStore::Sort::Oldest;
    else if (!sort.isEmpty() && sort != u"newest")
        errors.insert(QStringLiteral("sort"), QStringLiteral("invalid"));
    query.media = text("media");
    if (!query.media.isEmpty() && query.media != u"image" && query.media != u"video")
        errors.insert(QStringLiteral("media"), QStringLiteral("invalid"));
    const QString favourite = text("favourite");
    if (favourite == u"true")
        query.favouritesOnly = true;
    else if (!favourite.isEmpty() && favourite != u"false")
        errors.insert(QStringLiteral("favourite"), QStringLiteral("wrong_type"));
    for (const auto &[key, end] : { std::pair { "from", false }, std::pair { "to", true } }) {
        const QString value = text(key);
        if (value.isEmpty())
            continue;
        const auto instant = parseInstant(value, end);
        if (!instant)
            errors.insert(QString::fromLatin1(key), QStringLiteral("invalid"));
        else
            (end ? query.to : query.from) = instant;
    }
    query.provider = text("provider");
    query.model = text("model");
    query.text = text("q");
    if (query.text.size() > kSearchMaxChars)
        errors.insert(QStringLiteral("q"), QStringLiteral("too_long"));
    const QString cursor = text("cursor");
    if (!cursor.isEmpty()) {
        query.after = GalleryStore::decodeCursor(cursor);
        if (!query.after || query.after->sort != query.sort)
            errors.insert(QStringLiteral("cursor"), QStringLiteral("invalid"));
    }
    if (!errors.isEmpty())
        return ApiError::validation(errors);

    const std::int64_t now = m_clock.nowMs();
    const int limit = query.limit;
    query.limit = limit + 1; // one more tells whether there is a next page
    std::vector<GenerationStore::Asset> items = m_store.list(caller.userId, query, now);
    QJsonValue nextCursor;
    if (int(items.size()) > limit) {
        items.resize(limit);
        nextCursor = GalleryStore::encodeCursor({ query.sort, items.back().createdAt, items.back().id });
    }
    QJsonArray array;
    for (const auto &item : items)
        array.append(GenerationStore::toJson(item));
    QJsonObject body { { QStringLiteral("items"), array }, { QStringLiteral("next_cursor"), nextCursor } };
    // The total is counted once, for the first page; later pages would only repeat it.
    if (!query.after)
        body.insert(QStringLiteral("total"), qint64(m_store.count(caller.userId, query, now)));
    return HttpResponse::json(200, body);
}

HttpResponse GalleryEndpoints::facets(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    QJsonArray providers;
    for (const auto &[provider, model] : m_store.providers(caller.userId, m_clock.nowMs()))
        providers.append(QJsonObject { { QStringLiteral("provider"), provider }, { QStringLiteral("model"), model } });
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("providers"), providers } });
}

HttpResponse GalleryEndpoints::get(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const auto asset = m_store.find(caller.userId, id, m_clock.nowMs());
    if (!asset)
        return ApiError::notFound();
    return HttpResponse::json(200, GenerationStore::toJson(*asset));
}

HttpResponse GalleryEndpoints::patch(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    QJsonObject body;
    if (auto failure = JsonBody::parseObject(request.body, body))
        return *failure;
    ApiError::FieldErrors errors;
    std::optional<bool> favourite;
    std::optional<QString> title;
    if (body.contains(QStringLiteral("favourite"))) {
        if (!body.value(QStringLiteral("favourite")).isBool())
            errors.insert(QStringLiteral("favourite"), QStringLiteral("wrong_type"));
        else
            favourite = body.value(QStringLiteral("favourite")).toBool();
    }
    if (body.contains(QStringLiteral("title"))) {
        if (!body.value(QStringLiteral("title")).isString())
            errors.insert(QStringLiteral("title"), QStringLiteral("wrong_type"));
        else if (body.value(QStringLiteral("title")).toString().trimmed().size() > kTitleMaxChars)
            errors.insert(QStringLiteral("title"), QStringLiteral("too_long"));
        else
            title = body.value(QStringLiteral("title")).toString().trimmed();
    }
    if (!errors.isEmpty())
        return ApiError::validation(errors);
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const std::int64_t now = m_clock.nowMs();
    if (!m_store.update(caller.userId, id, favourite, title, now))
        return ApiError::notFound();
    const auto asset = m_store.find(caller.userId, id, now);
    if (!asset)
        return ApiError::notFound();
    const QJsonObject json = GenerationStore::toJson(*asset);
    if (favourite || title) {
        m_events.publish(caller.userId,
                         QJsonObject { { QStringLiteral("type"), QStringLiteral("asset.updated") },
                                       { QStringLiteral("asset"), json } });
    }
    return HttpResponse::json(200, json);
}

HttpResponse GalleryEndpoints::remove(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    if (!isUuid(id))
        return ApiError::notFound();
    const auto removed = m_store.remove(caller.userId, { id });
    if (removed.empty())
        return ApiError::notFound();
    m_remover.finish(removed, QStringLiteral("deleted"));
    return HttpResponse::noContent();
}

std::optional<HttpResponse> GalleryEndpoints::parseIds(const QJsonObject &body, QStringList *ids) const
{
    ApiError::FieldErrors errors;
    const QJsonValue value = body.value(QStringLiteral("ids"));
    if (value.isUndefined()) {
        errors.insert(QStringLiteral("ids"), QStringLiteral("required"));
    } else if (!value.isArray()) {
        errors.insert(QStringLiteral("ids"), QStringLiteral("wrong_type"));
    } else if (value.toArray().size() > kBulkMax) {
        errors.insert(QStringLiteral("ids"), QStringLiteral("too_long"));
    } else {
        for (const QJsonValue &item : value.toArray()) {
            const QString id = item.toString().toLower();
            if (!item.isString() || !isUuid(id)) {
                errors.insert(QStringLiteral("ids"), QStringLiteral("invalid"));
                break;
            }
            if (!ids->contains(id))
                ids->append(id);
        }
    }
    if (!errors.isEmpty())
        return ApiError::validation(errors);
    return std::nullopt;
}

HttpResponse GalleryEndpoints::bulkDelete(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    QJsonObject body;
    if (auto failure = JsonBody::parseObject(request.body, body))
        return *failure;
    QStringList ids;
    if (auto failure = parseIds(body, &ids))
        return *failure;
    const auto removed = m_store.remove(caller.userId, ids);
    m_remover.finish(removed, QStringLiteral("deleted"));
    QJsonArray deleted;
    for (const auto &row : removed)
        deleted.append(row.id);
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("deleted"), deleted } });
}

HttpResponse GalleryEndpoints::bulkFavourite(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    QJsonObject body;
    if (auto failure = JsonBody::parseObject(request.body, body))
        return *failure;
    QStringList ids;
    if (auto failure = parseIds(body, &ids))
        return *failure;
    const QJsonValue favourite = body.value(QStringLiteral("favourite"));
    if (!favourite.isBool()) {
        return ApiError::validation(
            { { QStringLiteral("favourite"),
                favourite.isUndefined() ? QStringLiteral("required") : QStringLiteral("wrong_type") } });
    }
    const std::int64_t now = m_clock.nowMs();
    const QStringList updated = m_store.setFavourite(caller.userId, ids, favourite.toBool(), now);
    QJsonArray array;
    for (const QString &id : updated) {
        array.append(id);
        publishUpdated(caller.userId, id);
    }
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("updated"), array } });
}

void GalleryEndpoints::publishUpdated(const QString &userId, const QString &assetId)
{
    if (const auto asset = m_store.find(userId, assetId, m_clock.nowMs())) {
        m_events.publish(userId,
                         QJsonObject { { QStringLiteral("type"), QStringLiteral("asset.updated") },
                                       { QStringLiteral("asset"), GenerationStore::toJson(*asset) } });
    }
}

HttpResponse GalleryEndpoints::thumbnail(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    int size = 256;
    if (const auto raw = request.queryValue("size")) {
        int asked = 0;
        const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), asked);
        if (ec != std::errc() || end != raw->data() + raw->size() || asked < 1)
            return ApiError::validation({ { QStringLiteral("size"), QStringLiteral("invalid") } });
        // The smallest stored size that is at least what was asked (or the largest).
        size = kThumbnailSizes[std::size(kThumbnailSizes) - 1];
        for (int candidate : kThumbnailSizes) {
            if (candidate >= asked) {
                size = candidate;
                break;
            }
        }
    }
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const std::int64_t now = m_clock.nowMs();
    const auto asset = m_store.find(caller.userId, id, now);
    if (!asset)
        return ApiError::notFound();
    const QString source = asset->posterSha256.isEmpty() ? asset->sha256 : asset->posterSha256;
    if (const auto known = m_store.thumbnail(source, size)) {
        if (request.header("if-none-match") == '"' + known->sha256.toStdString() + '"')
            return cachedImage(request, known->sha256, "image/jpeg", std::nullopt);
        if (auto bytes = m_blobs.read(known->sha256))
            return cachedImage(request, known->sha256, "image/jpeg", bytes);
        // The index names a blob that is gone: make it again below.
    }
    const auto original = m_blobs.read(source);
    if (!original)
        return ApiError::notFound();
    const ThumbnailMaker::Result made = ThumbnailMaker::make(*original, size);
    if (made.jpeg.isEmpty()) {
        qCWarning(lcStorage) << "cannot make a thumbnail of an asset";
        return ApiError::make(422, QStringLiteral("no_thumbnail"), QStringLiteral("This asset has no image to show."));
    }
    std::optional<QString> sha;
    {
        // The thumbnail's blob and its index row appear together for collectors (see BlobStore).
        const auto blobLock = m_blobs.lockReferences();
        sha = m_blobs.put(made.jpeg);
        if (!sha)
            return ApiError::internalError();
        m_store.addThumbnail(source, size, { *sha, made.width, made.height }, made.jpeg.size(), now);
    }
    return cachedImage(request, *sha, "image/jpeg", made.jpeg);
}

} // namespace pygmi::server
