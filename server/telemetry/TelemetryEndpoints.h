#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QJsonObject>
#include <QString>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace pygmi::server {

class AuthEndpoints;
class Clock;
class ConsentEndpoints;
class ConsentStore;
class Database;
class ProcessingGate;
class Router;

// Telemetry intake. Batches are refused (403 consent_required) unless the caller's account and
// install currently have analytics consent, so a client that ignored the choice still gets
// nothing stored. Only events of the declared catalogue (docs/telemetry.md) with exactly their
// fields are accepted; a batch is stored whole or not at all. Each event expires by its type
// (30 to 180 days) and expired rows are swept. A deletion request erases an install's events.
class TelemetryEndpoints
{
public:
    static constexpr std::size_t kBodyLimit = 64 * 1024;
    static constexpr int kMaxEvents = 100;

    TelemetryEndpoints(const Database &database, const AuthEndpoints &auth, const ConsentEndpoints &consent,
                       const ConsentStore &consentStore, const Clock &clock);

    void registerRoutes(Router &router);
    // Restriction of processing and objection to analytics (privacy). May stay null.
    void setProcessingGate(const ProcessingGate *gate) { m_gate = gate; }
    // Deletes expired events; returns how many.
    int sweep() const;

    // Days an event of this type is kept, 0 if the name is not in the catalogue.
    static int retentionDays(const QString &name);

private:
    HttpResponse intake(const HttpRequest &request);
    HttpResponse deletionRequest(const HttpRequest &request);
    HttpResponse stored(const HttpRequest &request);
    // The install id of the caller's request, or the 4xx to answer.
    std::optional<HttpResponse> checkInstall(const QString &installId, const QString &userId) const;

    const Database &m_database;
    const AuthEndpoints &m_auth;
    const ConsentEndpoints &m_consent;
    const ConsentStore &m_consentStore;
    const Clock &m_clock;
    const ProcessingGate *m_gate = nullptr;
};

} // namespace pygmi::server
