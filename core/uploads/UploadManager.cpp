#include "uploads/UploadManager.h"

#include "api/ApiClient.h"
#include "uploads/FilePreparer.h"
#include "uploads/UploadLogging.h"
#include "uploads/UploadStateStore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>
#include <QUuid>
#include <QtConcurrent>
#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcUploads, "pygmi.core.uploads")

namespace pygmi::core {

namespace {

struct Chunk
{
    bool ok = false;
    qint64 offset = 0;
    QByteArray data;
    QByteArray sha1;
};

Chunk readFileChunk(const QString &path, qint64 offset, qint64 length)
{
    Chunk chunk;
    chunk.offset = offset;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(offset))
        return chunk;
    chunk.data = file.read(length);
    if (chunk.data.size() != length)
        return chunk;
    chunk.sha1 = QCryptographicHash::hash(chunk.data, QCryptographicHash::Sha1);
    chunk.ok = true;
    return chunk;
}

qint64 modifiedMs(const QFileInfo &info)
{
    return info.lastModified().toMSecsSinceEpoch();
}

} // namespace

struct UploadManager::Runtime
{
    std::unique_ptr<QObject> context = std::make_unique<QObject>(); // owns this upload's requests and workers
    QTimer *retryTimer = nullptr;
    int attempt = 0;
    int restarts = 0;
    // One chunk read ahead while the previous one is on the wire.
    qint64 chunkOffset = -1;
    QByteArray chunk;
    QByteArray chunkSha1;
    bool reading = false;
    qint64 readingOffset = -1;
    bool wantSend = false;
    QList<QPair<qint64, qint64>> samples; // (ms, bytes sent)
    QElapsedTimer clock;
    qint64 lastSignalMs = -1000;

    void resetContext()
    {
        context = std::make_unique<QObject>();
        chunkOffset = -1;
        chunk.clear();
        reading = false;
        readingOffset = -1;
        wantSend = false;
        samples.clear();
        if (retryTimer)
            retryTimer->stop();
    }
};

