#pragma once

#include "api/ApiError.h"
#include "gallery/GalleryQuery.h"
#include "generation/GenerationTypes.h"

#include <QObject>
#include <QStringList>
#include <functional>

namespace pygmi::core {

class ApiClient;

struct AssetPage
{
    QList<Asset> items;
    QString nextCursor; // empty: the last page
    qint64 total = -1; // only on a first page
    QJsonObject json; // as received (kept in the local cache for offline use)

    static AssetPage fromJson(const QJsonObject &json);
};

// The gallery's requests: pages of assets (GET /v1/assets), one asset, favourite, title and
// deletion (one or many), and the provider/model pairs for the filter.
class GalleryService : public QObject
{
    Q_OBJECT

public:
    using PageDone = std::function<void(const AssetPage &page, const ApiError &error)>;
    using AssetDone = std::function<void(const Asset &asset, const ApiError &error)>;
    using IdsDone = std::function<void(const QStringList &ids, const ApiError &error)>;
    using FacetsDone = std::function<void(const QList<QPair<QString, QString>> &providers, const ApiError &error)>;

    explicit GalleryService(ApiClient *api, QObject *parent = nullptr);

    void list(const GalleryQuery &query, const QString &cursor, int limit, QObject *context, PageDone done);
    void get(const QString &id, QObject *context, AssetDone done);
    void setTitle(const QString &id, const QString &title, QObject *context, AssetDone done);
    // Returns the ids that changed (the user's own).
    void setFavourite(const QStringList &ids, bool favourite, QObject *context, IdsDone done);
    // Deletes on the server (for good); returns the ids deleted.
    void remove(const QStringList &ids, QObject *context, IdsDone done);
    void facets(QObject *context, FacetsDone done);

Q_SIGNALS:
    // This client changed or deleted assets (the event stream tells the other devices).
    void assetsChanged(const QList<pygmi::core::Asset> &assets);
    void assetsRemoved(const QStringList &ids);

private:
    ApiClient *m_api;
};

} // namespace pygmi::core
