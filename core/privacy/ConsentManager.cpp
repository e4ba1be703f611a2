#include "privacy/ConsentManager.h"
#include "privacy/ReceiptVerifier.h"

#include "Logging.h"
#include "api/ApiClient.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>
#include <QSysInfo>
#include <QUrlQuery>
#include <QUuid>

namespace pygmi::core {

namespace {

const QString kGranted = QStringLiteral("granted");
const QString kDenied = QStringLiteral("denied");
const QString kUnset = QStringLiteral("unset");
const QString kAnalytics = QStringLiteral("analytics");
const QString kAdvertising = QStringLiteral("advertising");
constexpr int kMaxRetryDelayMs = 60000;

QString newInstallId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// The server accepts short printable ASCII labels only.
QString label(QString text)
{
    QString clean;
    for (const QChar c : text) {
        if (c.unicode() >= 0x20 && c.unicode() < 0x7F)
            clean += c;
    }
    return clean.left(64);
}

bool writeJson(const QString &path, const QJsonDocument &document)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(document.toJson(QJsonDocument::Indented));
    return file.commit();
}

} // namespace

ConsentManager::ConsentManager(ApiClient *api, const QString &dataDir, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_dataDir(dataDir)
{
    QDir().mkpath(m_dataDir);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ConsentManager::syncPending);
    connect(m_api, &ApiClient::reachabilityChanged, this, [this](bool reachable) {
        if (reachable && m_active) {
            m_retryDelayMs = 2000;
            syncPending();
        }
    });
    load();
}

ConsentManager::~ConsentManager() = default;

QString ConsentManager::stateFilePath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("consent.json"));
}

QString ConsentManager::receiptsFilePath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("consent-receipts.json"));
}

bool ConsentManager::allows(Purpose purpose) const
{
    switch (purpose) {
    case Purpose::Necessary:
        return true;
    case Purpose::Advertising:
        return isGranted(kAdvertising) && !sendsGpc() && !m_optOutHonoured;
    default:
        return isGranted(purposeId(purpose));
    }
}

bool ConsentManager::sendsGpc() const
{
    return m_gpc || m_doNotSell;
}

bool ConsentManager::isGranted(const QString &purpose) const
{
    if (!m_active)
        return false; // nobody signed in: nothing optional happens
    const PurposeState state = m_purposes.value(purpose);
    return state.state == kGranted && !state.stale && !state.expired;
}

ConsentManager::PurposeState ConsentManager::purposeState(const QString &purpose) const
{
    return m_purposes.value(purpose);
}

void ConsentManager::load()
{
    QFile file(stateFilePath());
    QJsonObject json;
    if (file.open(QIODevice::ReadOnly))
        json = QJsonDocument::fromJson(file.readAll()).object();
    m_accountId = json.value(QLatin1String("account_id")).toString();
    m_installId = json.value(QLatin1String("install_id")).toString();
    if (QUuid::fromString(m_installId).isNull())
        m_installId = newInstallId();
    const QJsonObject purposes = json.value(QLatin1String("purposes")).toObject();
    m_purposes.clear();
    for (auto it = purposes.constBegin(); it != purposes.constEnd(); ++it) {
        const QJsonObject p = it.value().toObject();
        PurposeState state;
        state.state = p.value(QLatin1String("state")).toString(kUnset);
        state.stale = p.value(QLatin1String("stale")).toBool();
        state.expired = p.value(QLatin1String("expired")).toBool();
        state.decidedAt = p.value(QLatin1String("decided_at")).toString();
        m_purposes.insert(it.key(), state);
    }
    m_analyticsUsedInstalls.clear();
    for (const QJsonValue &value : json.value(QLatin1String("analytics_used_installs")).toArray())
        m_analyticsUsedInstalls.append(value.toString());
    m_answeredOnce = json.value(QLatin1String("answered_once")).toBool();
    m_doNotSell = json.value(QLatin1String("do_not_sell")).toBool();
    m_gpc = json.value(QLatin1String("gpc")).toBool();
    m_optOutHonoured = json.value(QLatin1String("opt_out_honoured")).toBool();
    m_notice = PrivacyNotice::fromJson(json.value(QLatin1String("notice")).toObject());
    m_upcoming.clear();
    for (const QJsonValue &value : json.value(QLatin1String("upcoming")).toArray())
        m_upcoming.append(PrivacyNotice::fromJson(value.toObject()));
    m_acknowledged.clear();
    for (const QJsonValue &value : json.value(QLatin1String("acknowledged")).toArray())
        m_acknowledged.append(value.toString());
    m_reconsentDays = json.value(QLatin1String("reconsent_interval_days")).toInt(182);
    m_pending = json.value(QLatin1String("pending")).toArray();
}

