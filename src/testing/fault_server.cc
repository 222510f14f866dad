#include "testing/fault_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "testing/fault_server_impl.h"

namespace dth::testing {
namespace {

void SetSocketOptions(int fd) {
  timeval tv{};
  tv.tv_sec = kIoTimeout.count();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// "http://HOST:PORT[/]" -> host, port.
bool ParseUpstream(std::string_view url, std::string* host, std::string* port) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return false;
  url.remove_prefix(kScheme.size());
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  size_t colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == url.size()) return false;
  *host = std::string(url.substr(0, colon));
  *port = std::string(url.substr(colon + 1));
  if (host->size() > 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  return port->find_first_not_of("0123456789") == std::string::npos;
}

// Non-blocking connect, waiting at most 5 s in slices so a stopping server is not held up.
bool ConnectWithin(int fd, const sockaddr* addr, socklen_t len, const std::atomic<bool>& stop) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, addr, len);
  if (rc != 0 && errno != EINPROGRESS) return false;
  for (int slice = 0; rc != 0 && slice < 50 && !stop.load(); ++slice) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, 100) <= 0) continue;  // not yet (or EINTR)
    int err = 0;
    socklen_t err_len = sizeof(err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) return false;
    rc = 0;
  }
  fcntl(fd, F_SETFL, flags);
  return rc == 0;
}

}  // namespace

// ---- FaultServerCore: sockets, threads, rules, records ----

FaultServerCore::FaultServerCore(int listen_fd, int port_number, std::string upstream_host,
                                 std::string upstream_port)
    : port(port_number),
      listen_fd_(listen_fd),
      upstream_host_(std::move(upstream_host)),
      upstream_port_(std::move(upstream_port)) {}

FaultServerCore::~FaultServerCore() {
  Stop();
  ::close(listen_fd_);
}

void FaultServerCore::StartAccepting() {
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

void FaultServerCore::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping_ = true;
    // Wakes the accept thread's poll (Linux) and everyone blocked on a socket.
    ::shutdown(listen_fd_, SHUT_RDWR);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  stop_cv_.notify_all();
  if (accept_thread_.joinable()) accept_thread_.join();
  for (auto& c : connections_) {
    if (c->thread.joinable()) c->thread.join();
  }
  connections_.clear();
}

void FaultServerCore::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    int ready = poll(&p, 1, 100);
    ReapFinished();
    if (ready <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // EMFILE and friends
      continue;
    }
    ++connections_accepted;
    if (connections_.size() >= kMaxConnections || !Register(fd)) {
      ::close(fd);
      continue;
    }
    SetSocketOptions(fd);
    auto c = std::make_unique<Connection>();
    Connection* raw = c.get();
    c->thread = std::thread([this, fd, raw] {
      Serve(fd);
      raw->done = true;
    });
    connections_.push_back(std::move(c));
  }
}

void FaultServerCore::ReapFinished() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if ((*it)->done) {
      (*it)->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

bool FaultServerCore::Register(int fd) {
  std::lock_guard<std::mutex> lock(mu);
  if (stopping_) return false;
  open_fds_.insert(fd);
  return true;
}

void FaultServerCore::Close(int fd) {
  std::lock_guard<std::mutex> lock(mu);  // so Stop() never shuts down a reused number
  open_fds_.erase(fd);
  ::close(fd);
}

void FaultServerCore::Reset(int fd) {
  linger lg{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  Close(fd);
}

int FaultServerCore::ConnectUpstream() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(upstream_host_.c_str(), upstream_port_.c_str(), &hints, &found) != 0) return -1;
  int result = -1;
  for (addrinfo* a = found; a != nullptr && result < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (!Register(fd)) {
      ::close(fd);
      break;
    }
    if (ConnectWithin(fd, a->ai_addr, a->ai_addrlen, stopping_)) {
      SetSocketOptions(fd);
      result = fd;
    } else {
      Close(fd);
    }
  }
  freeaddrinfo(found);
  return result;
}

bool FaultServerCore::Sleep(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu);
  stop_cv_.wait_for(lock, delay, [this] { return stopping_.load(); });
  return !stopping_;
}

std::optional<FaultAction> FaultServerCore::TakeAction(const std::string& method,
                                                       const std::string& target) {
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = rules.begin(); it != rules.end(); ++it) {
    if (it->times == 0) continue;
    if (!it->method.empty() && it->method != method) continue;
    if (target.find(it->target_contains) == std::string::npos) continue;
    FaultAction action = it->action;
    if (it->times > 0 && --it->times == 0) rules.erase(it);
    return action;
  }
  return std::nullopt;
}

void FaultServerCore::Record(RecordedRequest request) {
  std::lock_guard<std::mutex> lock(mu);
  requests.push_back(std::move(request));
}

// ---- FaultServer ----

Result<std::unique_ptr<FaultServer>> FaultServer::Start(std::string upstream) {
  std::string host, port;
  if (!upstream.empty() && !ParseUpstream(upstream, &host, &port))
    return InvalidArgument("FaultServer upstream must be http://HOST:PORT, got " + upstream);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return IoError(std::string("FaultServer socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 128) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Status st = IoError(std::string("FaultServer listen: ") + std::strerror(errno));
    ::close(fd);
    return st;
  }
  auto impl =
      std::make_unique<FaultServerCore>(fd, ntohs(addr.sin_port), std::move(host), std::move(port));
  impl->StartAccepting();
  return std::unique_ptr<FaultServer>(new FaultServer(std::move(impl)));
}

FaultServer::FaultServer(std::unique_ptr<FaultServerCore> core) : impl_(std::move(core)) {}
FaultServer::~FaultServer() = default;  // the core's destructor stops and joins

std::string FaultServer::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}
int FaultServer::port() const { return impl_->port; }

void FaultServer::AddRule(FaultRule rule) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.push_back(std::move(rule));
}

void FaultServer::ClearRules() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rules.clear();
}

std::vector<RecordedRequest> FaultServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

int FaultServer::CountRequests(std::string_view method, std::string_view target_contains) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  int n = 0;
  for (const auto& r : impl_->requests) {
    if ((method.empty() || r.method == method) &&
        r.target.find(target_contains) != std::string::npos)
      ++n;
  }
  return n;
}

int FaultServer::connections_accepted() const { return impl_->connections_accepted.load(); }

}  // namespace dth::testing