UploadManager::UploadManager(ApiClient *api, const QString &databasePath, const QString &workDir, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_store(std::make_unique<UploadStateStore>(databasePath))
    , m_workDir(workDir)
{
    m_store->open();
    QDir().mkpath(m_workDir);
    QFile::setPermissions(m_workDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

UploadManager::~UploadManager()
{
    for (const auto &runtime : std::as_const(m_runtime)) {
        if (runtime->context)
            m_api->abort(runtime->context.get());
    }
}

void UploadManager::setScope(const QString &scope)
{
    m_scope = scope;
}

UploadItem *UploadManager::find(const QString &id)
{
    for (UploadItem &item : m_items) {
        if (item.id == id)
            return &item;
    }
    return nullptr;
}

UploadManager::Runtime &UploadManager::runtime(const QString &id)
{
    auto &slot = m_runtime[id];
    if (!slot) {
        slot = std::make_shared<Runtime>();
        slot->clock.start();
        slot->retryTimer = new QTimer(this);
        slot->retryTimer->setSingleShot(true);
        connect(slot->retryTimer, &QTimer::timeout, this, [this, id] {
            UploadItem *item = find(id);
            if (!item || item->state != UploadItem::State::Retrying)
                return;
            item->state = UploadItem::State::Uploading;
            item->retryInSeconds = 0;
            changed(id, false);
            verifyOffset(id);
        });
    }
    return *slot;
}

QList<UploadItem> UploadManager::items() const
{
    return m_items;
}

std::optional<UploadItem> UploadManager::item(const QString &id) const
{
    for (const UploadItem &item : m_items) {
        if (item.id == id)
            return item;
    }
    return std::nullopt;
}

QList<QPair<QString, double>> UploadManager::references() const
{
    QList<QPair<QString, double>> list;
    for (const UploadItem &item : m_items) {
        if (item.state == UploadItem::State::Done && !item.referenceId.isEmpty())
            list.append({ item.referenceId, item.strength });
    }
    return list;
}

bool UploadManager::isBusy() const
{
    return std::any_of(m_items.begin(), m_items.end(), [](const UploadItem &item) {
        return item.state == UploadItem::State::Preparing || item.state == UploadItem::State::Queued || item.isActive();
    });
}

void UploadManager::save(const UploadItem &item)
{
    m_store->save(m_scope, item);
}

void UploadManager::changed(const QString &id, bool persist)
{
    if (UploadItem *item = find(id)) {
        if (persist)
            save(*item);
        emit itemChanged(id);
    }
}

QList<QPair<QByteArray, QByteArray>> UploadManager::tusHeaders() const
{
    return { { "Tus-Resumable", "1.0.0" } };
}

qint64 UploadManager::nextCreatedAtMs() const
{
    // Strictly increasing: files added in one go (same millisecond) come back in the order they
    // were added after a restart (the state store orders by creation time).
    qint64 at = QDateTime::currentMSecsSinceEpoch();
    for (const UploadItem &item : m_items)
        at = std::max(at, item.createdAtMs + 1);
    return at;
}

QString UploadManager::add(const QString &filePath, bool keepMetadata)
{
    const QFileInfo info(filePath);
    UploadItem item;
    item.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    item.sourcePath = info.absoluteFilePath();
    item.fileName = info.fileName();
    item.sourceSize = info.size();
    item.sourceModifiedMs = modifiedMs(info);
    item.keepMetadata = keepMetadata;
    item.createdAtMs = nextCreatedAtMs();
    m_items.append(item);
    save(item);
    emit itemAdded(item.id);
    startPrepare(item.id);
    return item.id;
}

QString UploadManager::addReference(const QString &referenceId, const QString &name, const QString &media, qint64 bytes)
{
    for (const UploadItem &item : std::as_const(m_items)) {
        if (item.referenceId == referenceId)
            return item.id;
    }
    UploadItem item;
    item.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    item.fileName = name;
    item.media = media;
    item.size = bytes;
    item.offset = bytes;
    item.sha256 = QStringLiteral("-"); // ready: nothing to prepare
    item.state = UploadItem::State::Done;
    item.referenceId = referenceId;
    item.createdAtMs = nextCreatedAtMs();
    m_items.append(item);
    save(item);
    emit itemAdded(item.id);
    return item.id;
}

void UploadManager::startPrepare(const QString &id)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    item->state = UploadItem::State::Preparing;
    item->errorCode.clear();
    item->errorMessage.clear();
    changed(id);
    Runtime &rt = runtime(id);
    const QString suffix = QFileInfo(item->sourcePath).suffix().left(8);
    const QString copyPath = m_workDir + u'/' + id + (suffix.isEmpty() ? QString() : u'.' + suffix);
    auto *watcher = new QFutureWatcher<PreparedFile>(rt.context.get());
    connect(watcher, &QFutureWatcherBase::finished, this, [this, id, watcher] {
        watcher->deleteLater();
        const PreparedFile prepared = watcher->result();
        UploadItem *item = find(id);
        if (!item)
            return;
        if (!prepared.ok)
            return fail(id, prepared.errorCode, {});
        item->preparedPath = prepared.path;
        item->size = prepared.size;
        item->sha256 = prepared.sha256;
        item->media = prepared.media;
        item->mime = prepared.mime;
        item->metadataFound = prepared.metadataFound;
        item->offset = 0;
        qCInfo(lcUploads) << "prepared a" << item->media << "of" << item->size << "bytes;" << item->metadataFound.size()
                          << "kinds of metadata" << (item->keepMetadata ? "kept" : "removed");
        changed(id);
        // The same file is already a reference: nothing to send.
        m_api->get(QStringLiteral("/v1/references?sha256=") + item->sha256, runtime(id).context.get(),
                   [this, id](const ApiResponse &response) {
                       UploadItem *item = find(id);
                       if (!item || item->state != UploadItem::State::Preparing)
                           return;
                       const QJsonArray found = response.json.value(QStringLiteral("items")).toArray();
                       if (response.ok() && !found.isEmpty()) {
                           qCInfo(lcUploads) << "identical file already on the server; not sent again";
                           finish(id, found.first().toObject().value(QStringLiteral("id")).toString());
                           return;
                       }
                       item->state = UploadItem::State::Queued;
                       changed(id);
                       schedule();
                   });
    });
    watcher->setFuture(QtConcurrent::run(&FilePreparer::prepare, item->sourcePath, item->keepMetadata, copyPath));
}

void UploadManager::schedule()
{
    int active = int(std::count_if(m_items.begin(), m_items.end(), [](const UploadItem &i) { return i.isActive(); }));
    for (const UploadItem &item : std::as_const(m_items)) {
        if (active >= m_concurrency)
            break;
        if (item.state == UploadItem::State::Queued) {
            ++active;
            startUpload(item.id);
        }
    }
}

void UploadManager::startUpload(const QString &id)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    item->state = UploadItem::State::Uploading;
    changed(id);
    runtime(id).samples.clear();
    if (item->uploadUrl.isEmpty())
        createUpload(id);
    else
        verifyOffset(id);
}

QString UploadManager::uploadPath(const QByteArray &location) const
{
    const QUrl base = m_api->baseUrl();
    QUrl target(QString::fromUtf8(location));
    if (target.isRelative())
        target = base.resolved(QUrl(m_endpoint + u'/')).resolved(target);
    // Bearer tokens go to the server's own origin only.
    if (target.scheme() != base.scheme() || target.host() != base.host() || target.port() != base.port())
        return {};
    QString path = target.path();
    QString basePath = base.path();
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    if (!basePath.isEmpty() && path.startsWith(basePath + u'/'))
        path = path.mid(basePath.size());
    if (target.hasQuery())
        path += u'?' + target.query();
    return path;
}

void UploadManager::createUpload(const QString &id)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    const auto metadata = [](const char *key, const QByteArray &value) -> QByteArray {
        return QByteArray(key) + ' ' + value.toBase64();
    };
    QByteArray meta = metadata("filename", item->fileName.toUtf8()) + ',' + metadata("filetype", item->mime.toLatin1())
        + ',' + metadata("sha256", item->sha256.toLatin1()) + ','
        + metadata("keep_metadata", item->keepMetadata ? "1" : "0");
    ApiRequest request;
    request.method = "POST";
    request.path = m_endpoint;
    request.headers = tusHeaders();
    request.headers.append({ "Upload-Length", QByteArray::number(item->size) });
    request.headers.append({ "Upload-Metadata", meta });
    m_api->send(request, runtime(id).context.get(), [this, id](const ApiResponse &response) {
        UploadItem *item = find(id);
        if (!item || item->state != UploadItem::State::Uploading)
            return;
        if (!response.ok()) {
            if (response.httpStatus == 404 || response.httpStatus == 410)
                return fail(id, response.error.code(), response.error.serverMessage());
            return handleFailure(id, response);
        }
        const QString path = uploadPath(response.header("Location"));
        if (path.isEmpty())
            return fail(id, QStringLiteral("bad_response"), {});
        item->uploadUrl = path;
        item->offset = 0;
        runtime(id).attempt = 0;
        changed(id);
        sendChunk(id);
    });
}

