#include "HttpSession.h"

#include "ApiError.h"
#include "FileWindow.h"
#include "HttpRequest.h"
#include "RequestLog.h"
#include "WorkerPool.h"
#include "common/Logging.h"

#include <QElapsedTimer>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <optional>
#include <type_traits>

namespace pygmi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

constexpr std::size_t kHeaderLimit = 16 * 1024;
// After an error answer the client may still be sending; read (and drop) a bounded amount so
// that closing does not reset the connection before the client has read our answer.
constexpr std::size_t kDrainLimit = 8 * 1024 * 1024;
constexpr auto kDrainTime = std::chrono::seconds(2);
// A streamed body reaches its sink in pieces of at most this size.
constexpr std::size_t kStreamPiece = 256 * 1024;

bool isHttpParseError(const beast::error_code &ec)
{
    return ec.category() == http::make_error_code(http::error::bad_target).category();
}

bool isJsonContentType(std::string_view value)
{
    const std::size_t semicolon = value.find(';');
    std::string_view type = value.substr(0, semicolon);
    while (!type.empty() && type.back() == ' ')
        type.remove_suffix(1);
    return beast::iequals(type, "application/json");
}

// Limits for one socket's outgoing queue: a slow reader first loses preview frames, and if even
// durable events pile up the socket says so (overflow text) and closes, so memory stays bounded.
constexpr std::size_t kDroppableBacklog = 8; // queued frames beyond which droppable ones are skipped
constexpr std::size_t kQueueFrameLimit = 2000;
constexpr std::size_t kQueueByteLimit = 8 * 1024 * 1024;
constexpr std::size_t kIncomingMessageLimit = 4096;

template<class Stream>
class WebSocketConnection : public WebSocketPeer, public std::enable_shared_from_this<WebSocketConnection<Stream>>
{
public:
    using Request = http::request<http::string_body>;

    WebSocketConnection(Stream stream, Request request, WebSocketAccept accept, std::shared_ptr<void> slot)
        : m_ws(std::move(stream))
        , m_request(std::move(request))
        , m_accept(std::move(accept))
        , m_slot(std::move(slot))
    { }

    void run(std::chrono::milliseconds handshakeTimeout)
    {
        beast::get_lowest_layer(m_ws).expires_never(); // the websocket stream keeps its own timers
        beast::websocket::stream_base::timeout timeouts;
        timeouts.handshake_timeout = handshakeTimeout;
        // Idle for 40 s: Beast pings after half of that (every 20 s) and closes if no answer comes.
        timeouts.idle_timeout = std::chrono::seconds(40);
        timeouts.keep_alive_pings = true;
        m_ws.set_option(timeouts);
        m_ws.read_message_max(kIncomingMessageLimit);
        m_ws.text(true);
        m_ws.async_accept(m_request, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec)
                return;
            {
                std::lock_guard lock(self->m_mutex);
                self->m_open = true;
            }
            self->m_request = {};
            self->readLoop();
            if (self->m_accept.onOpen)
                self->m_accept.onOpen(self);
            std::lock_guard lock(self->m_mutex);
            self->startWritingLocked();
        });
    }

    bool send(std::string text, Priority priority) override
    {
        std::lock_guard lock(m_mutex);
        if (m_closing)
            return false;
        if (priority == Priority::Droppable && m_queue.size() >= kDroppableBacklog)
            return false;
        if (m_queue.size() >= kQueueFrameLimit || m_queuedBytes + text.size() > kQueueByteLimit) {
            qCInfo(lcHttp) << "websocket reader too slow: closing after overflow notice";
            // Frames not yet started are dropped; the one being written (front) stays.
            while (m_queue.size() > (m_writing ? 1u : 0u)) {
                m_queuedBytes -= m_queue.back().size();
                m_queue.pop_back();
            }
            m_queue.push_back(m_accept.overflowText);
            m_queuedBytes += m_queue.back().size();
            m_closing = true;
            startWritingLocked();
            return false;
        }
        m_queuedBytes += text.size();
        m_queue.push_back(std::move(text));
        startWritingLocked();
        return true;
    }

    bool isOpen() const override
    {
        std::lock_guard lock(m_mutex);
        return !m_closing && !m_closed;
    }

