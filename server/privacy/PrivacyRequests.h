#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace pygmi::server {

class Database;
class ReceiptSigner;

// Privacy requests in SQL: creation with the regime's due date, every status change as a timeline
// event (who did it and why), and the signed receipt of a completed request. The server, its
// background worker and the admin command share this class.
class PrivacyRequests
{
public:
    struct Request
    {
        QString id;
        QString userId;
        QString type;
        QString regime;
        QJsonObject scope;
        QString status;
        QString details;
        std::int64_t submittedAt = 0;
        std::optional<std::int64_t> acknowledgedAt;
        std::int64_t dueAt = 0;
        std::optional<std::int64_t> extendedDueAt;
        QString extensionReason;
        QString reason;
        std::optional<std::int64_t> graceEndsAt;
        std::optional<std::int64_t> completedAt;
        QJsonObject result;
        QJsonObject receipt;
        int attempts = 0;
    };

    PrivacyRequests(const Database &database, const ReceiptSigner &signer);

    // Region of the account -> regime; the due date follows from it.
    Request create(const QString &userId, const QString &type, const QJsonObject &scope, const QString &details,
                   const QString &status, std::int64_t now, const QString &actor) const;
    std::optional<Request> find(const QString &id) const;
    std::optional<Request> findForUser(const QString &userId, const QString &id) const;
    std::vector<Request> forUser(const QString &userId) const;
    std::vector<Request> withStatus(const QString &status, const QString &type = {}) const;
    std::vector<Request> open(const QString &type = {}) const;

    // Moves `id` to `status` (checked against PrivacyRules) and records the event; false if the
    // model does not allow the move. `completed` also signs a receipt over `result`.
    bool transition(const QString &id, const QString &status, const QString &note, const QString &actor,
                    std::int64_t now, const QJsonObject &result = {}, const QString &reason = {}) const;
    void setGraceEndsAt(const QString &id, std::optional<std::int64_t> at) const;
    void extend(const QString &id, const QString &reason, const QString &actor, std::int64_t now) const;
    void countAttempt(const QString &id, const QString &note, std::int64_t now) const;
    void addEvent(const QString &id, const QString &userId, const QString &status, const QString &note,
                  const QString &actor, std::int64_t now) const;
    QJsonArray events(const QString &id) const;

    QJsonObject toJson(const Request &request, std::int64_t now) const;
    // {"alg":"Ed25519","key_id","request":{...},"signature"} over the compact JSON of "request".
    QJsonObject sign(const QJsonObject &payload) const;

private:
    Request read(class QSqlQuery &query) const;
    const Database &m_database;
    const ReceiptSigner &m_signer;
};

} // namespace pygmi::server