void UploadManager::verifyOffset(const QString &id)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    ApiRequest request;
    request.method = "HEAD";
    request.path = item->uploadUrl;
    request.headers = tusHeaders();
    request.idempotent = true;
    m_api->send(request, runtime(id).context.get(), [this, id](const ApiResponse &response) {
        UploadItem *item = find(id);
        if (!item || item->state != UploadItem::State::Uploading)
            return;
        if (!response.ok())
            return handleFailure(id, response);
        bool ok = false;
        const qint64 offset = response.header("Upload-Offset").toLongLong(&ok);
        if (!ok || offset > item->size)
            return fail(id, QStringLiteral("bad_response"), {});
        const QString referenceId = QString::fromLatin1(response.header("Pygmi-Reference-Id"));
        if (!referenceId.isEmpty() || offset == item->size)
            return finish(id, referenceId);
        if (offset != item->offset)
            qCInfo(lcUploads) << "server has" << offset << "bytes, we had" << item->offset << "confirmed";
        item->offset = offset;
        changed(id);
        sendChunk(id);
    });
}

void UploadManager::readChunk(const QString &id, qint64 offset)
{
    UploadItem *item = find(id);
    Runtime &rt = runtime(id);
    if (!item || (rt.reading && rt.readingOffset == offset))
        return;
    const qint64 length = qMin(m_chunkSize, item->size - offset);
    rt.reading = true;
    rt.readingOffset = offset;
    auto *watcher = new QFutureWatcher<Chunk>(rt.context.get());
    connect(watcher, &QFutureWatcherBase::finished, this, [this, id, watcher] {
        watcher->deleteLater();
        Chunk chunk = watcher->result();
        Runtime &rt = runtime(id);
        if (rt.readingOffset != chunk.offset)
            return; // a newer read replaced this one
        rt.reading = false;
        rt.readingOffset = -1;
        if (!chunk.ok)
            return fail(id, QStringLiteral("unreadable"), {});
        rt.chunk = std::move(chunk.data);
        rt.chunkSha1 = chunk.sha1;
        rt.chunkOffset = chunk.offset;
        if (rt.wantSend) {
            rt.wantSend = false;
            sendChunk(id);
        }
    });
    watcher->setFuture(QtConcurrent::run(&readFileChunk, item->preparedPath, offset, length));
}

