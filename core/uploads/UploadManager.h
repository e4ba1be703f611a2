#pragma once

#include "api/ApiError.h"
#include "uploads/UploadItem.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <memory>

class QTimer;

namespace pygmi::core {

class ApiClient;
struct ApiResponse;
class UploadStateStore;

// Resumable reference uploads over tus 1.0.0. Each file is first made private (metadata removed
// into a copy unless the creator keeps it) and hashed off the UI thread; an identical file the
// server already has is not sent again. Then it goes up in chunks (PATCH, default 4 MiB, each with
// a SHA-1 checksum), at most `concurrency` files at a time, with progress, speed and time left.
// Pause, resume and cancel at any time; network errors are retried with exponential backoff and
// jitter, always after asking the server where it stands (HEAD). The state lives in a local
// database, so uploads continue after a restart (at most one chunk is sent again).
class UploadManager : public QObject
{
    Q_OBJECT

public:
    UploadManager(ApiClient *api, const QString &databasePath, const QString &workDir, QObject *parent = nullptr);
    ~UploadManager() override;

    static constexpr qint64 kDefaultChunkSize = 4LL * 1024 * 1024;

    // Which server (and account) the uploads belong to; restore() loads that scope's uploads and
    // continues the ones that were running.
    void setScope(const QString &scope);
    QString scope() const { return m_scope; }
    void restore();

    void setEndpoint(const QString &path) { m_endpoint = path; } // default "/v1/uploads"
    void setChunkSize(qint64 bytes) { m_chunkSize = qMax<qint64>(1, bytes); }
    void setConcurrency(int uploads) { m_concurrency = qMax(1, uploads); }
    // First retry delay; it doubles per attempt (with jitter) up to `maxMs`.
    void setBackoff(int baseMs, int maxMs)
    {
        m_backoffBaseMs = baseMs;
        m_backoffMaxMs = maxMs;
    }

    // Adds a file; returns its id. `keepMetadata` sends it as it is (off by default).
    QString add(const QString &filePath, bool keepMetadata = false);
    // Adds a reference the server already holds (from the library); nothing is sent.
    QString addReference(const QString &referenceId, const QString &name, const QString &media, qint64 bytes);
    void pause(const QString &id);
    void resume(const QString &id);
    // Stops and forgets an upload (the server's partial upload is terminated); a finished one is
    // only taken off the list: the reference stays in the library.
    void remove(const QString &id);
    void setStrength(const QString &id, double strength);

    QList<UploadItem> items() const;
    std::optional<UploadItem> item(const QString &id) const;
    // Finished references in order with their strengths, for a generation request.
    QList<QPair<QString, double>> references() const;
    // True when no file is still being prepared or sent (failed and paused ones do not count as busy).
    bool isBusy() const;
    int chunkRequests() const { return m_chunkRequests; } // PATCH requests sent (tests, benchmarks)

Q_SIGNALS:
    void itemAdded(const QString &id);
    void itemChanged(const QString &id);
    void itemRemoved(const QString &id);

private:
    struct Runtime;

    UploadItem *find(const QString &id);
    Runtime &runtime(const QString &id);
    qint64 nextCreatedAtMs() const;
    void save(const UploadItem &item);
    void changed(const QString &id, bool persist = true);
    void startPrepare(const QString &id);
    void schedule();
    void startUpload(const QString &id);
    void createUpload(const QString &id);
    void verifyOffset(const QString &id);
    void sendChunk(const QString &id);
    void readChunk(const QString &id, qint64 offset);
    void onPatched(const QString &id, qint64 sentFrom, const ApiResponse &response);
    void handleFailure(const QString &id, const ApiResponse &response);
    void retryLater(const QString &id);
    void finish(const QString &id, const QString &referenceId);
    void fail(const QString &id, const QString &code, const QString &message);
    void stopActivity(const QString &id);
    void releasePreparedCopy(const UploadItem &item);
    void recordProgress(const QString &id);
    QString uploadPath(const QByteArray &location) const;
    QList<QPair<QByteArray, QByteArray>> tusHeaders() const;

    ApiClient *m_api;
    std::unique_ptr<UploadStateStore> m_store;
    QString m_workDir;
    QString m_scope;
    QString m_endpoint = QStringLiteral("/v1/uploads");
    qint64 m_chunkSize = kDefaultChunkSize;
    int m_concurrency = 3;
    int m_backoffBaseMs = 1000;
    int m_backoffMaxMs = 60000;
    int m_chunkRequests = 0;
    QList<UploadItem> m_items;
    QHash<QString, std::shared_ptr<Runtime>> m_runtime;
};

} // namespace pygmi::core