void ConsentManager::save() const
{
    QJsonObject purposes;
    for (auto it = m_purposes.constBegin(); it != m_purposes.constEnd(); ++it) {
        purposes.insert(it.key(),
                        QJsonObject { { QStringLiteral("state"), it->state },
                                      { QStringLiteral("stale"), it->stale },
                                      { QStringLiteral("expired"), it->expired },
                                      { QStringLiteral("decided_at"), it->decidedAt } });
    }
    QJsonArray upcoming;
    for (const PrivacyNotice &notice : m_upcoming)
        upcoming.append(notice.toJson());
    const QJsonObject json { { QStringLiteral("account_id"), m_accountId },
                             { QStringLiteral("install_id"), m_installId },
                             { QStringLiteral("purposes"), purposes },
                             { QStringLiteral("analytics_used_installs"),
                               QJsonArray::fromStringList(m_analyticsUsedInstalls) },
                             { QStringLiteral("answered_once"), m_answeredOnce },
                             { QStringLiteral("do_not_sell"), m_doNotSell },
                             { QStringLiteral("gpc"), m_gpc },
                             { QStringLiteral("opt_out_honoured"), m_optOutHonoured },
                             { QStringLiteral("notice"), m_notice.toJson() },
                             { QStringLiteral("upcoming"), upcoming },
                             { QStringLiteral("acknowledged"), QJsonArray::fromStringList(m_acknowledged) },
                             { QStringLiteral("reconsent_interval_days"), m_reconsentDays },
                             { QStringLiteral("pending"), m_pending } };
    if (!writeJson(stateFilePath(), QJsonDocument(json)))
        qCWarning(lcPrivacy) << "could not save the privacy choices";
}

void ConsentManager::resetForAccount(const QString &accountId)
{
    qCInfo(lcPrivacy) << "new account on this install: choices start from nothing";
    m_accountId = accountId;
    m_installId = newInstallId();
    m_purposes.clear();
    m_analyticsUsedInstalls.clear();
    m_answeredOnce = false;
    m_optOutHonoured = false;
    m_acknowledged.clear();
    m_pending = {};
    QFile::remove(receiptsFilePath());
    save();
}

void ConsentManager::start(const QString &accountId)
{
    ++m_generation;
    if (accountId != m_accountId)
        resetForAccount(accountId);
    m_active = true;
    m_ready = false;
    computeLocalQuestions();
    emit changed();
    refresh();
}

void ConsentManager::stop()
{
    ++m_generation;
    m_active = false;
    m_ready = false;
    m_retryTimer.stop();
    m_questions.clear();
    emit changed();
    emit questionsChanged();
}

void ConsentManager::computeLocalQuestions()
{
    QStringList questions;
    for (const QString &purpose : consentPurposeIds()) {
        const PurposeState state = m_purposes.value(purpose);
        if (state.state == kUnset || state.stale || state.expired)
            questions.append(purpose);
    }
    m_questions = questions;
}