void UploadManager::sendChunk(const QString &id)
{
    UploadItem *item = find(id);
    if (!item || item->state != UploadItem::State::Uploading)
        return;
    Runtime &rt = runtime(id);
    if (item->offset >= item->size)
        return verifyOffset(id);
    if (rt.chunkOffset != item->offset || rt.chunk.isEmpty()) {
        rt.wantSend = true;
        readChunk(id, item->offset);
        return;
    }
    const QByteArray data = std::exchange(rt.chunk, {});
    const QByteArray sha1 = rt.chunkSha1;
    const qint64 from = item->offset;
    rt.chunkOffset = -1;

    ApiRequest request;
    request.method = "PATCH";
    request.path = item->uploadUrl;
    request.headers = tusHeaders();
    request.headers.append({ "Upload-Offset", QByteArray::number(from) });
    request.headers.append({ "Upload-Checksum", "sha1 " + sha1.toBase64() });
    request.contentType = "application/offset+octet-stream";
    request.rawBody = data;
    request.timeoutMs = 60000; // without any progress: a sleeping laptop or a dead link
    request.uploadProgress = [this, id](qint64 sent, qint64) {
        if (UploadItem *item = find(id)) {
            item->inFlight = sent;
            recordProgress(id);
        }
    };
    ++m_chunkRequests;
    m_api->send(request, rt.context.get(),
                [this, id, from](const ApiResponse &response) { onPatched(id, from, response); });
    // Read (and hash) the next chunk while this one travels.
    const qint64 next = from + data.size();
    if (next < item->size)
        readChunk(id, next);
}

void UploadManager::onPatched(const QString &id, qint64 sentFrom, const ApiResponse &response)
{
    UploadItem *item = find(id);
    if (!item || item->state != UploadItem::State::Uploading)
        return;
    item->inFlight = 0;
    if (!response.ok())
        return handleFailure(id, response);
    Runtime &rt = runtime(id);
    rt.attempt = 0;
    bool ok = false;
    const qint64 offset = response.header("Upload-Offset").toLongLong(&ok);
    if (!ok || offset < sentFrom || offset > item->size)
        return verifyOffset(id);
    item->offset = offset;
    recordProgress(id);
    const QString referenceId = QString::fromLatin1(response.header("Pygmi-Reference-Id"));
    if (!referenceId.isEmpty() || offset == item->size)
        return finish(id, referenceId);
    changed(id);
    sendChunk(id);
}

