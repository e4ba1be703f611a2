#include "AssetListModel.h"

#include "GalleryCache.h"
#include "GalleryLogging.h"
#include "GalleryService.h"
#include "generation/EventStream.h"

namespace pygmi::core {

AssetListModel::AssetListModel(GalleryService *service, GalleryCache *cache, EventStream *events, QObject *parent)
    : QAbstractListModel(parent)
    , m_service(service)
    , m_cache(cache)
{
    if (events) {
        connect(events, &EventStream::assetCreated, this, &AssetListModel::onAssetCreated);
        connect(events, &EventStream::assetUpdated, this, &AssetListModel::onAssetUpdated);
        connect(events, &EventStream::assetDeleted, this, [this](const QString &id) { applyRemoved({ id }); });
        // Missed events (a long drop, a restarted server): start over from the first page.
        connect(events, &EventStream::resyncNeeded, this, [this] {
            if (m_started)
                reload();
        });
    }
    connect(service, &GalleryService::assetsChanged, this, &AssetListModel::applyUpdated);
    connect(service, &GalleryService::assetsRemoved, this, &AssetListModel::applyRemoved);
}

int AssetListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant AssetListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const Asset &asset = m_items.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return asset.title.isEmpty() ? asset.params.prompt : asset.title;
    case AssetRole:
        return QVariant::fromValue(asset);
    case IdRole:
        return asset.id;
    case Sha256Role:
        return asset.sha256;
    case MediaRole:
        return asset.media;
    case FavouriteRole:
        return asset.favourite;
    case ExpiresAtRole:
        return asset.expiresAt;
    default:
        return {};
    }
}

QHash<int, QByteArray> AssetListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(AssetRole, "asset");
    names.insert(IdRole, "assetId");
    names.insert(Sha256Role, "sha256");
    names.insert(MediaRole, "media");
    names.insert(FavouriteRole, "favourite");
    names.insert(ExpiresAtRole, "expiresAt");
    return names;
}

bool AssetListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_started && !m_complete && !m_loading;
}

void AssetListModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void AssetListModel::setQuery(const GalleryQuery &query)
{
    m_query = query;
    reload();
}

void AssetListModel::reload()
{
    ++m_generation;
    beginResetModel();
    m_items.clear();
    m_ids.clear();
    m_cursor.clear();
    m_complete = false;
    m_started = true;
    m_total = -1;
    endResetModel();
    setLoading(false);
    requestPage();
}

int AssetListModel::rowOf(const QString &id) const
{
    if (!m_ids.contains(id))
        return -1;
    for (int row = 0; row < m_items.size(); ++row) {
        if (m_items.at(row).id == id)
            return row;
    }
    return -1;
}

void AssetListModel::requestPage()
{
    setLoading(true);
    const quint64 generation = m_generation;
    const QString cursor = m_cursor;
    const QString key = m_query.key();
    m_service->list(m_query, cursor, m_pageSize, this,
                    [this, generation, cursor, key](const AssetPage &page, const ApiError &error) {
                        if (generation != m_generation)
                            return;
                        AssetPage result = page;
                        if (error) {
                            const bool unreachable
                                = error.kind() == ApiError::Kind::Network || error.kind() == ApiError::Kind::Timeout;
                            const auto cached = unreachable && m_cache ? m_cache->page(key, cursor) : std::nullopt;
                            if (!cached) {
                                // Nothing more to show: stop paging until the next reload (a reconnect).
                                m_complete = true;
                                setLoading(false);
                                if (unreachable)
                                    setOffline(true);
                                if (cursor.isEmpty())
                                    Q_EMIT firstPageLoaded();
                                Q_EMIT loadFailed(error);
                                return;
                            }
                            result = AssetPage::fromJson(*cached);
                            setOffline(true);
                        } else {
                            if (m_cache)
                                m_cache->storePage(key, cursor, page.json);
                            setOffline(false);
                        }
                        m_cursor = result.nextCursor;
                        m_complete = result.nextCursor.isEmpty();
                        if (result.total >= 0 && result.total != m_total) {
                            m_total = result.total;
                            Q_EMIT totalChanged(m_total);
                        }
                        appendPage(result.items);
                        setLoading(false);
                        if (cursor.isEmpty())
                            Q_EMIT firstPageLoaded();
                    });
}