void ConsentManager::refresh()
{
    if (!m_active)
        return;
    const quint64 generation = m_generation;
    ApiRequest request;
    request.path = QStringLiteral("/v1/policy");
    request.idempotent = true;
    m_api->send(request, this, [this, generation](const ApiResponse &response) {
        if (generation != m_generation)
            return;
        if (!response.ok()) {
            qCInfo(lcPrivacy) << "privacy notice not loaded:" << response.error.code();
            // Offline: the saved notice and choices still let the person decide (synced later).
            if (m_notice.isValid()) {
                computeLocalQuestions();
                m_ready = true;
                emit questionsChanged();
            }
            scheduleRetry();
            return;
        }
        m_notice = PrivacyNotice::fromJson(response.json.value(QLatin1String("current")).toObject());
        m_upcoming.clear();
        for (const QJsonValue &value : response.json.value(QLatin1String("upcoming")).toArray())
            m_upcoming.append(PrivacyNotice::fromJson(value.toObject()));
        m_reconsentDays = response.json.value(QLatin1String("reconsent_interval_days")).toInt(182);
        if (response.json.contains(QLatin1String("acknowledged_versions"))) {
            m_acknowledged.clear();
            for (const QJsonValue &value : response.json.value(QLatin1String("acknowledged_versions")).toArray())
                m_acknowledged.append(value.toString());
        }
        save();
        emit noticeChanged();
        if (m_pending.isEmpty())
            fetchConsent();
        else
            syncPending();
    });
}

void ConsentManager::fetchConsent()
{
    const quint64 generation = m_generation;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("install_id"), m_installId);
    ApiRequest request;
    request.path = QStringLiteral("/v1/consent?") + query.toString(QUrl::FullyEncoded);
    request.idempotent = true;
    m_api->send(request, this, [this, generation](const ApiResponse &response) {
        if (generation != m_generation)
            return;
        if (!response.ok()) {
            qCInfo(lcPrivacy) << "consent state not loaded:" << response.error.code();
            computeLocalQuestions();
            m_ready = m_notice.isValid();
            emit questionsChanged();
            scheduleRetry();
            return;
        }
        if (m_pending.isEmpty())
            applyServerView(response.json);
    });
}

void ConsentManager::applyServerView(const QJsonObject &view)
{
    const QJsonObject purposes = view.value(QLatin1String("purposes")).toObject();
    bool anyAnswer = false;
    for (auto it = purposes.constBegin(); it != purposes.constEnd(); ++it) {
        const QJsonObject p = it.value().toObject();
        PurposeState state;
        state.state = p.value(QLatin1String("state")).toString(kUnset);
        state.stale = p.value(QLatin1String("stale")).toBool();
        state.expired = p.value(QLatin1String("expired")).toBool();
        state.decidedAt = p.value(QLatin1String("updated_at")).toString();
        anyAnswer = anyAnswer || (state.state != kUnset && consentPurposeIds().contains(it.key()));
        m_purposes.insert(it.key(), state);
    }
    m_answeredOnce = anyAnswer;
    const bool honoured
        = view.value(QLatin1String("sale_share_opt_out")).toObject().value(QLatin1String("honoured")).toBool();
    m_optOutHonoured = honoured;
    m_reconsentDays = view.value(QLatin1String("reconsent_interval_days")).toInt(m_reconsentDays);
    QStringList questions;
    for (const QJsonValue &value : view.value(QLatin1String("ask")).toArray())
        questions.append(value.toString());
    m_questions = questions;
    m_ready = true;
    save();
    emit changed();
    emit questionsChanged();
}

QJsonObject ConsentManager::currentChoicesJson() const
{
    QJsonObject choices;
    for (const QString &purpose : consentPurposeIds()) {
        const PurposeState state = m_purposes.value(purpose);
        if (state.state != kUnset)
            choices.insert(purpose, state.state);
    }
    if (m_doNotSell)
        choices.insert(QStringLiteral("sale_share"), kDenied);
    return choices;
}

bool ConsentManager::rotateIfReenabling(const QString &purpose, bool granted)
{
    // Only after an explicit refusal on an install that had sent analytics; a choice that merely
    // went stale (notice change, interval) keeps the install id.
    if (purpose != kAnalytics || !granted || m_purposes.value(kAnalytics).state != kDenied
        || !m_analyticsUsedInstalls.contains(m_installId))
        return false;
    // Like Glean's client id: data sent before the withdrawal cannot be linked to data after it.
    const QString previous = m_installId;
    m_installId = newInstallId();
    qCInfo(lcPrivacy) << "analytics switched on again: new install id";
    emit installIdChanged(previous, m_installId);
    return true;
}

void ConsentManager::setLocal(const QString &purpose, bool granted)
{
    PurposeState state;
    state.state = granted ? kGranted : kDenied;
    state.decidedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    m_purposes.insert(purpose, state);
    m_questions.removeAll(purpose);
    if (purpose == kAnalytics && granted && !m_analyticsUsedInstalls.contains(m_installId))
        m_analyticsUsedInstalls.append(m_installId);
}

