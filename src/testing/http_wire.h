// testing/http_wire: the HTTP/1.1 wire pieces FaultServer needs, over plain POSIX
// sockets: a buffered socket reader, message heads, body framing (Content-Length,
// chunked, read-until-close) and a body reader that hands out both the wire bytes (to
// relay byte-for-byte) and the payload (to record). Test support only.
// Every read is bounded: heads and lines by kMaxHeadBytes, waits by the socket's own
// SO_RCVTIMEO (the caller sets it).
// Thread-safety: a SocketReader belongs to one thread; the free functions are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_types.h"

namespace dth::testing {

inline constexpr size_t kMaxHeadBytes = 64 * 1024;

class SocketReader {
 public:
  explicit SocketReader(int fd) : fd_(fd) {}

  // Reads through the blank line that ends a message head; *head gets it all, CRLFs
  // included. False on EOF, timeout, error or a head over kMaxHeadBytes.
  bool ReadHead(std::string* head);
  // Reads one line; *line gets it without its line end.
  bool ReadLine(std::string* line);
  // Up to max bytes: buffered ones first, else one recv. > 0 bytes, 0 at EOF, -1 on
  // error or timeout. *out stays valid until the next call.
  long ReadSome(size_t max, std::string_view* out);

 private:
  // One recv appended to the buffer: > 0, 0 at EOF, -1 on error.
  long Fill();
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
};

// send() until done (MSG_NOSIGNAL); false on error or timeout.
bool WriteAll(int fd, std::string_view data);

struct MessageHead {
  std::string raw;                      // as received, through the final CRLF CRLF
  std::string method, target, version;  // requests
  int status = 0;                       // responses
  HttpHeaders headers;
};

bool ParseRequestHead(std::string raw, MessageHead* head);
bool ParseResponseHead(std::string raw, MessageHead* head);

struct Framing {
  enum Kind { kNone, kLength, kChunked, kUntilClose } kind = kNone;
  uint64_t length = 0;  // kLength
};

// nullopt for a malformed Content-Length.
std::optional<Framing> RequestFraming(const HttpHeaders& headers);
// HEAD answers, 1xx, 204 and 304 have no body whatever their headers say.
std::optional<Framing> ResponseFraming(std::string_view request_method, int status,
                                       const HttpHeaders& headers);

// True when the comma-separated header `name` holds `token` (case-insensitive).
bool HeaderHasToken(const HttpHeaders& headers, std::string_view name, std::string_view token);
const char* ReasonPhrase(int status);

// Receives a piece of a body; returning false stops the read.
using Piece = std::function<bool(std::string_view)>;
enum class BodyResult { kOk, kStopped, kError };

// Reads one body framed by `framing`: the wire bytes (chunk framing included) go to
// on_wire, the payload to on_payload. Either may be empty.
BodyResult ReadBody(SocketReader& in, const Framing& framing, const Piece& on_wire,
                    const Piece& on_payload);

}  // namespace dth::testing
