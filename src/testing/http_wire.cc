#include "testing/http_wire.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <utility>

namespace dth::testing {
namespace {

constexpr size_t kRecvBytes = 64 * 1024;
constexpr uint64_t kMaxChunkBytes = uint64_t{1} << 40;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits the head into its start line and headers; false when a header line has no colon.
bool SplitHead(std::string_view raw, std::string_view* start, HttpHeaders* headers) {
  size_t end = raw.find("\r\n");
  if (end == std::string_view::npos) return false;
  *start = raw.substr(0, end);
  raw.remove_prefix(end + 2);
  headers->clear();
  while (!raw.empty()) {
    end = raw.find("\r\n");
    if (end == std::string_view::npos) return false;
    std::string_view line = raw.substr(0, end);
    raw.remove_prefix(end + 2);
    if (line.empty()) break;  // the blank line ending the head
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    headers->emplace_back(std::string(Trim(line.substr(0, colon))),
                          std::string(Trim(line.substr(colon + 1))));
  }
  return true;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out, int base = 10) {
  s = Trim(s);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool Give(const Piece& piece, std::string_view data) { return !piece || piece(data); }

}  // namespace

long SocketReader::Fill() {
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + kRecvBytes);
  ssize_t n = -1;
  for (int i = 0; i < 100; ++i) {  // EINTR only; timeouts come back as EAGAIN
    n = ::recv(fd_, buf_.data() + old, kRecvBytes, 0);
    if (n >= 0 || errno != EINTR) break;
  }
  buf_.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  return n;
}

bool SocketReader::ReadHead(std::string* head) {
  size_t searched = pos_;
  while (true) {
    size_t end = buf_.find("\r\n\r\n", searched);
    if (end != std::string::npos) {
      head->assign(buf_, pos_, end + 4 - pos_);
      pos_ = end + 4;
      return true;
    }
    if (buf_.size() - pos_ > kMaxHeadBytes) return false;
    size_t rel = std::max(buf_.size(), pos_ + 3) - 3 - pos_;  // resume the search here
    if (Fill() <= 0) return false;
    searched = pos_ + rel;  // Fill() moved the unread bytes to the front
  }
}

bool SocketReader::ReadLine(std::string* line) {
  size_t searched = pos_;
  while (true) {
    size_t end = buf_.find("\r\n", searched);
    if (end != std::string::npos) {
      line->assign(buf_, pos_, end - pos_);
      pos_ = end + 2;
      return true;
    }
    if (buf_.size() - pos_ > kMaxHeadBytes) return false;
    size_t rel = std::max(buf_.size(), pos_ + 1) - 1 - pos_;
    if (Fill() <= 0) return false;
    searched = pos_ + rel;
  }
}

long SocketReader::ReadSome(size_t max, std::string_view* out) {
  if (pos_ == buf_.size()) {
    long n = Fill();
    if (n <= 0) return n;
  }
  size_t take = std::min(max, buf_.size() - pos_);
  *out = std::string_view(buf_).substr(pos_, take);
  pos_ += take;
  return static_cast<long>(take);
}

bool WriteAll(int fd, std::string_view data) {
  int interrupted = 0;
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR && ++interrupted < 100) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool ParseRequestHead(std::string raw, MessageHead* head) {
  std::string_view start;
  if (!SplitHead(raw, &start, &head->headers)) return false;
  size_t a = start.find(' ');
  size_t b = start.rfind(' ');
  if (a == std::string_view::npos || b == a) return false;
  head->method = std::string(start.substr(0, a));
  head->target = std::string(start.substr(a + 1, b - a - 1));
  head->version = std::string(start.substr(b + 1));
  if (head->method.empty() || head->target.empty() || head->version.rfind("HTTP/1.", 0) != 0)
    return false;
  head->raw = std::move(raw);
  return true;
}

bool ParseResponseHead(std::string raw, MessageHead* head) {
  std::string_view start;
  if (!SplitHead(raw, &start, &head->headers)) return false;
  if (start.rfind("HTTP/1.", 0) != 0 || start.size() < 12) return false;
  head->version = std::string(start.substr(0, 8));
  if (!ParseNumber(start.substr(9, 3), &head->status) || head->status < 100) return false;
  head->raw = std::move(raw);
  return true;
}

std::optional<Framing> RequestFraming(const HttpHeaders& headers) {
  if (HeaderHasToken(headers, "Transfer-Encoding", "chunked")) return Framing{Framing::kChunked};
  const std::string* length = FindHeader(headers, "Content-Length");
  if (length == nullptr) return Framing{Framing::kNone};
  Framing f{Framing::kLength};
  if (!ParseNumber(*length, &f.length)) return std::nullopt;
  return f;
}

std::optional<Framing> ResponseFraming(std::string_view request_method, int status,
                                       const HttpHeaders& headers) {
  if (request_method == "HEAD" || status < 200 || status == 204 || status == 304)
    return Framing{Framing::kNone};
  if (HeaderHasToken(headers, "Transfer-Encoding", "chunked")) return Framing{Framing::kChunked};
  const std::string* length = FindHeader(headers, "Content-Length");
  if (length == nullptr) return Framing{Framing::kUntilClose};
  Framing f{Framing::kLength};
  if (!ParseNumber(*length, &f.length)) return std::nullopt;
  return f;
}

bool HeaderHasToken(const HttpHeaders& headers, std::string_view name, std::string_view token) {
  for (const auto& [k, v] : headers) {
    if (!EqualsIgnoreCase(k, name)) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      if (EqualsIgnoreCase(Trim(rest.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

const char* ReasonPhrase(int status) {
  static constexpr std::pair<int, const char*> kReasons[] = {
      {100, "Continue"},         {200, "OK"},
      {201, "Created"},          {204, "No Content"},
      {206, "Partial Content"},  {304, "Not Modified"},
      {400, "Bad Request"},      {401, "Unauthorized"},
      {403, "Forbidden"},        {404, "Not Found"},
      {408, "Request Timeout"},  {409, "Conflict"},
      {412, "Precondition Failed"}, {416, "Range Not Satisfiable"},
      {429, "Too Many Requests"}, {500, "Internal Server Error"},
      {502, "Bad Gateway"},      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  };
  for (const auto& [code, reason] : kReasons) {
    if (code == status) return reason;
  }
  return "Status";
}

namespace {

// Copies exactly n payload bytes (n may be 0).
BodyResult CopyExact(SocketReader& in, uint64_t n, const Piece& on_wire, const Piece& on_payload) {
  while (n > 0) {
    std::string_view piece;
    long got = in.ReadSome(static_cast<size_t>(std::min<uint64_t>(n, kRecvBytes)), &piece);
    if (got <= 0) return BodyResult::kError;
    n -= piece.size();
    if (!Give(on_wire, piece) || !Give(on_payload, piece)) return BodyResult::kStopped;
  }
  return BodyResult::kOk;
}

BodyResult CopyChunked(SocketReader& in, const Piece& on_wire, const Piece& on_payload) {
  std::string line;
  // Each pass consumes a chunk; a bounded body cannot loop forever, a stalled peer times out.
  while (true) {
    if (!in.ReadLine(&line)) return BodyResult::kError;
    if (!Give(on_wire, line + "\r\n")) return BodyResult::kStopped;
    uint64_t size = 0;
    if (!ParseNumber(std::string_view(line).substr(0, line.find(';')), &size, 16) ||
        size > kMaxChunkBytes)
      return BodyResult::kError;
    if (size == 0) break;
    BodyResult r = CopyExact(in, size, on_wire, on_payload);
    if (r != BodyResult::kOk) return r;
    if (!in.ReadLine(&line) || !line.empty()) return BodyResult::kError;
    if (!Give(on_wire, "\r\n")) return BodyResult::kStopped;
  }
  for (int i = 0; i < 1000; ++i) {  // trailers, then the blank line
    if (!in.ReadLine(&line)) return BodyResult::kError;
    if (!Give(on_wire, line + "\r\n")) return BodyResult::kStopped;
    if (line.empty()) return BodyResult::kOk;
  }
  return BodyResult::kError;
}

}  // namespace

BodyResult ReadBody(SocketReader& in, const Framing& framing, const Piece& on_wire,
                    const Piece& on_payload) {
  switch (framing.kind) {
    case Framing::kNone:
      return BodyResult::kOk;
    case Framing::kLength:
      return CopyExact(in, framing.length, on_wire, on_payload);
    case Framing::kChunked:
      return CopyChunked(in, on_wire, on_payload);
    case Framing::kUntilClose:
      while (true) {
        std::string_view piece;
        long got = in.ReadSome(kRecvBytes, &piece);
        if (got == 0) return BodyResult::kOk;
        if (got < 0) return BodyResult::kError;
        if (!Give(on_wire, piece) || !Give(on_payload, piece)) return BodyResult::kStopped;
      }
  }
  return BodyResult::kError;
}

}  // namespace dth::testing
