#include "control/notify/notify_settings.h"

#include <algorithm>
#include <cctype>

namespace dth::control::notify {
namespace {

using json = nlohmann::json;

Status Bad(const std::string& name, const std::string& why) {
  const std::string field = "parameters." + name;
  return InvalidArgument(field + ": " + why).WithField(field);
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

// For messages: at most 80 characters of what the user sent, control characters as '?'.
std::string Quote(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (s.size() > 80) out += "...";
  return "'" + out + "'";
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

Result<std::vector<std::string>> ParseEmails(const json& value) {
  std::vector<std::string> items;
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      items.push_back(Trim(std::string_view(text).substr(start, end - start)));
      start = end + 1;
    }
    // "a@x.org," or "" : empty items are only allowed as nothing at all.
    if (std::all_of(items.begin(), items.end(), [](const std::string& s) { return s.empty(); }))
      return std::vector<std::string>{};
  } else if (value.is_array()) {
    for (const json& item : value) {
      if (!item.is_string()) return Bad("alarmEmail", "expected e-mail addresses as strings");
      items.push_back(Trim(item.get<std::string>()));
    }
  } else {
    return Bad("alarmEmail", "expected comma-separated e-mail addresses");
  }
  std::vector<std::string> out;
  for (const std::string& item : items) {
    if (item.empty()) return Bad("alarmEmail", "an empty address in the list");
    if (std::string why = CheckEmailAddress(item); !why.empty())
      return Bad("alarmEmail", Quote(item) + " is not an e-mail address: " + why);
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  if (out.size() > kMaxEmailAddresses)
    return Bad("alarmEmail", "more than " + std::to_string(kMaxEmailAddresses) + " addresses");
  return out;
}

}  // namespace

const char* NotifyOnName(NotifyOn on) {
  switch (on) {
    case NotifyOn::kFailure: return "failure";
    case NotifyOn::kAlways: return "always";
    case NotifyOn::kNever: return "never";
  }
  return "failure";
}

bool IsNotifyParameter(std::string_view name) {
  return name == "alarmEmail" || name == "notifyWebhook" || name == "notifyOn";
}

std::string CheckEmailAddress(std::string_view address) {
  if (address.size() > 254) return "longer than 254 characters";
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return "no '@'";
  const std::string_view local = address.substr(0, at), domain = address.substr(at + 1);
  if (local.empty() || local.size() > 64) return "the part before '@' must be 1 to 64 characters";
  for (char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || std::string_view("<>()[]\\,;:\"@").find(c) != std::string_view::npos)
      return "the part before '@' may not hold spaces, quotes, brackets, commas or control characters";
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return "misplaced '.' before '@'";
  if (domain.empty() || domain.size() > 253) return "no domain after '@'";
  size_t label = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0 || label > 63) return "the domain must be dot-separated labels of 1 to 63 characters";
      if (domain[i - 1] == '-' || domain[i - label] == '-') return "a domain label starts or ends with '-'";
      label = 0;
      continue;
    }
    const auto u = static_cast<unsigned char>(domain[i]);
    if (!std::isalnum(u) && domain[i] != '-') return "the domain may hold only letters, digits, '-' and '.'";
    ++label;
  }
  return "";
}

std::string CheckWebhookUrl(std::string_view url) {
  if (url.size() > kMaxWebhookUrl) return "longer than " + std::to_string(kMaxWebhookUrl) + " characters";
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return "spaces and control characters are not allowed";
  }
  size_t rest = 0;
  if (StartsWithIgnoreCase(url, "http://")) {
    rest = 7;
  } else if (StartsWithIgnoreCase(url, "https://")) {
    rest = 8;
  } else {
    return "expected an http:// or https:// URL";
  }
  std::string_view authority = url.substr(rest, url.find_first_of("/?#", rest) - rest);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return "an unclosed '[' in the host";
    host = host.substr(1, close - 1);
    authority = authority.substr(close + 1);
    if (!authority.empty() && authority.front() != ':') return "unexpected characters after the host";
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    authority = host.substr(colon);
    host = host.substr(0, colon);
  } else {
    authority = {};
  }
  if (host.empty()) return "no host";
  if (!authority.empty()) {  // ":PORT"
    const std::string_view port = authority.substr(1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0)
      return "the port must be a number 1..65535";
  }
  return "";
}

Result<NotifySettings> ParseNotifySettings(const json& parameters) {
  NotifySettings s;
  if (!parameters.is_object()) return s;
  if (auto it = parameters.find("alarmEmail"); it != parameters.end() && !it->is_null()) {
    DTH_ASSIGN_OR_RETURN(s.emails, ParseEmails(*it));
  }
  if (auto it = parameters.find("notifyWebhook"); it != parameters.end() && !it->is_null()) {
    if (!it->is_string()) return Bad("notifyWebhook", "expected a URL as a string");
    const std::string url = Trim(it->get<std::string>());
    if (!url.empty()) {
      // The URL itself may be a secret (a Slack hook's path is its key): never quoted back.
      if (std::string why = CheckWebhookUrl(url); !why.empty()) return Bad("notifyWebhook", why);
      s.webhook = url;
    }
  }
  if (auto it = parameters.find("notifyOn"); it != parameters.end() && !it->is_null()) {
    if (!it->is_string()) return Bad("notifyOn", "expected \"failure\", \"always\" or \"never\"");
    const std::string on = it->get<std::string>();
    if (on == "failure") {
      s.on = NotifyOn::kFailure;
    } else if (on == "always") {
      s.on = NotifyOn::kAlways;
    } else if (on == "never") {
      s.on = NotifyOn::kNever;
    } else {
      return Bad("notifyOn", "expected \"failure\", \"always\" or \"never\", not " + Quote(on));
    }
  }
  return s;
}

bool ShouldNotify(const NotifySettings& settings, TaskStatus ended) {
  if (settings.emails.empty() && settings.webhook.empty()) return false;
  switch (settings.on) {
    case NotifyOn::kNever: return false;
    case NotifyOn::kFailure: return ended == TaskStatus::kError;
    case NotifyOn::kAlways:
      return ended == TaskStatus::kDone || ended == TaskStatus::kError || ended == TaskStatus::kStopped;
  }
  return false;
}

}  // namespace dth::control::notify
