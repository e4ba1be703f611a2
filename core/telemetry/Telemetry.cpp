#include "telemetry/Telemetry.h"

#include "Logging.h"
#include "api/ApiClient.h"
#include "privacy/ConsentManager.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QUuid>

namespace pygmi::core {

namespace {

constexpr int kMaxQueued = 500;
constexpr int kMaxBatch = 100;
constexpr int kMaxLog = 50;
constexpr int kMaxBackoffMs = 10 * 60 * 1000;

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(bytes);
    return file.commit();
}

} // namespace

const QHash<QString, QStringList> &Telemetry::catalogue()
{
    static const QHash<QString, QStringList> names {
        { QStringLiteral("app_started"), { QStringLiteral("startup_ms") } },
        { QStringLiteral("page_viewed"), { QStringLiteral("page") } },
        { QStringLiteral("feature_used"), { QStringLiteral("feature") } },
        { QStringLiteral("error_shown"), { QStringLiteral("code") } },
    };
    return names;
}

Telemetry::Telemetry(ApiClient *api, ConsentManager *consent, const QString &dataDir, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_consent(consent)
    , m_dataDir(dataDir)
{
    QDir().mkpath(m_dataDir);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &Telemetry::flush);
    m_deletionTimer.setSingleShot(true);
    connect(&m_deletionTimer, &QTimer::timeout, this, &Telemetry::sendDeletion);

    QFile queue(queueFilePath());
    if (queue.open(QIODevice::ReadOnly))
        m_queue = QJsonDocument::fromJson(queue.readAll()).array();
    QFile log(logFilePath());
    if (log.open(QIODevice::ReadOnly)) {
        for (const QJsonValue &value : QJsonDocument::fromJson(log.readAll()).array()) {
            const QJsonObject entry = value.toObject();
            m_log.append({ QDateTime::fromString(entry.value(QLatin1String("time")).toString(), Qt::ISODateWithMs),
                           entry.value(QLatin1String("destination")).toString(),
                           entry.value(QLatin1String("state")).toString(),
                           entry.value(QLatin1String("bytes")).toString().toUtf8() });
        }
    }
    QFile deletions(deletionFilePath());
    if (deletions.open(QIODevice::ReadOnly)) {
        for (const QJsonValue &value : QJsonDocument::fromJson(deletions.readAll()).array())
            m_deletions.append(value.toString());
    }

    connect(m_consent, &ConsentManager::changed, this, &Telemetry::onConsentChanged);
    connect(m_consent, &ConsentManager::installIdChanged, this, [this](const QString &, const QString &current) {
        if (!m_collectingFor.isEmpty())
            m_collectingFor = current;
    });
    connect(m_api, &ApiClient::reachabilityChanged, this, [this](bool reachable) {
        if (reachable && !m_deletions.isEmpty())
            m_deletionTimer.start(0);
    });
    onConsentChanged();
}

QString Telemetry::queueFilePath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("telemetry-queue.json"));
}

QString Telemetry::logFilePath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("telemetry-log.json"));
}

QString Telemetry::deletionFilePath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("telemetry-deletion.json"));
}

void Telemetry::setFlushIntervalMs(int ms)
{
    m_flushIntervalMs = ms;
    if (m_flushTimer.isActive())
        m_flushTimer.start(ms);
}

void Telemetry::onConsentChanged()
{
    const bool allowed = m_consent->allows(Purpose::Analytics);
    if (allowed) {
        m_collectingFor = m_consent->installId();
        if (!m_queue.isEmpty())
            scheduleFlush(m_flushIntervalMs);
    } else if (!m_collectingFor.isEmpty() || !m_queue.isEmpty() || QFile::exists(queueFilePath())) {
        // Withdrawn (or signed out): stop now and forget what has not left yet.
        const QString install = m_collectingFor;
        stopAndForget();
        // A sign-out is not a withdrawal: only a real refusal erases the server's copy.
        if (!install.isEmpty() && m_consent->accountId().size()
            && m_consent->purposeState(QStringLiteral("analytics")).state == QLatin1String("denied")) {
            if (!m_deletions.contains(install))
                m_deletions.append(install);
            saveDeletions();
            // Wait for a batch already on the wire, so the deletion comes after it.
            if (!m_sending)
                m_deletionTimer.start(0);
        }
    }
    // A deletion left over from before a restart goes as soon as someone is signed in again.
    if (!m_deletions.isEmpty() && !m_deleting && !m_sending && m_consent->isActive())
        m_deletionTimer.start(0);
}