private:
    // Client frames carry nothing we need, but reading keeps control frames (pong, close) flowing.
    void readLoop()
    {
        m_ws.async_read(m_readBuffer, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->m_readBuffer.consume(self->m_readBuffer.size());
            if (ec) {
                std::lock_guard lock(self->m_mutex);
                self->m_closed = true;
                // A write in flight still owns the front frame.
                while (self->m_queue.size() > (self->m_writing ? 1u : 0u))
                    self->m_queue.pop_back();
                return;
            }
            self->readLoop();
        });
    }

    void startWritingLocked()
    {
        if (m_writing || !m_open || m_closed)
            return;
        if (m_queue.empty()) {
            if (m_closing && !m_closeSent) {
                m_closeSent = true;
                net::post(m_ws.get_executor(), [self = this->shared_from_this()] {
                    self->m_ws.async_close(beast::websocket::close_code::try_again_later, [self](beast::error_code) {});
                });
            }
            return;
        }
        m_writing = true;
        net::post(m_ws.get_executor(), [self = this->shared_from_this()] { self->writeFront(); });
    }

    void writeFront()
    {
        // Only this (strand) function touches the front while m_writing is set.
        const std::string *front = nullptr;
        {
            std::lock_guard lock(m_mutex);
            if (m_queue.empty() || m_closed) {
                m_writing = false;
                return;
            }
            front = &m_queue.front();
        }
        m_ws.async_write(net::buffer(*front), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            std::lock_guard lock(self->m_mutex);
            self->m_writing = false;
            if (ec) {
                self->m_closed = true;
                self->m_queue.clear();
                self->m_queuedBytes = 0;
                return;
            }
            if (!self->m_queue.empty()) {
                self->m_queuedBytes -= self->m_queue.front().size();
                self->m_queue.pop_front();
            }
            self->startWritingLocked();
        });
    }

    beast::websocket::stream<Stream> m_ws;
    Request m_request;
    WebSocketAccept m_accept;
    std::shared_ptr<void> m_slot; // this connection's place under HttpSessionContext::maxConnections
    beast::flat_buffer m_readBuffer;
    mutable std::mutex m_mutex;
    std::deque<std::string> m_queue;
    std::size_t m_queuedBytes = 0;
    bool m_open = false; // handshake done
    bool m_writing = false;
    bool m_closing = false; // overflow: no more frames accepted
    bool m_closeSent = false;
    bool m_closed = false; // the connection failed or the peer closed
};

template<class Stream> class Connection : public std::enable_shared_from_this<Connection<Stream>>
{
public:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    Connection(Stream stream, std::shared_ptr<const HttpSessionContext> context, std::string remote,
               std::shared_ptr<void> slot)
        : m_stream(std::move(stream))
        , m_context(std::move(context))
        , m_remote(std::move(remote))
        , m_slot(std::move(slot))
    { }

    void run()
    {
        if constexpr (kTls) {
            lowest().expires_after(m_context->requestTimeout);
            m_stream.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
                if (ec) {
                    self->closeNow();
                    return;
                }
                self->waitForRequest(true);
            });
        } else {
            waitForRequest(true);
        }
    }

