#pragma once

#include "Router.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <atomic>
#include <chrono>
#include <memory>

namespace pygmi::server {

class RequestLog;
class WorkerPool;

// What every connection shares; owned by HttpServer and outlived by nothing that uses it.
struct HttpSessionContext
{
    const Router *router = nullptr;
    WorkerPool *workers = nullptr;
    RequestLog *requestLog = nullptr; // --request-log; null when off
    // From the first byte of a request to its last; also the limit for writing an answer.
    std::chrono::milliseconds requestTimeout { 15000 };
    // How long a kept-alive connection may sit idle before its next request starts.
    std::chrono::milliseconds idleTimeout { 60000 };
    // A cap on open connections, so that many idle clients cannot use up the descriptors that
    // everyone else needs. Each connection holds a slot until its last object is gone.
    int maxConnections = 1000;
    mutable std::atomic<int> openConnections { 0 };
};

// One client connection: reads requests with limits and timeouts, routes them on the header,
// runs handlers on the worker pool and writes the answers back, with keep-alive.
class HttpSession
{
public:
    // `tls` null: plain HTTP. The socket's executor must be a strand.
    static void start(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context *tls,
                      std::shared_ptr<const HttpSessionContext> context);
};

} // namespace pygmi::server
