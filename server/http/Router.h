#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"
#include "WebSocketPeer.h"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pygmi::server {

inline constexpr std::size_t kJsonBodyLimit = 1024 * 1024;

// Where a streamed request body goes, piece by piece, as it arrives (e.g. a tus PATCH to the
// upload's partial file), so that no request body is ever held whole in memory.
class BodySink
{
public:
    virtual ~BodySink() = default;
    // On the connection's I/O thread, for each piece in order. False stops reading (the
    // request then ends with finish(false)).
    virtual bool write(const char *data, std::size_t size) = 0;
    // On a worker thread, once: `complete` tells whether the whole body arrived. The answer is
    // sent if the connection is still there.
    virtual HttpResponse finish(bool complete) = 0;
};

// A streamed route's decision, made from the header alone (on a worker thread): refuse with
// `reject`, or take the body into `sink`.
struct StreamAccept
{
    std::optional<HttpResponse> reject;
    std::shared_ptr<BodySink> sink;
};

// Method + path routing with "{name}" segments. Routing happens on the header alone, so the
// session knows a route's body limit and content type before it reads a single body byte.
class Router
{
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;
    using WebSocketHandler = std::function<WebSocketAccept(const HttpRequest &)>;
    using StreamHandler = std::function<StreamAccept(const HttpRequest &)>;

    enum class Kind {
        Json, // body (if any) must be application/json, at most bodyLimit bytes
        WebSocket, // upgrade target; the session hands the stream over instead of answering
        Stream // body of any type, at most bodyLimit bytes, handed to a BodySink as it arrives
    };

    struct Route
    {
        std::string method;
        std::vector<std::string> segments;
        Kind kind = Kind::Json;
        std::size_t bodyLimit = kJsonBodyLimit;
        Handler handler;
        WebSocketHandler upgrade; // Kind::WebSocket only
        StreamHandler stream; // Kind::Stream only
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
    // A route whose body is streamed to the sink `handler` returns (see BodySink); the
    // request's body (if any) never exceeds `bodyLimit` bytes.
    void addStream(std::string method, std::string_view pattern, StreamHandler handler, std::size_t bodyLimit);

    Match match(std::string_view method, std::string_view path) const;

private:
    static std::vector<std::string> split(std::string_view path);
    std::vector<Route> m_routes;
};

} // namespace pygmi::server
