// control/notify/notify_settings: a task's notification parameters, checked field by
// field like the rest of its definition:
//   alarmEmail     the original's name: comma-separated e-mail addresses (or a list)
//   notifyWebhook  an http(s) URL that gets a JSON document (Slack-compatible)
//   notifyOn       "failure" (default: a run that ends in ERROR), "always" (every run
//                  end: DONE, ERROR, STOPPED) or "never"
// Errors are kInvalidArgument with Status::field() "parameters.<name>".
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/store/control_store.h"
#include "core/result.h"

namespace dth::control::notify {

enum class NotifyOn { kFailure, kAlways, kNever };
const char* NotifyOnName(NotifyOn on);

struct NotifySettings {
  std::vector<std::string> emails;
  std::string webhook;
  NotifyOn on = NotifyOn::kFailure;
};

inline constexpr size_t kMaxEmailAddresses = 20;
inline constexpr size_t kMaxWebhookUrl = 2048;

// alarmEmail, notifyWebhook, notifyOn: the parameters this module owns (the engines'
// parameter readers skip them).
bool IsNotifyParameter(std::string_view name);

// The notification parameters of a task (absent ones take their defaults).
Result<NotifySettings> ParseNotifySettings(const nlohmann::json& parameters);

// Whether a run that left the task in `ended` (DONE, ERROR or STOPPED) is announced.
bool ShouldNotify(const NotifySettings& settings, TaskStatus ended);

// One address: local@domain, printable ASCII without spaces, quotes, brackets, commas
// or control characters (nothing that could break out of a mail header or an SMTP
// command); the domain is dot-separated letters, digits and hyphens. The empty string
// when it is acceptable, else why not.
std::string CheckEmailAddress(std::string_view address);

// An http(s) URL with a host and no spaces or control characters. "" when acceptable.
std::string CheckWebhookUrl(std::string_view url);

}  // namespace dth::control::notify