void Telemetry::stopAndForget()
{
    ++m_epoch;
    m_flushTimer.stop();
    m_collectingFor.clear();
    m_queue = {};
    QFile::remove(queueFilePath());
    m_backoffMs = 0;
    qCInfo(lcTelemetry) << "analytics off: queue deleted";
    emit queueChanged();
}

bool Telemetry::record(const QString &name, const QJsonObject &fields)
{
    if (!m_consent->allows(Purpose::Analytics))
        return false;
    const auto declared = catalogue().constFind(name);
    if (declared == catalogue().constEnd() || QStringList(fields.keys()) != [&] {
            QStringList sorted = *declared;
            sorted.sort();
            return sorted;
        }()) {
        qCWarning(lcTelemetry) << "undeclared event or fields, not recorded:" << name;
        return false;
    }
    if (m_queue.size() >= kMaxQueued)
        m_queue.removeFirst(); // bounded: the oldest goes first
    m_queue.append(QJsonObject { { QStringLiteral("name"), name },
                                 { QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
                                 { QStringLiteral("fields"), fields } });
    saveQueue();
    emit queueChanged();
    if (!m_flushTimer.isActive() && !m_sending)
        scheduleFlush(m_flushIntervalMs);
    return true;
}

void Telemetry::scheduleFlush(int delayMs)
{
    m_flushTimer.start(qMax(0, delayMs));
}

QByteArray Telemetry::pendingBatchBytes() const
{
    if (m_queue.isEmpty())
        return {};
    QJsonObject batch { { QStringLiteral("install_id"), m_consent->installId() },
                        { QStringLiteral("batch_id"), QStringLiteral("(assigned when sent)") },
                        { QStringLiteral("events"), QJsonArray(m_queue) } };
    return QJsonDocument(batch).toJson(QJsonDocument::Compact);
}

void Telemetry::saveQueue() const
{
    if (m_queue.isEmpty()) {
        QFile::remove(queueFilePath());
        return;
    }
    writeFile(queueFilePath(), QJsonDocument(m_queue).toJson(QJsonDocument::Compact));
}

void Telemetry::flush()
{
    if (m_sending || m_queue.isEmpty() || !m_consent->allows(Purpose::Analytics))
        return;
    QJsonArray events;
    for (qsizetype i = 0; i < m_queue.size() && i < kMaxBatch; ++i)
        events.append(m_queue.at(i));
    const QJsonObject batch { { QStringLiteral("install_id"), m_consent->installId() },
                              { QStringLiteral("batch_id"), QUuid::createUuid().toString(QUuid::WithoutBraces) },
                              { QStringLiteral("events"), events } };
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/v1/telemetry");
    request.purpose = Purpose::Analytics;
    request.rawBody = QJsonDocument(batch).toJson(QJsonDocument::Compact);
    request.idempotent = true; // the batch id makes a repeat harmless
    m_sending = true;
    const quint64 epoch = m_epoch;
    const qsizetype count = events.size();
    const QByteArray bytes = request.rawBody;
    m_api->send(request, this, [this, epoch, count, bytes](const ApiResponse &response) {
        m_sending = false;
        if (epoch != m_epoch) {
            // Withdrawn while this batch was out: now the deletion request may follow it.
            if (!m_deletions.isEmpty())
                m_deletionTimer.start(0);
            return;
        }
        if (response.error.code() == u"consent_required" && response.httpStatus == 0)
            return; // the gate dropped it: nothing left the machine
        if (response.ok()) {
            appendLog(QStringLiteral("sent"), bytes);
            for (qsizetype i = 0; i < count && !m_queue.isEmpty(); ++i)
                m_queue.removeFirst();
            m_backoffMs = 0;
            saveQueue();
            emit queueChanged();
            if (!m_queue.isEmpty())
                scheduleFlush(m_flushIntervalMs);
            return;
        }
        const auto kind = response.error.kind();
        if (kind == ApiError::Kind::Network || kind == ApiError::Kind::Timeout || response.httpStatus >= 500
            || response.httpStatus == 429 || response.httpStatus == 401) {
            appendLog(QStringLiteral("failed"), bytes);
            m_backoffMs = m_backoffMs == 0 ? 5000 : qMin(m_backoffMs * 2, kMaxBackoffMs);
            scheduleFlush(m_backoffMs);
            return;
        }
        // Refused for good (no consent on the server, or a malformed batch): drop it.
        qCWarning(lcTelemetry) << "batch refused:" << response.error.code();
        appendLog(QStringLiteral("refused"), bytes);
        // Refused for the whole account (no consent, processing restricted, objection): nothing queued may go.
        if (response.error.code() == u"consent_required" || response.error.code() == u"restricted"
            || response.error.code() == u"objected")
            m_queue = {};
        else
            for (qsizetype i = 0; i < count && !m_queue.isEmpty(); ++i)
                m_queue.removeFirst();
        saveQueue();
        emit queueChanged();
    });
}

void Telemetry::sendDeletion()
{
    if (m_deletions.isEmpty() || m_deleting || m_sending || !m_consent->isActive())
        return;
    m_deleting = true;
    const QString install = m_deletions.first();
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/v1/telemetry/deletion-request");
    // Necessary: a privacy request must go out precisely because analytics is off.
    request.purpose = Purpose::Necessary;
    request.rawBody
        = QJsonDocument(QJsonObject { { QStringLiteral("install_id"), install } }).toJson(QJsonDocument::Compact);
    const QByteArray bytes = request.rawBody;
    m_api->send(request, this, [this, install, bytes](const ApiResponse &response) {
        m_deleting = false;
        const bool delivered = response.ok() || response.httpStatus == 404 || response.httpStatus == 422;
        if (!delivered) {
            // Retried until it arrives: offline, server down, session being refreshed.
            m_deletionTimer.start(m_deletionDelayMs);
            m_deletionDelayMs = qMin(m_deletionDelayMs * 2, kMaxBackoffMs);
            return;
        }
        m_deletionDelayMs = 1000;
        appendLog(QStringLiteral("deletion_requested"), bytes);
        m_deletions.removeAll(install);
        saveDeletions();
        if (!m_deletions.isEmpty())
            m_deletionTimer.start(0);
    });
}

void Telemetry::saveDeletions() const
{
    if (m_deletions.isEmpty()) {
        QFile::remove(deletionFilePath());
        return;
    }
    writeFile(deletionFilePath(), QJsonDocument(QJsonArray::fromStringList(m_deletions)).toJson());
}

void Telemetry::appendLog(const QString &state, const QByteArray &bytes)
{
    const QUrl base = m_api->baseUrl();
    m_log.append({ QDateTime::currentDateTimeUtc(),
                   base.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::StripTrailingSlash), state, bytes });
    while (m_log.size() > kMaxLog)
        m_log.removeFirst();
    saveLog();
    emit logChanged();
}

void Telemetry::saveLog() const
{
    if (m_log.isEmpty()) {
        QFile::remove(logFilePath());
        return;
    }
    QJsonArray array;
    for (const LogEntry &entry : m_log)
        array.append(QJsonObject { { QStringLiteral("time"), entry.time.toString(Qt::ISODateWithMs) },
                                   { QStringLiteral("destination"), entry.destination },
                                   { QStringLiteral("state"), entry.state },
                                   { QStringLiteral("bytes"), QString::fromUtf8(entry.bytes) } });
    writeFile(logFilePath(), QJsonDocument(array).toJson());
}

void Telemetry::clearLog()
{
    m_log.clear();
    saveLog();
    emit logChanged();
}

} // namespace pygmi::core
