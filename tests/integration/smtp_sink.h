// tests/integration/smtp_sink: a real local SMTP server for tests — Debian's
// python3-aiosmtpd running tests/servers/smtp_sink.py on a port of its choosing, each
// received message written to a directory (raw, and decoded by Python's e-mail parser).
// When python3-aiosmtpd is missing, Start() fails the test under DTH_REQUIRE_SERVERS=1
// and otherwise returns false (the test skips).
// Thread-safety: one test thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dth::testing {

class SmtpSink {
 public:
  // auth "USER:PASSWORD": the server requires that login (AUTH without TLS, loopback).
  // tls_cert / tls_key: the server requires STARTTLS with that certificate.
  explicit SmtpSink(std::string dir, std::string auth = "", std::string tls_cert = "",
                    std::string tls_key = "");
  ~SmtpSink();  // SIGTERM, then reaped

  bool Start();
  int port() const { return port_; }
  // The messages received so far, oldest first: {"mail_from", "rcpt_tos", "from", "to",
  // "subject", "body"} (body decoded).
  std::vector<nlohmann::json> Messages() const;
  // Waits until at least n messages arrived (or timeout_seconds); returns them.
  std::vector<nlohmann::json> WaitFor(size_t n, int timeout_seconds = 60) const;

 private:
  std::string dir_, auth_, tls_cert_, tls_key_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace dth::testing
