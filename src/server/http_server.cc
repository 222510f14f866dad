// The listener and the server's lifecycle (Asio; the connections are in
// http_session.cc).
#include "server/http_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <thread>
#include <vector>

#include "server/exchange.h"
#include "server/server_context.h"

namespace dth::server {

using boost::system::error_code;

class HttpServer::Impl {
 public:
  Impl(Router router, HttpServerOptions options)
      : ctx(std::move(options), std::move(router)),
        acceptor(net::make_strand(ctx.ioc)),
        retry_timer(acceptor.get_executor()),
        work(net::make_work_guard(ctx.ioc)) {}

  Status Listen(const ListenAddress& where) {
    error_code ec;
    net::ip::address address = net::ip::make_address(where.host, ec);
    if (ec) return InvalidArgument("listen " + ctx.options.listen + ": " + ec.message());
    tcp::endpoint endpoint(address, where.port);
    auto fail = [&](const char* step) {
      return Status(Code::kIo, "listen " + ctx.options.listen + ": " + step + ": " + ec.message());
    };
    if (acceptor.open(endpoint.protocol(), ec)) return fail("socket");
    if (acceptor.set_option(net::socket_base::reuse_address(true), ec)) return fail("SO_REUSEADDR");
    if (acceptor.bind(endpoint, ec)) return fail("bind");
    if (acceptor.listen(net::socket_base::max_listen_connections, ec)) return fail("listen");
    port = acceptor.local_endpoint(ec).port();
    return Status::Ok();
  }

  void Run() {
    Accept();
    for (int i = 0; i < ctx.options.io_threads; ++i) {
      threads.emplace_back([this] { ctx.ioc.run(); });
    }
  }

  void Accept() {
    acceptor.async_accept(net::make_strand(ctx.ioc), [this](error_code ec, tcp::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open() || ctx.stopping) return;
    if (ec) {
      // Out of file descriptors and the like: wait a moment instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      retry_timer.expires_after(std::chrono::milliseconds(100));
      retry_timer.async_wait([this](error_code wec) {
        if (!wec && acceptor.is_open()) Accept();
      });
      return;
    }
    if (ctx.open_connections() >= ctx.options.max_connections) {
      ++ctx.refused;
      static const std::string busy = SerializeResponse(
          ServerProblem(503, "too_many_connections", "the server has too many open connections"),
          {false, false, false});
      error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(net::buffer(busy), ignored);
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    } else {
      ++ctx.accepted;
      MakeConnection(std::move(socket), ctx)->Start();
    }
    Accept();
  }

  void Stop(std::chrono::milliseconds deadline) {
    if (stopped) return;
    stopped = true;
    auto until = std::chrono::steady_clock::now() + deadline;
    ctx.stopping = true;
    net::post(acceptor.get_executor(), [this] {
      error_code ignored;
      acceptor.close(ignored);
      retry_timer.cancel();
    });
    for (auto& c : ctx.Live()) c->Shutdown();
    {
      std::unique_lock lock(ctx.mu);
      ctx.drained.wait_until(lock, until, [&] { return ctx.connections.empty(); });
    }
    work.reset();
    ctx.ioc.stop();
    for (auto& t : threads) t.join();
    threads.clear();
    ctx.handlers.join();  // a handler still running is waited for
    auto left = ctx.Live();
    if (!left.empty()) spdlog::warn("http: stop deadline passed; closing {} connections", left.size());
    for (auto& c : left) c->ForceClose();
    // Streams whose connection never attached them (or is gone) end here too: after this
    // no sink can post to the I/O context, which is destroyed with the server.
    for (auto& stream : ctx.LiveStreams()) stream->End();
  }

  ServerContext ctx;  // first: destroyed last
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::vector<std::thread> threads;
  int port = 0;
  bool stopped = false;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(Router router, HttpServerOptions options) {
  DTH_RETURN_IF_ERROR(router.status());
  if (options.threads < 1 || options.threads > 256 || options.io_threads < 1 || options.io_threads > 64)
    return InvalidArgument("http server: threads must be 1..256 and io_threads 1..64");
  if (options.max_header_bytes < 256 || options.max_header_bytes > (64u << 20) ||
      options.max_connections < 1 || options.sse_queue_bytes < 1024)
    return InvalidArgument("http server: max_header_bytes 256..64 MiB, max_connections >= 1, "
                           "sse_queue_bytes >= 1024");
  if (options.read_timeout.count() <= 0 || options.idle_timeout.count() <= 0 ||
      options.write_timeout.count() <= 0 || options.sse_keepalive.count() <= 0)
    return InvalidArgument("http server: timeouts must be positive");
  DTH_ASSIGN_OR_RETURN(ListenAddress where, ParseListenAddress(options.listen));
  auto impl = std::make_unique<Impl>(std::move(router), std::move(options));
  Status st = impl->Listen(where);
  if (!st.ok()) {
    impl->Stop(std::chrono::milliseconds(0));
    return st;
  }
  impl->Run();
  spdlog::info("http: listening on {} (port {})", impl->ctx.options.listen, impl->port);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop(std::chrono::milliseconds deadline) { impl_->Stop(deadline); }

int HttpServer::port() const { return impl_->port; }

const Router& HttpServer::router() const { return impl_->ctx.router; }

HttpServerStats HttpServer::stats() const {
  HttpServerStats s;
  s.connections_accepted = impl_->ctx.accepted;
  s.connections_refused = impl_->ctx.refused;
  s.connections_open = impl_->ctx.open_connections();
  s.requests = impl_->ctx.requests;
  s.streams_open = impl_->ctx.streams_open;
  s.streams_dropped = impl_->ctx.streams_dropped;
  return s;
}

}  // namespace dth::server
