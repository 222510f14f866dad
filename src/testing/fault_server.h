// testing/fault_server: an HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests.
// It answers scripted requests and, given an upstream, is a fault-injecting proxy in
// front of a real server (RGW, s3rver, a registry): requests no rule claims are
// forwarded byte-for-byte (Host and every other header unchanged, so SigV4 signatures
// stay valid) and the upstream answer is relayed as received.
// Owns: the listening socket, one accept thread, one thread per client connection
// (at most 128 at once) and each connection's upstream socket. The destructor shuts
// every socket down, wakes pending delays and joins every thread, even with clients
// still connected. Socket reads and writes time out after 30 s.
// Keep-alive, Content-Length and chunked bodies (requests and responses), HEAD,
// Expect: 100-continue.
// Thread-safety: every public method may be called from any thread at any time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/http_types.h"

namespace dth::testing {

class FaultServerCore;  // fault_server_impl.h

struct RecordedRequest {
  std::string method;
  std::string target;  // path?query as received
  HttpHeaders headers;
  std::string body;        // the payload (chunked bodies decoded), first 16 MiB only
  uint64_t body_size = 0;  // the whole payload
};

struct FaultAction {
  enum Kind {
    kRespond,          // answer with status, headers and body
    kResetConnection,  // read the request, then reset the connection (RST, no answer)
    kDelay,            // wait, then behave as if unmatched: forward, or without an
                       // upstream answer with status, headers and body
    kCloseMidBody,     // forward (without an upstream: status, headers, body) but
                       // send only the first half of the body bytes, then close
    kCorruptBody,      // forward, and flip every bit of the middle byte of the answer's
                       // body (Content-Length bodies; others relay unchanged): the
                       // bytes a client gets differ from what the server's headers say
  } kind = kRespond;
  int status = 200;
  // Sent as given. Content-Length is added unless present (so a HEAD answer can carry
  // the object's length); "Connection: close" closes the connection after the answer.
  HttpHeaders headers;
  std::string body;
  // Every kind waits this long after the whole request arrived, before answering.
  std::chrono::milliseconds delay{0};
};

struct FaultRule {
  std::string method;           // "" = any; else exact ("GET")
  std::string target_contains;  // "" = any; else a substring of path?query
  int times = 1;                // matching requests this rule takes; -1 = forever
  FaultAction action;
};

class FaultServer {
 public:
  // upstream: "" = none (unmatched requests get 200 with an empty body), or
  // "http://HOST:PORT" to forward unmatched requests there. Upstream failures are
  // answered 502.
  static Result<std::unique_ptr<FaultServer>> Start(std::string upstream = "");
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  std::string endpoint() const;  // "http://127.0.0.1:PORT"
  int port() const;

  // Rules are tried in the order added; the first match with times left applies.
  void AddRule(FaultRule rule);
  void ClearRules();

  std::vector<RecordedRequest> requests() const;  // every complete request, in order
  int CountRequests(std::string_view method, std::string_view target_contains) const;
  int connections_accepted() const;

 private:
  explicit FaultServer(std::unique_ptr<FaultServerCore> core);
  std::unique_ptr<FaultServerCore> impl_;
};

}  // namespace dth::testing