private:
    beast::tcp_stream &lowest() { return beast::get_lowest_layer(m_stream); }

    void waitForRequest(bool first)
    {
        m_parser.emplace();
        m_parser->header_limit(kHeaderLimit);
        // The route's limit applies once the header is read: a large body for an unknown path
        // must still get its 404, not a 413.
        m_parser->body_limit(boost::none);
        m_route = nullptr;
        m_head = false;
        m_version = 11;
        m_logTarget.clear();
        if (m_buffer.size() > 0) { // a pipelined request is already here
            readHeader();
            return;
        }
        // Idle wait: a kept-alive connection may be quiet for longer than a request may take.
        lowest().expires_after(first ? m_context->requestTimeout : m_context->idleTimeout);
        m_stream.async_read_some(m_buffer.prepare(4096),
                                 [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                     if (ec) {
                                         self->closeNow();
                                         return;
                                     }
                                     self->m_buffer.commit(n);
                                     self->readHeader();
                                 });
    }

    void readHeader()
    {
        // One deadline for the whole request: a client that trickles bytes cannot hold it open.
        lowest().expires_after(m_context->requestTimeout);
        m_timer.start();
        http::async_read_header(
            m_stream, m_buffer, *m_parser,
            [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
    }

    void onHeader(beast::error_code ec)
    {
        if (ec == http::error::header_limit)
            return respondEarly(ApiError::headersTooLarge(), true);
        if (ec == http::error::body_limit)
            return respondEarly(ApiError::payloadTooLarge(), true);
        if (ec && isHttpParseError(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message)
            return respondEarly(ApiError::badRequest(QStringLiteral("The request is not valid HTTP/1.1.")), true);
        if (ec)
            return closeNow(); // timeout, reset, or the client went away

        auto &request = m_parser->get();
        m_version = request.version();
        m_keepAlive = request.keep_alive();
        m_head = request.method() == http::verb::head;
        const std::string method = m_head ? std::string("GET") : std::string(request.method_string());
        const std::string_view target = request.target();
        const std::size_t question = target.find('?');
        m_path = std::string(target.substr(0, question));
        m_query = question == std::string_view::npos ? std::string() : std::string(target.substr(question + 1));
        m_logTarget = std::string(request.method_string()) + ' ' + m_path;
        if (m_context->requestLog)
            m_context->requestLog->record(request.method_string(), m_path, request["Sec-GPC"]);

        const auto contentLength = m_parser->content_length();
        const bool hasBody = (contentLength && *contentLength > 0) || m_parser->chunked();
        if (m_path.empty() || m_path.front() != '/')
            return respondEarly(ApiError::badRequest(QStringLiteral("The request target is not a path.")), hasBody);

        Router::Match match = m_context->router->match(method, m_path);
        if (match.result == Router::Match::Result::NotFound)
            return respondEarly(ApiError::notFound(), hasBody);
        if (match.result == Router::Match::Result::MethodNotAllowed)
            return respondEarly(ApiError::methodNotAllowed(match.allow), hasBody);

        m_route = match.route;
        m_params = std::move(match.params);
        if (m_route->kind == Router::Kind::WebSocket)
            return onWebSocketRequest(hasBody);

        if (contentLength && *contentLength > m_route->bodyLimit)
            return respondEarly(ApiError::payloadTooLarge(), true);
        if (m_route->kind == Router::Kind::Stream)
            return onStreamRequest(hasBody);
        m_parser->body_limit(m_route->bodyLimit);
        if (hasBody && !isJsonContentType(request[http::field::content_type]))
            return respondEarly(ApiError::unsupportedMediaType(), true);

        if (m_parser->is_done())
            return dispatch();
        if (beast::iequals(request[http::field::expect], "100-continue")) {
            auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, m_version);
            lowest().expires_after(m_context->requestTimeout);
            http::async_write(m_stream, *interim,
                              [self = this->shared_from_this(), interim](beast::error_code writeEc, std::size_t) {
                                  if (writeEc)
                                      return self->closeNow();
                                  self->readBody();
                              });
            return;
        }
        readBody();
    }

    // A WebSocket route: the upgrade request is authorised on a worker (it may need the database),
    // then the stream, with its parsed request, is handed to a WebSocketConnection.
    void onWebSocketRequest(bool hasBody)
    {
        if (!beast::websocket::is_upgrade(m_parser->get())) {
            HttpResponse response = ApiError::make(426, QStringLiteral("upgrade_required"),
                                                   QStringLiteral("This endpoint speaks WebSocket."));
            response.headers.emplace_back("Upgrade", "websocket");
            return respondEarly(std::move(response), hasBody);
        }
        if (hasBody)
            return respondEarly(ApiError::badRequest(QStringLiteral("An upgrade request has no body.")), true);
        HttpRequest request = makeRequest(m_parser->get());
        lowest().expires_after(m_context->requestTimeout);
        const Router::WebSocketHandler *handler = &m_route->upgrade;
        m_context->workers->post([self = this->shared_from_this(), request = std::move(request), handler]() mutable {
            WebSocketAccept accept;
            try {
                accept = (*handler)(request);
            } catch (const std::exception &error) {
                qCWarning(lcHttp) << "upgrade handler failed:" << error.what();
                accept.reject = ApiError::internalError();
            }
            net::post(self->m_stream.get_executor(),
                      [self, accept = std::move(accept)]() mutable { self->upgrade(std::move(accept)); });
        });
    }

    void upgrade(WebSocketAccept accept)
    {
        if (accept.reject) {
            accept.reject->closeConnection = true;
            return write(std::move(*accept.reject));
        }
        qCInfo(lcHttp).noquote() << QString::fromStdString(m_logTarget) << 101 << m_timer.elapsed() << "ms";
        auto socket = std::make_shared<WebSocketConnection<Stream>>(std::move(m_stream), m_parser->release(),
                                                                    std::move(accept), m_slot);
        socket->run(m_context->requestTimeout);
    }

    // A streamed route: the handler decides from the header (on a worker, it may need the
    // database) and hands back a sink; the body then flows to the sink in pieces while it is read.
    void onStreamRequest(bool hasBody)
    {
        HttpRequest request = makeRequest(m_parser->get());
        lowest().expires_after(m_context->requestTimeout);
        const Router::StreamHandler *handler = &m_route->stream;
        m_context->workers->post(
            [self = this->shared_from_this(), request = std::move(request), handler, hasBody]() mutable {
                StreamAccept accept;
                try {
                    accept = (*handler)(request);
                } catch (const std::exception &error) {
                    qCWarning(lcHttp) << "stream handler failed:" << error.what();
                    accept.reject = ApiError::internalError();
                }
                if (!accept.reject && !accept.sink)
                    accept.reject = ApiError::internalError();
                net::post(self->m_stream.get_executor(), [self, accept = std::move(accept), hasBody]() mutable {
                    self->onStreamAccepted(std::move(accept), hasBody);
                });
            });
    }

    void onStreamAccepted(StreamAccept accept, bool hasBody)
    {
        if (accept.reject)
            return respondEarly(std::move(*accept.reject), hasBody);
        m_sink = std::move(accept.sink);
        const bool expectContinue = beast::iequals(m_parser->get()[http::field::expect], "100-continue");
        m_streamParser.emplace(std::move(*m_parser));
        m_streamParser->body_limit(m_route->bodyLimit);
        m_piece.resize(kStreamPiece);
        resetPiece();
        if (m_streamParser->is_done())
            return finishStream(true, false, std::nullopt);
        if (expectContinue) {
            auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, m_version);
            lowest().expires_after(m_context->requestTimeout);
            http::async_write(m_stream, *interim,
                              [self = this->shared_from_this(), interim](beast::error_code writeEc, std::size_t) {
                                  if (writeEc)
                                      return self->finishStream(false, true, std::nullopt, true);
                                  self->readPiece();
                              });
            return;
        }
        readPiece();
    }

    void resetPiece()
    {
        auto &body = m_streamParser->get().body();
        body.data = m_piece.data();
        body.size = m_piece.size();
        body.more = true;
    }

    void readPiece()
    {
        // The deadline is per read: a slow upload that keeps moving is not cut off, a stalled one is.
        lowest().expires_after(m_context->requestTimeout);
        http::async_read_some(m_stream, m_buffer, *m_streamParser,
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                  self->onPiece(ec);
                              });
    }

    void onPiece(beast::error_code ec)
    {
        if (ec == http::error::need_buffer)
            ec = {};
        const std::size_t filled = m_piece.size() - m_streamParser->get().body().size;
        const bool done = !ec && m_streamParser->is_done();
        if (filled > 0 && (filled == m_piece.size() || done || ec)) {
            if (!m_sink->write(m_piece.data(), filled))
                return finishStream(false, true, std::nullopt);
            resetPiece();
        }
        if (ec == http::error::body_limit)
            return finishStream(false, true, ApiError::payloadTooLarge());
        if (ec && isHttpParseError(ec) && ec != http::error::partial_message && ec != http::error::end_of_stream)
            return finishStream(false, true,
                                ApiError::badRequest(QStringLiteral("The request body is not valid HTTP.")));
        if (ec)
            return finishStream(false, true, std::nullopt, true); // the client went away or stalled
        if (done)
            return finishStream(true, false, std::nullopt);
        readPiece();
    }

    // The sink settles on a worker (it may write to the database); then the answer goes out:
    // the sink's, or `override` (e.g. 413), or nothing when the connection is gone.
    void finishStream(bool complete, bool bodyUnread, std::optional<HttpResponse> override, bool broken = false)
    {
        lowest().expires_never();
        auto sink = std::exchange(m_sink, nullptr);
        m_context->workers->post([self = this->shared_from_this(), sink = std::move(sink), complete, bodyUnread,
                                  override = std::move(override), broken]() mutable {
            HttpResponse response;
            try {
                response = sink->finish(complete);
            } catch (const std::exception &error) {
                qCWarning(lcHttp) << "stream sink failed:" << error.what();
                response = ApiError::internalError();
            }
            sink.reset();
            if (override)
                response = std::move(*override);
            net::post(self->m_stream.get_executor(),
                      [self, response = std::move(response), bodyUnread, broken]() mutable {
                          self->m_streamParser.reset();
                          if (broken)
                              return self->closeNow();
                          self->respondEarly(std::move(response), bodyUnread);
                      });
        });
    }

    HttpRequest makeRequest(const http::request<http::string_body> &message) const
    {
        HttpRequest request;
        request.method = m_head ? std::string("GET") : std::string(message.method_string());
        request.isHead = m_head;
        request.path = m_path;
        request.query = m_query;
        request.remoteAddress = m_remote;
        request.pathParams = m_params;
        for (const auto &field : message) {
            std::string name(field.name_string());
            for (char &c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            request.headers.emplace_back(std::move(name), std::string(field.value()));
        }
        return request;
    }

    void readBody()
    {
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec == http::error::body_limit)
                                 return self->respondEarly(ApiError::payloadTooLarge(), true);
                             if (ec && isHttpParseError(ec) && ec != http::error::partial_message
                                 && ec != http::error::end_of_stream)
                                 return self->respondEarly(
                                     ApiError::badRequest(QStringLiteral("The request body is not valid HTTP.")), true);
                             if (ec)
                                 return self->closeNow();
                             self->dispatch();
                         });
    }

    void dispatch()
    {
        auto message = m_parser->release();
        HttpRequest request = makeRequest(message);
        request.body = std::move(message.body());

        // The handler may hash a password or wait for the database: not on an io thread.
        lowest().expires_never();
        const Router::Handler *handler = &m_route->handler;
        m_context->workers->post([self = this->shared_from_this(), request = std::move(request), handler]() mutable {
            HttpResponse response;
            try {
                response = (*handler)(request);
            } catch (const std::exception &error) {
                qCWarning(lcHttp) << "handler failed:" << error.what();
                response = ApiError::internalError();
            }
            net::post(self->m_stream.get_executor(),
                      [self, response = std::move(response)]() mutable { self->write(std::move(response)); });
        });
    }

    void respondEarly(HttpResponse response, bool bodyUnread)
    {
        // The unread body would be taken for the next request: this connection cannot continue.
        if (bodyUnread)
            response.closeConnection = true;
        write(std::move(response));
    }

    void write(HttpResponse response)
    {
        const bool closeAfter = response.closeConnection || !m_keepAlive;
        if (!response.filePath.empty())
            return writeFile(std::move(response), closeAfter);
        m_response = std::make_shared<http::response<http::string_body>>();
        auto &out = *m_response;
        out.version(m_version);
        out.result(static_cast<unsigned>(response.status));
        if (!response.contentType.empty())
            out.set(http::field::content_type, response.contentType);
        out.set(http::field::cache_control, "no-store");
        for (const auto &[name, value] : response.headers)
            out.set(name, value);
        out.body() = std::move(response.body);
        out.keep_alive(!closeAfter);
        out.prepare_payload();
        if (m_head) { // same headers as GET, no body
            const std::size_t length = out.body().size();
            out.body().clear();
            out.content_length(length);
        }
        qCInfo(lcHttp).noquote() << QString::fromStdString(m_logTarget.empty() ? std::string("-") : m_logTarget)
                                 << response.status << m_timer.elapsed() << "ms";
        lowest().expires_after(m_context->requestTimeout);
        http::async_write(m_stream, out,
                          [self = this->shared_from_this(), closeAfter](beast::error_code ec, std::size_t) {
                              self->m_response.reset();
                              if (ec)
                                  return self->closeNow();
                              if (closeAfter)
                                  return self->closeGracefully();
                              self->waitForRequest(false);
                          });
    }

    void writeFile(HttpResponse response, bool closeAfter)
    {
        using FileResponse = http::response<http::basic_file_body<FileWindow>>;
        auto out = std::make_shared<FileResponse>();
        beast::error_code ec;
        out->body().file().open(response.filePath.c_str(), beast::file_mode::scan, ec);
        if (ec) {
            HttpResponse failed = ApiError::internalError();
            failed.closeConnection = response.closeConnection;
            return write(std::move(failed));
        }
        out->body().file().setWindow(response.fileOffset, response.fileLength);
        FileWindow window = std::move(out->body().file());
        out->body().reset(std::move(window), ec);
        out->version(m_version);
        out->result(static_cast<unsigned>(response.status));
        if (!response.contentType.empty())
            out->set(http::field::content_type, response.contentType);
        out->set(http::field::cache_control, "no-store");
        for (const auto &[name, value] : response.headers)
            out->set(name, value);
        out->keep_alive(!closeAfter);
        out->content_length(response.fileLength);
        qCInfo(lcHttp).noquote() << QString::fromStdString(m_logTarget.empty() ? std::string("-") : m_logTarget)
                                 << response.status << m_timer.elapsed() << "ms";
        // A large download may take longer than one request; a reader slower than 256 KiB/s is cut off.
        lowest().expires_after(m_context->requestTimeout + std::chrono::seconds(response.fileLength / (256 * 1024)));
        auto done = [self = this->shared_from_this(), out, closeAfter](beast::error_code error, std::size_t) {
            if (error)
                return self->closeNow();
            if (closeAfter)
                return self->closeGracefully();
            self->waitForRequest(false);
        };
        if (m_head) {
            auto head = std::make_shared<http::response_serializer<http::basic_file_body<FileWindow>>>(*out);
            http::async_write_header(m_stream, *head, [head, done](beast::error_code e, std::size_t n) { done(e, n); });
            return;
        }
        http::async_write(m_stream, *out, std::move(done));
    }

    void closeGracefully()
    {
        lowest().expires_after(kDrainTime);
        if constexpr (kTls) {
            m_stream.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->closeNow(); });
        } else {
            beast::error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
            drain();
        }
    }

    void drain()
    {
        m_stream.async_read_some(net::buffer(m_drainBuffer),
                                 [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                     self->m_drained += n;
                                     if (ec || self->m_drained > kDrainLimit)
                                         return self->closeNow();
                                     self->drain();
                                 });
    }

    void closeNow()
    {
        beast::error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
    }

    Stream m_stream;
    std::shared_ptr<const HttpSessionContext> m_context;
    std::string m_remote;
    std::shared_ptr<void> m_slot; // this connection's place under HttpSessionContext::maxConnections
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::optional<http::request_parser<http::buffer_body>> m_streamParser; // Kind::Stream routes
    std::shared_ptr<BodySink> m_sink;
    std::vector<char> m_piece;
    std::shared_ptr<http::response<http::string_body>> m_response;
    const Router::Route *m_route = nullptr;
    std::map<std::string, std::string> m_params;
    std::string m_path;
    std::string m_query;
    std::string m_logTarget;
    unsigned m_version = 11;
    bool m_keepAlive = true;
    bool m_head = false;
    QElapsedTimer m_timer;
    std::array<char, 16 * 1024> m_drainBuffer {};
    std::size_t m_drained = 0;
};

} // namespace