void UploadManager::handleFailure(const QString &id, const ApiResponse &response)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    Runtime &rt = runtime(id);
    const int status = response.httpStatus;
    qCInfo(lcUploads) << "upload request failed:" << status << response.error.code();
    if (status == 0 || status >= 500 || status == 423 || status == 429 || status == 460)
        return retryLater(id);
    if (status == 409) { // our offset is stale: ask the server
        if (++rt.attempt > 5)
            return retryLater(id);
        return verifyOffset(id);
    }
    if (status == 404 || status == 410) {
        // Expired or removed on the server: start a new upload of the same file.
        if (++rt.restarts > 2)
            return fail(id, response.error.code(), response.error.serverMessage());
        item->uploadUrl.clear();
        item->offset = 0;
        rt.chunkOffset = -1;
        rt.chunk.clear();
        changed(id);
        return createUpload(id);
    }
    fail(id, response.error.code(), response.error.serverMessage());
}

void UploadManager::retryLater(const QString &id)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    Runtime &rt = runtime(id);
    const double base = double(m_backoffBaseMs) * std::pow(2.0, double(qMin(rt.attempt, 16)));
    const double jitter = 0.5 + QRandomGenerator::global()->generateDouble(); // 0.5 .. 1.5
    const int delay = int(qMin(double(m_backoffMaxMs), base) * jitter);
    ++rt.attempt;
    item->state = UploadItem::State::Retrying;
    item->inFlight = 0;
    item->bytesPerSecond = 0;
    item->etaSeconds = -1;
    item->retryInSeconds = qMax(1, (delay + 999) / 1000);
    rt.retryTimer->start(delay);
    changed(id);
}

void UploadManager::finish(const QString &id, const QString &referenceId)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    item->state = UploadItem::State::Done;
    item->referenceId = referenceId;
    item->offset = item->size;
    item->inFlight = 0;
    item->bytesPerSecond = 0;
    item->etaSeconds = 0;
    stopActivity(id);
    releasePreparedCopy(*item);
    qCInfo(lcUploads) << "upload done";
    changed(id);
    schedule();
}

void UploadManager::fail(const QString &id, const QString &code, const QString &message)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    item->state = UploadItem::State::Failed;
    item->errorCode = code;
    item->errorMessage = message;
    item->inFlight = 0;
    item->bytesPerSecond = 0;
    item->etaSeconds = -1;
    stopActivity(id);
    qCInfo(lcUploads) << "upload failed:" << code;
    changed(id);
    schedule();
}

void UploadManager::stopActivity(const QString &id)
{
    const auto it = m_runtime.find(id);
    if (it == m_runtime.end())
        return;
    m_api->abort((*it)->context.get());
    (*it)->resetContext();
}

void UploadManager::releasePreparedCopy(const UploadItem &item)
{
    // Only the private scrubbed copy in our folder; never the creator's own file.
    if (!item.preparedPath.isEmpty() && item.preparedPath != item.sourcePath
        && QFileInfo(item.preparedPath).absolutePath() == QFileInfo(m_workDir + QStringLiteral("/x")).absolutePath())
        QFile::remove(item.preparedPath);
}

void UploadManager::recordProgress(const QString &id)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    Runtime &rt = runtime(id);
    const qint64 now = rt.clock.elapsed();
    rt.samples.append({ now, item->bytesSent() });
    while (rt.samples.size() > 2 && now - rt.samples.first().first > 4000)
        rt.samples.removeFirst();
    const qint64 span = now - rt.samples.first().first;
    if (span >= 250) {
        item->bytesPerSecond = double(rt.samples.last().second - rt.samples.first().second) * 1000.0 / double(span);
        item->etaSeconds = item->bytesPerSecond > 1
            ? qint64(std::ceil(double(item->size - item->bytesSent()) / item->bytesPerSecond))
            : -1;
    }
    if (now - rt.lastSignalMs >= 100) { // the UI repaints at most ~10 times a second
        rt.lastSignalMs = now;
        emit itemChanged(id);
    }
}