void ConsentManager::answer(const QMap<QString, bool> &choices, const QString &method, const QString &surface)
{
    const bool rotated = rotateIfReenabling(kAnalytics, choices.value(kAnalytics, false));
    QJsonObject body;
    for (auto it = choices.constBegin(); it != choices.constEnd(); ++it) {
        if (!consentPurposeIds().contains(it.key()))
            continue;
        setLocal(it.key(), it.value());
        body.insert(it.key(), it.value() ? kGranted : kDenied);
    }
    m_answeredOnce = true;
    if (rotated)
        body = currentChoicesJson(); // the new install starts with the whole set of choices
    save();
    emit changed();
    emit questionsChanged();
    queue(body, method, surface);
}

void ConsentManager::setChoice(const QString &purpose, bool granted)
{
    if (!consentPurposeIds().contains(purpose))
        return;
    const bool rotated = rotateIfReenabling(purpose, granted);
    const bool wasGranted = isGranted(purpose);
    setLocal(purpose, granted);
    m_answeredOnce = true;
    save();
    emit changed(); // synchronously: a withdrawal stops processing before anything else happens
    emit questionsChanged();
    const QJsonObject body = rotated ? currentChoicesJson() : QJsonObject { { purpose, granted ? kGranted : kDenied } };
    queue(body, !granted && wasGranted ? QStringLiteral("withdraw") : QStringLiteral("toggle"),
          QStringLiteral("settings"));
}

void ConsentManager::setDoNotSell(bool on)
{
    // Switching it off also lifts a standing opt-out the server recorded (e.g. from GPC earlier).
    if (m_doNotSell == on && (on || !m_optOutHonoured))
        return;
    m_doNotSell = on;
    save();
    emit changed();
    queue(QJsonObject { { QStringLiteral("sale_share"), on ? kDenied : kGranted } }, QStringLiteral("toggle"),
          QStringLiteral("settings"));
}

void ConsentManager::setGpcEnabled(bool on)
{
    if (m_gpc == on)
        return;
    m_gpc = on;
    save();
    emit changed();
    // Any request now carries the signal; asking for the state makes the server record it.
    if (m_active && m_pending.isEmpty())
        fetchConsent();
}

void ConsentManager::queue(const QJsonObject &choices, const QString &method, const QString &surface)
{
    if (choices.isEmpty())
        return;
    const QJsonObject body { { QStringLiteral("install_id"), m_installId },
                             { QStringLiteral("choices"), choices },
                             { QStringLiteral("method"), method },
                             { QStringLiteral("surface"), surface },
                             { QStringLiteral("notice_version"), m_notice.version },
                             { QStringLiteral("ui_copy_version"), label(m_notice.uiCopyVersion) },
                             { QStringLiteral("app_version"), QStringLiteral(PYGMI_VERSION) },
                             { QStringLiteral("os"), label(QSysInfo::prettyProductName()) },
                             { QStringLiteral("locale"), label(QLocale().name()) } };
    m_pending.append(body);
    save();
    emit syncStateChanged();
    syncPending();
}

void ConsentManager::scheduleRetry()
{
    if (!m_active)
        return;
    m_retryTimer.start(m_retryDelayMs);
    m_retryDelayMs = qMin(m_retryDelayMs * 2, kMaxRetryDelayMs);
}

