// registry/json_read: reading a server's JSON answer (registry, token service, ECR)
// without exceptions: parsing with a nesting limit, and typed field reads where a
// missing or null field gives the default and a field of the wrong type is kCorruption
// naming the field and what it was. nlohmann's own value()/get() throw on a type
// mismatch; nothing here does.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace dth::registry {

using Json = nlohmann::json;

inline constexpr int kMaxJsonDepth = 64;

// A JSON object, or kCorruption "<what>: reply is not a JSON object" (also for
// nesting deeper than kMaxJsonDepth).
Result<Json> ParseJsonObject(std::string_view body, const std::string& what);

// Field reads on an object. Missing or null: the default. Wrong type: kCorruption
// "<what>: field 'key' is a number, not a string".
Result<std::string> JsonString(const Json& object, const char* key, const std::string& what);
Result<std::optional<uint64_t>> JsonUnsigned(const Json& object, const char* key, const std::string& what);
Result<std::optional<double>> JsonNumber(const Json& object, const char* key, const std::string& what);
// An array (or an empty one when missing or null); kCorruption for another type.
Result<const Json*> JsonArray(const Json& object, const char* key, const std::string& what);
// An object field; nullptr when missing or null.
Result<const Json*> JsonObject(const Json& object, const char* key, const std::string& what);

// Lenient: the string field, or "" (missing, null, wrong type, not an object). For
// error bodies, where a best-effort message is all that is wanted.
std::string JsonStringOr(const Json& object, const char* key);

}  // namespace dth::registry
