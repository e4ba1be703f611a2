#include "GalleryService.h"

#include "api/ApiClient.h"

#include <QJsonArray>
#include <QPointer>

namespace pygmi::core {

namespace {

QStringList idList(const QJsonValue &value)
{
    QStringList ids;
    for (const QJsonValue &id : value.toArray())
        ids << id.toString();
    return ids;
}

constexpr int kBulkChunk = 500; // the server takes at most 1000 ids per request

} // namespace

AssetPage AssetPage::fromJson(const QJsonObject &json)
{
    AssetPage page;
    page.json = json;
    for (const QJsonValue &item : json.value(QStringLiteral("items")).toArray())
        page.items << Asset::fromJson(item.toObject());
    page.nextCursor = json.value(QStringLiteral("next_cursor")).toString();
    if (json.contains(QStringLiteral("total")))
        page.total = qint64(json.value(QStringLiteral("total")).toDouble());
    return page;
}

GalleryService::GalleryService(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
{ }

void GalleryService::list(const GalleryQuery &query, const QString &cursor, int limit, QObject *context, PageDone done)
{
    QUrlQuery url = query.toUrlQuery();
    url.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!cursor.isEmpty())
        url.addQueryItem(QStringLiteral("cursor"), cursor);
    ApiRequest request;
    request.path = QStringLiteral("/v1/assets?") + url.toString(QUrl::FullyEncoded);
    request.idempotent = true;
    request.timeoutMs = 15000;
    m_api->send(request, context, [done](const ApiResponse &response) {
        done(response.ok() ? AssetPage::fromJson(response.json) : AssetPage {}, response.error);
    });
}

void GalleryService::get(const QString &id, QObject *context, AssetDone done)
{
    m_api->get(QStringLiteral("/v1/assets/") + id, context, [done](const ApiResponse &response) {
        done(response.ok() ? Asset::fromJson(response.json) : Asset {}, response.error);
    });
}

void GalleryService::setTitle(const QString &id, const QString &title, QObject *context, AssetDone done)
{
    ApiRequest request;
    request.method = "PATCH";
    request.path = QStringLiteral("/v1/assets/") + id;
    request.body = QJsonObject { { QStringLiteral("title"), title } };
    request.idempotent = true;
    QPointer<GalleryService> self(this);
    m_api->send(request, context, [self, done](const ApiResponse &response) {
        const Asset asset = response.ok() ? Asset::fromJson(response.json) : Asset {};
        if (response.ok() && self)
            Q_EMIT self->assetsChanged({ asset });
        done(asset, response.error);
    });
}

void GalleryService::setFavourite(const QStringList &ids, bool favourite, QObject *context, IdsDone done)
{
    // Chunks one after another; the answer lists every id changed.
    auto remaining = std::make_shared<QStringList>(ids);
    auto changed = std::make_shared<QStringList>();
    auto step = std::make_shared<std::function<void()>>();
    QPointer<GalleryService> self(this);
    *step = [self, remaining, changed, favourite, context, done, step]() {
        if (!self)
            return;
        if (remaining->isEmpty()) {
            done(*changed, {});
            *step = nullptr; // breaks the self-reference
            return;
        }
        const QStringList chunk = remaining->mid(0, kBulkChunk);
        remaining->remove(0, chunk.size());
        self->m_api->post(QStringLiteral("/v1/assets/favourite"),
                          QJsonObject { { QStringLiteral("ids"), QJsonArray::fromStringList(chunk) },
                                        { QStringLiteral("favourite"), favourite } },
                          context, [self, changed, done, step](const ApiResponse &response) {
                              if (!response.ok()) {
                                  done(*changed, response.error);
                                  *step = nullptr;
                                  return;
                              }
                              *changed += idList(response.json.value(QStringLiteral("updated")));
                              (*step)();
                          });
    };
    (*step)();
}

void GalleryService::remove(const QStringList &ids, QObject *context, IdsDone done)
{
    auto remaining = std::make_shared<QStringList>(ids);
    auto deleted = std::make_shared<QStringList>();
    auto step = std::make_shared<std::function<void()>>();
    QPointer<GalleryService> self(this);
    *step = [self, remaining, deleted, context, done, step]() {
        if (!self)
            return;
        if (remaining->isEmpty()) {
            Q_EMIT self->assetsRemoved(*deleted);
            done(*deleted, {});
            *step = nullptr;
            return;
        }
        const QStringList chunk = remaining->mid(0, kBulkChunk);
        remaining->remove(0, chunk.size());
        self->m_api->post(QStringLiteral("/v1/assets/delete"),
                          QJsonObject { { QStringLiteral("ids"), QJsonArray::fromStringList(chunk) } }, context,
                          [self, deleted, done, step](const ApiResponse &response) {
                              if (!response.ok()) {
                                  if (self && !deleted->isEmpty())
                                      Q_EMIT self->assetsRemoved(*deleted);
                                  done(*deleted, response.error);
                                  *step = nullptr;
                                  return;
                              }
                              *deleted += idList(response.json.value(QStringLiteral("deleted")));
                              (*step)();
                          });
    };
    (*step)();
}

void GalleryService::facets(QObject *context, FacetsDone done)
{
    m_api->get(QStringLiteral("/v1/assets/facets"), context, [done](const ApiResponse &response) {
        QList<QPair<QString, QString>> pairs;
        for (const QJsonValue &value : response.json.value(QStringLiteral("providers")).toArray()) {
            const QJsonObject pair = value.toObject();
            pairs.append(
                { pair.value(QStringLiteral("provider")).toString(), pair.value(QStringLiteral("model")).toString() });
        }
        done(pairs, response.error);
    });
}

} // namespace pygmi::core
