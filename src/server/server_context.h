// server/server_context (private to src/server; includes Asio): what the listener
// (http_server.cc) and the connections (http_session.cc) share: options, router, the
// I/O context, the handler thread pool, the registry of open connections and counters.
// Only those two .cc files include this header, so Asio's compile cost stays there.
// Thread-safety: the registry is guarded by mu; counters are atomics; options and
// router are read-only once the server runs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "server/http_server.h"
#include "server/router.h"
#include "server/sse_stream.h"

namespace dth::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// One accepted connection, as the listener sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void Start() = 0;       // begins reading requests (posts to its strand)
  virtual void Shutdown() = 0;    // graceful stop (any thread; posts to its strand)
  virtual void ForceClose() = 0;  // only once the I/O threads have stopped
};

struct ServerContext {
  ServerContext(HttpServerOptions o, Router r)
      : options(std::move(o)), router(std::move(r)), handlers(static_cast<size_t>(options.threads)),
        ioc(options.io_threads) {}

  const HttpServerOptions options;
  const Router router;

  std::mutex mu;
  std::condition_variable drained;  // notified when a connection unregisters
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;

  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> accepted{0}, refused{0}, requests{0}, streams_open{0}, streams_dropped{0};

  size_t open_connections() {
    std::lock_guard lock(mu);
    return connections.size();
  }
  void Register(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu);
    connections.emplace(c.get(), c);
  }
  void Unregister(Connection* c) {
    std::lock_guard lock(mu);
    connections.erase(c);
    drained.notify_all();
  }
  std::vector<std::shared_ptr<Connection>> Live() {
    std::vector<std::shared_ptr<Connection>> out;
    std::lock_guard lock(mu);
    for (auto& [raw, weak] : connections) {
      if (auto c = weak.lock()) out.push_back(std::move(c));
    }
    return out;
  }

  // Every event stream handed to a handler, so Stop() can end those that never reached
  // their connection (the I/O threads stopped first) before the I/O context goes away.
  void RegisterStream(const std::shared_ptr<SseStream>& stream) {
    std::lock_guard lock(mu);
    if (streams.size() >= 64 && streams.size() >= 2 * live_streams_at_prune) {
      std::erase_if(streams, [](const std::weak_ptr<SseStream>& w) { return w.expired(); });
      live_streams_at_prune = streams.size();
    }
    streams.push_back(stream);
  }
  std::vector<std::shared_ptr<SseStream>> LiveStreams() {
    std::vector<std::shared_ptr<SseStream>> out;
    std::lock_guard lock(mu);
    for (auto& weak : streams) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }
  std::vector<std::weak_ptr<SseStream>> streams;
  size_t live_streams_at_prune = 0;

  // Declared last, destroyed first: destroying the I/O context destroys the handlers it
  // still holds, and with them the connections, which unregister above.
  net::thread_pool handlers;
  net::io_context ioc;
};

// http_session.cc
std::shared_ptr<Connection> MakeConnection(tcp::socket socket, ServerContext& ctx);

}  // namespace dth::server
