#include "PrivacyRequests.h"

#include "PrivacyRules.h"
#include "common/Clock.h"
#include "consent/ReceiptSigner.h"
#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QUuid>

namespace pygmi::server {

namespace {

const QString kColumns = QStringLiteral(
    "id, user_id, type, regime, scope, status, details, submitted_at, acknowledged_at, due_at, extended_due_at,"
    " extension_reason, reason, grace_ends_at, completed_at, result, receipt, attempts");

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

std::optional<std::int64_t> optionalMs(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

QJsonObject objectOf(const QVariant &value)
{
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonValue isoOrNull(const std::optional<std::int64_t> &ms)
{
    return ms ? QJsonValue(Clock::toIso(*ms)) : QJsonValue::Null;
}

} // namespace

PrivacyRequests::PrivacyRequests(const Database &database, const ReceiptSigner &signer)
    : m_database(database)
    , m_signer(signer)
{ }

PrivacyRequests::Request PrivacyRequests::read(QSqlQuery &query) const
{
    Request r;
    r.id = query.value(0).toString();
    r.userId = query.value(1).toString();
    r.type = query.value(2).toString();
    r.regime = query.value(3).toString();
    r.scope = objectOf(query.value(4));
    r.status = query.value(5).toString();
    r.details = query.value(6).toString();
    r.submittedAt = query.value(7).toLongLong();
    r.acknowledgedAt = optionalMs(query.value(8));
    r.dueAt = query.value(9).toLongLong();
    r.extendedDueAt = optionalMs(query.value(10));
    r.extensionReason = query.value(11).toString();
    r.reason = query.value(12).toString();
    r.graceEndsAt = optionalMs(query.value(13));
    r.completedAt = optionalMs(query.value(14));
    r.result = objectOf(query.value(15));
    r.receipt = objectOf(query.value(16));
    r.attempts = query.value(17).toInt();
    return r;
}

PrivacyRequests::Request PrivacyRequests::create(const QString &userId, const QString &type, const QJsonObject &scope,
                                                 const QString &details, const QString &status, std::int64_t now,
                                                 const QString &actor) const
{
    QSqlQuery region = m_database.prepare(QStringLiteral("SELECT region FROM users WHERE id = ?"));
    region.addBindValue(userId);
    Database::exec(region);
    Request r;
    r.id = newId();
    r.userId = userId;
    r.type = type;
    r.regime = PrivacyRules::regimeFor(region.next() ? region.value(0).toString() : QString());
    region.finish();
    r.scope = scope;
    r.status = status;
    r.details = details;
    r.submittedAt = now;
    r.dueAt = PrivacyRules::dueAt(r.regime, now);
    if (status != u"submitted" && status != u"needs_verification")
        r.acknowledgedAt = now;
    WriteTransaction transaction(m_database.connection());
    QSqlQuery insert = m_database.prepare(
        QStringLiteral("INSERT INTO privacy_requests (id, user_id, type, regime, scope, status, details, submitted_at,"
                       " acknowledged_at, due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.addBindValue(r.id);
    insert.addBindValue(userId);
    insert.addBindValue(type);
    insert.addBindValue(r.regime);
    insert.addBindValue(compact(scope));
    insert.addBindValue(status);
    insert.addBindValue(details.isNull() ? QStringLiteral("") : details);
    insert.addBindValue(QVariant::fromValue<qint64>(now));
    insert.addBindValue(r.acknowledgedAt ? QVariant::fromValue<qint64>(*r.acknowledgedAt)
                                         : QVariant(QMetaType::fromType<qint64>()));
    insert.addBindValue(QVariant::fromValue<qint64>(r.dueAt));
    insert.addBindValue(QVariant::fromValue<qint64>(now));
    Database::exec(insert);
    addEvent(r.id, userId, QStringLiteral("submitted"), QStringLiteral("Request received"), actor, now);
    if (status != u"submitted")
        addEvent(r.id, userId, status, QString(), QStringLiteral("server"), now);
    transaction.commit();
    return r;
}

void PrivacyRequests::addEvent(const QString &id, const QString &userId, const QString &status, const QString &note,
                               const QString &actor, std::int64_t now) const
{
    QSqlQuery insert = m_database.prepare(
        QStringLiteral("INSERT INTO privacy_request_events (id, request_id, user_id, status, note, actor, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert.addBindValue(newId());
    insert.addBindValue(id);
    insert.addBindValue(userId);
    insert.addBindValue(status);
    insert.addBindValue(note.isNull() ? QStringLiteral("") : note); // NOT NULL: an empty note, never NULL
    insert.addBindValue(actor);
    insert.addBindValue(QVariant::fromValue<qint64>(now));
    Database::exec(insert);
}

std::optional<PrivacyRequests::Request> PrivacyRequests::find(const QString &id) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT %1 FROM privacy_requests WHERE id = ?").arg(kColumns));
    query.addBindValue(id);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    return read(query);
}

std::optional<PrivacyRequests::Request> PrivacyRequests::findForUser(const QString &userId, const QString &id) const
{
    auto request = find(id);
    if (!request || request->userId != userId)
        return std::nullopt;
    return request;
}

std::vector<PrivacyRequests::Request> PrivacyRequests::forUser(const QString &userId) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM privacy_requests WHERE user_id = ? ORDER BY submitted_at DESC, id")
            .arg(kColumns));
    query.addBindValue(userId);
    Database::exec(query);
    std::vector<Request> list;
    while (query.next())
        list.push_back(read(query));
    return list;
}

std::vector<PrivacyRequests::Request> PrivacyRequests::withStatus(const QString &status, const QString &type) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM privacy_requests WHERE status = ?%2 ORDER BY submitted_at, id")
            .arg(kColumns, type.isEmpty() ? QString() : QStringLiteral(" AND type = ?")));
    query.addBindValue(status);
    if (!type.isEmpty())
        query.addBindValue(type);
    Database::exec(query);
    std::vector<Request> list;
    while (query.next())
        list.push_back(read(query));
    return list;
}

std::vector<PrivacyRequests::Request> PrivacyRequests::open(const QString &type) const
{
    std::vector<Request> list;
    for (const QString &status : PrivacyRules::statuses()) {
        if (PrivacyRules::isFinal(status))
            continue;
        for (Request &r : withStatus(status, type))
            list.push_back(std::move(r));
    }
    return list;
}

QJsonObject PrivacyRequests::sign(const QJsonObject &payload) const
{
    return QJsonObject { { QStringLiteral("alg"), QStringLiteral("Ed25519") },
                         { QStringLiteral("key_id"), m_signer.keyId() },
                         { QStringLiteral("request"), payload },
                         { QStringLiteral("signature"),
                           m_signer.sign(QJsonDocument(payload).toJson(QJsonDocument::Compact)) } };
}

bool PrivacyRequests::transition(const QString &id, const QString &status, const QString &note, const QString &actor,
                                 std::int64_t now, const QJsonObject &result, const QString &reason) const
{
    WriteTransaction transaction(m_database.connection());
    const auto request = find(id);
    if (!request || !PrivacyRules::canMove(request->status, status))
        return false;
    QJsonObject receipt;
    if (status == u"completed" || status == u"denied") {
        receipt = sign(QJsonObject { { QStringLiteral("request_id"), id },
                                     { QStringLiteral("user_id"), request->userId },
                                     { QStringLiteral("type"), request->type },
                                     { QStringLiteral("regime"), request->regime },
                                     { QStringLiteral("status"), status },
                                     { QStringLiteral("submitted_at"), Clock::toIso(request->submittedAt) },
                                     { QStringLiteral("closed_at"), Clock::toIso(now) },
                                     { QStringLiteral("reason"), reason },
                                     { QStringLiteral("result"), result } });
    }
    QSqlQuery update = m_database.prepare(QStringLiteral(
        "UPDATE privacy_requests SET status = ?, updated_at = ?,"
        " acknowledged_at = COALESCE(acknowledged_at, CASE WHEN ? IN ('in_progress', 'awaiting_user_input',"
        " 'completed', 'denied') THEN ? ELSE NULL END),"
        " completed_at = CASE WHEN ? IN ('completed', 'denied', 'cancelled', 'expired') THEN ? ELSE completed_at END,"
        " result = CASE WHEN ? <> '' THEN ? ELSE result END,"
        " reason = CASE WHEN ? <> '' THEN ? ELSE reason END,"
        " receipt = CASE WHEN ? <> '' THEN ? ELSE receipt END WHERE id = ?"));
    const QString resultText = result.isEmpty() ? QStringLiteral("") : compact(result);
    const QString receiptText = receipt.isEmpty() ? QStringLiteral("") : compact(receipt);
    update.addBindValue(status);
    update.addBindValue(QVariant::fromValue<qint64>(now));
    update.addBindValue(status);
    update.addBindValue(QVariant::fromValue<qint64>(now));
    update.addBindValue(status);
    update.addBindValue(QVariant::fromValue<qint64>(now));
    update.addBindValue(resultText);
    update.addBindValue(resultText);
    update.addBindValue(reason.isNull() ? QStringLiteral("") : reason);
    update.addBindValue(reason.isNull() ? QStringLiteral("") : reason);
    update.addBindValue(receiptText);
    update.addBindValue(receiptText);
    update.addBindValue(id);
    Database::exec(update);
    addEvent(id, request->userId, status, note, actor, now);
    transaction.commit();
    return true;
}

void PrivacyRequests::setGraceEndsAt(const QString &id, std::optional<std::int64_t> at) const
{
    QSqlQuery update = m_database.prepare(QStringLiteral("UPDATE privacy_requests SET grace_ends_at = ? WHERE id = ?"));
    update.addBindValue(at ? QVariant::fromValue<qint64>(*at) : QVariant(QMetaType::fromType<qint64>()));
    update.addBindValue(id);
    Database::exec(update);
}

void PrivacyRequests::extend(const QString &id, const QString &reason, const QString &actor, std::int64_t now) const
{
    const auto request = find(id);
    if (!request)
        return;
    QSqlQuery update = m_database.prepare(QStringLiteral(
        "UPDATE privacy_requests SET extended_due_at = ?, extension_reason = ?, updated_at = ? WHERE id = ?"));
    update.addBindValue(QVariant::fromValue<qint64>(PrivacyRules::extendedDueAt(request->regime, request->dueAt)));
    update.addBindValue(reason);
    update.addBindValue(QVariant::fromValue<qint64>(now));
    update.addBindValue(id);
    Database::exec(update);
    addEvent(id, request->userId, request->status, QStringLiteral("Deadline extended: %1").arg(reason), actor, now);
}

void PrivacyRequests::countAttempt(const QString &id, const QString &note, std::int64_t now) const
{
    QSqlQuery update = m_database.prepare(
        QStringLiteral("UPDATE privacy_requests SET attempts = attempts + 1, updated_at = ? WHERE id = ?"));
    update.addBindValue(QVariant::fromValue<qint64>(now));
    update.addBindValue(id);
    Database::exec(update);
    if (const auto request = find(id))
        addEvent(id, request->userId, request->status, note, QStringLiteral("server"), now);
}

QJsonArray PrivacyRequests::events(const QString &id) const
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("SELECT status, note, actor, created_at FROM privacy_request_events WHERE "
                                            "request_id = ? ORDER BY created_at, rowid"));
    query.addBindValue(id);
    Database::exec(query);
    QJsonArray list;
    while (query.next()) {
        list.append(QJsonObject { { QStringLiteral("status"), query.value(0).toString() },
                                  { QStringLiteral("note"), query.value(1).toString() },
                                  { QStringLiteral("actor"), query.value(2).toString() },
                                  { QStringLiteral("at"), Clock::toIso(query.value(3).toLongLong()) } });
    }
    return list;
}

