#include "PrivacyService.h"

#include "ExportDownload.h"
#include "Logging.h"
#include "ReceiptVerifier.h"
#include "api/ApiClient.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace pygmi::core {

namespace {

bool isFinal(const QString &status)
{
    return status == u"completed" || status == u"denied" || status == u"cancelled" || status == u"expired";
}

} // namespace

PrivacyService::PrivacyService(ApiClient *api, const QString &dataDir, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_dataDir(dataDir)
    , m_download(new ExportDownload(api, this))
{
    m_poll.setSingleShot(true);
    m_poll.setInterval(1500);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        refreshRequests();
        refreshSummary();
    });
}

void PrivacyService::start(const QString &accountId)
{
    m_accountId = accountId;
    refreshAll();
}

void PrivacyService::stop()
{
    m_accountId.clear();
    m_poll.stop();
    m_summary = {};
    m_requests = {};
    m_sessions = {};
    m_decisions = {};
    m_profile = {};
    m_lastStatus.clear();
}

QString PrivacyService::receiptsFilePath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("privacy-receipts.json"));
}

bool PrivacyService::isRestricted() const
{
    return m_summary.value(QLatin1String("processing")).toObject().value(QLatin1String("restricted")).toBool();
}

QJsonObject PrivacyService::pendingDeletion() const
{
    return m_summary.value(QLatin1String("pending_deletion")).toObject();
}

void PrivacyService::call(const QByteArray &method, const QString &path, const QJsonObject &body, Done done)
{
    ApiRequest request;
    request.method = method;
    request.path = path;
    if (method != "GET")
        request.body = body;
    request.idempotent = method == "GET";
    m_api->send(request, this, [this, done = std::move(done)](const ApiResponse &response) {
        if (!response.ok() && response.error.code() != u"not_found")
            qCInfo(lcPrivacy) << "privacy call failed:" << response.error.code();
        if (done)
            done(response.json, response.error);
    });
}

void PrivacyService::refreshAll()
{
    refreshSummary();
    refreshRequests();
    refreshSessions();
    refreshDecisions();
    refreshProfile();
}

void PrivacyService::refreshSummary()
{
    call("GET", QStringLiteral("/v1/privacy/summary"), {}, [this](const QJsonObject &answer, const ApiError &error) {
        if (error)
            return;
        m_summary = answer;
        emit summaryChanged();
    });
}

void PrivacyService::refreshRequests()
{
    call("GET", QStringLiteral("/v1/privacy/requests"), {}, [this](const QJsonObject &answer, const ApiError &error) {
        if (error)
            return;
        m_requests = answer.value(QLatin1String("requests")).toArray();
        bool working = false;
        for (const QJsonValue &value : std::as_const(m_requests)) {
            const QJsonObject request = value.toObject();
            const QString id = request.value(QLatin1String("id")).toString();
            const QString status = request.value(QLatin1String("status")).toString();
            const QString before = m_lastStatus.value(id);
            m_lastStatus.insert(id, status);
            if (isFinal(status) && !before.isEmpty() && !isFinal(before))
                emit requestFinished(request);
            // Exports and reviews move on their own; erasures wait out their grace period.
            working = working
                || (!isFinal(status) && request.value(QLatin1String("type")).toString() != u"erasure"
                    && status == u"in_progress"
                    && (request.value(QLatin1String("type")).toString() == u"export"
                        || request.value(QLatin1String("type")).toString() == u"access"));
        }
        keepReceipts();
        emit requestsChanged();
        if (working)
            schedulePoll();
    });
}

void PrivacyService::schedulePoll()
{
    if (!m_accountId.isEmpty() && !m_poll.isActive())
        m_poll.start();
}

void PrivacyService::refreshSessions()
{
    call("GET", QStringLiteral("/v1/privacy/sessions"), {}, [this](const QJsonObject &answer, const ApiError &error) {
        if (error)
            return;
        m_sessions = answer.value(QLatin1String("sessions")).toArray();
        emit sessionsChanged();
    });
}

void PrivacyService::refreshDecisions()
{
    call("GET", QStringLiteral("/v1/privacy/decisions"), {}, [this](const QJsonObject &answer, const ApiError &error) {
        if (error)
            return;
        m_decisions = answer.value(QLatin1String("decisions")).toArray();
        emit decisionsChanged();
    });
}

void PrivacyService::refreshProfile()
{
    call("GET", QStringLiteral("/v1/privacy/profile"), {}, [this](const QJsonObject &answer, const ApiError &error) {
        if (error)
            return;
        m_profile = answer;
        emit profileChanged();
    });
}

