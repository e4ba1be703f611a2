#include "generation/AssetCache.h"

#include "api/ApiClient.h"
#include "generation/GenerationLogging.h"
#include "generation/GenerationService.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>
#include <QtConcurrent>

namespace pygmi::core {

namespace {

QString extensionFor(const QString &mime)
{
    if (mime == u"image/png")
        return QStringLiteral("png");
    if (mime == u"image/jpeg")
        return QStringLiteral("jpg");
    if (mime == u"image/webp")
        return QStringLiteral("webp");
    if (mime == u"video/webm")
        return QStringLiteral("webm");
    if (mime == u"video/mp4")
        return QStringLiteral("mp4");
    return QStringLiteral("bin");
}

bool isHex64(const QString &s)
{
    if (s.size() != 64)
        return false;
    return std::all_of(s.begin(), s.end(), [](QChar c) { return c.isDigit() || (c >= u'a' && c <= u'f'); });
}

} // namespace

AssetCache::AssetCache(ApiClient *api, const QString &directory, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_directory(directory)
{
    QDir().mkpath(directory);
}

QString AssetCache::pathFor(const Asset &asset) const
{
    // Names come from the hash (checked to be hex) and our own extension table, never from
    // anything else the server sent.
    if (!isHex64(asset.sha256))
        return {};
    return m_directory + u'/' + asset.sha256 + u'.' + extensionFor(asset.mime);
}

QString AssetCache::cachedPath(const Asset &asset) const
{
    const QString path = pathFor(asset);
    return !path.isEmpty() && QFileInfo::exists(path) ? path : QString();
}

void AssetCache::fetch(const Asset &asset, QObject *context, Done done)
{
    const QString path = pathFor(asset);
    Waiter waiter { context, context != nullptr, std::move(done) };
    if (path.isEmpty()) {
        QTimer::singleShot(0, this, [waiter] {
            if (waiter.done && (!waiter.hasContext || waiter.context))
                waiter.done({}, ApiError(ApiError::Kind::Protocol, QStringLiteral("bad_response")));
        });
        return;
    }
    if (QFileInfo::exists(path)) {
        QTimer::singleShot(0, this, [waiter, path] {
            if (waiter.done && (!waiter.hasContext || waiter.context))
                waiter.done(path, {});
        });
        return;
    }
    const QString key = asset.sha256;
    const bool first = !m_waiting.contains(key);
    m_waiting[key].append(waiter);
    if (first)
        download(key, QStringLiteral("/v1/assets/%1/content").arg(asset.id), path, asset.sha256);
}

void AssetCache::fetchPoster(const Asset &asset, QObject *context, Done done)
{
    Waiter waiter { context, context != nullptr, std::move(done) };
    if (!GenerationService::isUuid(asset.id)) {
        QTimer::singleShot(0, this, [waiter] {
            if (waiter.done && (!waiter.hasContext || waiter.context))
                waiter.done({}, ApiError(ApiError::Kind::Protocol, QStringLiteral("bad_response")));
        });
        return;
    }
    const QString path = m_directory + QStringLiteral("/poster-") + asset.id + QStringLiteral(".png");
    if (QFileInfo::exists(path)) {
        QTimer::singleShot(0, this, [waiter, path] {
            if (waiter.done && (!waiter.hasContext || waiter.context))
                waiter.done(path, {});
        });
        return;
    }
    const QString key = QStringLiteral("poster:") + asset.id;
    const bool first = !m_waiting.contains(key);
    m_waiting[key].append(waiter);
    if (first)
        download(key, QStringLiteral("/v1/assets/%1/poster").arg(asset.id), path, {});
}

void AssetCache::download(const QString &key, const QString &urlPath, const QString &target, const QString &sha256)
{
    ApiRequest request;
    request.path = urlPath;
    request.idempotent = true;
    request.timeoutMs = 60000;
    m_api->send(request, this, [this, key, target, sha256](const ApiResponse &response) {
        if (!response.ok()) {
            finish(key, {}, response.error);
            return;
        }
        // Hashing and writing a large video takes a while: not on the UI thread.
        const QByteArray bytes = response.raw;
        auto *watcher = new QFutureWatcher<bool>(this);
        connect(watcher, &QFutureWatcher<bool>::finished, this, [this, watcher, key, target] {
            const bool ok = watcher->result();
            watcher->deleteLater();
            if (ok)
                finish(key, target, {});
            else
                finish(key, {}, ApiError(ApiError::Kind::Protocol, QStringLiteral("checksum_mismatch")));
        });
        watcher->setFuture(QtConcurrent::run([bytes, target, sha256] {
            if (!sha256.isEmpty()) {
                const QByteArray actual = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
                if (actual != sha256.toLatin1()) {
                    qCWarning(lcGeneration) << "downloaded asset does not match its SHA-256; discarded";
                    return false;
                }
            }
            QSaveFile file(target);
            if (!file.open(QIODevice::WriteOnly))
                return false;
            file.write(bytes);
            return file.commit();
        }));
    });
}

void AssetCache::finish(const QString &key, const QString &path, const ApiError &error)
{
    const auto waiters = m_waiting.take(key);
    for (const Waiter &w : waiters)
        if (w.done && (!w.hasContext || w.context))
            w.done(path, error);
}

} // namespace pygmi::core
