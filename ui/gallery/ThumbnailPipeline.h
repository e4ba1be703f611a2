#pragma once

#include "generation/GenerationTypes.h"

#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QSize>

class QThreadPool;

namespace pygmi::core {
class ThumbnailLoader;
}

namespace pygmi::ui {

// Thumbnails for the gallery grid: a memory LRU of decoded images in front of core's
// ThumbnailLoader (disk cache, then server). Files are decoded on a QThreadPool straight at the
// size painted (QImageReader::setScaledSize, which lets libjpeg-turbo decode JPEG scaled);
// requests for the same image are coalesced, and work for items scrolled away is dropped
// (queued decodes are taken back from the pool, queued downloads cancelled).
class ThumbnailPipeline : public QObject
{
    Q_OBJECT

public:
    ThumbnailPipeline(core::ThumbnailLoader *loader, QObject *parent = nullptr);
    ~ThumbnailPipeline() override;

    // The server size fetched for a painted size (128, 256 or 512).
    static int sourceSizeFor(int paintedSide);
    static int bucket(int paintedSide);
    static QString keyFor(const core::Asset &asset, int paintedSide);

    // The decoded image if in memory; otherwise null, and it is on its way (thumbnailReady).
    QImage image(const core::Asset &asset, int paintedSide);
    // Keeps only the work for these keys (the visible items); drops the rest.
    void retainOnly(const QSet<QString> &keys);

    void setMemoryBudget(qint64 bytes);
    qint64 memoryUsed() const { return qint64(m_memory.totalCost()) * 1024; }
    int pendingCount() const { return int(m_pending.size()); }
    quint64 decodedCount() const { return m_decoded; }
    QThreadPool *pool() const { return m_pool; }

Q_SIGNALS:
    void thumbnailReady(const QString &key);
    // Nothing in flight any more (benchmarks, tests).
    void idle();

private:
    class DecodeTask;
    struct Pending
    {
        int side = 0;
        QString loaderKey;
        DecodeTask *task = nullptr; // queued in the pool, not yet running
        bool running = false;
    };
    void decode(const QString &key, const QString &path);
    void onDecoded(const QString &key, const QImage &image);
    void checkIdle();

    core::ThumbnailLoader *m_loader;
    QThreadPool *m_pool;
    QCache<QString, QImage> m_memory; // cost in KiB
    QHash<QString, Pending> m_pending; // our key -> work in flight
    QHash<QString, QSet<QString>> m_byLoaderKey; // loader key -> our keys waiting on that file
    QSet<QString> m_failed;
    quint64 m_decoded = 0;
};

} // namespace pygmi::ui