void PrivacyService::requestExport(const QStringList &categories, const QString &fromIso, const QString &toIso,
                                   Done done)
{
    QJsonObject scope { { QStringLiteral("categories"), QJsonArray::fromStringList(categories) } };
    if (!fromIso.isEmpty())
        scope.insert(QStringLiteral("from"), fromIso);
    if (!toIso.isEmpty())
        scope.insert(QStringLiteral("to"), toIso);
    call("POST", QStringLiteral("/v1/privacy/requests"),
         { { QStringLiteral("type"), QStringLiteral("export") }, { QStringLiteral("scope"), scope } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshRequests();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::requestDeletion(const QString &password, Done done)
{
    QJsonObject body { { QStringLiteral("type"), QStringLiteral("erasure") } };
    if (!password.isEmpty())
        body.insert(QStringLiteral("password"), password);
    call("POST", QStringLiteral("/v1/privacy/requests"), body,
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshRequests();
             refreshSummary();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::deletionPreview(Done done)
{
    call("GET", QStringLiteral("/v1/privacy/deletion-preview"), {}, std::move(done));
}

void PrivacyService::cancelRequest(const QString &id, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/requests/%1/cancel").arg(id), {},
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshRequests();
             refreshSummary();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::verifyRequest(const QString &id, const QString &password, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/requests/%1/verify").arg(id), { { QStringLiteral("password"), password } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshRequests();
             refreshSummary();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::replyToRequest(const QString &id, const QString &message, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/requests/%1/reply").arg(id), { { QStringLiteral("message"), message } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshRequests();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::askCorrection(const QString &details, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/requests"),
         { { QStringLiteral("type"), QStringLiteral("rectification") }, { QStringLiteral("details"), details } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshRequests();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::requestReview(const QString &decisionId, const QString &details, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/requests"),
         { { QStringLiteral("type"), QStringLiteral("human_review") },
           { QStringLiteral("details"), details },
           { QStringLiteral("scope"), QJsonObject { { QStringLiteral("decision_id"), decisionId } } } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshRequests();
             refreshDecisions();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::setProcessing(const QJsonObject &change, Done done)
{
    call("PUT", QStringLiteral("/v1/privacy/processing"), change,
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshSummary();
             refreshRequests();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::updateProfile(const QJsonObject &change, Done done)
{
    call("PATCH", QStringLiteral("/v1/privacy/profile"), change,
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             if (!error) {
                 m_profile = answer;
                 emit profileChanged();
                 refreshSummary();
             }
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::changeEmail(const QString &newEmail, const QString &password, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/email"),
         { { QStringLiteral("new_email"), newEmail }, { QStringLiteral("password"), password } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshProfile();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::confirmEmail(const QString &code, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/email/confirm"), { { QStringLiteral("code"), code } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshProfile();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::revokeSession(const QString &id, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/sessions/%1/revoke").arg(id), {},
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshSessions();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::signOutEverywhere(bool includeCurrent, Done done)
{
    call("POST", QStringLiteral("/v1/privacy/sessions/revoke-all"),
         { { QStringLiteral("include_current"), includeCurrent } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshSessions();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::deleteAllContent(Done done)
{
    call("POST", QStringLiteral("/v1/privacy/content/delete-all"), {},
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshSummary();
             refreshDecisions();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::setAvatar(const QByteArray &image, Done done)
{
    call("PUT", QStringLiteral("/v1/privacy/profile/avatar"),
         { { QStringLiteral("data"), QString::fromLatin1(image.toBase64()) } },
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshProfile();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::removeAvatar(Done done)
{
    call("DELETE", QStringLiteral("/v1/privacy/profile/avatar"), {},
         [this, done = std::move(done)](const QJsonObject &answer, const ApiError &error) {
             refreshProfile();
             if (done)
                 done(answer, error);
         });
}

void PrivacyService::fetchAvatar(QObject *context, std::function<void(const QByteArray &image)> done)
{
    ApiRequest request;
    request.path = QStringLiteral("/v1/privacy/profile/avatar");
    request.idempotent = true;
    m_api->send(request, context, [done = std::move(done)](const ApiResponse &response) {
        done(response.ok() ? response.raw : QByteArray());
    });
}

QList<QJsonObject> PrivacyService::storedReceipts() const
{
    QFile file(receiptsFilePath());
    QList<QJsonObject> list;
    if (!file.open(QIODevice::ReadOnly))
        return list;
    for (const QJsonValue &value : QJsonDocument::fromJson(file.readAll()).array())
        list.append(value.toObject());
    return list;
}

void PrivacyService::keepReceipts()
{
    QList<QJsonObject> fresh;
    for (const QJsonValue &value : std::as_const(m_requests)) {
        const QJsonObject receipt = value.toObject().value(QLatin1String("receipt")).toObject();
        if (!receipt.isEmpty())
            fresh.append(receipt);
    }
    if (fresh.isEmpty())
        return;
    const auto store = [this, fresh] {
        QList<QJsonObject> stored = storedReceipts();
        QStringList known;
        for (const QJsonObject &receipt : std::as_const(stored))
            known.append(
                receipt.value(QLatin1String("request")).toObject().value(QLatin1String("request_id")).toString()
                + receipt.value(QLatin1String("request")).toObject().value(QLatin1String("status")).toString());
        bool added = false;
        for (const QJsonObject &receipt : fresh) {
            const QJsonObject payload = receipt.value(QLatin1String("request")).toObject();
            const QString id = payload.value(QLatin1String("request_id")).toString();
            // Only receipts that verify are kept (and shown as verified).
            if (!ReceiptVerifier::verify(receipt, QStringLiteral("request"), m_receiptKey))
                continue;
            if (!m_verified.contains(id))
                m_verified.append(id);
            if (!known.contains(id + payload.value(QLatin1String("status")).toString())) {
                stored.append(receipt);
                added = true;
            }
        }
        if (added) {
            QDir().mkpath(m_dataDir);
            QJsonArray array;
            for (const QJsonObject &receipt : std::as_const(stored))
                array.append(receipt);
            QSaveFile file(receiptsFilePath());
            if (file.open(QIODevice::WriteOnly)) {
                file.write(QJsonDocument(array).toJson(QJsonDocument::Compact));
                file.commit();
            }
        }
        emit requestsChanged();
    };
    if (m_receiptKey.size() == 32) {
        store();
        return;
    }
    ApiRequest request;
    request.path = QStringLiteral("/v1/consent/receipt-key");
    request.idempotent = true;
    m_api->send(request, this, [this, store](const ApiResponse &response) {
        if (!response.ok())
            return;
        m_receiptKey = QByteArray::fromBase64(response.json.value(QLatin1String("public_key")).toString().toLatin1(),
                                              QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        store();
    });
}

} // namespace pygmi::core
