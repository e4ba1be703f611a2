#include "generation/GenerationService.h"

#include "api/ApiClient.h"
#include "generation/GenerationLogging.h"

#include <QJsonArray>
#include <QPointer>
#include <QRegularExpression>
#include <QUrl>
#include <QUuid>

namespace pygmi::core {

GenerationService::GenerationService(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
{
    qRegisterMetaType<Generation>();
    qRegisterMetaType<Asset>();
}

QString GenerationService::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool GenerationService::isUuid(const QString &text)
{
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    return uuid.match(text).hasMatch();
}

void GenerationService::submit(const GenerationRequest &request, QObject *context, JobDone done)
{
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/v1/generations");
    r.body = request.toJson(true);
    // The id is an idempotency key: resending after a lost answer cannot make a second job.
    r.idempotent = true;
    qCInfo(lcGeneration) << "submitting" << request.id << request.media << request.count;
    QPointer<GenerationService> self(this);
    m_api->send(r, context, [self, done](const ApiResponse &response) {
        Generation job;
        if (response.ok())
            job = Generation::fromJson(response.json);
        if (self && response.ok())
            Q_EMIT self->jobUpdated(job);
        if (done)
            done(job, response.error);
    });
}

void GenerationService::list(int limit, const QString &before, QObject *context, ListDone done)
{
    QString path = QStringLiteral("/v1/generations?limit=%1").arg(limit);
    if (!before.isEmpty())
        path += QStringLiteral("&before=") + QString::fromLatin1(QUrl::toPercentEncoding(before));
    m_api->get(path, context, [done](const ApiResponse &response) {
        QList<Generation> jobs;
        QString next;
        if (response.ok()) {
            for (const QJsonValue &item : response.json.value(QStringLiteral("items")).toArray())
                jobs.append(Generation::fromJson(item.toObject()));
            next = response.json.value(QStringLiteral("next_cursor")).toString();
        }
        if (done)
            done(jobs, next, response.error);
    });
}

void GenerationService::get(const QString &id, QObject *context, JobDone done)
{
    if (!isUuid(id)) {
        // Never sent: a malformed id is a bug on our side, not something to ask the server.
        if (done)
            done({}, ApiError(ApiError::Kind::Client, QStringLiteral("invalid_id")));
        return;
    }
    m_api->get(QStringLiteral("/v1/generations/") + id, context, [done](const ApiResponse &response) {
        if (done)
            done(response.ok() ? Generation::fromJson(response.json) : Generation(), response.error);
    });
}

void GenerationService::cancel(const QString &id, QObject *context, JobDone done)
{
    if (!isUuid(id)) {
        if (done)
            done({}, ApiError(ApiError::Kind::Client, QStringLiteral("invalid_id")));
        return;
    }
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/v1/generations/%1/cancel").arg(id);
    r.body = QJsonObject();
    r.idempotent = true; // cancelling twice has the same effect
    QPointer<GenerationService> self(this);
    m_api->send(r, context, [self, done](const ApiResponse &response) {
        Generation job;
        if (response.ok()) {
            job = Generation::fromJson(response.json);
            if (self)
                Q_EMIT self->jobUpdated(job);
        }
        if (done)
            done(job, response.error);
    });
}

} // namespace pygmi::core
