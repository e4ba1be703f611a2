#include "ConsentStore.h"

#include "ReceiptSigner.h"
#include "common/Clock.h"
#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace pygmi::server {

QJsonObject ConsentStore::Event::payload() const
{
    return QJsonObject { { QStringLiteral("event_id"), eventId },
                         { QStringLiteral("seq"), qint64(seq) },
                         { QStringLiteral("account_id"), userId },
                         { QStringLiteral("install_id"), installId },
                         { QStringLiteral("purpose"), purpose },
                         { QStringLiteral("state"), state },
                         { QStringLiteral("method"), method },
                         { QStringLiteral("notice_version"), noticeVersion },
                         { QStringLiteral("ui_copy_version"), uiCopyVersion },
                         { QStringLiteral("surface"), surface },
                         { QStringLiteral("app_version"), appVersion },
                         { QStringLiteral("os"), os },
                         { QStringLiteral("locale"), locale },
                         { QStringLiteral("gpc_present"), gpcPresent },
                         { QStringLiteral("created_at"), Clock::toIso(createdAt) },
                         { QStringLiteral("expires_at"), Clock::toIso(expiresAt) } };
}

ConsentStore::ConsentStore(const Database &database, const ReceiptSigner &signer)
    : m_database(database)
    , m_signer(signer)
{ }

std::optional<QString> ConsentStore::installOwner(const QString &installId) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT user_id FROM installs WHERE id = ?"));
    query.addBindValue(installId);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    return query.value(0).toString();
}

bool ConsentStore::bindInstall(const QString &userId, const QString &installId, std::int64_t now) const
{
    WriteTransaction transaction(m_database.connection());
    if (const auto owner = installOwner(installId))
        return *owner == userId;
    QSqlQuery insert
        = m_database.prepare(QStringLiteral("INSERT INTO installs (id, user_id, created_at) VALUES (?, ?, ?)"));
    insert.addBindValue(installId);
    insert.addBindValue(userId);
    insert.addBindValue(qint64(now));
    Database::exec(insert);
    transaction.commit();
    return true;
}

namespace {

// Columns: purpose, state, method, notice_version, event_id, updated_at, expires_at.
ConsentStore::State stateFromRow(const QSqlQuery &query)
{
    ConsentStore::State state;
    state.purpose = query.value(0).toString();
    state.state = query.value(1).toString();
    state.method = query.value(2).toString();
    state.noticeVersion = query.value(3).toString();
    state.eventId = query.value(4).toString();
    state.updatedAt = query.value(5).toLongLong();
    state.expiresAt = query.value(6).toLongLong();
    return state;
}

} // namespace

QList<ConsentStore::State> ConsentStore::states(const QString &userId, const QString &installId) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT purpose, state, method, notice_version, event_id, updated_at, expires_at"
                       " FROM consent_state WHERE user_id = ? AND install_id = ?"));
    query.addBindValue(userId);
    query.addBindValue(installId);
    Database::exec(query);
    QList<State> list;
    while (query.next()) {
        list.append(stateFromRow(query));
    }
    return list;
}

std::optional<ConsentStore::State> ConsentStore::latestState(const QString &userId, const QString &purpose) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT purpose, state, method, notice_version, event_id, updated_at, expires_at"
                       " FROM consent_state WHERE user_id = ? AND purpose = ?"
                       " ORDER BY updated_at DESC, event_id DESC LIMIT 1"));
    query.addBindValue(userId);
    query.addBindValue(purpose);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    return stateFromRow(query);
}

