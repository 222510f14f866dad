#include "registry/json_read.h"

namespace dth::registry {
namespace {

// The deepest nesting of arrays and objects, counted outside strings; stops early
// past `limit` (deep documents would be destroyed and dumped recursively).
bool NestingWithin(std::string_view s, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

Status WrongType(const std::string& what, const char* key, const Json& v, const char* wanted) {
  return Corruption(what + ": field '" + key + "' is " + (v.is_string() ? "a string" : v.is_array() ? "an array"
                                                          : v.is_object()                   ? "an object"
                                                          : v.is_boolean()                  ? "a boolean"
                                                          : v.is_number()                   ? "a number"
                                                                                            : "of another type") +
                    ", not " + wanted);
}

// The field, or nullptr when missing or null (object must be an object).
const Json* Field(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Result<Json> ParseJsonObject(std::string_view body, const std::string& what) {
  if (!NestingWithin(body, kMaxJsonDepth)) {
    return Corruption(what + ": reply nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Corruption(what + ": reply is not a JSON object");
  return j;
}

Result<std::string> JsonString(const Json& object, const char* key, const std::string& what) {
  const Json* v = Field(object, key);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return WrongType(what, key, *v, "a string");
  return v->get_ref<const std::string&>();
}

Result<std::optional<uint64_t>> JsonUnsigned(const Json& object, const char* key, const std::string& what) {
  const Json* v = Field(object, key);
  if (v == nullptr) return std::optional<uint64_t>();
  if (!v->is_number_unsigned()) {
    if (v->is_number_integer()) return Corruption(what + ": field '" + key + "' is negative");
    return WrongType(what, key, *v, "a whole number");
  }
  return std::optional<uint64_t>(v->get<uint64_t>());
}

Result<std::optional<double>> JsonNumber(const Json& object, const char* key, const std::string& what) {
  const Json* v = Field(object, key);
  if (v == nullptr) return std::optional<double>();
  if (!v->is_number()) return WrongType(what, key, *v, "a number");
  return std::optional<double>(v->get<double>());
}

Result<const Json*> JsonArray(const Json& object, const char* key, const std::string& what) {
  static const Json kEmpty = Json::array();
  const Json* v = Field(object, key);
  if (v == nullptr) return &kEmpty;
  if (!v->is_array()) return WrongType(what, key, *v, "an array");
  return v;
}

Result<const Json*> JsonObject(const Json& object, const char* key, const std::string& what) {
  const Json* v = Field(object, key);
  if (v == nullptr) return static_cast<const Json*>(nullptr);
  if (!v->is_object()) return WrongType(what, key, *v, "an object");
  return v;
}

std::string JsonStringOr(const Json& object, const char* key) {
  const Json* v = Field(object, key);
  return v != nullptr && v->is_string() ? v->get_ref<const std::string&>() : std::string();
}

}  // namespace dth::registry
