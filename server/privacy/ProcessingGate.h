#pragma once

#include "http/HttpResponse.h"

#include <QString>
#include <optional>

namespace pygmi::server {

class Database;

// The one server-side check of "restrict processing" and "object to processing": generation
// submit and telemetry intake ask it before doing anything. Export, deletion and the privacy
// pages never ask, so they keep working while processing is restricted.
class ProcessingGate
{
public:
    enum class Kind { Generation, Analytics };

    explicit ProcessingGate(const Database &database);

    // The 403 to answer (code "restricted" or "objected"), or nothing when the work may go ahead.
    std::optional<HttpResponse> refuse(const QString &userId, Kind kind) const;

private:
    const Database &m_database;
};

} // namespace pygmi::server
