#include "GenerationEndpoints.h"

#include "GenerationRequest.h"
#include "GenerationService.h"
#include "GenerationStore.h"
#include "ProviderRegistry.h"
#include "auth/AuthEndpoints.h"
#include "common/Clock.h"
#include "http/ApiError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "moderation/ModerationPolicy.h"
#include "privacy/ProcessingGate.h"
#include "storage/BlobStore.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QUuid>
#include <charconv>

namespace pygmi::server {

namespace {

constexpr int kListDefault = 20;
constexpr int kListMax = 100;

struct ByteRange
{
    std::int64_t first = 0;
    std::int64_t last = 0;
};

// A single "bytes=a-b" / "bytes=a-" / "bytes=-n" range. nullopt: ignore the header (serve all);
// a range starting past the end is reported through `unsatisfiable`.
std::optional<ByteRange> parseRange(std::string_view header, std::int64_t size, bool *unsatisfiable)
{
    *unsatisfiable = false;
    constexpr std::string_view prefix = "bytes=";
    if (header.substr(0, prefix.size()) != prefix || header.find(',') != std::string_view::npos)
        return std::nullopt;
    const std::string_view spec = header.substr(prefix.size());
    const std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos)
        return std::nullopt;
    const auto number = [](std::string_view text, std::int64_t *value) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
        return !text.empty() && ec == std::errc() && end == text.data() + text.size();
    };
    std::int64_t a = 0;
    std::int64_t b = 0;
    ByteRange range;
    if (dash == 0) { // suffix: the last n bytes
        if (!number(spec.substr(1), &b) || b <= 0)
            return std::nullopt;
        range.first = std::max<std::int64_t>(0, size - b);
        range.last = size - 1;
    } else {
        if (!number(spec.substr(0, dash), &a))
            return std::nullopt;
        const std::string_view tail = spec.substr(dash + 1);
        if (tail.empty())
            b = size - 1;
        else if (!number(tail, &b) || b < a)
            return std::nullopt;
        range.first = a;
        range.last = std::min(b, size - 1);
    }
    if (range.first >= size) {
        *unsatisfiable = true;
        return std::nullopt;
    }
    return range;
}

} // namespace

GenerationEndpoints::GenerationEndpoints(Settings settings, const AuthEndpoints &auth, const GenerationStore &store,
                                         GenerationService &service, const ProviderRegistry &providers,
                                         const ModerationPolicy &moderation, const BlobStore &blobs, const Clock &clock)
    : m_settings(settings)
    , m_auth(auth)
    , m_store(store)
    , m_service(service)
    , m_providers(providers)
    , m_moderation(moderation)
    , m_blobs(blobs)
    , m_clock(clock)
{ }

void GenerationEndpoints::registerRoutes(Router &router)
{
    const auto bind = [this](HttpResponse (GenerationEndpoints::*method)(const HttpRequest &)) {
        return [this, method](const HttpRequest &request) { return (this->*method)(request); };
    };
    router.add("GET", "/v1/providers", bind(&GenerationEndpoints::providers));
    router.add("POST", "/v1/generations", bind(&GenerationEndpoints::submit));
    router.add("GET", "/v1/generations", bind(&GenerationEndpoints::list));
    router.add("GET", "/v1/generations/{id}", bind(&GenerationEndpoints::get));
    router.add("POST", "/v1/generations/{id}/cancel", bind(&GenerationEndpoints::cancel));
    router.add("GET", "/v1/assets/{id}/content",
               [this](const HttpRequest &request) { return content(request, false); });
    router.add("GET", "/v1/assets/{id}/poster", [this](const HttpRequest &request) { return content(request, true); });
}

HttpResponse GenerationEndpoints::providers(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("providers"), m_providers.toJson() } });
}

HttpResponse GenerationEndpoints::submit(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    if (m_gate) {
        if (auto refused = m_gate->refuse(caller.userId, ProcessingGate::Kind::Generation))
            return *refused;
    }
    QJsonObject body;
    if (auto failure = JsonBody::parseObject(request.body, body))
        return *failure;
    GenerationRequest generation;
    ApiError::FieldErrors errors;
    if (!GenerationRequest::parse(body, m_providers, &generation, &errors))
        return ApiError::validation(errors);
    for (const QJsonValue &reference : std::as_const(generation.references)) {
        const QString referenceId = reference.toObject().value(QStringLiteral("id")).toString();
        if (!m_referenceCheck || !m_referenceCheck(caller.userId, referenceId))
            return ApiError::validation({ { QStringLiteral("references"), QStringLiteral("unknown") } });
    }
    if (!generation.seedGiven)
        generation.spec.seed = QRandomGenerator::global()->bounded(std::numeric_limits<quint32>::max());

    const std::int64_t now = m_clock.nowMs();
    std::optional<GenerationStore::Decision> blocked;
    if (const auto match = m_moderation.check(generation.spec.prompt)) {
        blocked = GenerationStore::Decision { QUuid::createUuid().toString(QUuid::WithoutBraces), match->category,
                                              match->reason, true, now };
    }
    const auto result
        = m_store.create(caller.userId, generation, blocked, m_moderation.version(), m_settings.maxJobsPerUser, now);
    switch (result) {
    case GenerationStore::CreateResult::Conflict:
        return ApiError::make(409, QStringLiteral("id_conflict"),
                              QStringLiteral("This id was already used for a different request."));
    case GenerationStore::CreateResult::TooManyJobs: {
        HttpResponse response = ApiError::make(
            429, QStringLiteral("too_many_jobs"),
            QStringLiteral("You already have %1 jobs queued or running, the most allowed at once. Wait for one to "
                           "finish or cancel one.")
                .arg(m_settings.maxJobsPerUser));
        response.headers.emplace_back("Retry-After", "5");
        return response;
    }
    case GenerationStore::CreateResult::Same:
        return HttpResponse::json(200, m_store.toJson(*m_store.find(caller.userId, generation.id)));
    case GenerationStore::CreateResult::Created:
        break;
    }
    const auto created = m_store.find(caller.userId, generation.id);
    m_service.publishState(*created);
    if (!blocked)
        m_service.enqueue(generation.id);
    return HttpResponse::json(201, m_store.toJson(*created));
}