void UploadManager::pause(const QString &id)
{
    UploadItem *item = find(id);
    if (!item || item->isFinished() || item->state == UploadItem::State::Paused
        || item->state == UploadItem::State::Preparing)
        return;
    stopActivity(id);
    item->state = UploadItem::State::Paused;
    item->inFlight = 0;
    item->bytesPerSecond = 0;
    item->etaSeconds = -1;
    item->retryInSeconds = 0;
    changed(id);
    schedule();
}

void UploadManager::resume(const QString &id)
{
    UploadItem *item = find(id);
    if (!item || (item->state != UploadItem::State::Paused && item->state != UploadItem::State::Failed))
        return;
    Runtime &rt = runtime(id);
    rt.attempt = 0;
    rt.restarts = 0;
    if (item->state == UploadItem::State::Failed
        && (item->sha256.isEmpty() || item->errorCode == QLatin1String("file_changed"))) {
        // Never got ready, or the file changed since: start again from the file as it is now.
        const QFileInfo source(item->sourcePath);
        item->sourceSize = source.size();
        item->sourceModifiedMs = modifiedMs(source);
        item->uploadUrl.clear();
        item->offset = 0;
        return startPrepare(id);
    }
    item->state = UploadItem::State::Queued;
    item->errorCode.clear();
    item->errorMessage.clear();
    changed(id);
    schedule();
}

void UploadManager::remove(const QString &id)
{
    UploadItem *item = find(id);
    if (!item)
        return;
    stopActivity(id);
    if (item->state != UploadItem::State::Done && !item->uploadUrl.isEmpty()) {
        // Termination: the server drops the partial bytes now instead of in 24 hours.
        ApiRequest request;
        request.method = "DELETE";
        request.path = item->uploadUrl;
        request.headers = tusHeaders();
        request.idempotent = true;
        m_api->send(request, nullptr, [](const ApiResponse &) {});
    }
    releasePreparedCopy(*item);
    m_store->remove(id);
    if (auto rt = m_runtime.take(id); rt && rt->retryTimer)
        rt->retryTimer->deleteLater();
    m_items.erase(std::remove_if(m_items.begin(), m_items.end(), [&](const UploadItem &i) { return i.id == id; }),
                  m_items.end());
    emit itemRemoved(id);
    schedule();
}

void UploadManager::setStrength(const QString &id, double strength)
{
    if (UploadItem *item = find(id)) {
        item->strength = qBound(0.0, strength, 1.0);
        changed(id);
    }
}

void UploadManager::restore()
{
    for (const UploadItem &item : std::as_const(m_items))
        stopActivity(item.id);
    const QList<UploadItem> previous = m_items;
    m_items.clear();
    for (const UploadItem &item : previous)
        emit itemRemoved(item.id);
    m_items = m_store->load(m_scope);
    QStringList toPrepare;
    for (UploadItem &item : m_items) {
        if (item.isFinished() || item.state == UploadItem::State::Paused)
            continue; // as the creator left them
        const QFileInfo source(item.sourcePath);
        const bool sourceSame
            = source.exists() && source.size() == item.sourceSize && modifiedMs(source) == item.sourceModifiedMs;
        const bool preparedThere = !item.sha256.isEmpty() && QFileInfo(item.preparedPath).size() == item.size
            && QFileInfo::exists(item.preparedPath);
        if (!sourceSame) {
            item.state = UploadItem::State::Failed;
            item.errorCode = QStringLiteral("file_changed");
            continue;
        }
        if (!preparedThere) {
            item.uploadUrl.clear();
            item.offset = 0;
            toPrepare.append(item.id);
            continue;
        }
        item.state = UploadItem::State::Queued; // the server's offset is asked before sending
    }
    for (const UploadItem &item : std::as_const(m_items)) {
        save(item);
        emit itemAdded(item.id);
    }
    for (const QString &id : std::as_const(toPrepare))
        startPrepare(id);
    schedule();
}

} // namespace pygmi::core
