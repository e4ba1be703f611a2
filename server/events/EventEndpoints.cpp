#include "EventEndpoints.h"

#include "EventHub.h"
#include "auth/AuthEndpoints.h"
#include "http/ApiError.h"
#include "http/Router.h"

#include <charconv>

namespace pygmi::server {

EventEndpoints::EventEndpoints(const AuthEndpoints &auth, EventHub &hub)
    : m_auth(auth)
    , m_hub(hub)
{ }

void EventEndpoints::registerRoutes(Router &router)
{
    router.addWebSocket("/v1/events", [this](const HttpRequest &request) {
        WebSocketAccept accept;
        AuthEndpoints::Caller caller;
        if (auto failure = m_auth.authenticate(request, &caller)) {
            accept.reject = std::move(*failure);
            return accept;
        }
        std::int64_t since = 0;
        if (const auto raw = request.queryValue("since")) {
            const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), since);
            if (ec != std::errc() || end != raw->data() + raw->size() || since < 0) {
                accept.reject = ApiError::validation({ { QStringLiteral("since"), QStringLiteral("invalid") } });
                return accept;
            }
        }
        accept.overflowText = EventHub::resyncText();
        accept.onOpen = [this, userId = caller.userId, since](const std::shared_ptr<WebSocketPeer> &peer) {
            m_hub.subscribe(userId, since, peer);
        };
        return accept;
    });
}

} // namespace pygmi::server