QJsonObject PrivacyRequests::toJson(const Request &r, std::int64_t now) const
{
    QJsonArray artifacts;
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT id, bytes, sha256, created_at, expires_at, removed_at FROM privacy_exports WHERE request_id = ?"));
    query.addBindValue(r.id);
    Database::exec(query);
    while (query.next()) {
        const bool expired = !query.value(5).isNull() || query.value(4).toLongLong() <= now;
        artifacts.append(QJsonObject {
            { QStringLiteral("id"), query.value(0).toString() },
            { QStringLiteral("bytes"), query.value(1).toLongLong() },
            { QStringLiteral("sha256"), query.value(2).toString() },
            { QStringLiteral("created_at"), Clock::toIso(query.value(3).toLongLong()) },
            { QStringLiteral("expires_at"), Clock::toIso(query.value(4).toLongLong()) },
            { QStringLiteral("expired"), expired },
            { QStringLiteral("url"), QStringLiteral("/v1/privacy/exports/%1").arg(query.value(0).toString()) } });
    }
    const bool overdue = !PrivacyRules::isFinal(r.status) && now > r.extendedDueAt.value_or(r.dueAt);
    return QJsonObject {
        { QStringLiteral("id"), r.id },
        { QStringLiteral("type"), r.type },
        { QStringLiteral("regime"), r.regime },
        { QStringLiteral("scope"), r.scope },
        { QStringLiteral("status"), r.status },
        { QStringLiteral("details"), r.details },
        { QStringLiteral("submitted_at"), Clock::toIso(r.submittedAt) },
        { QStringLiteral("acknowledged_at"), isoOrNull(r.acknowledgedAt) },
        { QStringLiteral("due_at"), Clock::toIso(r.dueAt) },
        { QStringLiteral("extended_due_at"), isoOrNull(r.extendedDueAt) },
        { QStringLiteral("extension_reason"),
          r.extensionReason.isEmpty() ? QJsonValue() : QJsonValue(r.extensionReason) },
        { QStringLiteral("reason"), r.reason.isEmpty() ? QJsonValue() : QJsonValue(r.reason) },
        { QStringLiteral("grace_ends_at"), isoOrNull(r.graceEndsAt) },
        { QStringLiteral("completed_at"), isoOrNull(r.completedAt) },
        { QStringLiteral("result"), r.result },
        { QStringLiteral("receipt"), r.receipt.isEmpty() ? QJsonValue() : QJsonValue(r.receipt) },
        // An internal failure is shown as a delay, never as an error the user must act on.
        { QStringLiteral("delayed"), r.attempts > 0 && !PrivacyRules::isFinal(r.status) },
        { QStringLiteral("overdue"), overdue },
        { QStringLiteral("can_cancel"), PrivacyRules::canCancel(r.type, r.status, r.graceEndsAt.value_or(0), now) },
        { QStringLiteral("artifacts"), artifacts },
        { QStringLiteral("events"), events(r.id) },
    };
}

} // namespace pygmi::server
