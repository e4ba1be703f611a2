#include "PrivacyWorker.h"

#include "AccountErasure.h"
#include "DataExporter.h"
#include "PrivacyRequests.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "events/EventHub.h"
#include "storage/Database.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QUuid>

namespace pygmi::server {

PrivacyWorker::PrivacyWorker(Settings settings, const Database &database, const BlobStore &blobs,
                             const PrivacyRequests &requests, const AccountErasure &erasure, EventHub &events,
                             const Clock &clock)
    : m_settings(std::move(settings))
    , m_database(database)
    , m_blobs(blobs)
    , m_requests(requests)
    , m_erasure(erasure)
    , m_events(events)
    , m_clock(clock)
{ }

PrivacyWorker::~PrivacyWorker()
{
    stop();
}

void PrivacyWorker::start()
{
    QDir().mkpath(QDir(m_settings.dataDir).filePath(QStringLiteral("exports")));
    m_thread = std::thread([this] { loop(); });
}

void PrivacyWorker::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void PrivacyWorker::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_pending = true;
    }
    m_wake.notify_all();
}

QString PrivacyWorker::exportPath(const QString &exportId) const
{
    // The id is a UUID made here, never a name from a request.
    return QDir(m_settings.dataDir).filePath(QStringLiteral("exports/%1.zip").arg(exportId));
}

QJsonArray PrivacyWorker::retainedRecords(std::int64_t nowMs, std::int64_t erasureRecordMs)
{
    return QJsonArray {
        QJsonObject { { QStringLiteral("category"), QStringLiteral("billing") },
                      { QStringLiteral("what"),
                        QStringLiteral("Invoices and payment records held by the payment processor (this server "
                                       "stores none)") },
                      { QStringLiteral("basis"), QStringLiteral("Legal obligation: tax and accounting law") },
                      { QStringLiteral("until"),
                        QStringLiteral("as long as the processor's policy states, typically 7 years") } },
        QJsonObject { { QStringLiteral("category"), QStringLiteral("erasure_record") },
                      { QStringLiteral("what"),
                        QStringLiteral("This receipt: the request number, when it was carried out and how many records "
                                       "and files were deleted; no email, name or account number") },
                      { QStringLiteral("basis"),
                        QStringLiteral("Accountability: proof that the deletion was carried out (GDPR Art. 5(2))") },
                      { QStringLiteral("until"), Clock::toIso(nowMs + erasureRecordMs) } },
    };
}

void PrivacyWorker::loop()
{
    while (true) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, m_settings.tick, [this] { return m_stopping || m_pending; });
            if (m_stopping)
                break;
            m_pending = false;
        }
        runOnce();
    }
    Database::closeThreadConnection();
}

void PrivacyWorker::runOnce()
{
    const auto guarded = [](const char *what, const auto &step) {
        try {
            step();
        } catch (const std::exception &e) {
            qCWarning(lcStorage) << "privacy worker:" << what << "failed:" << e.what();
        }
    };
    guarded("exports", [this] { prepareExports(); });
    guarded("erasure", [this] { eraseDueAccounts(); });
    guarded("export expiry", [this] { removeExpiredExports(); });
    guarded("request expiry", [this] { expireUnanswered(); });
}

void PrivacyWorker::notify(const QString &userId, const QString &requestId, const QString &status)
{
    m_events.publish(userId,
                     QJsonObject { { QStringLiteral("type"), QStringLiteral("privacy.request") },
                                   { QStringLiteral("request_id"), requestId },
                                   { QStringLiteral("status"), status } });
}

void PrivacyWorker::prepareExports()
{
    for (const auto &request : m_requests.withStatus(QStringLiteral("in_progress"))) {
        if (request.type != u"export" && request.type != u"access")
            continue;
        const std::int64_t now = m_clock.nowMs();
        DataExporter::Options options;
        options.userId = request.userId;
        options.requestId = request.id;
        for (const QJsonValue &category : request.scope.value(QLatin1String("categories")).toArray())
            options.categories.append(category.toString());
        const QString from = request.scope.value(QLatin1String("from")).toString();
        const QString to = request.scope.value(QLatin1String("to")).toString();
        if (!from.isEmpty())
            options.fromMs = QDateTime::fromString(from, Qt::ISODateWithMs).toMSecsSinceEpoch();
        if (!to.isEmpty())
            options.toMs = QDateTime::fromString(to, Qt::ISODateWithMs).toMSecsSinceEpoch();
        options.nowMs = now;
        const QString exportId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        try {
            const DataExporter::Result written = DataExporter(m_database, m_blobs).write(options, exportPath(exportId));
            QSqlQuery insert = m_database.prepare(QStringLiteral(
                "INSERT INTO privacy_exports (id, request_id, user_id, bytes, sha256, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"));
            insert.addBindValue(exportId);
            insert.addBindValue(request.id);
            insert.addBindValue(request.userId);
            insert.addBindValue(QVariant::fromValue<qint64>(qint64(written.bytes)));
            insert.addBindValue(written.sha256);
            insert.addBindValue(QVariant::fromValue<qint64>(now));
            insert.addBindValue(QVariant::fromValue<qint64>(now + m_settings.exportTtlMs));
            Database::exec(insert);
            const QJsonObject result { { QStringLiteral("export_id"), exportId },
                                       { QStringLiteral("bytes"), qint64(written.bytes) },
                                       { QStringLiteral("sha256"), written.sha256 },
                                       { QStringLiteral("files"), written.files },
                                       { QStringLiteral("expires_at"), Clock::toIso(now + m_settings.exportTtlMs) } };
            m_requests.transition(request.id, QStringLiteral("completed"), QStringLiteral("Your archive is ready"),
                                  QStringLiteral("server"), now, result);
            notify(request.userId, request.id, QStringLiteral("completed"));
            qCInfo(lcStorage) << "export ready" << request.id << written.bytes << "bytes";
        } catch (const std::exception &e) {
            QFile::remove(exportPath(exportId));
            qCWarning(lcStorage) << "export failed, will retry:" << e.what();
            m_requests.countAttempt(request.id, QStringLiteral("Delayed; we will try again"), now);
        }
    }
}

