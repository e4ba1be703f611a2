#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QStringList>

namespace pygmi::server {

class AssetRemover;
class AuthEndpoints;
class BlobStore;
class Clock;
class EventHub;
class GalleryStore;
class GenerationStore;
class Router;

// /v1/assets: the gallery's pages (keyset cursor, filters, prompt search), one asset's details,
// changes (favourite, title), deletion one by one or in bulk, and thumbnails in a few sizes.
// Another user's ids answer 404 exactly like ids that never existed.
class GalleryEndpoints
{
public:
    static constexpr int kThumbnailSizes[] = { 128, 256, 512 };

    GalleryEndpoints(const AuthEndpoints &auth, const GalleryStore &store, AssetRemover &remover,
                     const BlobStore &blobs, EventHub &events, const Clock &clock);

    // Registers before the generation routes' /v1/assets/{id}/content so literal paths win.
    void registerRoutes(Router &router);

private:
    HttpResponse list(const HttpRequest &request);
    HttpResponse facets(const HttpRequest &request);
    HttpResponse get(const HttpRequest &request);
    HttpResponse patch(const HttpRequest &request);
    HttpResponse remove(const HttpRequest &request);
    HttpResponse bulkDelete(const HttpRequest &request);
    HttpResponse bulkFavourite(const HttpRequest &request);
    HttpResponse thumbnail(const HttpRequest &request);

    // The "ids" array of a bulk body; an error response when it is not a list of asset ids.
    std::optional<HttpResponse> parseIds(const QJsonObject &body, QStringList *ids) const;
    void publishUpdated(const QString &userId, const QString &assetId);

    const AuthEndpoints &m_auth;
    const GalleryStore &m_store;
    AssetRemover &m_remover;
    const BlobStore &m_blobs;
    EventHub &m_events;
    const Clock &m_clock;
};

} // namespace pygmi::server
