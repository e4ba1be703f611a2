#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QString>
#include <functional>

namespace pygmi::server {

class AuthEndpoints;
class BlobStore;
class Clock;
class GenerationService;
class GenerationStore;
class ModerationPolicy;
class ProviderRegistry;
class ProcessingGate;
class Router;

// /v1/providers, /v1/generations and /v1/assets/{id}/content|poster. Handlers run on worker threads.
class GenerationEndpoints
{
public:
    struct Settings
    {
        int maxJobsPerUser = 8;
    };

    GenerationEndpoints(Settings settings, const AuthEndpoints &auth, const GenerationStore &store,
                        GenerationService &service, const ProviderRegistry &providers,
                        const ModerationPolicy &moderation, const BlobStore &blobs, const Clock &clock);

    void registerRoutes(Router &router);
    // Whether the user may use this reference id (owns it and it has not expired). Unset: no
    // references are accepted.
    void setReferenceCheck(std::function<bool(const QString &userId, const QString &referenceId)> check)
    {
        m_referenceCheck = std::move(check);
    }
    // Restriction of processing (privacy): consulted before a job is accepted. May stay null.
    void setProcessingGate(const ProcessingGate *gate) { m_gate = gate; }

private:
    HttpResponse providers(const HttpRequest &request);
    HttpResponse submit(const HttpRequest &request);
    HttpResponse list(const HttpRequest &request);
    HttpResponse get(const HttpRequest &request);
    HttpResponse cancel(const HttpRequest &request);
    HttpResponse content(const HttpRequest &request, bool poster);

    Settings m_settings;
    const AuthEndpoints &m_auth;
    const GenerationStore &m_store;
    GenerationService &m_service;
    const ProviderRegistry &m_providers;
    const ModerationPolicy &m_moderation;
    const BlobStore &m_blobs;
    const Clock &m_clock;
    std::function<bool(const QString &, const QString &)> m_referenceCheck;
    const ProcessingGate *m_gate = nullptr;
};

} // namespace pygmi::server