void PrivacyWorker::eraseDueAccounts()
{
    for (const auto &request : m_requests.withStatus(QStringLiteral("in_progress"), QStringLiteral("erasure"))) {
        const std::int64_t now = m_clock.nowMs();
        if (!request.graceEndsAt || *request.graceEndsAt > now)
            continue;
        try {
            const ErasureReport report = m_erasure.eraseAccount(request.userId);
            QJsonObject rows;
            for (auto it = report.rows.cbegin(); it != report.rows.cend(); ++it)
                rows.insert(it.key(), qint64(it.value()));
            // No account id, email or name: the receipt outlives the account.
            const QJsonObject payload {
                { QStringLiteral("request_id"), request.id },
                { QStringLiteral("type"), QStringLiteral("erasure") },
                { QStringLiteral("regime"), request.regime },
                { QStringLiteral("status"), QStringLiteral("completed") },
                { QStringLiteral("submitted_at"), Clock::toIso(request.submittedAt) },
                { QStringLiteral("closed_at"), Clock::toIso(now) },
                { QStringLiteral("deleted"),
                  QJsonObject { { QStringLiteral("rows"), rows }, { QStringLiteral("files"), qint64(report.files) } } },
                { QStringLiteral("retained"), retainedRecords(now, m_settings.erasureRecordMs) },
            };
            const QJsonObject receipt = m_requests.sign(payload);
            QSqlQuery log = m_database.prepare(QStringLiteral(
                "INSERT INTO erasure_log (request_id, completed_at, keep_until, receipt) VALUES (?, ?, ?, ?)"));
            log.addBindValue(request.id);
            log.addBindValue(QVariant::fromValue<qint64>(now));
            log.addBindValue(QVariant::fromValue<qint64>(now + m_settings.erasureRecordMs));
            log.addBindValue(QString::fromUtf8(QJsonDocument(receipt).toJson(QJsonDocument::Compact)));
            Database::exec(log);
            qCInfo(lcStorage) << "account erased for request" << request.id;
        } catch (const std::exception &e) {
            qCWarning(lcStorage) << "account erasure failed, will retry:" << e.what();
            m_requests.countAttempt(request.id, QStringLiteral("Delayed; we will try again"), now);
        }
    }
    QSqlQuery old = m_database.prepare(QStringLiteral("DELETE FROM erasure_log WHERE keep_until <= ?"));
    old.addBindValue(QVariant::fromValue<qint64>(m_clock.nowMs()));
    Database::exec(old);
}

void PrivacyWorker::removeExpiredExports()
{
    const std::int64_t now = m_clock.nowMs();
    QSqlQuery due = m_database.prepare(
        QStringLiteral("SELECT id FROM privacy_exports WHERE removed_at IS NULL AND expires_at <= ?"));
    due.addBindValue(QVariant::fromValue<qint64>(now));
    Database::exec(due);
    QStringList ids;
    while (due.next())
        ids.append(due.value(0).toString());
    due.finish();
    for (const QString &id : std::as_const(ids)) {
        QFile::remove(exportPath(id));
        QSqlQuery mark = m_database.prepare(QStringLiteral("UPDATE privacy_exports SET removed_at = ? WHERE id = ?"));
        mark.addBindValue(QVariant::fromValue<qint64>(now));
        mark.addBindValue(id);
        Database::exec(mark);
    }
}

void PrivacyWorker::expireUnanswered()
{
    const std::int64_t now = m_clock.nowMs();
    for (const QString &status : { QStringLiteral("needs_verification"), QStringLiteral("awaiting_user_input") }) {
        for (const auto &request : m_requests.withStatus(status)) {
            if (request.submittedAt + m_settings.unansweredMs <= now
                && m_requests.transition(request.id, QStringLiteral("expired"),
                                         QStringLiteral("No answer within 30 days"), QStringLiteral("server"), now))
                notify(request.userId, request.id, QStringLiteral("expired"));
        }
    }
}

} // namespace pygmi::server
