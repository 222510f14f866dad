#include "control/store/store_support.h"

#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <random>

#include "core/hash.h"

namespace dth::control {
namespace {

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

}  // namespace

std::string NewTaskId() {
  unsigned char raw[6];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    // OpenSSL's generator failed (no entropy source): fall back to the OS's.
    thread_local std::mt19937_64 rng{std::random_device{}()};
    for (unsigned char& b : raw) b = static_cast<unsigned char>(rng());
  }
  return "t-" + HexEncode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

bool IsTaskId(std::string_view id) {
  if (id.size() != 14 || id.substr(0, 2) != "t-") return false;
  return std::all_of(id.begin() + 2, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string EncodeTaskCursor(const TaskCursor& cursor) {
  std::string text = Base64Encode(std::to_string(cursor.created_at_ms) + "." + cursor.id);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

Result<TaskCursor> DecodeTaskCursor(const std::string& cursor) {
  const Status bad = InvalidArgument("malformed task list cursor");
  if (cursor.empty() || cursor.size() > 256 || cursor.size() % 4 == 1) return bad;
  std::string b64 = cursor;
  for (char& c : b64) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return bad;
    }
  }
  while (b64.size() % 4 != 0) b64.push_back('=');
  std::string raw;
  if (!Base64Decode(b64, &raw)) return bad;
  const size_t dot = raw.find('.');
  if (dot == std::string::npos || dot == 0) return bad;
  TaskCursor out;
  const char* end = raw.data() + dot;
  auto [ptr, ec] = std::from_chars(raw.data(), end, out.created_at_ms);
  if (ec != std::errc() || ptr != end) return bad;
  out.id = raw.substr(dot + 1);
  if (!IsTaskId(out.id)) return bad;
  // Only the canonical spelling is accepted (no leading zeros, '+', stray bits).
  if (EncodeTaskCursor(out) != cursor) return bad;
  return out;
}

std::string LikeSubstring(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

Status CheckLimit(const char* what, int limit) {
  if (limit < 1 || limit > kMaxPageLimit) {
    return InvalidArgument(std::string(what) + ": limit must be 1.." + std::to_string(kMaxPageLimit) +
                           ", not " + std::to_string(limit));
  }
  return Status::Ok();
}

Status CheckTaskQuery(const TaskQuery& query) {
  DTH_RETURN_IF_ERROR(CheckLimit("list tasks", query.limit));
  if (query.text.size() > kMaxTextFilter) {
    return InvalidArgument("list tasks: the text filter is longer than " +
                           std::to_string(kMaxTextFilter) + " bytes");
  }
  return Status::Ok();
}

Status CheckMetricQuery(const MetricQuery& query) {
  if (query.task_id.empty()) return InvalidArgument("list samples: no task id");
  if (query.step_seconds < 60 || query.step_seconds % 60 != 0) {
    return InvalidArgument("list samples: step_seconds must be a positive multiple of 60, not " +
                           std::to_string(query.step_seconds));
  }
  if (query.to < query.from) return InvalidArgument("list samples: `to` is before `from`");
  return Status::Ok();
}

Status CheckLogQuery(const LogQuery& query) {
  if (query.task_id.empty()) return InvalidArgument("list logs: no task id");
  DTH_RETURN_IF_ERROR(CheckLimit("list logs", query.limit));
  if (query.text.size() > kMaxTextFilter) {
    return InvalidArgument("list logs: the text filter is longer than " +
                           std::to_string(kMaxTextFilter) + " bytes");
  }
  if (query.run_id < 0 || query.after_id < 0) {
    return InvalidArgument("list logs: negative run_id or after_id");
  }
  return Status::Ok();
}

Status CheckUsername(const std::string& username) {
  const bool ok = !username.empty() && username.size() <= 64 &&
                  std::all_of(username.begin(), username.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '_' || c == '-';
                  });
  if (!ok) return InvalidArgument("a user name is 1 to 64 of a-z, 0-9, '.', '_' and '-'");
  return Status::Ok();
}

Status CheckSecretName(const std::string& name) {
  if (name.empty() || name.size() > 128 || !std::all_of(name.begin(), name.end(), IsIdChar)) {
    return InvalidArgument("a secret name is 1 to 128 of A-Z, a-z, 0-9, '.', '_' and '-'");
  }
  return Status::Ok();
}

}  // namespace dth::control