void HttpSession::start(tcp::socket socket, ssl::context *tls, std::shared_ptr<const HttpSessionContext> context)
{
    beast::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    std::string remote = ec ? std::string("unknown") : endpoint.address().to_string();
    if (context->openConnections.fetch_add(1) >= context->maxConnections) {
        context->openConnections.fetch_sub(1);
        qCWarning(lcHttp) << "connection limit reached; closing a new connection";
        socket.close(ec);
        return;
    }
    // Answers and events are small and written whole: send them at once rather than let Nagle's
    // algorithm wait for the client's delayed acknowledgement.
    socket.set_option(tcp::no_delay(true), ec);
    // Released when the last object that carries the connection (HTTP or WebSocket) is destroyed.
    std::shared_ptr<void> slot(nullptr, [context](void *) { context->openConnections.fetch_sub(1); });
    if (tls) {
        using TlsStream = beast::ssl_stream<beast::tcp_stream>;
        std::make_shared<Connection<TlsStream>>(TlsStream(beast::tcp_stream(std::move(socket)), *tls),
                                                std::move(context), std::move(remote), std::move(slot))
            ->run();
    } else {
        std::make_shared<Connection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), std::move(context),
                                                        std::move(remote), std::move(slot))
            ->run();
    }
}

} // namespace pygmi::server
