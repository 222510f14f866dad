// control/schedule/schedule_text: small text helpers shared by the schedule parsers
// (blank splitting, strict digit parsing, quoting a bad token for a one-line message).
// Internal to control/schedule.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dth::control::schedule_text {

// Space or tab: what separates the fields of rate(...) and cron(...).
inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Drops leading and trailing white space (space, tab, CR, LF, FF, VT).
std::string_view Trim(std::string_view s);

// The runs of non-blank characters, in order ("" -> none).
std::vector<std::string_view> SplitBlanks(std::string_view s);

// The value of a non-empty run of ASCII digits (leading zeros allowed), or nullopt for
// anything else. Values above 999,999,999 are nullopt too (never in range anywhere).
std::optional<int64_t> ParseDigits(std::string_view s);

// The token in double quotes, fit for a one-line message: control and non-ASCII bytes
// become \xNN, quotes and backslashes are escaped, and long tokens are cut at 64
// characters with "...".
std::string Quote(std::string_view token);

}  // namespace dth::control::schedule_text
