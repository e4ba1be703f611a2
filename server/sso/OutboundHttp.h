#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <chrono>
#include <utility>
#include <vector>

namespace pygmi::server {

// The server's own HTTP(S) client, for talking to identity providers. Synchronous (it runs on a
// worker thread), with a deadline for the whole exchange, a cap on the answer's size, no
// redirects, and strict TLS: certificates are verified against the system store and the host
// name. Plain http is only allowed to a loopback address.
class OutboundHttp
{
public:
    struct Response
    {
        int status = 0;
        QByteArray body;
        QString contentType;
        QString error; // set when no HTTP answer arrived (network, TLS, timeout, too large)
        bool ok() const { return error.isEmpty() && status >= 200 && status < 300; }
    };

    struct Request
    {
        QByteArray method = "GET";
        QUrl url;
        std::vector<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray contentType;
    };

    static constexpr std::size_t kBodyLimit = 1024 * 1024;

    // https anywhere, or http on a loopback host (127.0.0.0/8, ::1, localhost).
    static bool isAllowedUrl(const QUrl &url);
    static bool isLoopbackHost(const QString &host);

    static Response send(const Request &request, std::chrono::milliseconds timeout = std::chrono::seconds(10));
};

} // namespace pygmi::server
