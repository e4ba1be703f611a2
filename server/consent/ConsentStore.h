#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>

namespace pygmi::server {

class Database;
class ReceiptSigner;

// The consent ledger in SQL: an append-only list of events (each with a signed receipt), the
// current state per account, install and purpose derived from it, the account-wide "do not
// sell or share" and which notice versions a user has acknowledged. Bound values only.
class ConsentStore
{
public:
    struct Event
    {
        QString eventId;
        std::int64_t seq = 0;
        QString userId;
        QString installId;
        QString purpose;
        QString state; // granted | denied
        QString method;
        QString noticeVersion;
        QString uiCopyVersion;
        QString surface;
        QString appVersion;
        QString os;
        QString locale;
        bool gpcPresent = false;
        std::int64_t createdAt = 0;
        std::int64_t expiresAt = 0;
        QJsonObject receipt; // {event, alg, key_id, signature}

        // What the receipt signs: every field of the record, times in ISO 8601.
        QJsonObject payload() const;
    };

    struct State
    {
        QString purpose;
        QString state;
        QString method;
        QString noticeVersion;
        QString eventId;
        std::int64_t updatedAt = 0;
        std::int64_t expiresAt = 0;
    };

    struct OptOut
    {
        QString source; // gpc | toggle
        std::int64_t createdAt = 0;
    };

    ConsentStore(const Database &database, const ReceiptSigner &signer);

    // Owner of an install id, if any.
    std::optional<QString> installOwner(const QString &installId) const;
    // Binds the install to the user unless it is bound already; false if it belongs to another.
    bool bindInstall(const QString &userId, const QString &installId, std::int64_t now) const;

    QList<State> states(const QString &userId, const QString &installId) const;
    // The newest choice for a purpose across all installs of the account (account-wide purposes).
    std::optional<State> latestState(const QString &userId, const QString &purpose) const;
    // Appends the events (filling ids, seq and receipts) and updates the state, all in one transaction.
    void append(QList<Event> &events) const;
    // Oldest first; all installs of the user when installId is empty.
    QList<Event> history(const QString &userId, const QString &installId) const;

    std::optional<OptOut> optOut(const QString &userId) const;
    // Records an opt-out if none is standing; true if it was new.
    bool setOptOut(const QString &userId, const QString &source, std::int64_t now) const;
    void clearOptOut(const QString &userId) const;

    QStringList acknowledged(const QString &userId) const;
    void acknowledge(const QString &userId, const QString &version, bool inForce, std::int64_t now) const;

private:
    const Database &m_database;
    const ReceiptSigner &m_signer;
};

} // namespace pygmi::server
