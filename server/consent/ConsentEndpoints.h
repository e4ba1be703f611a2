#pragma once

#include "ConsentStore.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QJsonObject>
#include <QMap>
#include <QStringList>
#include <cstdint>
#include <optional>

namespace pygmi::server {

class AuthEndpoints;
class Clock;
class PrivacyNotice;
class ReceiptSigner;
class Router;

// /v1/consent (state, changes, history, receipt key) and /v1/policy (notices, acknowledgement).
// Consent is kept per account and install; a purpose counts as granted only while its latest
// event is a grant that is neither stale (a material notice change touched it since) nor expired
// (older than the re-consent interval). A request carrying "Sec-GPC: 1" records a standing
// opt-out of sale and sharing for the account and turns advertising off; it never grants.
class ConsentEndpoints
{
public:
    struct Settings
    {
        std::int64_t reconsentMs = 182LL * 24 * 3600 * 1000;
    };

    struct PurposeView
    {
        QString state = QStringLiteral("unset"); // granted | denied | unset
        bool effective = false; // may the purpose be pursued now
        bool stale = false;
        bool expired = false;
        std::optional<ConsentStore::State> record;
    };

    ConsentEndpoints(Settings settings, const ConsentStore &store, const ReceiptSigner &signer,
                     const AuthEndpoints &auth, const PrivacyNotice &notice, const Clock &clock);

    void registerRoutes(Router &router);

    // The purposes a user is asked about (necessary is never asked; sale_share is an opt-out).
    static const QStringList &consentPurposes();
    static const QStringList &recordablePurposes();

    QMap<QString, PurposeView> evaluate(const QString &userId, const QString &installId) const;
    // For account-wide purposes (model_training): the newest choice on any install, if it is still an
    // effective grant (not stale after a material notice change, not expired).
    bool isGrantedForAccount(const QString &userId, const QString &purpose) const;
    // Applies "Sec-GPC: 1" for the caller when the request carries it.
    void honourGpc(const HttpRequest &request, const QString &userId, const QString &installId) const;
    static bool hasGpc(const HttpRequest &request);
    static bool isInstallId(const QString &text);

private:
    PurposeView viewOf(const ConsentStore::State &state, std::int64_t now) const;
    HttpResponse getConsent(const HttpRequest &request);
    HttpResponse putConsent(const HttpRequest &request);
    HttpResponse history(const HttpRequest &request);
    HttpResponse receiptKey(const HttpRequest &request);
    HttpResponse getPolicy(const HttpRequest &request);
    HttpResponse acknowledge(const HttpRequest &request);

    QJsonObject viewJson(const QString &userId, const QString &installId) const;
    ConsentStore::Event newEvent(const QString &userId, const QString &installId, const QString &purpose,
                                 const QString &state, const QString &method, std::int64_t now) const;

    Settings m_settings;
    const ConsentStore &m_store;
    const ReceiptSigner &m_signer;
    const AuthEndpoints &m_auth;
    const PrivacyNotice &m_notice;
    const Clock &m_clock;
};

} // namespace pygmi::server
