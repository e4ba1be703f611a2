#include "OutboundHttp.h"

#include "SsoLogging.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

Q_LOGGING_CATEGORY(lcSso, "pygmi.server.sso")

namespace pygmi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

std::string targetOf(const QUrl &url)
{
    QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    return target.toStdString();
}

template<class Stream>
net::awaitable<void> exchange(Stream &stream, beast::tcp_stream &lowest, const OutboundHttp::Request &request,
                              const std::string &hostHeader, std::chrono::milliseconds timeout,
                              OutboundHttp::Response &out)
{
    http::request<http::string_body> message;
    message.method_string(request.method.toStdString());
    message.target(targetOf(request.url));
    message.version(11);
    message.set(http::field::host, hostHeader);
    message.set(http::field::user_agent, "pygmi-server");
    message.set(http::field::accept, "application/json");
    message.set(http::field::connection, "close");
    for (const auto &[name, value] : request.headers)
        message.set(name.toStdString(), value.toStdString());
    if (!request.body.isEmpty() || request.method == "POST") {
        message.set(http::field::content_type, request.contentType.toStdString());
        message.body() = request.body.toStdString();
        message.prepare_payload();
    }
    lowest.expires_after(timeout);
    co_await http::async_write(stream, message, net::use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(OutboundHttp::kBodyLimit);
    parser.header_limit(16 * 1024);
    co_await http::async_read(stream, buffer, parser, net::use_awaitable);
    const auto &response = parser.get();
    out.status = static_cast<int>(response.result_int());
    out.body = QByteArray::fromStdString(response.body());
    out.contentType = QString::fromStdString(std::string(response[http::field::content_type]));
}

} // namespace

bool OutboundHttp::isLoopbackHost(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    boost::system::error_code ec;
    const auto address = net::ip::make_address(host.toStdString(), ec);
    return !ec && address.is_loopback();
}

bool OutboundHttp::isAllowedUrl(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasFragment())
        return false;
    if (url.scheme() == QLatin1String("https"))
        return true;
    return url.scheme() == QLatin1String("http") && isLoopbackHost(url.host());
}

OutboundHttp::Response OutboundHttp::send(const Request &request, std::chrono::milliseconds timeout)
{
    Response out;
    if (!isAllowedUrl(request.url)) {
        out.error = QStringLiteral("refused: only https, or http to a loopback address");
        return out;
    }
    const bool tls = request.url.scheme() == QLatin1String("https");
    const std::string host = request.url.host().toStdString();
    const int port = request.url.port(tls ? 443 : 80);
    const bool defaultPort = port == (tls ? 443 : 80);
    const std::string hostForHeader = request.url.host().contains(u':') ? '[' + host + ']' : host;
    const std::string hostHeader = defaultPort ? hostForHeader : hostForHeader + ':' + std::to_string(port);

    net::io_context io;
    ssl::context context(ssl::context::tls_client);
    context.set_default_verify_paths();
    context.set_verify_mode(ssl::verify_peer);
    context.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                        | ssl::context::no_tlsv1_1);

    auto run = [&]() -> net::awaitable<void> {
        tcp::resolver resolver(io);
        const auto endpoints = co_await resolver.async_resolve(host, std::to_string(port), net::use_awaitable);
        if (!tls) {
            // Resolve may turn "localhost" into a public address on odd systems: check again.
            for (const auto &entry : endpoints)
                if (!entry.endpoint().address().is_loopback())
                    throw std::runtime_error("plain http to a non-loopback address");
            beast::tcp_stream stream(io);
            stream.expires_after(timeout);
            co_await stream.async_connect(endpoints, net::use_awaitable);
            co_await exchange(stream, stream, request, hostHeader, timeout, out);
            beast::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        } else {
            beast::ssl_stream<beast::tcp_stream> stream(io, context);
            if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
                throw std::runtime_error("cannot set the TLS server name");
            stream.set_verify_callback(ssl::host_name_verification(host));
            beast::get_lowest_layer(stream).expires_after(timeout);
            co_await beast::get_lowest_layer(stream).async_connect(endpoints, net::use_awaitable);
            co_await stream.async_handshake(ssl::stream_base::client, net::use_awaitable);
            co_await exchange(stream, beast::get_lowest_layer(stream), request, hostHeader, timeout, out);
        }
    };
    net::co_spawn(io, run(), [&](std::exception_ptr failure) {
        if (!failure)
            return;
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception &error) {
            out.status = 0;
            out.error = QString::fromUtf8(error.what());
        }
    });
    io.run();
    if (!out.error.isEmpty())
        qCWarning(lcSso) << "request to" << request.url.host() << "failed:" << out.error;
    return out;
}

} // namespace pygmi::server
