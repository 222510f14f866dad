// core/status: the error model. Errors are values: every fallible call returns a
// Status or a Result<T>. A Status carries a classified Code (decides retry), a
// one-line message for people, and, for HTTP failures, the status and the
// server's error code. Messages never contain secrets.
// Thread-safety: value types; safe to copy between threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace dth {

enum class Code {
  kOk = 0,
  // Not retried.
  kInvalidArgument,     // bad input from the user or caller
  kNotFound,            // 404, missing file
  kPermissionDenied,    // 403, bad credentials, signature mismatch
  kPreconditionFailed,  // 412 (If-Match), 409 conflicts
  kNotSupported,        // an optional operation the store lacks
  kPermanent,           // any other non-retryable server answer (400...)
  kCorruption,          // checksum or digest mismatch, malformed reply
  kIo,                  // local filesystem error
  kCancelled,
  kInternal,            // a bug: an invariant of dth itself broke
  // Retried with backoff.
  kThrottled,    // 503 SlowDown, 429
  kServerError,  // other 5xx
  kTransient,    // connection reset, timeout, DNS hiccup
};

const char* CodeName(Code code);

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // HTTP details, when the error came from a server answer.
  int http_status() const { return http_status_; }
  const std::string& server_code() const { return server_code_; }
  std::optional<std::chrono::milliseconds> retry_after() const { return retry_after_; }

  Status& WithHttp(int http_status, std::string server_code) {
    http_status_ = http_status;
    server_code_ = std::move(server_code);
    return *this;
  }
  Status& WithRetryAfter(std::chrono::milliseconds delay) {
    retry_after_ = delay;
    return *this;
  }
  // The input field at fault ("parameters.srcBucket"), for an API to point at it.
  Status& WithField(std::string field) {
    field_ = std::move(field);
    return *this;
  }
  const std::string& field() const { return field_; }
  // Prefixes context: "GetObject bucket/key: <message>".
  Status& Prefix(const std::string& context) {
    message_ = context + ": " + message_;
    return *this;
  }

  bool retryable() const {
    return code_ == Code::kThrottled || code_ == Code::kServerError || code_ == Code::kTransient;
  }

  // "NotFound: message" — one line for people.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  int http_status_ = 0;
  std::string server_code_;
  std::optional<std::chrono::milliseconds> retry_after_;
  std::string field_;
};

inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status NotSupported(std::string m) { return {Code::kNotSupported, std::move(m)}; }
inline Status IoError(std::string m) { return {Code::kIo, std::move(m)}; }
inline Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }

}  // namespace dth

// Early return on error, as in leveldb.
#define DTH_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::dth::Status _dth_st = (expr);        \
    if (!_dth_st.ok()) return _dth_st;     \
  } while (0)
