#pragma once

#include <QString>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace pygmi::server {

class RequestLog;
class Router;
class WorkerPool;

// Accepts connections on a few io threads and hands each to an HttpSession. Beast and Asio stay
// behind the pimpl so that the rest of the server compiles without them.
class HttpServer
{
public:
    struct Settings
    {
        std::string host = "127.0.0.1";
        std::uint16_t port = 0;
        int ioThreads = 2;
        std::chrono::milliseconds requestTimeout { 15000 };
        std::chrono::milliseconds idleTimeout { 60000 };
        // Open connections (HTTP and WebSocket) at once; more are closed at accept.
        int maxConnections = 1000;
        QString tlsCertificateFile; // both empty: plain HTTP
        QString tlsKeyFile;
        RequestLog *requestLog = nullptr; // not owned
    };

    HttpServer(Settings settings, const Router &router, WorkerPool &workers);
    ~HttpServer();

    // Binds and listens; the port is resolved afterwards (port 0 picks a free one).
    bool listen(QString *error);
    std::uint16_t port() const;
    bool isTls() const;
    // Starts the io threads.
    void start();
    // Stops accepting, abandons open connections and joins the io threads.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace pygmi::server