void ConsentManager::syncPending()
{
    if (!m_active || m_syncing)
        return;
    if (m_pending.isEmpty()) {
        if (!m_ready)
            refresh();
        return;
    }
    QJsonObject body = m_pending.first().toObject();
    if (body.value(QLatin1String("notice_version")).toString().isEmpty()) {
        if (!m_notice.isValid()) {
            scheduleRetry(); // made offline before any notice was known: wait for one
            return;
        }
        body.insert(QStringLiteral("notice_version"), m_notice.version);
    }
    m_syncing = true;
    const quint64 generation = m_generation;
    ApiRequest request;
    request.method = "PUT";
    request.path = QStringLiteral("/v1/consent");
    request.body = body;
    request.idempotent = true; // repeating an unchanged choice records nothing new
    m_api->send(request, this, [this, generation](const ApiResponse &response) {
        m_syncing = false;
        if (generation != m_generation)
            return;
        const auto kind = response.error.kind();
        if (!response.ok()
            && (kind == ApiError::Kind::Network || kind == ApiError::Kind::Timeout || response.httpStatus >= 500
                || response.httpStatus == 401 || response.httpStatus == 429)) {
            qCInfo(lcPrivacy) << "choice not synced yet:" << response.error.code();
            scheduleRetry();
            return;
        }
        if (!response.ok())
            qCWarning(lcPrivacy) << "the server refused a saved choice:" << response.error.code();
        else
            addReceipts(response.json.value(QLatin1String("receipts")).toArray());
        m_pending.removeFirst();
        m_retryDelayMs = 2000;
        save();
        emit syncStateChanged();
        if (!m_pending.isEmpty()) {
            syncPending();
        } else if (response.ok()) {
            applyServerView(response.json);
        }
    });
}

QList<QJsonObject> ConsentManager::receipts() const
{
    QFile file(receiptsFilePath());
    QList<QJsonObject> list;
    if (!file.open(QIODevice::ReadOnly))
        return list;
    for (const QJsonValue &value : QJsonDocument::fromJson(file.readAll()).array())
        list.append(value.toObject());
    return list;
}

void ConsentManager::addReceipts(const QJsonArray &receipts)
{
    if (receipts.isEmpty())
        return;
    QList<QJsonObject> stored = this->receipts();
    QSet<QString> known;
    for (const QJsonObject &receipt : std::as_const(stored))
        known.insert(receipt.value(QLatin1String("event")).toObject().value(QLatin1String("event_id")).toString());
    for (const QJsonValue &value : receipts) {
        const QString id
            = value.toObject().value(QLatin1String("event")).toObject().value(QLatin1String("event_id")).toString();
        if (!known.contains(id)) {
            stored.append(value.toObject());
            known.insert(id);
        }
    }
    QJsonArray array;
    for (const QJsonObject &receipt : std::as_const(stored))
        array.append(receipt);
    writeJson(receiptsFilePath(), QJsonDocument(array));
}

void ConsentManager::fetchHistory(QObject *context,
                                  std::function<void(const QList<QJsonObject> &, const ApiError &)> done)
{
    ApiRequest request;
    request.path = QStringLiteral("/v1/consent/history");
    request.idempotent = true;
    m_api->send(request, context, [this, done](const ApiResponse &response) {
        if (!response.ok()) {
            done(receipts(), response.error);
            return;
        }
        const QJsonArray events = response.json.value(QLatin1String("events")).toArray();
        addReceipts(events);
        QList<QJsonObject> list;
        for (const QJsonValue &value : events)
            list.append(value.toObject());
        done(list, {});
    });
}

void ConsentManager::fetchReceiptKey(QObject *context, std::function<void(const QByteArray &, const ApiError &)> done)
{
    ApiRequest request;
    request.path = QStringLiteral("/v1/consent/receipt-key");
    request.authenticated = false;
    request.idempotent = true;
    m_api->send(request, context, [done](const ApiResponse &response) {
        if (!response.ok()) {
            done({}, response.error);
            return;
        }
        done(QByteArray::fromBase64(response.json.value(QLatin1String("public_key")).toString().toLatin1(),
                                    QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals),
             {});
    });
}

bool ConsentManager::verifyReceipt(const QJsonObject &receipt, const QByteArray &publicKey)
{
    return ReceiptVerifier::verify(receipt, QStringLiteral("event"), publicKey);
}

void ConsentManager::acknowledge(const QString &version)
{
    if (!m_acknowledged.contains(version))
        m_acknowledged.append(version);
    save();
    emit noticeChanged();
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/v1/policy/acknowledge");
    request.body = QJsonObject { { QStringLiteral("version"), version } };
    m_api->send(request, this, [](const ApiResponse &response) {
        if (!response.ok())
            qCInfo(lcPrivacy) << "acknowledgement not recorded:" << response.error.code();
    });
}

} // namespace pygmi::core
