#include "TelemetryEndpoints.h"

#include "auth/AuthEndpoints.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "consent/ConsentEndpoints.h"
#include "consent/ConsentStore.h"
#include "http/ApiError.h"
#include "privacy/ProcessingGate.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QUrlQuery>
#include <QUuid>
#include <vector>

namespace pygmi::server {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

struct CatalogueEntry
{
    const char *name;
    int retentionDays;
    // field name -> "int" | "page" | "code"
    std::vector<std::pair<const char *, const char *>> fields;
};

const std::vector<CatalogueEntry> &catalogue()
{
    static const std::vector<CatalogueEntry> entries {
        { "app_started", 90, { { "startup_ms", "int" } } },
        { "page_viewed", 30, { { "page", "page" } } },
        { "feature_used", 30, { { "feature", "code" } } },
        { "error_shown", 180, { { "code", "code" } } },
    };
    return entries;
}

const CatalogueEntry *entryFor(const QString &name)
{
    for (const CatalogueEntry &entry : catalogue()) {
        if (name == QLatin1String(entry.name))
            return &entry;
    }
    return nullptr;
}

bool validField(const char *type, const QJsonValue &value)
{
    static const QRegularExpression code(QStringLiteral("^[a-z][a-z0-9_]{0,39}$"));
    static const QStringList pages { QStringLiteral("create"), QStringLiteral("gallery"), QStringLiteral("privacy"),
                                     QStringLiteral("settings") };
    const QString kind = QString::fromLatin1(type);
    if (kind == u"int")
        return value.isDouble() && value.toDouble() == double(qint64(value.toDouble())) && value.toDouble() >= 0
            && value.toDouble() <= 3600000;
    if (kind == u"page")
        return value.isString() && pages.contains(value.toString());
    return value.isString() && code.match(value.toString()).hasMatch();
}

HttpResponse unknownInstall()
{
    return ApiError::make(404, QStringLiteral("unknown_install"),
                          QStringLiteral("This install id is not registered to this account."));
}

} // namespace

TelemetryEndpoints::TelemetryEndpoints(const Database &database, const AuthEndpoints &auth,
                                       const ConsentEndpoints &consent, const ConsentStore &consentStore,
                                       const Clock &clock)
    : m_database(database)
    , m_auth(auth)
    , m_consent(consent)
    , m_consentStore(consentStore)
    , m_clock(clock)
{ }

int TelemetryEndpoints::retentionDays(const QString &name)
{
    const CatalogueEntry *entry = entryFor(name);
    return entry ? entry->retentionDays : 0;
}

void TelemetryEndpoints::registerRoutes(Router &router)
{
    router.add(
        "POST", "/v1/telemetry", [this](const HttpRequest &request) { return intake(request); }, kBodyLimit);
    router.add(
        "POST", "/v1/telemetry/deletion-request",
        [this](const HttpRequest &request) { return deletionRequest(request); }, 4 * 1024);
    router.add("GET", "/v1/telemetry/stored", [this](const HttpRequest &request) { return stored(request); });
}

int TelemetryEndpoints::sweep() const
{
    QSqlQuery remove = m_database.prepare(QStringLiteral("DELETE FROM telemetry_events WHERE expires_at <= ?"));
    remove.addBindValue(qint64(m_clock.nowMs()));
    Database::exec(remove);
    const int removed = remove.numRowsAffected();
    if (removed > 0)
        qCInfo(lcStorage) << "telemetry sweep removed" << removed << "expired events";
    return removed;
}

std::optional<HttpResponse> TelemetryEndpoints::checkInstall(const QString &installId, const QString &userId) const
{
    if (!ConsentEndpoints::isInstallId(installId))
        return ApiError::validation({ { QStringLiteral("install_id"), QStringLiteral("invalid") } });
    if (m_consentStore.installOwner(installId).value_or(QString()) != userId)
        return unknownInstall();
    return std::nullopt;
}

