#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

namespace pygmi::server {

class Clock;
class PrivacyNotice;
class Router;

// /healthz, /v1/server, /v1/notice and, only with --test-clock, POST /v1/test/clock.
class SystemEndpoints
{
public:
    SystemEndpoints(bool localMode, bool testClock, const PrivacyNotice &notice, Clock &clock);
    void registerRoutes(Router &router);

private:
    HttpResponse serverInfo(const HttpRequest &request) const;
    HttpResponse moveClock(const HttpRequest &request);

    bool m_localMode;
    bool m_testClock;
    const PrivacyNotice &m_notice;
    Clock &m_clock;
};

} // namespace pygmi::server
