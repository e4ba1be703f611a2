#pragma once

#include "generation/GenerationTypes.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

namespace pygmi::core {

class ApiClient;
class GalleryCache;

// Gets thumbnail files: from the disk cache when there (also offline), else from the server
// (GET /v1/assets/{id}/thumbnail?size=N), stored in the cache by the asset's SHA-256 and size.
// Requests for the same thumbnail are coalesced; a few downloads run at once, newest request
// first; requests for items scrolled away are dropped before they are sent (cancel/retainOnly).
// No decoding here: core has no image code. The UI decodes the file at the size it paints.
class ThumbnailLoader : public QObject
{
    Q_OBJECT

public:
    ThumbnailLoader(ApiClient *api, GalleryCache *cache, QObject *parent = nullptr);

    static QString keyFor(const QString &sha256, int size);

    // The cached file right now, or empty (then call request()).
    QString cachedPath(const Asset &asset, int size);
    void request(const Asset &asset, int size);
    void cancel(const QString &key);
    // Drops every queued request whose key is not in `keys` (the items still on screen).
    void retainOnly(const QSet<QString> &keys);
    int queuedCount() const { return int(m_queue.size()); }
    int inFlightCount() const { return int(m_inFlight.size()); }
    void setMaxInFlight(int count) { m_maxInFlight = std::max(1, count); }

Q_SIGNALS:
    void loaded(const QString &key, const QString &path);
    void failed(const QString &key, bool offline);

private:
    struct Job
    {
        QString assetId;
        QString sha256;
        int size = 0;
    };
    void pump();

    ApiClient *m_api;
    GalleryCache *m_cache;
    QStringList m_queue; // newest at the back; taken from the back
    QHash<QString, Job> m_jobs;
    QSet<QString> m_inFlight;
    int m_maxInFlight = 6;
};

} // namespace pygmi::core
