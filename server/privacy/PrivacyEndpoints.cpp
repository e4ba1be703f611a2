#include "PrivacyEndpoints.h"

#include "AccountErasure.h"
#include "CountryLookup.h"
#include "DataCatalog.h"
#include "PrivacyRequests.h"
#include "PrivacyRules.h"
#include "PrivacyWorker.h"
#include "auth/AccountValidator.h"
#include "auth/AuthStore.h"
#include "auth/PasswordHasher.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "consent/ConsentEndpoints.h"
#include "http/ApiError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "mail/MailOutbox.h"
#include "notice/PrivacyNotice.h"
#include "storage/BlobStore.h"
#include "storage/Database.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QSqlRecord>

namespace pygmi::server {

namespace {

constexpr std::int64_t kEmailCodeTtlMs = 24LL * 3600 * 1000;
constexpr int kCodeAttempts = 5;
constexpr qsizetype kAvatarMaxBytes = 512 * 1024;
constexpr qsizetype kDetailsMaxChars = 4000;
constexpr int kOpenExportsMax = 3;
const QString kChangeEmailPurpose = QStringLiteral("change_email");

QString text(const std::string &value)
{
    return QString::fromStdString(value);
}

HttpResponse invalidCredentials()
{
    return ApiError::make(401, QStringLiteral("invalid_credentials"), QStringLiteral("The password is wrong."));
}

HttpResponse conflict(const QString &code, const QString &message)
{
    return ApiError::make(409, code, message);
}

QVariant ms(std::int64_t value)
{
    return QVariant::fromValue<qint64>(value);
}

std::optional<std::int64_t> parseIso(const QString &value)
{
    const QDateTime at = QDateTime::fromString(value, Qt::ISODateWithMs);
    if (!at.isValid())
        return std::nullopt;
    return at.toMSecsSinceEpoch();
}

} // namespace

PrivacyEndpoints::PrivacyEndpoints(Settings settings, Services services)
    : m_settings(settings)
    , m_s(services)
{ }

void PrivacyEndpoints::registerRoutes(Router &router)
{
    const auto bind = [this](HttpResponse (PrivacyEndpoints::*method)(const HttpRequest &)) {
        return [this, method](const HttpRequest &request) { return (this->*method)(request); };
    };
    router.add("GET", "/v1/privacy/summary", bind(&PrivacyEndpoints::summary));
    router.add("GET", "/v1/privacy/requests", bind(&PrivacyEndpoints::listRequests));
    router.add("POST", "/v1/privacy/requests", bind(&PrivacyEndpoints::createRequest));
    router.add("GET", "/v1/privacy/requests/{id}", bind(&PrivacyEndpoints::getRequest));
    router.add("POST", "/v1/privacy/requests/{id}/cancel", bind(&PrivacyEndpoints::cancelRequest));
    router.add("POST", "/v1/privacy/requests/{id}/verify", bind(&PrivacyEndpoints::verifyRequest));
    router.add("POST", "/v1/privacy/requests/{id}/reply", bind(&PrivacyEndpoints::replyRequest));
    router.add("GET", "/v1/privacy/exports/{id}", bind(&PrivacyEndpoints::download));
    router.add("GET", "/v1/privacy/deletion-preview", bind(&PrivacyEndpoints::deletionPreview));
    router.add("GET", "/v1/privacy/erasure-receipts/{id}", bind(&PrivacyEndpoints::erasureReceipt));
    router.add("GET", "/v1/privacy/profile", bind(&PrivacyEndpoints::getProfile));
    router.add("PATCH", "/v1/privacy/profile", bind(&PrivacyEndpoints::patchProfile));
    router.add("PUT", "/v1/privacy/profile/avatar", bind(&PrivacyEndpoints::putAvatar), 1024 * 1024);
    router.add("GET", "/v1/privacy/profile/avatar", bind(&PrivacyEndpoints::getAvatar));
    router.add("DELETE", "/v1/privacy/profile/avatar", bind(&PrivacyEndpoints::deleteAvatar));
    router.add("POST", "/v1/privacy/email", bind(&PrivacyEndpoints::changeEmail));
    router.add("POST", "/v1/privacy/email/confirm", bind(&PrivacyEndpoints::confirmEmail));
    router.add("GET", "/v1/privacy/sessions", bind(&PrivacyEndpoints::sessions));
    router.add("POST", "/v1/privacy/sessions/{id}/revoke", bind(&PrivacyEndpoints::revokeSession));
    router.add("POST", "/v1/privacy/sessions/revoke-all", bind(&PrivacyEndpoints::revokeAll));
    router.add("GET", "/v1/privacy/decisions", bind(&PrivacyEndpoints::decisions));
    router.add("PUT", "/v1/privacy/processing", bind(&PrivacyEndpoints::setProcessing));
    router.add("POST", "/v1/privacy/content/delete-all", bind(&PrivacyEndpoints::deleteAllContent));
}

void PrivacyEndpoints::sessionSeen(const AuthEndpoints::Caller &caller, const HttpRequest &request)
{
    const std::int64_t now = m_s.clock.nowMs();
    static const QRegularExpression studio(QStringLiteral("PygmiStudio/([0-9A-Za-z.+-]{1,32})"));
    const QRegularExpressionMatch match = studio.match(text(std::string(request.header("user-agent"))));
    const QString appVersion = match.hasMatch() ? QStringLiteral("Pygmi Studio %1").arg(match.captured(1))
                                                : QStringLiteral("another client");
    {
        // At most one write a minute per session and app.
        std::lock_guard lock(m_seenMutex);
        const QString key = caller.familyId + u'/' + appVersion;
        const auto it = m_lastSeenWrite.constFind(key);
        if (it != m_lastSeenWrite.cend() && now - *it < 60 * 1000 && now >= *it)
            return;
        if (m_lastSeenWrite.size() > 10000)
            m_lastSeenWrite.clear();
        m_lastSeenWrite.insert(key, now);
    }
    try {
        QSqlQuery update = m_s.database.prepare(
            QStringLiteral("UPDATE token_families SET last_seen_at = ?, app_version = ?, country = ? WHERE id = ?"));
        update.addBindValue(ms(now));
        update.addBindValue(appVersion);
        update.addBindValue(m_s.countries.countryOf(request.remoteAddress)); // the address itself is not kept
        update.addBindValue(caller.familyId);
        Database::exec(update);
    } catch (const std::exception &e) {
        qCWarning(lcStorage) << "last-seen not recorded:" << e.what();
    }
}

// ---- what we hold ----

HttpResponse PrivacyEndpoints::summary(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    const std::int64_t now = m_s.clock.nowMs();
    QJsonArray categories;
    for (const DataCatalog::Category &category : DataCatalog::categories()) {
        qint64 count = 0;
        qint64 bytes = 0;
        std::optional<qint64> nextDeletion;
        for (const DataCatalog::Table &table : DataCatalog::tables()) {
            if (table.category != category.id)
                continue;
            QSqlQuery rows = m_s.database.prepare(
                QStringLiteral("SELECT * FROM %1 WHERE %2 = ?").arg(table.table, table.userColumn));
            rows.setForwardOnly(true);
            rows.addBindValue(caller.userId);
            Database::exec(rows);
            while (rows.next()) {
                ++count;
                const QSqlRecord record = rows.record();
                for (int i = 0; i < record.count(); ++i)
                    bytes += rows.value(i).toString().toUtf8().size();
                for (const DataCatalog::Blob &blob : table.blobs) {
                    const QString sha = rows.value(blob.column).toString();
                    if (!sha.isEmpty())
                        bytes += QFileInfo(m_s.blobs.pathFor(sha)).size();
                }
                if (!table.expiryColumn.isEmpty()) {
                    const qint64 expiry = rows.value(table.expiryColumn).toLongLong();
                    if (expiry > now && (!nextDeletion || expiry < *nextDeletion))
                        nextDeletion = expiry;
                }
            }
        }
        categories.append(QJsonObject {
            { QStringLiteral("id"), category.id },
            { QStringLiteral("title"), category.title },
            { QStringLiteral("count"), count },
            { QStringLiteral("bytes"), bytes },
            { QStringLiteral("retention"), category.retention },
            { QStringLiteral("next_deletion_at"),
              nextDeletion ? QJsonValue(Clock::toIso(*nextDeletion)) : QJsonValue() },
        });
    }

    // Training: the same state as the consent settings, with the items that stay excluded.
    QJsonArray excluded;
    qint64 excludedCount = 0;
    QSqlQuery training = m_s.database.prepare(QStringLiteral("SELECT id, created_at FROM assets WHERE user_id = ? AND "
                                                             "excluded_from_training <> 0 ORDER BY created_at DESC"));
    training.addBindValue(caller.userId);
    Database::exec(training);
    while (training.next()) {
        if (excludedCount++ < 200)
            excluded.append(
                QJsonObject { { QStringLiteral("asset_id"), training.value(0).toString() },
                              { QStringLiteral("created_at"), Clock::toIso(training.value(1).toLongLong()) } });
    }
    training.finish();

    // Who processed what: from each item's provenance.
    QJsonArray processors;
    QSqlQuery processed = m_s.database.prepare(QStringLiteral(
        "SELECT provider, processed_by, COUNT(*) FROM assets WHERE user_id = ? GROUP BY provider, processed_by"));
    processed.addBindValue(caller.userId);
    Database::exec(processed);
    while (processed.next()) {
        processors.append(QJsonObject { { QStringLiteral("provider"), processed.value(0).toString() },
                                        { QStringLiteral("processed_by"), processed.value(1).toString() },
                                        { QStringLiteral("items"), processed.value(2).toLongLong() } });
    }
    processed.finish();

    QJsonValue pendingDeletion;
    for (const auto &open : m_s.requests.open(QStringLiteral("erasure"))) {
        if (open.userId != caller.userId)
            continue;
        pendingDeletion
            = QJsonObject { { QStringLiteral("request_id"), open.id },
                            { QStringLiteral("status"), open.status },
                            { QStringLiteral("grace_ends_at"),
                              open.graceEndsAt ? QJsonValue(Clock::toIso(*open.graceEndsAt)) : QJsonValue() } };
    }
    const NoticeVersion &notice = m_s.notice.current();
    const QJsonObject profile = profileJson(caller.userId);
    const QString region = profile.value(QLatin1String("region")).toString();
    return HttpResponse::json(
        200,
        QJsonObject {
            { QStringLiteral("categories"), categories },
            { QStringLiteral("region"), region },
            { QStringLiteral("regime"), PrivacyRules::regimeFor(region) },
            { QStringLiteral("processing"), processingJson(caller.userId) },
            { QStringLiteral("pending_deletion"), pendingDeletion },
            { QStringLiteral("training"),
              QJsonObject { { QStringLiteral("granted"),
                              m_s.consent.isGrantedForAccount(caller.userId, QStringLiteral("model_training")) },
                            { QStringLiteral("excluded_count"), excludedCount },
                            { QStringLiteral("excluded"), excluded } } },
            { QStringLiteral("processors"), processors },
            { QStringLiteral("notice_processors"), notice.processors },
            { QStringLiteral("transfers"),
              QStringLiteral("Where a processor works outside your country, the notice's safeguards apply (such as "
                             "Standard Contractual Clauses). Generations by the built-in sketch engine never leave "
                             "this server.") },
            { QStringLiteral("contact"), notice.contact },
            { QStringLiteral("supervisory_authority"), notice.supervisoryAuthority },
            { QStringLiteral("notice_version"), notice.version },
            { QStringLiteral("ccpa"),
              QStringLiteral(
                  "If you live in California you may ask what we hold (to know), ask us to delete or correct "
                  "it, and opt out of the sale or sharing of your information. We do not sell it. Use the "
                  "requests on this page; answers come within 45 days.") },
        });
}

// ---- requests ----

HttpResponse PrivacyEndpoints::listRequests(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonArray list;
    const std::int64_t now = m_s.clock.nowMs();
    for (const auto &r : m_s.requests.forUser(caller.userId))
        list.append(m_s.requests.toJson(r, now));
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("requests"), list } });
}