void AssetListModel::compact(Asset &asset)
{
    const auto intern = [this](QString &text) {
        if (text.size() > 64)
            return;
        const auto it = m_interned.constFind(text);
        if (it != m_interned.constEnd())
            text = *it;
        else
            m_interned.insert(text);
    };
    for (QString *text :
         { &asset.generationId, &asset.media, &asset.mime, &asset.processedBy, &asset.params.media,
           &asset.params.provider, &asset.params.model, &asset.params.style, &asset.params.negativePrompt })
        intern(*text);
    asset.contentUrl.clear(); // derived from the id when needed (AssetCache)
    asset.posterUrl.clear();
    asset.thumbnailUrl.clear();
    // Only the references used (shown in the details) are kept from the raw JSON.
    const QJsonValue references
        = asset.json.value(QStringLiteral("params")).toObject().value(QStringLiteral("references"));
    asset.json = references.isUndefined()
        ? QJsonObject()
        : QJsonObject { { QStringLiteral("params"), QJsonObject { { QStringLiteral("references"), references } } } };
}

void AssetListModel::appendPage(const QList<Asset> &items)
{
    QList<Asset> fresh;
    fresh.reserve(items.size());
    for (const Asset &asset : items) {
        if (!m_ids.contains(asset.id)) {
            fresh.append(asset);
            compact(fresh.last());
        }
    }
    if (fresh.isEmpty())
        return;
    beginInsertRows({}, int(m_items.size()), int(m_items.size() + fresh.size() - 1));
    for (const Asset &asset : std::as_const(fresh)) {
        m_ids.insert(asset.id);
        m_items.append(asset);
    }
    endInsertRows();
}

void AssetListModel::setOffline(bool offline)
{
    if (m_offline == offline)
        return;
    m_offline = offline;
    qCInfo(lcGallery) << (offline ? "gallery offline: showing cached pages" : "gallery online");
    Q_EMIT offlineChanged(offline);
}

void AssetListModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void AssetListModel::onAssetCreated(const QJsonObject &json)
{
    if (!m_started)
        return;
    Asset asset = Asset::fromJson(json);
    compact(asset);
    if (asset.id.isEmpty() || m_ids.contains(asset.id) || !m_query.matches(asset))
        return;
    if (m_query.sort == GalleryQuery::Sort::Newest) {
        beginInsertRows({}, 0, 0);
        m_items.prepend(asset);
        m_ids.insert(asset.id);
        endInsertRows();
    } else if (m_complete) {
        appendPage({ asset }); // oldest first: it belongs at the end, once the end is loaded
    } else {
        return; // a later page will bring it
    }
    if (m_total >= 0)
        Q_EMIT totalChanged(++m_total);
}

void AssetListModel::onAssetUpdated(const QJsonObject &json)
{
    applyUpdated({ Asset::fromJson(json) });
}

void AssetListModel::applyUpdated(const QList<Asset> &assets)
{
    QStringList leaving;
    for (const Asset &asset : assets) {
        const int row = rowOf(asset.id);
        if (row < 0)
            continue;
        if (!m_query.matches(asset)) {
            leaving << asset.id; // e.g. no longer a favourite in the Favourites view
            continue;
        }
        m_items[row] = asset;
        compact(m_items[row]);
        const QModelIndex index = this->index(row);
        Q_EMIT dataChanged(index, index);
    }
    if (!leaving.isEmpty())
        applyRemoved(leaving);
}

void AssetListModel::applyRemoved(const QStringList &ids)
{
    if (m_cache)
        m_cache->forgetAssets(ids);
    QSet<QString> gone;
    for (const QString &id : ids) {
        if (m_ids.contains(id))
            gone.insert(id);
    }
    if (gone.isEmpty())
        return;
    QSet<QString> hashes;
    for (const Asset &asset : std::as_const(m_items)) {
        if (gone.contains(asset.id))
            hashes.insert(asset.sha256);
    }
    // Remove contiguous runs from the end, so row numbers stay valid while removing.
    for (int row = int(m_items.size()) - 1; row >= 0;) {
        if (!gone.contains(m_items.at(row).id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && gone.contains(m_items.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, row);
        for (int r = row; r >= first; --r)
            m_ids.remove(m_items.at(r).id);
        m_items.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    if (m_total >= 0) {
        m_total = std::max<qint64>(0, m_total - gone.size());
        Q_EMIT totalChanged(m_total);
    }
    // Their thumbnails leave this computer too, unless another listed asset has the same bytes.
    for (const Asset &asset : std::as_const(m_items))
        hashes.remove(asset.sha256);
    if (m_cache) {
        for (const QString &sha : std::as_const(hashes))
            m_cache->removeThumbnails(sha);
    }
}

} // namespace pygmi::core
