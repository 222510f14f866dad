// FaultServerCore::Serve: one client connection, request by request (keep-alive),
// answered by a rule or forwarded to the upstream over this connection's own upstream
// socket (reused across requests while the upstream keeps it open).
#include <poll.h>

#include <algorithm>
#include <cstdint>

#include "testing/fault_server_impl.h"
#include "testing/http_wire.h"

namespace dth::testing {
namespace {

constexpr int kMaxRequestsPerConnection = 1000000;
constexpr size_t kMaxCutBuffer = size_t{1} << 30;

class Session {
 public:
  Session(FaultServerCore& server, int fd) : server_(server), client_fd_(fd), client_(fd) {}
  ~Session() {
    CloseUpstream();
    if (client_fd_ >= 0) server_.Close(client_fd_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Run() {
    for (int i = 0; i < kMaxRequestsPerConnection && !server_.stopping(); ++i) {
      if (!HandleOne()) return;
    }
  }

 private:
  // Each returns whether the connection may serve another request.
  bool HandleOne();
  bool Forward(const MessageHead& req, const Framing& framing, RecordedRequest rec,
               const std::optional<FaultAction>& action);
  bool Relay(const std::string& method, bool cut, bool corrupt = false);
  bool Respond(const std::string& method, int status, const HttpHeaders& headers,
               std::string_view body, bool cut);
  bool EnsureUpstream();
  void CloseUpstream();

  FaultServerCore& server_;
  int client_fd_;
  SocketReader client_;
  int upstream_fd_ = -1;
  std::unique_ptr<SocketReader> upstream_;
};

Piece Recorder(RecordedRequest& rec) {
  return [&rec](std::string_view payload) {
    rec.body_size += payload.size();
    if (rec.body.size() < kMaxRecordedBody)
      rec.body.append(payload.substr(0, kMaxRecordedBody - rec.body.size()));
    return true;
  };
}

bool Session::HandleOne() {
  std::string raw;
  if (!client_.ReadHead(&raw)) return false;
  MessageHead req;
  std::optional<Framing> framing;
  if (!ParseRequestHead(std::move(raw), &req) || !(framing = RequestFraming(req.headers))) {
    Respond("GET", 400, {{"Connection", "close"}}, "FaultServer: malformed request\n", false);
    return false;
  }
  bool keep_alive =
      !HeaderHasToken(req.headers, "Connection", "close") && req.version != "HTTP/1.0";
  std::optional<FaultAction> action = server_.TakeAction(req.method, req.target);
  if (HeaderHasToken(req.headers, "Expect", "100-continue") &&
      !WriteAll(client_fd_, "HTTP/1.1 100 Continue\r\n\r\n"))
    return false;
  RecordedRequest rec{req.method, req.target, req.headers, "", 0};

  bool forward = server_.has_upstream() && (!action || action->kind == FaultAction::kDelay ||
                                            action->kind == FaultAction::kCloseMidBody ||
                                            action->kind == FaultAction::kCorruptBody);
  if (forward) return Forward(req, *framing, std::move(rec), action) && keep_alive;

  if (ReadBody(client_, *framing, nullptr, Recorder(rec)) != BodyResult::kOk) return false;
  server_.Record(std::move(rec));
  if (!action) return Respond(req.method, 200, {}, "", false) && keep_alive;
  if (action->delay.count() > 0 && !server_.Sleep(action->delay)) return false;
  switch (action->kind) {
    case FaultAction::kResetConnection:
      server_.Reset(client_fd_);
      client_fd_ = -1;
      return false;
    case FaultAction::kCloseMidBody:
      Respond(req.method, action->status, action->headers, action->body, true);
      return false;
    case FaultAction::kRespond:
    case FaultAction::kDelay:
    case FaultAction::kCorruptBody:
      break;
  }
  return Respond(req.method, action->status, action->headers, action->body, false) && keep_alive;
}

bool Session::Forward(const MessageHead& req, const Framing& framing, RecordedRequest rec,
                      const std::optional<FaultAction>& action) {
  bool upstream_ok = EnsureUpstream() && WriteAll(upstream_fd_, req.raw);
  Piece to_upstream = [&](std::string_view wire) {
    if (upstream_ok) upstream_ok = WriteAll(upstream_fd_, wire);
    return true;  // keep reading the client's body either way
  };
  if (ReadBody(client_, framing, to_upstream, Recorder(rec)) != BodyResult::kOk) return false;
  server_.Record(std::move(rec));
  if (action && action->delay.count() > 0 && !server_.Sleep(action->delay)) return false;
  if (!upstream_ok) {
    CloseUpstream();
    return Respond(req.method, 502, {}, "FaultServer: upstream unreachable\n", false);
  }
  return Relay(req.method, action && action->kind == FaultAction::kCloseMidBody,
               action && action->kind == FaultAction::kCorruptBody);
}

bool Session::Relay(const std::string& method, bool cut, bool corrupt) {
  MessageHead resp;
  for (int i = 0; resp.status < 200; ++i) {  // skips 1xx (our own 100 already went out)
    std::string raw;
    if (i == 10 || !upstream_->ReadHead(&raw) || !ParseResponseHead(std::move(raw), &resp)) {
      CloseUpstream();
      Respond(method, 502, {{"Connection", "close"}}, "FaultServer: no answer from upstream\n",
              false);
      return false;
    }
  }
  std::optional<Framing> framing = ResponseFraming(method, resp.status, resp.headers);
  if (!framing) {
    CloseUpstream();
    Respond(method, 502, {{"Connection", "close"}}, "FaultServer: bad upstream framing\n", false);
    return false;
  }
  bool closes =
      HeaderHasToken(resp.headers, "Connection", "close") || framing->kind == Framing::kUntilClose;

  if (cut && (framing->kind == Framing::kChunked || framing->kind == Framing::kUntilClose)) {
    // Unknown length: take the whole payload, then send half of it under a Content-Length.
    std::string body;
    Piece keep = [&](std::string_view p) {
      body.append(p);
      return body.size() <= kMaxCutBuffer;
    };
    if (ReadBody(*upstream_, *framing, nullptr, keep) != BodyResult::kOk || closes) CloseUpstream();
    HttpHeaders headers;
    for (const auto& h : resp.headers) {
      if (!EqualsIgnoreCase(h.first, "Transfer-Encoding") &&
          !EqualsIgnoreCase(h.first, "Content-Length"))
        headers.push_back(h);
    }
    Respond(method, resp.status, headers, body, true);
    return false;
  }

  // Byte-for-byte; when cutting, stop after half of the Content-Length; when corrupting,
  // flip the middle byte of a Content-Length body (its wire bytes are its payload).
  uint64_t limit = cut ? framing->length / 2 : UINT64_MAX;
  uint64_t flip = corrupt && framing->kind == Framing::kLength && framing->length > 0
                      ? framing->length / 2
                      : UINT64_MAX;
  uint64_t sent = 0;
  if (!WriteAll(client_fd_, resp.raw)) {
    CloseUpstream();
    return false;
  }
  BodyResult r = BodyResult::kStopped;
  if (limit > 0) {
    Piece to_client = [&](std::string_view wire) {
      std::string_view part =
          wire.substr(0, static_cast<size_t>(std::min<uint64_t>(wire.size(), limit - sent)));
      std::string flipped;
      if (flip >= sent && flip < sent + part.size()) {
        flipped.assign(part);
        flipped[static_cast<size_t>(flip - sent)] = static_cast<char>(~flipped[static_cast<size_t>(flip - sent)]);
        part = flipped;
      }
      if (!WriteAll(client_fd_, part)) return false;
      sent += part.size();
      return sent < limit;
    };
    r = ReadBody(*upstream_, *framing, to_client, nullptr);
  }
  if (r != BodyResult::kOk || closes) CloseUpstream();
  return r == BodyResult::kOk && !cut && !closes;
}

bool Session::Respond(const std::string& method, int status, const HttpHeaders& headers,
                      std::string_view body, bool cut) {
  bool bodiless = status < 200 || status == 204 || status == 304;
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  if (!bodiless && FindHeader(headers, "Content-Length") == nullptr &&
      FindHeader(headers, "Transfer-Encoding") == nullptr)
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  if (method != "HEAD" && !bodiless) out.append(cut ? body.substr(0, body.size() / 2) : body);
  return WriteAll(client_fd_, out) && !HeaderHasToken(headers, "Connection", "close");
}

bool Session::EnsureUpstream() {
  if (upstream_fd_ >= 0) {
    pollfd p{upstream_fd_, POLLIN, 0};
    if (poll(&p, 1, 0) != 0) CloseUpstream();  // closed (or chattering) while idle
  }
  if (upstream_fd_ < 0) {
    upstream_fd_ = server_.ConnectUpstream();
    if (upstream_fd_ < 0) return false;
    upstream_ = std::make_unique<SocketReader>(upstream_fd_);
  }
  return true;
}

void Session::CloseUpstream() {
  if (upstream_fd_ < 0) return;
  server_.Close(upstream_fd_);
  upstream_fd_ = -1;
  upstream_.reset();
}

}  // namespace

void FaultServerCore::Serve(int fd) {
  Session session(*this, fd);
  session.Run();
}

}  // namespace dth::testing
