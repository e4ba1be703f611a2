#pragma once

#include "generation/GenerationTypes.h"

#include <QAbstractListModel>
#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>

namespace pygmi::core {

class EventStream;
class GenerationService;

// Every generation job of the user, newest first, kept current from the event stream (state,
// progress, live previews, new results) and refetched when the stream says it missed events.
class JobListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        StateRole, // Generation::State as int
        StepRole,
        TotalRole,
        PromptRole,
        MediaRole,
        PreviewRole, // QByteArray: the latest small preview image (JPEG/PNG), if any
        GenerationRole, // QVariant<Generation>
        FailureTextRole, // plain-language reason when failed/blocked
    };

    JobListModel(GenerationService *service, EventStream *events, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &id) const;
    std::optional<Generation> job(const QString &id) const;
    QByteArray preview(const QString &id) const { return m_previews.value(id); }
    int activeCount() const;
    bool isLoaded() const { return m_loaded; }

    // Refetches the newest jobs from the server (also called on resync).
    void reload();
    // Forgets everything (sign-out).
    void clear();
    // Applies what the server said about a job (from an answer or an event).
    void upsert(const Generation &job);

Q_SIGNALS:
    void jobChanged(const QString &id);
    void assetAdded(const QString &jobId, const pygmi::core::Asset &asset);
    void reloaded();

private:
    void onProgress(const QString &id, int step, int total);
    void onAsset(const QJsonObject &json);
    void onPreview(const QString &id, int step, const QByteArray &image);
    void emitRowChanged(int row);
    void insertSorted(const Generation &job);

    GenerationService *m_service;
    QList<Generation> m_jobs;
    QHash<QString, QByteArray> m_previews;
    bool m_loaded = false;
    bool m_reloading = false;
    bool m_reloadAgain = false;
};

} // namespace pygmi::core
