// server/server_test_util: test support for the HTTP server's tests — start a server on
// 127.0.0.1:0 with short timeouts, and a raw-socket client for what libcurl will not
// send (malformed requests, half requests, slow readers, event streams).
// Thread-safety: a RawClient belongs to one thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "server/http_server.h"

namespace dth::server::testing {

inline HttpServerOptions TestOptions() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.read_timeout = std::chrono::milliseconds(2000);
  o.idle_timeout = std::chrono::milliseconds(2000);
  o.write_timeout = std::chrono::milliseconds(2000);
  o.sse_keepalive = std::chrono::milliseconds(2000);
  return o;
}

inline std::unique_ptr<HttpServer> StartServer(Router router, HttpServerOptions options = TestOptions()) {
  auto server = HttpServer::Start(std::move(router), std::move(options));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

class RawClient {
 public:
  // rcvbuf > 0 shrinks the socket's receive buffer (a slow reader).
  explicit RawClient(int port, int rcvbuf = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() { Close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool Send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Reads until `needle` is in what was received (true), or EOF/error/timeout (false).
  bool ReadUntil(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (received_.find(needle) == std::string::npos) {
      if (!ReadOnce(until)) return false;
    }
    return true;
  }
  // Reads until `needle` was received `count` times.
  bool ReadUntilCount(const std::string& needle, int count,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (Count(needle) < count) {
      if (!ReadOnce(until)) return false;
    }
    return true;
  }
  int Count(const std::string& needle) const {
    int n = 0;
    for (size_t at = received_.find(needle); at != std::string::npos; at = received_.find(needle, at + 1)) ++n;
    return n;
  }
  // Reads until the server closes the connection; false on timeout.
  bool ReadUntilClose(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (!ReadOnce(until)) return eof_;
    }
  }
  bool eof() const { return eof_; }  // closed by the server (FIN or reset)
  bool reset() const { return reset_; }
  std::string& received() { return received_; }

 private:
  bool ReadOnce(std::chrono::steady_clock::time_point until) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0 || fd_ < 0) return false;
    timeval tv{static_cast<time_t>(left.count() / 1000000), static_cast<suseconds_t>(left.count() % 1000000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n == 0) eof_ = true;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) eof_ = reset_ = true;
    if (n <= 0) return false;
    received_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  bool reset_ = false;
  std::string received_;
};

}  // namespace dth::server::testing
