#include "generation/JobListModel.h"

#include "generation/EventStream.h"
#include "generation/GenerationLogging.h"
#include "generation/GenerationService.h"

namespace pygmi::core {

namespace {
constexpr int kPageSize = 50;

} // namespace

JobListModel::JobListModel(GenerationService *service, EventStream *events, QObject *parent)
    : QAbstractListModel(parent)
    , m_service(service)
{
    connect(service, &GenerationService::jobUpdated, this, &JobListModel::upsert);
    if (events) {
        connect(events, &EventStream::resyncNeeded, this, &JobListModel::reload);
        connect(events, &EventStream::jobStateReceived, this,
                [this](const QJsonObject &json) { upsert(Generation::fromJson(json)); });
        connect(events, &EventStream::jobProgressReceived, this, &JobListModel::onProgress);
        connect(events, &EventStream::assetCreated, this, &JobListModel::onAsset);
        connect(events, &EventStream::previewReceived, this, &JobListModel::onPreview);
    }
}

int JobListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

QVariant JobListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_jobs.size())
        return {};
    const Generation &job = m_jobs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case PromptRole:
        return job.request.prompt;
    case IdRole:
        return job.id;
    case StateRole:
        return int(job.state);
    case StepRole:
        return job.step;
    case TotalRole:
        return job.total;
    case MediaRole:
        return job.request.media;
    case PreviewRole:
        return m_previews.value(job.id);
    case GenerationRole:
        return QVariant::fromValue(job);
    case FailureTextRole:
        if (job.state == Generation::State::Blocked && job.moderation)
            return job.moderation->reason;
        if (job.state == Generation::State::Failed)
            return generationFailureText(job.errorCode, job.errorMessage);
        return {};
    default:
        return {};
    }
}

QHash<int, QByteArray> JobListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(StateRole, "state");
    names.insert(StepRole, "step");
    names.insert(TotalRole, "total");
    names.insert(PromptRole, "prompt");
    names.insert(MediaRole, "media");
    names.insert(PreviewRole, "preview");
    names.insert(GenerationRole, "generation");
    names.insert(FailureTextRole, "failureText");
    return names;
}

int JobListModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_jobs.size(); ++i)
        if (m_jobs.at(i).id == id)
            return i;
    return -1;
}

std::optional<Generation> JobListModel::job(const QString &id) const
{
    const int row = rowOf(id);
    if (row < 0)
        return std::nullopt;
    return m_jobs.at(row);
}

int JobListModel::activeCount() const
{
    return int(std::count_if(m_jobs.begin(), m_jobs.end(), [](const Generation &j) { return !j.isFinal(); }));
}

void JobListModel::reload()
{
    if (m_reloading) {
        m_reloadAgain = true;
        return;
    }
    m_reloading = true;
    m_service->list(kPageSize, {}, this, [this](const QList<Generation> &jobs, const QString &, const ApiError &error) {
        m_reloading = false;
        if (error) {
            qCInfo(lcGeneration) << "job list not loaded:" << error.code();
        } else {
            for (const Generation &job : jobs)
                upsert(job);
            m_loaded = true;
            Q_EMIT reloaded();
        }
        if (std::exchange(m_reloadAgain, false))
            reload();
    });
}

void JobListModel::clear()
{
    beginResetModel();
    m_jobs.clear();
    m_previews.clear();
    m_loaded = false;
    endResetModel();
}

void JobListModel::insertSorted(const Generation &job)
{
    // Newest first; a job without a creation time (should not happen) goes on top.
    int row = 0;
    while (row < m_jobs.size() && job.createdAt.isValid() && m_jobs.at(row).createdAt.isValid()
           && m_jobs.at(row).createdAt > job.createdAt)
        ++row;
    beginInsertRows({}, row, row);
    m_jobs.insert(row, job);
    endInsertRows();
}

void JobListModel::upsert(const Generation &incoming)
{
    if (incoming.id.isEmpty())
        return;
    const int row = rowOf(incoming.id);
    if (row < 0) {
        insertSorted(incoming);
        for (const Asset &asset : incoming.assets)
            Q_EMIT assetAdded(incoming.id, asset);
        Q_EMIT jobChanged(incoming.id);
        return;
    }
    Generation &current = m_jobs[row];
    // A list answer may be older than an event we applied meanwhile: never go back from a
    // final state, and never lose results we already have.
    if (current.isFinal() && !incoming.isFinal())
        return;
    QList<Asset> merged = current.assets;
    QList<Asset> added;
    for (const Asset &asset : incoming.assets) {
        const bool known = std::any_of(merged.begin(), merged.end(), [&](const Asset &a) { return a.id == asset.id; });
        if (!known) {
            merged.append(asset);
            added.append(asset);
        }
    }
    std::sort(merged.begin(), merged.end(), [](const Asset &a, const Asset &b) { return a.index < b.index; });
    const int step = std::max(current.step, incoming.step);
    current = incoming;
    current.assets = merged;
    if (!current.isFinal() || current.state == Generation::State::Succeeded)
        current.step = std::max(step, current.step);
    // The last preview stays as the job's thumbnail when it succeeded; otherwise it would show
    // something that does not exist.
    if (current.isFinal() && current.state != Generation::State::Succeeded)
        m_previews.remove(current.id);
    emitRowChanged(row);
    for (const Asset &asset : added)
        Q_EMIT assetAdded(current.id, asset);
    Q_EMIT jobChanged(current.id);
}

void JobListModel::onProgress(const QString &id, int step, int total)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    Generation &job = m_jobs[row];
    if (job.isFinal())
        return;
    job.step = std::max(job.step, step);
    job.total = total;
    if (job.state == Generation::State::Queued)
        job.state = Generation::State::Running;
    emitRowChanged(row);
    Q_EMIT jobChanged(id);
}

void JobListModel::onAsset(const QJsonObject &json)
{
    const Asset asset = Asset::fromJson(json);
    const int row = rowOf(asset.generationId);
    if (row < 0) {
        // A job we have not heard of (made from another device): fetch it whole.
        m_service->get(asset.generationId, this, [this](const Generation &job, const ApiError &error) {
            if (!error)
                upsert(job);
        });
        return;
    }
    Generation &job = m_jobs[row];
    if (std::any_of(job.assets.begin(), job.assets.end(), [&](const Asset &a) { return a.id == asset.id; }))
        return;
    job.assets.append(asset);
    std::sort(job.assets.begin(), job.assets.end(), [](const Asset &a, const Asset &b) { return a.index < b.index; });
    emitRowChanged(row);
    Q_EMIT assetAdded(job.id, asset);
    Q_EMIT jobChanged(job.id);
}

void JobListModel::onPreview(const QString &id, int step, const QByteArray &image)
{
    Q_UNUSED(step)
    const int row = rowOf(id);
    if (row < 0 || m_jobs.at(row).isFinal() || image.isEmpty())
        return;
    m_previews.insert(id, image);
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, { PreviewRole });
    Q_EMIT jobChanged(id);
}

void JobListModel::emitRowChanged(int row)
{
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
}

} // namespace pygmi::core