HttpResponse PrivacyEndpoints::getRequest(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    const auto found = m_s.requests.findForUser(caller.userId, text(request.pathParams.at("id")));
    if (!found)
        return ApiError::notFound();
    return HttpResponse::json(200, m_s.requests.toJson(*found, m_s.clock.nowMs()));
}

bool PrivacyEndpoints::reauthenticated(const QString &userId, const QString &password, bool *hasPassword) const
{
    const auto user = m_s.authStore.userById(userId);
    *hasPassword = user && !user->passwordHash.isEmpty();
    if (!user)
        return false;
    if (!*hasPassword)
        return true; // the local profile (and single sign-on only accounts) prove themselves by the session
    if (password.isEmpty())
        return false;
    return m_s.hasher.verify(user->passwordHash, password);
}

HttpResponse PrivacyEndpoints::createRequest(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto type = body.string(QStringLiteral("type"));
    const QString details = body.string(QStringLiteral("details"), false).value_or(QString());
    const QString password = body.string(QStringLiteral("password"), false).value_or(QString());
    const QJsonValue scopeValue = object.value(QLatin1String("scope"));
    if (!scopeValue.isUndefined() && !scopeValue.isNull() && !scopeValue.isObject())
        body.fail(QStringLiteral("scope"), QStringLiteral("wrong_type"));
    QJsonObject scope = scopeValue.toObject();
    if (type && !PrivacyRules::types().contains(*type))
        body.fail(QStringLiteral("type"), QStringLiteral("invalid"));
    if (details.size() > kDetailsMaxChars)
        body.fail(QStringLiteral("details"), QStringLiteral("too_long"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const std::int64_t now = m_s.clock.nowMs();
    const QString actor = QStringLiteral("you");

    if (*type == u"export" || *type == u"access") {
        QJsonArray categories = scope.value(QLatin1String("categories")).toArray();
        for (const QJsonValue &category : std::as_const(categories)) {
            if (!DataCatalog::category(category.toString()))
                body.fail(QStringLiteral("scope.categories"), QStringLiteral("invalid"));
        }
        std::optional<std::int64_t> from;
        std::optional<std::int64_t> to;
        for (const char *key : { "from", "to" }) {
            const QJsonValue value = scope.value(QLatin1String(key));
            if (value.isUndefined() || value.isNull())
                continue;
            const auto at = parseIso(value.toString());
            if (!at)
                body.fail(QStringLiteral("scope.%1").arg(QLatin1String(key)), QStringLiteral("invalid"));
            (qstrcmp(key, "from") == 0 ? from : to) = at;
        }
        if (from && to && *from > *to)
            body.fail(QStringLiteral("scope.to"), QStringLiteral("out_of_range"));
        if (body.hasErrors())
            return ApiError::validation(body.errors());
        int open = 0;
        for (const auto &r : m_s.requests.forUser(caller.userId))
            open += (r.type == u"export" || r.type == u"access") && !PrivacyRules::isFinal(r.status);
        if (open >= kOpenExportsMax)
            return ApiError::make(429, QStringLiteral("too_many_requests"),
                                  QStringLiteral("Three archives are being prepared already; wait for one to finish."));
        const auto created
            = m_s.requests.create(caller.userId, *type, scope, details, QStringLiteral("in_progress"), now, actor);
        m_s.worker.wake();
        return HttpResponse::json(201, m_s.requests.toJson(created, now));
    }

    if (*type == u"erasure") {
        for (const auto &r : m_s.requests.open(QStringLiteral("erasure"))) {
            if (r.userId == caller.userId)
                return conflict(QStringLiteral("already_requested"),
                                QStringLiteral("The account is already scheduled for deletion."));
        }
        bool hasPassword = false;
        const bool verified = reauthenticated(caller.userId, password, &hasPassword);
        if (hasPassword && !password.isEmpty() && !verified)
            return invalidCredentials();
        auto created = m_s.requests.create(
            caller.userId, *type, scope, details,
            verified ? QStringLiteral("in_progress") : QStringLiteral("needs_verification"), now, actor);
        if (verified) {
            m_s.requests.setGraceEndsAt(created.id, now + m_settings.deletionGraceMs);
            m_s.requests.addEvent(
                created.id, caller.userId, QStringLiteral("in_progress"),
                QStringLiteral("Deletion scheduled after the grace period; you can cancel until then"),
                QStringLiteral("server"), now);
        }
        QJsonObject answer = m_s.requests.toJson(*m_s.requests.find(created.id), now);
        answer.insert(QStringLiteral("preview"), previewJson(caller.userId));
        return HttpResponse::json(201, answer);
    }

    if (*type == u"restriction" || *type == u"objection") {
        QJsonObject change;
        if (*type == u"restriction")
            change.insert(QStringLiteral("restricted"), scope.value(QLatin1String("active")).toBool(true));
        else
            change.insert(QStringLiteral("objections"), scope.value(QLatin1String("objections")).toObject());
        return applyProcessing(caller.userId, change, actor);
    }

    if (*type == u"sale_share_opt_out") {
        QSqlQuery optOut = m_s.database.prepare(
            QStringLiteral("INSERT INTO sale_share_optouts (user_id, source, created_at) VALUES (?, 'request', ?)"
                           " ON CONFLICT (user_id) DO NOTHING"));
        optOut.addBindValue(caller.userId);
        optOut.addBindValue(ms(now));
        Database::exec(optOut);
        const auto created
            = m_s.requests.create(caller.userId, *type, scope, details, QStringLiteral("in_progress"), now, actor);
        m_s.requests.transition(created.id, QStringLiteral("completed"),
                                QStringLiteral("Your information is not sold or shared; the opt-out stands"),
                                QStringLiteral("server"), now, QJsonObject { { QStringLiteral("opted_out"), true } });
        return HttpResponse::json(201, m_s.requests.toJson(*m_s.requests.find(created.id), now));
    }

    if (*type == u"human_review") {
        const QString decisionId = scope.value(QLatin1String("decision_id")).toString();
        QSqlQuery decision
            = m_s.database.prepare(QStringLiteral("SELECT id FROM moderation_decisions WHERE id = ? AND user_id = ?"));
        decision.addBindValue(decisionId);
        decision.addBindValue(caller.userId);
        Database::exec(decision);
        if (!decision.next())
            return ApiError::validation({ { QStringLiteral("scope.decision_id"), QStringLiteral("invalid") } });
        decision.finish();
        for (const auto &r : m_s.requests.forUser(caller.userId)) {
            if (r.type == u"human_review" && !PrivacyRules::isFinal(r.status)
                && r.scope.value(QLatin1String("decision_id")).toString() == decisionId)
                return conflict(QStringLiteral("already_requested"),
                                QStringLiteral("A review of this decision is already under way."));
        }
        const auto created
            = m_s.requests.create(caller.userId, *type, QJsonObject { { QStringLiteral("decision_id"), decisionId } },
                                  details, QStringLiteral("in_progress"), now, actor);
        return HttpResponse::json(201, m_s.requests.toJson(created, now));
    }

    // rectification: a person looks at it (pygmi-server admin request ...).
    if (details.trimmed().isEmpty())
        return ApiError::validation({ { QStringLiteral("details"), QStringLiteral("required") } });
    const auto created = m_s.requests.create(caller.userId, *type, scope, details.trimmed(),
                                             QStringLiteral("in_progress"), now, actor);
    return HttpResponse::json(201, m_s.requests.toJson(created, now));
}

HttpResponse PrivacyEndpoints::cancelRequest(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    const auto found = m_s.requests.findForUser(caller.userId, text(request.pathParams.at("id")));
    if (!found)
        return ApiError::notFound();
    const std::int64_t now = m_s.clock.nowMs();
    if (!PrivacyRules::canCancel(found->type, found->status, found->graceEndsAt.value_or(0), now)
        || !m_s.requests.transition(found->id, QStringLiteral("cancelled"), QStringLiteral("Cancelled by you"),
                                    QStringLiteral("you"), now))
        return conflict(QStringLiteral("not_cancellable"), QStringLiteral("This request can no longer be cancelled."));
    return HttpResponse::json(200, m_s.requests.toJson(*m_s.requests.find(found->id), now));
}

HttpResponse PrivacyEndpoints::verifyRequest(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const QString password = body.string(QStringLiteral("password"), false).value_or(QString());
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const auto found = m_s.requests.findForUser(caller.userId, text(request.pathParams.at("id")));
    if (!found)
        return ApiError::notFound();
    if (found->status != u"needs_verification")
        return conflict(QStringLiteral("not_awaiting_verification"),
                        QStringLiteral("This request is already verified."));
    bool hasPassword = false;
    if (!reauthenticated(caller.userId, password, &hasPassword))
        return invalidCredentials();
    const std::int64_t now = m_s.clock.nowMs();
    m_s.requests.transition(found->id, QStringLiteral("in_progress"), QStringLiteral("Identity confirmed"),
                            QStringLiteral("you"), now);
    if (found->type == u"erasure")
        m_s.requests.setGraceEndsAt(found->id, now + m_settings.deletionGraceMs);
    m_s.worker.wake();
    return HttpResponse::json(200, m_s.requests.toJson(*m_s.requests.find(found->id), now));
}

HttpResponse PrivacyEndpoints::replyRequest(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto message = body.string(QStringLiteral("message"));
    if (message && (message->trimmed().isEmpty() || message->size() > kDetailsMaxChars))
        body.fail(QStringLiteral("message"),
                  message->trimmed().isEmpty() ? QStringLiteral("required") : QStringLiteral("too_long"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const auto found = m_s.requests.findForUser(caller.userId, text(request.pathParams.at("id")));
    if (!found)
        return ApiError::notFound();
    const std::int64_t now = m_s.clock.nowMs();
    if (found->status != u"awaiting_user_input"
        || !m_s.requests.transition(found->id, QStringLiteral("in_progress"), message->trimmed(), QStringLiteral("you"),
                                    now))
        return conflict(QStringLiteral("not_awaiting_input"), QStringLiteral("This request is not waiting for you."));
    return HttpResponse::json(200, m_s.requests.toJson(*m_s.requests.find(found->id), now));
}

HttpResponse PrivacyEndpoints::download(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QSqlQuery find = m_s.database.prepare(QStringLiteral("SELECT id, bytes, sha256, expires_at, removed_at, created_at "
                                                         "FROM privacy_exports WHERE id = ? AND user_id = ?"));
    find.addBindValue(text(request.pathParams.at("id")));
    find.addBindValue(caller.userId);
    Database::exec(find);
    if (!find.next())
        return ApiError::notFound();
    const QString id = find.value(0).toString();
    const std::uint64_t size = find.value(1).toULongLong();
    const QString sha = find.value(2).toString();
    const std::int64_t expiresAt = find.value(3).toLongLong();
    const bool removed = !find.value(4).isNull();
    const QString created = Clock::toIso(find.value(5).toLongLong()).left(10);
    find.finish();
    const QString path = m_s.worker.exportPath(id);
    if (removed || expiresAt <= m_s.clock.nowMs() || !QFileInfo::exists(path))
        return ApiError::make(410, QStringLiteral("export_expired"),
                              QStringLiteral("This archive has expired and was deleted. Ask for a new one."));
    HttpResponse response;
    response.contentType = "application/zip";
    response.filePath = QFile::encodeName(path).toStdString();
    response.headers.emplace_back("Accept-Ranges", "bytes");
    response.headers.emplace_back("ETag", "\"" + sha.toStdString() + "\"");
    response.headers.emplace_back("X-Content-SHA256", sha.toStdString());
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"pygmi-export-" + created.toStdString() + ".zip\"");
    const QString range = text(std::string(request.header("range"))).trimmed();
    static const QRegularExpression bytesRange(QStringLiteral("^bytes=(\\d*)-(\\d*)$"));
    const QRegularExpressionMatch match = bytesRange.match(range);
    // A Range for another version of the file (If-Range with a different ETag) gets the whole file.
    const QString ifRange = text(std::string(request.header("if-range"))).trimmed();
    const bool rangeApplies = !range.isEmpty() && (ifRange.isEmpty() || ifRange == u'"' + sha + u'"');
    if (rangeApplies) {
        std::uint64_t first = 0;
        std::uint64_t last = size - 1;
        bool ok = match.hasMatch() && (!match.captured(1).isEmpty() || !match.captured(2).isEmpty()) && size > 0;
        if (ok && match.captured(1).isEmpty()) { // suffix: the last N bytes
            const std::uint64_t suffix = match.captured(2).toULongLong();
            ok = suffix > 0;
            first = suffix >= size ? 0 : size - suffix;
        } else if (ok) {
            first = match.captured(1).toULongLong();
            if (!match.captured(2).isEmpty())
                last = std::min<std::uint64_t>(match.captured(2).toULongLong(), size - 1);
            ok = first < size && first <= last;
        }
        if (!ok) {
            HttpResponse refused = ApiError::make(416, QStringLiteral("range_not_satisfiable"),
                                                  QStringLiteral("The requested range is outside the file."));
            refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
            return refused;
        }
        response.status = 206;
        response.fileOffset = first;
        response.fileLength = last - first + 1;
        response.headers.emplace_back("Content-Range",
                                      "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/"
                                          + std::to_string(size));
        return response;
    }
    response.status = 200;
    response.fileOffset = 0;
    response.fileLength = size;
    return response;
}

QJsonObject PrivacyEndpoints::previewJson(const QString &userId) const
{
    QJsonArray deleted;
    for (const DataCatalog::Category &category : DataCatalog::categories()) {
        if (category.id == u"billing")
            continue;
        qint64 count = 0;
        for (const DataCatalog::Table &table : DataCatalog::tables()) {
            if (table.category != category.id)
                continue;
            QSqlQuery rows = m_s.database.prepare(
                QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 = ?").arg(table.table, table.userColumn));
            rows.addBindValue(userId);
            Database::exec(rows);
            if (rows.next())
                count += rows.value(0).toLongLong();
        }
        deleted.append(QJsonObject { { QStringLiteral("category"), category.id },
                                     { QStringLiteral("title"), category.title },
                                     { QStringLiteral("count"), count } });
    }
    return QJsonObject {
        { QStringLiteral("deleted"), deleted },
        { QStringLiteral("retained"), PrivacyWorker::retainedRecords(m_s.clock.nowMs(), m_settings.erasureRecordMs) },
        { QStringLiteral("grace_days"), qint64(m_settings.deletionGraceMs / (24LL * 3600 * 1000)) },
        { QStringLiteral("needs_password"),
          m_s.authStore.userById(userId).value_or(AuthStore::User {}).passwordHash.size() > 0 },
    };
}

HttpResponse PrivacyEndpoints::deletionPreview(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    return HttpResponse::json(200, previewJson(caller.userId));
}

HttpResponse PrivacyEndpoints::erasureReceipt(const HttpRequest &request)
{
    // No sign-in: the account is gone. The request id (random, given only to the user) is the key,
    // and the receipt holds nothing that identifies the person.
    QSqlQuery find = m_s.database.prepare(QStringLiteral("SELECT receipt FROM erasure_log WHERE request_id = ?"));
    find.addBindValue(text(request.pathParams.at("id")));
    Database::exec(find);
    if (!find.next())
        return ApiError::notFound();
    return HttpResponse::json(200, QJsonDocument::fromJson(find.value(0).toString().toUtf8()).object());
}

// ---- profile and email ----

QJsonObject PrivacyEndpoints::profileJson(const QString &userId) const
{
    QSqlQuery query = m_s.database.prepare(
        QStringLiteral("SELECT display_name, full_name, email, pending_email, region, preferences, avatar_sha256, kind,"
                       " email_verified_at FROM users WHERE id = ?"));
    query.addBindValue(userId);
    Database::exec(query);
    if (!query.next())
        return {};
    const auto nullable
        = [&](int i) { return query.value(i).isNull() ? QJsonValue() : QJsonValue(query.value(i).toString()); };
    return QJsonObject {
        { QStringLiteral("display_name"), query.value(0).toString() },
        { QStringLiteral("name"), nullable(1) },
        { QStringLiteral("email"), nullable(2) },
        { QStringLiteral("pending_email"), nullable(3) },
        { QStringLiteral("email_verified"), !query.value(8).isNull() },
        { QStringLiteral("region"), query.value(4).toString() },
        { QStringLiteral("preferences"), QJsonDocument::fromJson(query.value(5).toString().toUtf8()).object() },
        { QStringLiteral("avatar_url"),
          query.value(6).isNull() ? QJsonValue() : QJsonValue(QStringLiteral("/v1/privacy/profile/avatar")) },
        { QStringLiteral("kind"), query.value(7).toString() },
    };
}

HttpResponse PrivacyEndpoints::getProfile(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    return HttpResponse::json(200, profileJson(caller.userId));
}

HttpResponse PrivacyEndpoints::patchProfile(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto displayName = body.string(QStringLiteral("display_name"), false);
    const auto region = body.string(QStringLiteral("region"), false);
    QString normalizedName;
    if (displayName) {
        if (const auto code = AccountValidator::checkDisplayName(*displayName, &normalizedName))
            body.fail(QStringLiteral("display_name"), *code);
    }
    if (region && !PrivacyRules::regions().contains(*region))
        body.fail(QStringLiteral("region"), QStringLiteral("invalid"));
    const QJsonValue name = object.value(QLatin1String("name"));
    if (!name.isUndefined() && !name.isNull() && !name.isString())
        body.fail(QStringLiteral("name"), QStringLiteral("wrong_type"));
    else if (name.isString()
             && (name.toString().trimmed().size() > 128 || AccountValidator::hasControlCharacters(name.toString())))
        body.fail(QStringLiteral("name"),
                  name.toString().size() > 128 ? QStringLiteral("too_long") : QStringLiteral("invalid"));
    const QJsonValue preferences = object.value(QLatin1String("preferences"));
    if (!preferences.isUndefined() && !preferences.isObject())
        body.fail(QStringLiteral("preferences"), QStringLiteral("wrong_type"));
    else if (preferences.isObject()
             && QJsonDocument(preferences.toObject()).toJson(QJsonDocument::Compact).size() > 8192)
        body.fail(QStringLiteral("preferences"), QStringLiteral("too_long"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    if (displayName) {
        QSqlQuery update = m_s.database.prepare(QStringLiteral("UPDATE users SET display_name = ? WHERE id = ?"));
        update.addBindValue(normalizedName);
        update.addBindValue(caller.userId);
        Database::exec(update);
    }
    if (!name.isUndefined()) {
        QSqlQuery update = m_s.database.prepare(QStringLiteral("UPDATE users SET full_name = ? WHERE id = ?"));
        const QString trimmed = name.toString().trimmed();
        update.addBindValue(name.isNull() || trimmed.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                               : QVariant(trimmed));
        update.addBindValue(caller.userId);
        Database::exec(update);
    }
    if (region) {
        QSqlQuery update = m_s.database.prepare(QStringLiteral("UPDATE users SET region = ? WHERE id = ?"));
        update.addBindValue(*region);
        update.addBindValue(caller.userId);
        Database::exec(update);
    }
    if (preferences.isObject()) {
        QSqlQuery update = m_s.database.prepare(QStringLiteral("UPDATE users SET preferences = ? WHERE id = ?"));
        update.addBindValue(QString::fromUtf8(QJsonDocument(preferences.toObject()).toJson(QJsonDocument::Compact)));
        update.addBindValue(caller.userId);
        Database::exec(update);
    }
    return HttpResponse::json(200, profileJson(caller.userId));
}

HttpResponse PrivacyEndpoints::putAvatar(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto data = body.string(QStringLiteral("data"));
    QByteArray bytes;
    if (data) {
        const auto decoded = QByteArray::fromBase64Encoding(data->toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        bytes = decoded.decoded;
        const bool png = bytes.startsWith("\x89PNG\r\n\x1a\n");
        const bool jpeg = bytes.startsWith("\xff\xd8\xff");
        if (!decoded || (!png && !jpeg))
            body.fail(QStringLiteral("data"), QStringLiteral("invalid"));
        else if (bytes.size() > kAvatarMaxBytes)
            body.fail(QStringLiteral("data"), QStringLiteral("too_long"));
    }
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    // Storing the blob, pointing the row at it and collecting the previous one form one step for
    // other collectors (see BlobStore::lockReferences).
    const auto blobLock = m_s.blobs.lockReferences();
    const auto sha = m_s.blobs.put(bytes);
    if (!sha)
        return ApiError::internalError();
    QSqlQuery old = m_s.database.prepare(QStringLiteral("SELECT avatar_sha256 FROM users WHERE id = ?"));
    old.addBindValue(caller.userId);
    Database::exec(old);
    const QString previous = old.next() ? old.value(0).toString() : QString();
    old.finish();
    QSqlQuery update = m_s.database.prepare(QStringLiteral("UPDATE users SET avatar_sha256 = ? WHERE id = ?"));
    update.addBindValue(*sha);
    update.addBindValue(caller.userId);
    Database::exec(update);
    if (!previous.isEmpty() && previous != *sha)
        AccountErasure::removeBlobIfUnused(m_s.database, m_s.blobs, previous);
    return HttpResponse::json(200, profileJson(caller.userId));
}

HttpResponse PrivacyEndpoints::getAvatar(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QSqlQuery find = m_s.database.prepare(QStringLiteral("SELECT avatar_sha256 FROM users WHERE id = ?"));
    find.addBindValue(caller.userId);
    Database::exec(find);
    const QString sha = find.next() ? find.value(0).toString() : QString();
    const auto bytes = sha.isEmpty() ? std::nullopt : m_s.blobs.read(sha);
    if (!bytes)
        return ApiError::notFound();
    HttpResponse response;
    response.contentType = bytes->startsWith("\x89PNG") ? "image/png" : "image/jpeg";
    response.body = bytes->toStdString();
    return response;
}

HttpResponse PrivacyEndpoints::deleteAvatar(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QSqlQuery find = m_s.database.prepare(QStringLiteral("SELECT avatar_sha256 FROM users WHERE id = ?"));
    find.addBindValue(caller.userId);
    Database::exec(find);
    const QString sha = find.next() ? find.value(0).toString() : QString();
    find.finish();
    QSqlQuery update = m_s.database.prepare(QStringLiteral("UPDATE users SET avatar_sha256 = NULL WHERE id = ?"));
    update.addBindValue(caller.userId);
    Database::exec(update);
    if (!sha.isEmpty()) {
        const auto blobLock = m_s.blobs.lockReferences();
        AccountErasure::removeBlobIfUnused(m_s.database, m_s.blobs, sha);
    }
    return HttpResponse::noContent();
}

HttpResponse PrivacyEndpoints::changeEmail(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto email = body.string(QStringLiteral("new_email"));
    const QString password = body.string(QStringLiteral("password"), false).value_or(QString());
    QString normalized;
    if (email) {
        if (const auto code = AccountValidator::checkEmail(*email, &normalized))
            body.fail(QStringLiteral("new_email"), *code);
    }
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const auto user = m_s.authStore.userById(caller.userId);
    if (!user || user->kind == u"local")
        return ApiError::notAvailable();
    bool hasPassword = false;
    if (!reauthenticated(caller.userId, password, &hasPassword))
        return invalidCredentials();
    if (m_s.authStore.userByEmail(normalized))
        return conflict(QStringLiteral("email_taken"),
                        QStringLiteral("An account with this email address already exists."));
    QSqlQuery update = m_s.database.prepare(QStringLiteral("UPDATE users SET pending_email = ? WHERE id = ?"));
    update.addBindValue(normalized);
    update.addBindValue(caller.userId);
    Database::exec(update);
    const QString code
        = m_s.authStore.issueCode(caller.userId, kChangeEmailPurpose, m_s.clock.nowMs(), kEmailCodeTtlMs);
    m_s.outbox.send(
        normalized, QStringLiteral("Confirm your new email address for Pygmi"),
        QStringLiteral("Hello %1,\n\nenter this code in Pygmi Studio to use this address for your "
                       "account:\n\nCode: %2\n\nThe code works once and expires in 24 hours. Until then your "
                       "old address stays in use.\n")
            .arg(user->displayName, code));
    return HttpResponse::json(202, profileJson(caller.userId));
}

HttpResponse PrivacyEndpoints::confirmEmail(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto code = body.string(QStringLiteral("code"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const QJsonObject profile = profileJson(caller.userId);
    const QString pending = profile.value(QLatin1String("pending_email")).toString();
    if (pending.isEmpty()
        || !m_s.authStore.consumeCode(caller.userId, kChangeEmailPurpose, code->trimmed(), m_s.clock.nowMs(),
                                      kCodeAttempts))
        return ApiError::make(400, QStringLiteral("invalid_code"),
                              QStringLiteral("The code is wrong, expired or already used."));
    if (m_s.authStore.userByEmail(pending))
        return conflict(QStringLiteral("email_taken"),
                        QStringLiteral("An account with this email address already exists."));
    const QString old = profile.value(QLatin1String("email")).toString();
    QSqlQuery update = m_s.database.prepare(QStringLiteral(
        "UPDATE users SET email = pending_email, pending_email = NULL, email_verified_at = ? WHERE id = ?"));
    update.addBindValue(ms(m_s.clock.nowMs()));
    update.addBindValue(caller.userId);
    Database::exec(update);
    if (!old.isEmpty()) {
        // The old address hears about it, so a takeover does not go unnoticed.
        m_s.outbox.send(old, QStringLiteral("Your Pygmi email address was changed"),
                        QStringLiteral("The email address of your Pygmi account was changed just now. If this was not "
                                       "you, reset your password and contact the operator of this server.\n"));
    }
    return HttpResponse::json(200, profileJson(caller.userId));
}

// ---- sessions ----

HttpResponse PrivacyEndpoints::sessions(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QSqlQuery query = m_s.database.prepare(
        QStringLiteral("SELECT id, device_name, app_version, created_at, last_seen_at, country FROM token_families"
                       " WHERE user_id = ? AND revoked_at IS NULL ORDER BY COALESCE(last_seen_at, created_at) DESC"));
    query.addBindValue(caller.userId);
    Database::exec(query);
    QJsonArray list;
    while (query.next()) {
        const QString id = query.value(0).toString();
        list.append(QJsonObject {
            { QStringLiteral("id"), id },
            { QStringLiteral("device_name"),
              query.value(1).isNull() ? QStringLiteral("Unnamed device") : query.value(1).toString() },
            { QStringLiteral("app_version"),
              query.value(2).isNull() ? QJsonValue() : QJsonValue(query.value(2).toString()) },
            { QStringLiteral("signed_in_at"), Clock::toIso(query.value(3).toLongLong()) },
            { QStringLiteral("last_seen_at"),
              Clock::toIso(query.value(4).isNull() ? query.value(3).toLongLong() : query.value(4).toLongLong()) },
            { QStringLiteral("country"),
              query.value(5).isNull() ? QStringLiteral("unknown") : query.value(5).toString() },
            { QStringLiteral("current"), id == caller.familyId },
        });
    }
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("sessions"), list } });
}

HttpResponse PrivacyEndpoints::revokeSession(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    const QString id = text(request.pathParams.at("id"));
    QSqlQuery find = m_s.database.prepare(
        QStringLiteral("SELECT 1 FROM token_families WHERE id = ? AND user_id = ? AND revoked_at IS NULL"));
    find.addBindValue(id);
    find.addBindValue(caller.userId);
    Database::exec(find);
    if (!find.next())
        return ApiError::notFound();
    find.finish();
    m_s.authStore.revokeFamily(id, QStringLiteral("revoked_by_user"), m_s.clock.nowMs());
    return HttpResponse::noContent();
}

HttpResponse PrivacyEndpoints::revokeAll(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (!request.body.empty()) {
        if (auto error = JsonBody::parseObject(request.body, object))
            return *error;
    }
    const bool includeCurrent = object.value(QLatin1String("include_current")).toBool(true);
    const std::int64_t now = m_s.clock.nowMs();
    QSqlQuery find = m_s.database.prepare(
        QStringLiteral("SELECT id FROM token_families WHERE user_id = ? AND revoked_at IS NULL"));
    find.addBindValue(caller.userId);
    Database::exec(find);
    QStringList ids;
    while (find.next())
        ids.append(find.value(0).toString());
    find.finish();
    int revoked = 0;
    for (const QString &id : std::as_const(ids)) {
        if (!includeCurrent && id == caller.familyId)
            continue;
        m_s.authStore.revokeFamily(id, QStringLiteral("signed_out_everywhere"), now);
        ++revoked;
    }
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("revoked"), revoked } });
}

// ---- automated decisions ----

HttpResponse PrivacyEndpoints::decisions(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QHash<QString, PrivacyRequests::Request> reviews;
    for (auto &r : m_s.requests.forUser(caller.userId)) {
        if (r.type == u"human_review") {
            const QString decision = r.scope.value(QLatin1String("decision_id")).toString();
            if (!reviews.contains(decision)) // newest first
                reviews.insert(decision, r);
        }
    }
    QSqlQuery query = m_s.database.prepare(QStringLiteral(
        "SELECT id, generation_id, outcome, category, reason, automated, policy_version, decided_at, reviewed_at,"
        " reviewed_by, review_outcome FROM moderation_decisions WHERE user_id = ? ORDER BY decided_at DESC"));
    query.addBindValue(caller.userId);
    Database::exec(query);
    QJsonArray list;
    const std::int64_t now = m_s.clock.nowMs();
    while (query.next()) {
        const QString id = query.value(0).toString();
        QJsonValue review;
        if (reviews.contains(id)) {
            const auto &r = reviews[id];
            review
                = QJsonObject { { QStringLiteral("request_id"), r.id },
                                { QStringLiteral("status"), r.status },
                                { QStringLiteral("outcome"), r.result.value(QLatin1String("outcome")) },
                                { QStringLiteral("reviewer"), r.result.value(QLatin1String("reviewer")) },
                                { QStringLiteral("note"), r.result.value(QLatin1String("note")) },
                                { QStringLiteral("can_cancel"), PrivacyRules::canCancel(r.type, r.status, 0, now) } };
        }
        list.append(QJsonObject {
            { QStringLiteral("id"), id },
            { QStringLiteral("subject"), QStringLiteral("generation") },
            { QStringLiteral("subject_id"), query.value(1).toString() },
            { QStringLiteral("outcome"), query.value(2).toString() },
            { QStringLiteral("category"),
              query.value(3).isNull() ? QJsonValue() : QJsonValue(query.value(3).toString()) },
            { QStringLiteral("reason"),
              query.value(4).isNull() ? QJsonValue() : QJsonValue(query.value(4).toString()) },
            { QStringLiteral("automated"), query.value(5).toInt() != 0 },
            { QStringLiteral("policy_version"), query.value(6).toString() },
            { QStringLiteral("decided_at"), Clock::toIso(query.value(7).toLongLong()) },
            { QStringLiteral("reviewed_at"),
              query.value(8).isNull() ? QJsonValue() : QJsonValue(Clock::toIso(query.value(8).toLongLong())) },
            { QStringLiteral("review_outcome"),
              query.value(10).isNull() ? QJsonValue() : QJsonValue(query.value(10).toString()) },
            { QStringLiteral("review"), review },
        });
    }
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("decisions"), list } });
}

