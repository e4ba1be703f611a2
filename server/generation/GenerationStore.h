#pragma once

#include "GenerationRequest.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSqlQuery>
#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace pygmi::server {

class Database;

// SQL for generations, their assets and moderation decisions. Every query is bound; every
// lookup on behalf of a user filters by that user, so another user's ids look absent.
class GenerationStore
{
public:
    struct Generation
    {
        QString id;
        QString userId;
        QString state;
        QString requestBody;
        QJsonObject request;
        std::int64_t seed = 0;
        QString provider;
        QString model;
        QString media;
        int step = 0;
        int total = 0;
        QString errorCode;
        QString errorMessage;
        QString moderationDecisionId;
        std::int64_t createdAt = 0;
        std::optional<std::int64_t> startedAt;
        std::optional<std::int64_t> finishedAt;
    };

    struct Asset
    {
        QString id;
        QString userId;
        QString generationId;
        int index = 0;
        QString media;
        QString mime;
        int width = 0;
        int height = 0;
        std::optional<std::int64_t> durationMs;
        std::optional<int> fps;
        std::optional<int> frameCount;
        std::int64_t bytes = 0;
        QString sha256;
        QString posterSha256; // empty for images
        QString prompt;
        QString negativePrompt;
        QString style;
        std::int64_t seed = 0;
        QString provider;
        QString model;
        QString processedBy;
        QJsonObject params;
        std::int64_t queuedMs = 0;
        std::int64_t runMs = 0;
        bool excludedFromTraining = true;
        std::int64_t createdAt = 0;
        std::int64_t expiresAt = 0;
        QJsonArray referencesUsed; // [{"id","sha256","strength"}]
        bool favourite = false; // set in the gallery
        QString title;
    };

    struct Decision
    {
        QString id;
        QString category;
        QString reason;
        bool automated = true;
        std::int64_t decidedAt = 0;
    };

    enum class CreateResult { Created, Same, Conflict, TooManyJobs };

    explicit GenerationStore(const Database &database);

    // Inserts the job (queued, or blocked when `blocked` is set) and its moderation decision, unless
    // the id exists (Same for the same user and body, else Conflict) or the user is at `maxActive`.
    CreateResult create(const QString &userId, const GenerationRequest &request, const std::optional<Decision> &blocked,
                        const QString &policyVersion, int maxActive, std::int64_t nowMs) const;

    // `userId` empty: any user's (for the job runner).
    std::optional<Generation> find(const QString &userId, const QString &id) const;
    // Newest first; `before` is the cursor of the previous page's last item.
    std::vector<Generation> list(const QString &userId, int limit, const std::optional<QString> &before) const;
    static QString cursorFor(const Generation &generation);
    static bool validCursor(const QString &cursor);

    std::vector<Asset> assetsOf(const QString &generationId) const;
    std::optional<Asset> asset(const QString &userId, const QString &assetId) const;
    std::optional<Decision> decision(const QString &decisionId) const;

    bool markRunning(const QString &id, std::int64_t nowMs) const;
    void updateProgress(const QString &id, int step, int total) const;
    // Ends a running job as failed. False if it was no longer running (cancelled meanwhile).
    bool markFailed(const QString &id, const QString &code, const QString &message, std::int64_t nowMs) const;
    // Ends a running job as succeeded with its assets, atomically. False if no longer running.
    bool markSucceeded(const QString &id, const std::vector<Asset> &assets, std::int64_t nowMs) const;

    enum class CancelResult { Cancelled, NotFound, NotCancellable };
    CancelResult cancel(const QString &userId, const QString &id, std::int64_t nowMs) const;

    // Start-up: jobs left queued or running by a previous process. Local mode puts them back in
    // the queue (returned, oldest first); hosted mode fails them as "interrupted" (also returned).
    std::vector<Generation> recoverUnfinished(bool requeue, std::int64_t nowMs) const;

    // The columns of an asset read and the row they describe (shared with the gallery's queries).
    static QString assetColumns();
    static Asset readAsset(const QSqlQuery &query);

    QJsonObject toJson(const Generation &generation) const;
    static QJsonObject toJson(const Asset &asset);

private:
    const Database &m_db;
};

} // namespace pygmi::server
