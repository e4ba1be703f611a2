#include "SystemEndpoints.h"

#include "auth/PasswordPolicy.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "http/ApiError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "notice/PrivacyNotice.h"

namespace pygmi::server {

SystemEndpoints::SystemEndpoints(bool localMode, bool testClock, const PrivacyNotice &notice, Clock &clock)
    : m_localMode(localMode)
    , m_testClock(testClock)
    , m_notice(notice)
    , m_clock(clock)
{ }

void SystemEndpoints::registerRoutes(Router &router)
{
    router.add("GET", "/healthz", [](const HttpRequest &) {
        return HttpResponse::json(200, QJsonObject { { QStringLiteral("status"), QStringLiteral("ok") } });
    });
    router.add("GET", "/v1/server", [this](const HttpRequest &request) { return serverInfo(request); });
    router.add("GET", "/v1/notice", [this](const HttpRequest &) { return HttpResponse::json(200, m_notice.toJson()); });
    if (m_testClock)
        router.add("POST", "/v1/test/clock", [this](const HttpRequest &request) { return moveClock(request); });
}

HttpResponse SystemEndpoints::serverInfo(const HttpRequest &) const
{
    return HttpResponse::json(
        200,
        QJsonObject { { QStringLiteral("name"), QStringLiteral("pygmi-server") },
                      { QStringLiteral("version"), QStringLiteral(PYGMI_VERSION) },
                      { QStringLiteral("api_version"), 1 },
                      { QStringLiteral("mode"), m_localMode ? QStringLiteral("local") : QStringLiteral("hosted") },
                      { QStringLiteral("password_min_length"), PasswordPolicy::kMinLength },
                      { QStringLiteral("notice"),
                        QJsonObject { { QStringLiteral("version"), m_notice.version() },
                                      { QStringLiteral("title"), m_notice.title() } } } });
}

HttpResponse SystemEndpoints::moveClock(const HttpRequest &request)
{
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto seconds = body.integer(QStringLiteral("advance_seconds"));
    if (seconds && *seconds < 0)
        body.fail(QStringLiteral("advance_seconds"), QStringLiteral("invalid"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    m_clock.advance(std::chrono::seconds(*seconds));
    qCInfo(lcServer) << "test clock moved by" << *seconds << "s";
    return HttpResponse::json(200, QJsonObject { { QStringLiteral("now"), Clock::toIso(m_clock.nowMs()) } });
}

} // namespace pygmi::server
