#include "gallery/ThumbnailPipeline.h"

#include "gallery/ThumbnailLoader.h"

#include <QImageReader>
#include <QPointer>
#include <QRunnable>
#include <QThreadPool>

namespace pygmi::ui {

class ThumbnailPipeline::DecodeTask : public QRunnable
{
public:
    DecodeTask(ThumbnailPipeline *owner, QString key, QString path, int side)
        : m_owner(owner)
        , m_key(std::move(key))
        , m_path(std::move(path))
        , m_side(side)
    {
        setAutoDelete(true);
    }

    void run() override
    {
        QImageReader reader(m_path);
        reader.setAutoTransform(true);
        const QSize full = reader.size();
        if (full.isValid() && std::max(full.width(), full.height()) > m_side) {
            // Fill a square tile: scale so the short side matches, the painter crops the rest.
            const QSize target = full.scaled(m_side, m_side, Qt::KeepAspectRatioByExpanding);
            reader.setScaledSize(target);
        }
        QImage image = reader.read();
        if (!image.isNull() && image.format() != QImage::Format_RGB32 && !image.hasAlphaChannel())
            image = image.convertToFormat(QImage::Format_RGB32); // paints fastest
        QMetaObject::invokeMethod(
            m_owner,
            [owner = m_owner, key = m_key, image]() {
                if (owner)
                    owner->onDecoded(key, image);
            },
            Qt::QueuedConnection);
    }

private:
    QPointer<ThumbnailPipeline> m_owner;
    QString m_key;
    QString m_path;
    int m_side;
};

ThumbnailPipeline::ThumbnailPipeline(core::ThumbnailLoader *loader, QObject *parent)
    : QObject(parent)
    , m_loader(loader)
    , m_pool(new QThreadPool(this))
{
    m_pool->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    // About eight screens of tiles at 224 px: scrolling back is instant, 100,000 items stay light.
    setMemoryBudget(40LL * 1024 * 1024);
    connect(loader, &core::ThumbnailLoader::loaded, this, [this](const QString &loaderKey, const QString &path) {
        const QSet<QString> keys = m_byLoaderKey.take(loaderKey);
        for (const QString &key : keys)
            decode(key, path);
    });
    connect(loader, &core::ThumbnailLoader::failed, this, [this](const QString &loaderKey, bool offline) {
        const QSet<QString> keys = m_byLoaderKey.take(loaderKey);
        for (const QString &key : keys) {
            m_pending.remove(key);
            if (!offline)
                m_failed.insert(key); // not asked again this session; offline ones retry later
        }
        checkIdle();
    });
}

ThumbnailPipeline::~ThumbnailPipeline()
{
    m_pool->clear();
    m_pool->waitForDone();
}

int ThumbnailPipeline::sourceSizeFor(int paintedSide)
{
    if (paintedSide <= 128)
        return 128;
    if (paintedSide <= 256)
        return 256;
    return 512;
}

int ThumbnailPipeline::bucket(int paintedSide)
{
    // Steps of 32 px: resizing the window does not decode everything again for every pixel.
    return std::max(32, (paintedSide + 31) / 32 * 32);
}

QString ThumbnailPipeline::keyFor(const core::Asset &asset, int paintedSide)
{
    return asset.sha256 + u'@' + QString::number(bucket(paintedSide));
}

void ThumbnailPipeline::setMemoryBudget(qint64 bytes)
{
    m_memory.setMaxCost(int(std::max<qint64>(1024, bytes / 1024)));
}

QImage ThumbnailPipeline::image(const core::Asset &asset, int paintedSide)
{
    paintedSide = bucket(paintedSide);
    const QString key = keyFor(asset, paintedSide);
    if (const QImage *cached = m_memory.object(key))
        return *cached;
    if (m_pending.contains(key) || m_failed.contains(key) || asset.sha256.isEmpty())
        return {};
    const int source = sourceSizeFor(paintedSide);
    const QString loaderKey = core::ThumbnailLoader::keyFor(asset.sha256, source);
    Pending pending;
    pending.side = paintedSide;
    pending.loaderKey = loaderKey;
    m_pending.insert(key, pending);
    const QString path = m_loader->cachedPath(asset, source);
    if (!path.isEmpty()) {
        decode(key, path);
    } else {
        m_byLoaderKey[loaderKey].insert(key);
        m_loader->request(asset, source);
    }
    return {};
}

void ThumbnailPipeline::decode(const QString &key, const QString &path)
{
    auto it = m_pending.find(key);
    if (it == m_pending.end())
        return; // cancelled meanwhile
    auto *task = new DecodeTask(this, key, path, it->side);
    it->task = task;
    m_pool->start(task);
}

void ThumbnailPipeline::onDecoded(const QString &key, const QImage &image)
{
    if (!m_pending.remove(key))
        return;
    ++m_decoded;
    if (image.isNull()) {
        m_failed.insert(key);
    } else {
        m_memory.insert(key, new QImage(image), int(std::max<qsizetype>(1, image.sizeInBytes() / 1024)));
        Q_EMIT thumbnailReady(key);
    }
    checkIdle();
}

void ThumbnailPipeline::retainOnly(const QSet<QString> &keys)
{
    QSet<QString> loaderKeys;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (keys.contains(it.key())) {
            loaderKeys.insert(it->loaderKey);
            ++it;
            continue;
        }
        // A queued decode is taken back (tryTake deletes nothing: we own it then); a running one
        // finishes and is cached, which is cheap and likely useful.
        if (it->task && m_pool->tryTake(it->task)) {
            delete it->task;
        } else if (it->task) {
            ++it;
            continue;
        }
        auto waiting = m_byLoaderKey.find(it->loaderKey);
        if (waiting != m_byLoaderKey.end()) {
            waiting->remove(it.key());
            if (waiting->isEmpty())
                m_byLoaderKey.erase(waiting);
        }
        it = m_pending.erase(it);
    }
    m_loader->retainOnly(loaderKeys);
    checkIdle();
}

void ThumbnailPipeline::checkIdle()
{
    if (m_pending.isEmpty())
        Q_EMIT idle();
}

} // namespace pygmi::ui
