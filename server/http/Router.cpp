#include "Router.h"

namespace pygmi::server {

std::vector<std::string> Router::split(std::string_view path)
{
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
        if (end > start)
            segments.emplace_back(path.substr(start, end - start));
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    return segments;
}

void Router::add(std::string method, std::string_view pattern, Handler handler, std::size_t bodyLimit)
{
    m_routes.push_back(Route { std::move(method), split(pattern), Kind::Json, bodyLimit, std::move(handler), {}, {} });
}

void Router::addStream(std::string method, std::string_view pattern, StreamHandler handler, std::size_t bodyLimit)
{
    m_routes.push_back(Route { std::move(method), split(pattern), Kind::Stream, bodyLimit, {}, {}, std::move(handler) });
}

void Router::addWebSocket(std::string_view pattern, WebSocketHandler handler)
{
    m_routes.push_back(Route { "GET", split(pattern), Kind::WebSocket, 0, {}, std::move(handler), {} });
}

Router::Match Router::match(std::string_view method, std::string_view path) const
{
    Match result;
    const std::vector<std::string> segments = split(path);
    for (const Route &route : m_routes) {
        if (route.segments.size() != segments.size())
            continue;
        std::map<std::string, std::string> params;
        bool same = true;
        for (std::size_t i = 0; i < segments.size() && same; ++i) {
            const std::string &expected = route.segments[i];
            if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}')
                params[expected.substr(1, expected.size() - 2)] = segments[i];
            else
                same = expected == segments[i];
        }
        if (!same)
            continue;
        if (route.method == method) {
            result.result = Match::Result::Found;
            result.route = &route;
            result.params = std::move(params);
            return result;
        }
        result.result = Match::Result::MethodNotAllowed;
        if (result.allow.find(route.method) == std::string::npos) {
            result.allow += result.allow.empty() ? "" : ", ";
            result.allow += route.method;
            if (route.method == "GET")
                result.allow += ", HEAD";
        }
    }
    return result;
}

} // namespace pygmi::server
