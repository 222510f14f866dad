// testing/fault_server_impl: FaultServerCore, FaultServer's insides, shared by
// fault_server.cc (sockets, threads, rules, records) and fault_session.cc (one client
// connection).
// Owns the listening socket and every thread; every open socket is registered so that
// Stop() can shut it down and wake whoever is blocked on it.
// Thread-safety: all members are safe from any thread; Stop() is idempotent.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testing/fault_server.h"

namespace dth::testing {

inline constexpr int kMaxConnections = 128;
inline constexpr size_t kMaxRecordedBody = 16 << 20;
inline constexpr std::chrono::seconds kIoTimeout{30};

class FaultServerCore {
 public:
  FaultServerCore(int listen_fd, int port, std::string upstream_host, std::string upstream_port);
  ~FaultServerCore();
  FaultServerCore(const FaultServerCore&) = delete;
  FaultServerCore& operator=(const FaultServerCore&) = delete;

  void StartAccepting();
  void Stop();

  // Serves one accepted connection until it closes (fault_session.cc).
  void Serve(int fd);

  // Adds fd to the registry; false (and fd untouched) once stopping.
  bool Register(int fd);
  // Unregisters and closes; Reset() first sets SO_LINGER {1, 0} so close sends a RST.
  void Close(int fd);
  void Reset(int fd);
  // A registered, connected socket to the upstream, or -1.
  int ConnectUpstream();
  bool has_upstream() const { return !upstream_host_.empty(); }
  // Waits `delay`; false if the server is stopping.
  bool Sleep(std::chrono::milliseconds delay);
  bool stopping() const { return stopping_.load(); }

  // The action of the first matching rule with times left (consuming one), if any.
  std::optional<FaultAction> TakeAction(const std::string& method, const std::string& target);
  void Record(RecordedRequest request);

  const int port;
  // Guarded by mu.
  mutable std::mutex mu;
  std::vector<FaultRule> rules;
  std::vector<RecordedRequest> requests;
  std::atomic<int> connections_accepted{0};

 private:
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void AcceptLoop();
  void ReapFinished();  // accept thread only

  const int listen_fd_;
  const std::string upstream_host_;
  const std::string upstream_port_;
  std::atomic<bool> stopping_{false};
  std::condition_variable stop_cv_;  // with mu
  std::set<int> open_fds_;           // guarded by mu
  std::thread accept_thread_;
  std::list<std::unique_ptr<Connection>> connections_;  // accept thread, then Stop()
};

}  // namespace dth::testing
