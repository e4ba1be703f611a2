#pragma once

#include "api/ApiError.h"
#include "generation/GenerationTypes.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <functional>

namespace pygmi::core {

class ApiClient;

// Results downloaded once to the cache folder, named by their SHA-256 (checked after every
// download, so a truncated or altered file is never shown). Players and viewers open the local
// file: they cannot send the bearer token themselves.
class AssetCache : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const QString &localPath, const ApiError &error)>;

    AssetCache(ApiClient *api, const QString &directory, QObject *parent = nullptr);

    QString directory() const { return m_directory; }
    // The local file if it is already here, else empty.
    QString cachedPath(const Asset &asset) const;
    // Downloads (once, however many ask at the same time) and verifies the content.
    void fetch(const Asset &asset, QObject *context, Done done);
    // The still image of a video (not content-addressed: keyed by the asset id).
    void fetchPoster(const Asset &asset, QObject *context, Done done);

private:
    struct Waiter
    {
        QPointer<QObject> context;
        bool hasContext = false;
        Done done;
    };
    void download(const QString &key, const QString &urlPath, const QString &target, const QString &sha256);
    void finish(const QString &key, const QString &path, const ApiError &error);
    QString pathFor(const Asset &asset) const;

    ApiClient *m_api;
    QString m_directory;
    QHash<QString, QList<Waiter>> m_waiting;
};

} // namespace pygmi::core
