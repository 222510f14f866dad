#include "http/http_types.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace dth {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const std::string* FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

Code ClassifyHttpStatus(int status, std::string_view server_code) {
  if (server_code == "SlowDown" || server_code == "Throttling" ||
      server_code == "ThrottlingException" || server_code == "RequestLimitExceeded" ||
      server_code == "TooManyRequestsException")
    return Code::kThrottled;
  if (server_code == "RequestTimeout" || server_code == "RequestTimeTooSkewed" ||
      server_code == "InternalError" || server_code == "OperationAborted")
    return status >= 500 ? Code::kServerError : Code::kTransient;
  if (status == 429 || status == 503) return Code::kThrottled;
  if (status >= 500) return Code::kServerError;
  if (status == 408) return Code::kTransient;
  if (status == 401 || status == 403) return Code::kPermissionDenied;
  if (status == 404) return Code::kNotFound;
  if (status == 412) return Code::kPreconditionFailed;
  if (server_code == "BadDigest" || server_code == "InvalidDigest" ||
      server_code == "XAmzContentSHA256Mismatch")
    return Code::kCorruption;
  return Code::kPermanent;
}

bool ParseDecimal(std::string_view text, uint64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  uint64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ptr == value.data() + value.size() && value.front() != '-' &&
      (ec == std::errc() || ec == std::errc::result_out_of_range)) {
    // Huge delays (past 2^64 too) are clamped, never overflowed: the retry policy caps
    // the wait at its max_delay anyway.
    constexpr uint64_t kMaxSeconds = uint64_t{std::numeric_limits<int64_t>::max()} / 1000;
    if (ec != std::errc() || seconds > kMaxSeconds) seconds = kMaxSeconds;
    return std::chrono::milliseconds(static_cast<int64_t>(seconds) * 1000);
  }
  std::string text(value);
  time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  auto delta = std::chrono::system_clock::from_time_t(when) - now;
  if (delta.count() < 0) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(delta);
}

}  // namespace dth
