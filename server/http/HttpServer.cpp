#include "HttpServer.h"

#include "HttpSession.h"
#include "common/Logging.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace pygmi::server {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct HttpServer::Impl
{
    Settings settings;
    // Declared before the io_context: connections still queued in it refer to these.
    std::optional<ssl::context> tls;
    std::shared_ptr<HttpSessionContext> sessionContext = std::make_shared<HttpSessionContext>();
    net::io_context io;
    tcp::acceptor acceptor { io };
    net::steady_timer acceptRetry { io };
    std::vector<std::thread> threads;

    void accept()
    {
        acceptor.async_accept(net::make_strand(io), [this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !acceptor.is_open())
                return;
            if (ec) {
                // Out of descriptors and the like: wait a little rather than spin.
                qCWarning(lcHttp) << "accept failed:" << ec.message().c_str();
                acceptRetry.expires_after(std::chrono::milliseconds(100));
                acceptRetry.async_wait([this](boost::system::error_code) { accept(); });
                return;
            }
            HttpSession::start(std::move(socket), tls ? &*tls : nullptr, sessionContext);
            accept();
        });
    }
};

HttpServer::HttpServer(Settings settings, const Router &router, WorkerPool &workers)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->settings = std::move(settings);
    m_impl->sessionContext->router = &router;
    m_impl->sessionContext->workers = &workers;
    m_impl->sessionContext->requestLog = m_impl->settings.requestLog;
    m_impl->sessionContext->requestTimeout = m_impl->settings.requestTimeout;
    m_impl->sessionContext->idleTimeout = m_impl->settings.idleTimeout;
    m_impl->sessionContext->maxConnections = m_impl->settings.maxConnections;
}

HttpServer::~HttpServer()
{
    stop();
}

bool HttpServer::listen(QString *error)
{
    const Settings &settings = m_impl->settings;
    boost::system::error_code ec;
    if (!settings.tlsCertificateFile.isEmpty()) {
        m_impl->tls.emplace(ssl::context::tls_server);
        auto &tls = *m_impl->tls;
        tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3
                        | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
        tls.use_certificate_chain_file(settings.tlsCertificateFile.toStdString(), ec);
        if (!ec)
            tls.use_private_key_file(settings.tlsKeyFile.toStdString(), ssl::context::pem, ec);
        if (ec) {
            *error = QStringLiteral("cannot load the TLS certificate or key: %1")
                         .arg(QString::fromStdString(ec.message()));
            return false;
        }
    }
    const std::string host = settings.host == "localhost" ? std::string("127.0.0.1") : settings.host;
    const net::ip::address address = net::ip::make_address(host, ec);
    if (ec) {
        *error = QStringLiteral("--listen needs an IP address, not \"%1\"").arg(QString::fromStdString(settings.host));
        return false;
    }
    const tcp::endpoint endpoint(address, settings.port);
    auto &acceptor = m_impl->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(QString::fromStdString(host))
                     .arg(settings.port)
                     .arg(QString::fromStdString(ec.message()));
        return false;
    }
    return true;
}

std::uint16_t HttpServer::port() const
{
    boost::system::error_code ec;
    const auto endpoint = m_impl->acceptor.local_endpoint(ec);
    return ec ? 0 : endpoint.port();
}

bool HttpServer::isTls() const
{
    return m_impl->tls.has_value();
}

void HttpServer::start()
{
    net::post(m_impl->io, [impl = m_impl.get()] { impl->accept(); });
    for (int i = 0; i < std::max(1, m_impl->settings.ioThreads); ++i)
        m_impl->threads.emplace_back([impl = m_impl.get()] { impl->io.run(); });
}

void HttpServer::stop()
{
    if (m_impl->threads.empty())
        return;
    net::post(m_impl->io, [impl = m_impl.get()] {
        boost::system::error_code ignored;
        impl->acceptor.close(ignored);
        impl->acceptRetry.cancel();
    });
    m_impl->io.stop();
    for (std::thread &thread : m_impl->threads)
        thread.join();
    m_impl->threads.clear();
}

} // namespace pygmi::server
