#pragma once

#include "HttpResponse.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace pygmi::server {

// The server side of one open WebSocket, as features see it. Sending never blocks: frames go
// into a bounded queue that the connection drains on its own thread.
class WebSocketPeer
{
public:
    enum class Priority {
        Droppable, // may be skipped when the reader is slow (e.g. preview frames)
        Durable // must arrive in order; if the queue overflows, the socket sends its overflow text and closes
    };

    virtual ~WebSocketPeer() = default;
    // Thread-safe. Returns false when the frame was dropped or the socket is closing.
    virtual bool send(std::string text, Priority priority) = 0;
    virtual bool isOpen() const = 0;
};

// What a WebSocket route's handler answers to an upgrade request (run on a worker thread, so it
// may check the bearer token against the database).
struct WebSocketAccept
{
    std::optional<HttpResponse> reject; // set: answer this instead of upgrading
    // Runs once the handshake is complete; the feature keeps the peer (weakly) to send to it.
    std::function<void(const std::shared_ptr<WebSocketPeer> &)> onOpen;
    // The last frame before the socket closes because a slow reader let the queue overflow.
    std::string overflowText;
};

} // namespace pygmi::server
