// control/notify/smtp_client: sends one e-mail over SMTP with libcurl's smtp support —
// smtp://host:port (plain, or STARTTLS when required), smtps://host:port (TLS from the
// start), AUTH from the URL's user-info (smtp://user:password@host:587). One connection
// per message, with a connect timeout and an overall one. Failures are classified: a
// network failure, a timeout or an SMTP 4xx answer can be retried (kTransient,
// kServerError); an SMTP 5xx answer, a refused login or a failed TLS check cannot. The
// URL (with its credentials) never appears in an error message.
// Thread-safety: SendMail may be called from several threads at once.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"

namespace dth::control::notify {

struct SmtpConfig {
  std::string url;              // smtp://[user:password@]host[:port] or smtps://...
  std::string from;             // the envelope and header sender
  bool require_starttls = false;  // smtp://: upgrade with STARTTLS or fail
  bool verify_tls = true;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{60000};  // the whole conversation
};

// Checks a server-side SMTP URL (scheme, host, port). "" when acceptable, else why not.
std::string CheckSmtpUrl(const std::string& url);

// message: a complete RFC 5322 message with CRLF line ends (dot-stuffing is libcurl's).
Status SendMail(const SmtpConfig& config, const std::vector<std::string>& to, const std::string& message);

}  // namespace dth::control::notify