void ConsentStore::append(QList<Event> &events) const
{
    if (events.isEmpty())
        return;
    WriteTransaction transaction(m_database.connection());
    QSqlQuery last = m_database.prepare(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM consent_events"));
    Database::exec(last);
    std::int64_t seq = last.next() ? last.value(0).toLongLong() : 0;
    last.finish();
    for (Event &event : events) {
        event.eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        event.seq = ++seq;
        const QJsonObject payload = event.payload();
        event.receipt = QJsonObject {
            { QStringLiteral("event"), payload },
            { QStringLiteral("alg"), QStringLiteral("Ed25519") },
            { QStringLiteral("key_id"), m_signer.keyId() },
            { QStringLiteral("signature"), m_signer.sign(QJsonDocument(payload).toJson(QJsonDocument::Compact)) },
        };
        QSqlQuery insert = m_database.prepare(QStringLiteral(
            "INSERT INTO consent_events (event_id, seq, user_id, install_id, purpose, state, method, notice_version,"
            " ui_copy_version, surface, app_version, os, locale, gpc_present, created_at, expires_at, receipt)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        for (const QVariant &value :
             { QVariant(event.eventId), QVariant(qint64(event.seq)), QVariant(event.userId), QVariant(event.installId),
               QVariant(event.purpose), QVariant(event.state), QVariant(event.method), QVariant(event.noticeVersion),
               QVariant(event.uiCopyVersion), QVariant(event.surface), QVariant(event.appVersion), QVariant(event.os),
               QVariant(event.locale), QVariant(event.gpcPresent ? 1 : 0), QVariant(qint64(event.createdAt)),
               QVariant(qint64(event.expiresAt)),
               QVariant(QString::fromUtf8(QJsonDocument(event.receipt).toJson(QJsonDocument::Compact))) })
            insert.addBindValue(value);
        Database::exec(insert);
        QSqlQuery upsert = m_database.prepare(QStringLiteral(
            "INSERT INTO consent_state (user_id, install_id, purpose, state, method, notice_version, event_id,"
            " updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id, install_id, purpose) DO UPDATE SET state = excluded.state,"
            " method = excluded.method, notice_version = excluded.notice_version, event_id = excluded.event_id,"
            " updated_at = excluded.updated_at, expires_at = excluded.expires_at"));
        for (const QVariant &value :
             { QVariant(event.userId), QVariant(event.installId), QVariant(event.purpose), QVariant(event.state),
               QVariant(event.method), QVariant(event.noticeVersion), QVariant(event.eventId),
               QVariant(qint64(event.createdAt)), QVariant(qint64(event.expiresAt)) })
            upsert.addBindValue(value);
        Database::exec(upsert);
    }
    transaction.commit();
}

QList<ConsentStore::Event> ConsentStore::history(const QString &userId, const QString &installId) const
{
    QSqlQuery query = m_database.prepare(
        installId.isEmpty()
            ? QStringLiteral("SELECT receipt FROM consent_events WHERE user_id = ? ORDER BY seq")
            : QStringLiteral("SELECT receipt FROM consent_events WHERE user_id = ? AND install_id = ? ORDER BY seq"));
    query.addBindValue(userId);
    if (!installId.isEmpty())
        query.addBindValue(installId);
    Database::exec(query);
    QList<Event> list;
    while (query.next()) {
        Event event;
        event.receipt = QJsonDocument::fromJson(query.value(0).toString().toUtf8()).object();
        const QJsonObject payload = event.receipt.value(QLatin1String("event")).toObject();
        event.eventId = payload.value(QLatin1String("event_id")).toString();
        event.purpose = payload.value(QLatin1String("purpose")).toString();
        event.state = payload.value(QLatin1String("state")).toString();
        event.method = payload.value(QLatin1String("method")).toString();
        event.installId = payload.value(QLatin1String("install_id")).toString();
        list.append(event);
    }
    return list;
}

std::optional<ConsentStore::OptOut> ConsentStore::optOut(const QString &userId) const
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("SELECT source, created_at FROM sale_share_optouts WHERE user_id = ?"));
    query.addBindValue(userId);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    return OptOut { query.value(0).toString(), query.value(1).toLongLong() };
}

bool ConsentStore::setOptOut(const QString &userId, const QString &source, std::int64_t now) const
{
    QSqlQuery insert = m_database.prepare(
        QStringLiteral("INSERT INTO sale_share_optouts (user_id, source, created_at) VALUES (?, ?, ?)"
                       " ON CONFLICT (user_id) DO NOTHING"));
    insert.addBindValue(userId);
    insert.addBindValue(source);
    insert.addBindValue(qint64(now));
    Database::exec(insert);
    return insert.numRowsAffected() > 0;
}

void ConsentStore::clearOptOut(const QString &userId) const
{
    QSqlQuery remove = m_database.prepare(QStringLiteral("DELETE FROM sale_share_optouts WHERE user_id = ?"));
    remove.addBindValue(userId);
    Database::exec(remove);
}

QStringList ConsentStore::acknowledged(const QString &userId) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT notice_version FROM policy_acknowledgements WHERE user_id = ? ORDER BY acknowledged_at"));
    query.addBindValue(userId);
    Database::exec(query);
    QStringList versions;
    while (query.next())
        versions.append(query.value(0).toString());
    return versions;
}

void ConsentStore::acknowledge(const QString &userId, const QString &version, bool inForce, std::int64_t now) const
{
    WriteTransaction transaction(m_database.connection());
    QSqlQuery insert = m_database.prepare(
        QStringLiteral("INSERT INTO policy_acknowledgements (user_id, notice_version, acknowledged_at) VALUES (?, ?, ?)"
                       " ON CONFLICT (user_id, notice_version) DO NOTHING"));
    insert.addBindValue(userId);
    insert.addBindValue(version);
    insert.addBindValue(qint64(now));
    Database::exec(insert);
    if (inForce) {
        QSqlQuery update = m_database.prepare(
            QStringLiteral("UPDATE users SET accepted_notice_version = ?, notice_accepted_at = ? WHERE id = ?"));
        update.addBindValue(version);
        update.addBindValue(qint64(now));
        update.addBindValue(userId);
        Database::exec(update);
    }
    transaction.commit();
}

} // namespace pygmi::server
