#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"
#include "WebSocketPeer.h"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pygmi::server {

inline constexpr std::size_t kJsonBodyLimit = 1024 * 1024;

// Method + path routing with "{name}" segments. Routing happens on the header alone, so the
// session knows a route's body limit and content type before it reads a single body byte.
class Router
{
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;
    using WebSocketHandler = std::function<WebSocketAccept(const HttpRequest &)>;

    enum class Kind {
        Json, // body (if any) must be application/json, at most bodyLimit bytes
        WebSocket // upgrade target; the session hands the stream over instead of answering
    };

    struct Route
    {
        std::string method;
        std::vector<std::string> segments;
        Kind kind = Kind::Json;
        std::size_t bodyLimit = kJsonBodyLimit;
        Handler handler;
        WebSocketHandler upgrade; // Kind::WebSocket only
    };

    struct Match
    {
        enum class Result { Found, NotFound, MethodNotAllowed } result = Result::NotFound;
        const Route *route = nullptr;
        std::map<std::string, std::string> params;
        std::string allow; // for 405
    };

    void add(std::string method, std::string_view pattern, Handler handler, std::size_t bodyLimit = kJsonBodyLimit);
    // A WebSocket endpoint (GET + Upgrade). `handler` decides on a worker thread whether to upgrade.
    void addWebSocket(std::string_view pattern, WebSocketHandler handler);

    Match match(std::string_view method, std::string_view path) const;

private:
    static std::vector<std::string> split(std::string_view path);
    std::vector<Route> m_routes;
};

} // namespace pygmi::server