HttpResponse TelemetryEndpoints::intake(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_auth.authenticate(request, &caller))
        return *refused;
    if (m_gate) {
        if (auto refused = m_gate->refuse(caller.userId, ProcessingGate::Kind::Analytics))
            return *refused;
    }
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto installId = body.string(QStringLiteral("install_id"));
    const auto batchId = body.string(QStringLiteral("batch_id"));
    if (batchId && !ConsentEndpoints::isInstallId(*batchId))
        body.fail(QStringLiteral("batch_id"), QStringLiteral("invalid"));
    const QJsonValue rawEvents = object.value(QLatin1String("events"));
    if (!rawEvents.isArray())
        body.fail(QStringLiteral("events"),
                  rawEvents.isUndefined() ? QStringLiteral("required") : QStringLiteral("wrong_type"));
    const QJsonArray events = rawEvents.toArray();
    if (rawEvents.isArray() && (events.isEmpty() || events.size() > kMaxEvents))
        body.fail(QStringLiteral("events"), events.isEmpty() ? QStringLiteral("required") : QStringLiteral("too_long"));
    for (qsizetype i = 0; i < events.size() && !body.hasError(QStringLiteral("events")); ++i) {
        const QJsonObject event = events.at(i).toObject();
        const QString field = QStringLiteral("events.%1").arg(i);
        const CatalogueEntry *entry = entryFor(event.value(QLatin1String("name")).toString());
        const QDateTime at = QDateTime::fromString(event.value(QLatin1String("at")).toString(), Qt::ISODateWithMs);
        const QJsonObject fields = event.value(QLatin1String("fields")).toObject();
        bool ok = events.at(i).isObject() && entry && at.isValid() && event.size() == 3
            && event.value(QLatin1String("fields")).isObject() && fields.size() == qsizetype(entry->fields.size());
        if (ok) {
            for (const auto &[name, type] : entry->fields)
                ok = ok && validField(type, fields.value(QLatin1String(name)));
        }
        if (!ok)
            body.fail(field, QStringLiteral("invalid"));
    }
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    if (auto refused = checkInstall(*installId, caller.userId))
        return *refused;
    m_consent.honourGpc(request, caller.userId, *installId);
    if (!m_consent.evaluate(caller.userId, *installId).value(QStringLiteral("analytics")).effective) {
        return ApiError::make(403, QStringLiteral("consent_required"),
                              QStringLiteral("Analytics consent is not granted for this account and install."));
    }

    sweep();
    const std::int64_t now = m_clock.nowMs();
    WriteTransaction transaction(m_database.connection());
    // A retried batch (the answer got lost) is accepted once.
    QSqlQuery seen = m_database.prepare(QStringLiteral("SELECT 1 FROM telemetry_events WHERE batch_id = ?"));
    seen.addBindValue(*batchId);
    Database::exec(seen);
    if (seen.next())
        return HttpResponse::json(
            200, QJsonObject { { QStringLiteral("accepted"), 0 }, { QStringLiteral("duplicate"), true } });
    seen.finish();
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        const QString name = event.value(QLatin1String("name")).toString();
        QSqlQuery insert = m_database.prepare(
            QStringLiteral("INSERT INTO telemetry_events (id, batch_id, install_id, user_id, name, fields,"
                           " occurred_at, received_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert.addBindValue(QUuid::createUuid().toString(QUuid::WithoutBraces));
        insert.addBindValue(*batchId);
        insert.addBindValue(*installId);
        insert.addBindValue(caller.userId);
        insert.addBindValue(name);
        insert.addBindValue(QString::fromUtf8(
            QJsonDocument(event.value(QLatin1String("fields")).toObject()).toJson(QJsonDocument::Compact)));
        insert.addBindValue(qint64(
            QDateTime::fromString(event.value(QLatin1String("at")).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch()));
        insert.addBindValue(qint64(now));
        insert.addBindValue(qint64(now + retentionDays(name) * kDayMs));
        Database::exec(insert);
    }
    transaction.commit();
    return HttpResponse::json(
        202, QJsonObject { { QStringLiteral("accepted"), events.size() }, { QStringLiteral("duplicate"), false } });
}

HttpResponse TelemetryEndpoints::deletionRequest(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto installId = body.string(QStringLiteral("install_id"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    if (auto refused = checkInstall(*installId, caller.userId))
        return *refused;
    const std::int64_t now = m_clock.nowMs();
    WriteTransaction transaction(m_database.connection());
    QSqlQuery remove = m_database.prepare(QStringLiteral("DELETE FROM telemetry_events WHERE install_id = ?"));
    remove.addBindValue(*installId);
    Database::exec(remove);
    const int deleted = remove.numRowsAffected();
    QSqlQuery record = m_database.prepare(
        QStringLiteral("INSERT INTO telemetry_deletions (id, install_id, user_id, events_deleted, requested_at)"
                       " VALUES (?, ?, ?, ?, ?)"));
    record.addBindValue(QUuid::createUuid().toString(QUuid::WithoutBraces));
    record.addBindValue(*installId);
    record.addBindValue(caller.userId);
    record.addBindValue(qint64(deleted));
    record.addBindValue(qint64(now));
    Database::exec(record);
    transaction.commit();
    qCInfo(lcServer) << "telemetry deletion request carried out:" << deleted << "events";
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("deleted"), deleted } });
}

HttpResponse TelemetryEndpoints::stored(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_auth.authenticate(request, &caller))
        return *refused;
    const QString installId
        = QUrlQuery(QString::fromStdString(request.query)).queryItemValue(QStringLiteral("install_id"));
    if (auto refused = checkInstall(installId, caller.userId))
        return *refused;
    sweep();
    QSqlQuery count = m_database.prepare(QStringLiteral("SELECT COUNT(*) FROM telemetry_events WHERE install_id = ?"));
    count.addBindValue(installId);
    Database::exec(count);
    const qint64 events = count.next() ? count.value(0).toLongLong() : 0;
    return HttpResponse::json(
        200, QJsonObject { { QStringLiteral("install_id"), installId }, { QStringLiteral("events"), events } });
}

} // namespace pygmi::server
