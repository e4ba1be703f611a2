#pragma once

#include "api/ApiError.h"
#include "gallery/GalleryQuery.h"
#include "generation/GenerationTypes.h"

#include <QAbstractListModel>
#include <QHash>
#include <QSet>

namespace pygmi::core {

class EventStream;
class GalleryCache;
class GalleryService;

// Every asset of the user for one GalleryQuery, fetched page by page as the view scrolls
// (canFetchMore/fetchMore over the server's keyset cursor) and kept current by /v1/events:
// new results appear at the top, favourites and titles change in place, deletions (here or on
// another device) disappear. When the server cannot be reached it serves the pages the local
// cache holds and says it is offline.
class AssetListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { AssetRole = Qt::UserRole + 1, IdRole, Sha256Role, MediaRole, FavouriteRole, ExpiresAtRole };

    AssetListModel(GalleryService *service, GalleryCache *cache, EventStream *events, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    GalleryQuery query() const { return m_query; }
    // Starts over with another query (the view is reset, the first page requested).
    void setQuery(const GalleryQuery &query);
    void reload();

    const Asset &assetAt(int row) const { return m_items.at(row); }
    int rowOf(const QString &id) const;
    // Items the server counts for this query (-1 until the first page came).
    qint64 total() const { return m_total; }
    bool isLoading() const { return m_loading; }
    bool isOffline() const { return m_offline; }
    bool isComplete() const { return m_complete; }
    void setPageSize(int size) { m_pageSize = size; }

    // Applies changes this client made (the server's answers), before the events echo them.
    void applyUpdated(const QList<Asset> &assets);
    void applyRemoved(const QStringList &ids);

Q_SIGNALS:
    void loadingChanged(bool loading);
    void offlineChanged(bool offline);
    void totalChanged(qint64 total);
    // The first page of the current query is in (from the server or, offline, the cache).
    void firstPageLoaded();
    void loadFailed(const pygmi::core::ApiError &error);

private:
    void requestPage();
    void appendPage(const QList<Asset> &items);
    // Memory at 100,000 items: repeated short strings share one copy; the raw JSON is dropped
    // (everything the gallery shows is parsed), except the references used.
    void compact(Asset &asset);
    void setOffline(bool offline);
    void setLoading(bool loading);
    void onAssetCreated(const QJsonObject &json);
    void onAssetUpdated(const QJsonObject &json);

    GalleryService *m_service;
    GalleryCache *m_cache;
    GalleryQuery m_query;
    QList<Asset> m_items;
    QSet<QString> m_ids;
    QSet<QString> m_interned;
    QString m_cursor; // where the next page starts ("" = first)
    bool m_complete = false; // no more pages
    bool m_loading = false;
    bool m_offline = false;
    bool m_started = false;
    qint64 m_total = -1;
    int m_pageSize = 200;
    quint64 m_generation = 0; // answers for an older query are dropped
};

} // namespace pygmi::core