// ---- restriction and objection ----

QJsonObject PrivacyEndpoints::processingJson(const QString &userId) const
{
    QSqlQuery restricted = m_s.database.prepare(QStringLiteral("SELECT restricted_at FROM users WHERE id = ?"));
    restricted.addBindValue(userId);
    Database::exec(restricted);
    QJsonValue since;
    if (restricted.next() && !restricted.value(0).isNull())
        since = Clock::toIso(restricted.value(0).toLongLong());
    restricted.finish();
    QJsonObject objections { { QStringLiteral("product_analytics"), false },
                             { QStringLiteral("personalisation"), false } };
    QSqlQuery query
        = m_s.database.prepare(QStringLiteral("SELECT purpose FROM processing_objections WHERE user_id = ?"));
    query.addBindValue(userId);
    Database::exec(query);
    while (query.next())
        objections.insert(query.value(0).toString(), true);
    return QJsonObject { { QStringLiteral("restricted"), !since.isNull() },
                         { QStringLiteral("restricted_since"), since },
                         { QStringLiteral("objections"), objections } };
}

HttpResponse PrivacyEndpoints::setProcessing(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    return applyProcessing(caller.userId, object, QStringLiteral("you"));
}

HttpResponse PrivacyEndpoints::applyProcessing(const QString &userId, const QJsonObject &body, const QString &actor)
{
    ApiError::FieldErrors errors;
    const QJsonValue restricted = body.value(QLatin1String("restricted"));
    if (!restricted.isUndefined() && !restricted.isBool())
        errors.insert(QStringLiteral("restricted"), QStringLiteral("wrong_type"));
    const QJsonValue objections = body.value(QLatin1String("objections"));
    if (!objections.isUndefined() && !objections.isObject())
        errors.insert(QStringLiteral("objections"), QStringLiteral("wrong_type"));
    const QStringList known { QStringLiteral("product_analytics"), QStringLiteral("personalisation") };
    const QJsonObject objectionMap = objections.toObject();
    for (auto it = objectionMap.begin(); it != objectionMap.end(); ++it) {
        if (!known.contains(it.key()) || !it.value().isBool())
            errors.insert(QStringLiteral("objections.%1").arg(it.key()), QStringLiteral("invalid"));
    }
    if (!errors.isEmpty())
        return ApiError::validation(errors);
    const QJsonObject before = processingJson(userId);
    const std::int64_t now = m_s.clock.nowMs();
    QJsonArray done;
    if (restricted.isBool() && restricted.toBool() != before.value(QLatin1String("restricted")).toBool()) {
        QSqlQuery update = m_s.database.prepare(QStringLiteral("UPDATE users SET restricted_at = ? WHERE id = ?"));
        update.addBindValue(restricted.toBool() ? ms(now) : QVariant(QMetaType::fromType<qint64>()));
        update.addBindValue(userId);
        Database::exec(update);
        const auto created = m_s.requests.create(userId, QStringLiteral("restriction"),
                                                 QJsonObject { { QStringLiteral("active"), restricted.toBool() } }, {},
                                                 QStringLiteral("in_progress"), now, actor);
        m_s.requests.transition(
            created.id, QStringLiteral("completed"),
            restricted.toBool() ? QStringLiteral("Processing restricted: no new generations or analytics")
                                : QStringLiteral("Restriction lifted"),
            QStringLiteral("server"), now, QJsonObject { { QStringLiteral("restricted"), restricted.toBool() } });
        done.append(created.id);
    }
    for (auto it = objectionMap.begin(); it != objectionMap.end(); ++it) {
        const bool on = it.value().toBool();
        if (on == before.value(QLatin1String("objections")).toObject().value(it.key()).toBool())
            continue;
        QSqlQuery update = m_s.database.prepare(
            on ? QStringLiteral("INSERT INTO processing_objections (user_id, purpose, created_at) VALUES (?, ?, ?)")
               : QStringLiteral("DELETE FROM processing_objections WHERE user_id = ? AND purpose = ?"));
        update.addBindValue(userId);
        update.addBindValue(it.key());
        if (on)
            update.addBindValue(ms(now));
        Database::exec(update);
        const auto created = m_s.requests.create(
            userId, QStringLiteral("objection"),
            QJsonObject { { QStringLiteral("purpose"), it.key() }, { QStringLiteral("active"), on } }, {},
            QStringLiteral("in_progress"), now, actor);
        m_s.requests.transition(
            created.id, QStringLiteral("completed"),
            on ? QStringLiteral("Objection recorded; this processing has stopped")
               : QStringLiteral("Objection withdrawn"),
            QStringLiteral("server"), now,
            QJsonObject { { QStringLiteral("purpose"), it.key() }, { QStringLiteral("objected"), on } });
        done.append(created.id);
    }
    QJsonObject answer = processingJson(userId);
    answer.insert(QStringLiteral("requests"), done);
    return HttpResponse::json(200, answer);
}

HttpResponse PrivacyEndpoints::deleteAllContent(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto refused = m_s.auth.authenticate(request, &caller))
        return *refused;
    const ErasureReport report = m_s.erasure.eraseContent(caller.userId);
    QJsonObject rows;
    for (auto it = report.rows.cbegin(); it != report.rows.cend(); ++it)
        rows.insert(it.key(), qint64(it.value()));
    return HttpResponse::json(
        200, QJsonObject { { QStringLiteral("rows"), rows }, { QStringLiteral("files"), qint64(report.files) } });
}

} // namespace pygmi::server
