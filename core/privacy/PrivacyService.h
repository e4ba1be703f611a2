#pragma once

#include "api/ApiError.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <functional>

namespace pygmi::core {

class ApiClient;
class ExportDownload;

// The privacy dashboard's data and actions (the ui only renders them): what the server holds,
// requests with their timeline, exports, account deletion, restriction and objection, sessions,
// automated decisions and the profile. Receipts of completed requests are verified with the
// server's Ed25519 key and kept in <dataDir>/privacy-receipts.json. While a request is being
// worked on the list is refreshed every few seconds.
class PrivacyService : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const QJsonObject &answer, const ApiError &error)>;

    PrivacyService(ApiClient *api, const QString &dataDir, QObject *parent = nullptr);

    void start(const QString &accountId);
    void stop();
    bool isActive() const { return !m_accountId.isEmpty(); }

    QJsonObject summary() const { return m_summary; }
    QJsonArray requests() const { return m_requests; }
    QJsonArray sessions() const { return m_sessions; }
    QJsonArray decisions() const { return m_decisions; }
    QJsonObject profile() const { return m_profile; }
    // The archive download (one at a time; it outlives the page that started it).
    ExportDownload *download() const { return m_download; }
    bool isRestricted() const;
    // The open account deletion ({request_id, status, grace_ends_at}) or empty.
    QJsonObject pendingDeletion() const;

    void refreshAll();
    void refreshSummary();
    void refreshRequests();
    void refreshSessions();
    void refreshDecisions();
    void refreshProfile();

    void requestExport(const QStringList &categories, const QString &fromIso, const QString &toIso, Done done = {});
    void requestDeletion(const QString &password, Done done = {});
    void deletionPreview(Done done);
    void cancelRequest(const QString &id, Done done = {});
    void verifyRequest(const QString &id, const QString &password, Done done = {});
    void replyToRequest(const QString &id, const QString &message, Done done = {});
    void askCorrection(const QString &details, Done done = {});
    void requestReview(const QString &decisionId, const QString &details, Done done = {});
    void setProcessing(const QJsonObject &change, Done done = {});
    void updateProfile(const QJsonObject &change, Done done = {});
    void changeEmail(const QString &newEmail, const QString &password, Done done = {});
    void confirmEmail(const QString &code, Done done = {});
    void revokeSession(const QString &id, Done done = {});
    void signOutEverywhere(bool includeCurrent, Done done = {});
    void deleteAllContent(Done done = {});
    // The avatar: PNG or JPEG bytes (the ui re-encodes the picture first, which drops its metadata).
    void setAvatar(const QByteArray &image, Done done = {});
    void removeAvatar(Done done = {});
    void fetchAvatar(QObject *context, std::function<void(const QByteArray &image)> done);

    // Receipts: verified against the server's public key as they arrive.
    QList<QJsonObject> storedReceipts() const;
    bool isReceiptVerified(const QString &requestId) const { return m_verified.contains(requestId); }
    QString receiptsFilePath() const;

Q_SIGNALS:
    void summaryChanged();
    void requestsChanged();
    void sessionsChanged();
    void decisionsChanged();
    void profileChanged();
    // A request reached a final status since the last look (e.g. an export is ready).
    void requestFinished(const QJsonObject &request);
    void failed(const pygmi::core::ApiError &error);

private:
    void call(const QByteArray &method, const QString &path, const QJsonObject &body, Done done);
    void keepReceipts();
    void schedulePoll();

    ApiClient *m_api;
    QString m_dataDir;
    QString m_accountId;
    QJsonObject m_summary;
    QJsonArray m_requests;
    QJsonArray m_sessions;
    QJsonArray m_decisions;
    QJsonObject m_profile;
    QByteArray m_receiptKey;
    QStringList m_verified;
    QHash<QString, QString> m_lastStatus;
    QTimer m_poll;
    ExportDownload *m_download;
};

} // namespace pygmi::core
