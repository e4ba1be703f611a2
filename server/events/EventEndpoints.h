#pragma once

namespace pygmi::server {

class AuthEndpoints;
class EventHub;
class Router;

// WebSocket /v1/events: the bearer token is checked on the upgrade request (401 JSON otherwise),
// then the socket joins the caller's stream from ?since=N.
class EventEndpoints
{
public:
    EventEndpoints(const AuthEndpoints &auth, EventHub &hub);
    void registerRoutes(Router &router);

private:
    const AuthEndpoints &m_auth;
    EventHub &m_hub;
};

} // namespace pygmi::server