HttpResponse GenerationEndpoints::list(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    int limit = kListDefault;
    ApiError::FieldErrors errors;
    if (const auto raw = request.queryValue("limit")) {
        const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), limit);
        if (ec != std::errc() || end != raw->data() + raw->size())
            errors.insert(QStringLiteral("limit"), QStringLiteral("wrong_type"));
        else if (limit < 1 || limit > kListMax)
            errors.insert(QStringLiteral("limit"), QStringLiteral("out_of_range"));
    }
    std::optional<QString> before;
    if (const auto raw = request.queryValue("before"); raw && !raw->empty()) {
        before = QString::fromStdString(*raw);
        if (!GenerationStore::validCursor(*before))
            errors.insert(QStringLiteral("before"), QStringLiteral("invalid"));
    }
    if (!errors.isEmpty())
        return ApiError::validation(errors);

    std::vector<GenerationStore::Generation> items = m_store.list(caller.userId, limit + 1, before);
    QJsonValue nextCursor;
    if (static_cast<int>(items.size()) > limit) {
        items.resize(limit);
        nextCursor = GenerationStore::cursorFor(items.back());
    }
    QJsonArray array;
    for (const auto &item : items)
        array.append(m_store.toJson(item));
    return HttpResponse::json(
        200, QJsonObject { { QStringLiteral("items"), array }, { QStringLiteral("next_cursor"), nextCursor } });
}

HttpResponse GenerationEndpoints::get(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const auto generation = m_store.find(caller.userId, id);
    if (!generation)
        return ApiError::notFound();
    return HttpResponse::json(200, m_store.toJson(*generation));
}

HttpResponse GenerationEndpoints::cancel(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    switch (m_store.cancel(caller.userId, id, m_clock.nowMs())) {
    case GenerationStore::CancelResult::NotFound:
        return ApiError::notFound();
    case GenerationStore::CancelResult::NotCancellable:
        return ApiError::make(409, QStringLiteral("not_cancellable"), QStringLiteral("This job has already ended."));
    case GenerationStore::CancelResult::Cancelled:
        break;
    }
    m_service.cancel(id);
    const auto generation = m_store.find(caller.userId, id);
    m_service.publishState(*generation);
    return HttpResponse::json(200, m_store.toJson(*generation));
}

HttpResponse GenerationEndpoints::content(const HttpRequest &request, bool poster)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const auto asset = m_store.asset(caller.userId, id);
    if (!asset || (poster && asset->posterSha256.isEmpty()))
        return ApiError::notFound();
    const QString sha = poster ? asset->posterSha256 : asset->sha256;
    const std::string etag = '"' + sha.toStdString() + '"';

    HttpResponse response;
    response.headers.emplace_back("ETag", etag);
    response.headers.emplace_back("Cache-Control", "private, max-age=86400");
    response.headers.emplace_back("Accept-Ranges", "bytes");
    if (request.header("if-none-match") == etag) {
        response.status = 304;
        response.contentType.clear();
        return response;
    }
    auto bytes = m_blobs.read(sha);
    if (!bytes)
        return ApiError::notFound();
    response.contentType = poster ? "image/png" : asset->mime.toStdString();
    const auto size = static_cast<std::int64_t>(bytes->size());
    bool unsatisfiable = false;
    const std::string_view rangeHeader = request.header("range");
    const auto range = rangeHeader.empty() ? std::nullopt : parseRange(rangeHeader, size, &unsatisfiable);
    if (unsatisfiable) {
        HttpResponse refused = ApiError::make(416, QStringLiteral("range_not_satisfiable"),
                                              QStringLiteral("The range starts past the end of the content."));
        refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
        return refused;
    }
    if (range) {
        response.status = 206;
        response.headers.emplace_back("Content-Range",
                                      "bytes " + std::to_string(range->first) + '-' + std::to_string(range->last) + '/'
                                          + std::to_string(size));
        response.body = bytes->mid(range->first, range->last - range->first + 1).toStdString();
    } else {
        response.body = bytes->toStdString();
    }
    return response;
}

} // namespace pygmi::server
