#pragma once

#include "api/ApiError.h"
#include "generation/GenerationTypes.h"

#include <QObject>
#include <functional>

namespace pygmi::core {

class ApiClient;

// Submits, lists and cancels generation jobs (POST/GET /v1/generations). A submission carries
// a client-made UUID: sending the same request again with the same id (a retry after a lost
// answer) returns the existing job instead of making a duplicate.
class GenerationService : public QObject
{
    Q_OBJECT

public:
    using JobDone = std::function<void(const Generation &job, const ApiError &error)>;
    using ListDone
        = std::function<void(const QList<Generation> &jobs, const QString &nextCursor, const ApiError &error)>;

    explicit GenerationService(ApiClient *api, QObject *parent = nullptr);

    static QString newId();
    static bool isUuid(const QString &text);

    // `request.id` must be set (newId()); a network failure is retried with the same id.
    void submit(const GenerationRequest &request, QObject *context, JobDone done);
    void list(int limit, const QString &before, QObject *context, ListDone done);
    void get(const QString &id, QObject *context, JobDone done);
    void cancel(const QString &id, QObject *context, JobDone done);

Q_SIGNALS:
    // A job the server accepted (also a blocked one) or that changed by our own request.
    void jobUpdated(const pygmi::core::Generation &job);

private:
    ApiClient *m_api;
};

} // namespace pygmi::core
