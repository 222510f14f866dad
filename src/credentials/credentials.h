// credentials/credentials: the Credentials value a request signer consumes, and
// helpers that render secrets safely for logs and messages.
// Thread-safety: value types and pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace dth {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" unless temporary credentials
  bool anonymous = false;     // unsigned requests (public buckets)
  // Where the keys came from, for messages only — never the key itself:
  // "anonymous", "static", "environment", "profile default (~/.aws/credentials)".
  std::string source;
};

// A secret (secret access key, session token, password) for display: always
// "****", whatever its length; "" stays "" so "not set" remains visible.
std::string Redact(std::string_view secret);

// An access key id for display: the first 4 and last 4 characters around
// "****" ("AKIAIOSFODNN7EXAMPLE" -> "AKIA****MPLE"). Ids shorter than 16
// characters are not a real key shape and are shown as "****".
std::string RedactAccessKeyId(std::string_view access_key_id);

// "anonymous" or "access key AKIA****MPLE from environment" — safe to log.
std::string DescribeCredentials(const Credentials& credentials);

}  // namespace dth
