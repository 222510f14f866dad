#include "control/secrets/secrets.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace dth::control {
namespace {

using json = nlohmann::json;

Status Bad(const std::string& field, const std::string& why) {
  return InvalidArgument(field + ": " + why).WithField(field);
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

Result<json> Object(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("the body must be a JSON object");
  return j;
}

Result<std::string> Member(const json& j, const std::string& name, const std::string& field,
                           bool required) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) {
    if (required) return Bad(field, "missing");
    return std::string();
  }
  if (!it->is_string()) return Bad(field, "expected a string");
  return it->get<std::string>();
}

// A string member, "" when absent or not a string (never throws).
std::string Str(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::string> CheckSecretValue(const std::string& kind, const std::string& value_json) {
  json v = json::parse(value_json, nullptr, false);
  if (v.is_discarded() || !v.is_object()) return Bad("value", "expected a JSON object");
  std::vector<std::string> allowed;
  if (kind == "s3") {
    allowed = {"access_key_id", "secret_access_key", "session_token"};
    for (const char* required : {"access_key_id", "secret_access_key"}) {
      DTH_ASSIGN_OR_RETURN(std::string s, Member(v, required, std::string("value.") + required, true));
      if (s.empty()) return Bad(std::string("value.") + required, "is empty");
    }
    DTH_RETURN_IF_ERROR(Member(v, "session_token", "value.session_token", false).status());
  } else if (kind == "registry") {
    allowed = {"username", "password", "token"};
    DTH_ASSIGN_OR_RETURN(std::string user, Member(v, "username", "value.username", false));
    DTH_ASSIGN_OR_RETURN(std::string password, Member(v, "password", "value.password", false));
    DTH_ASSIGN_OR_RETURN(std::string token, Member(v, "token", "value.token", false));
    if (token.empty() && (user.empty() || password.empty()))
      return Bad("value", "give username and password, or a token");
    if (!token.empty() && (!user.empty() || !password.empty()))
      return Bad("value", "give username and password, or a token, not both");
  } else {
    return Bad("kind", "expected \"s3\" or \"registry\"");
  }
  for (const auto& [member, unused] : v.items()) {
    if (std::find(allowed.begin(), allowed.end(), member) == allowed.end())
      return Bad("value." + member, "unknown member");
  }
  return v.dump();
}

Result<SecretRecord> SecretService::Create(const std::string& body) {
  DTH_ASSIGN_OR_RETURN(json j, Object(body));
  for (const auto& [member, unused] : j.items()) {
    if (member != "name" && member != "kind" && member != "description" && member != "value")
      return Bad(member, "unknown member");
  }
  SecretRecord r;
  DTH_ASSIGN_OR_RETURN(r.name, Member(j, "name", "name", true));
  if (!ValidName(r.name)) return Bad("name", "use 1-128 letters, digits, '.', '_' and '-'");
  DTH_ASSIGN_OR_RETURN(r.kind, Member(j, "kind", "kind", true));
  DTH_ASSIGN_OR_RETURN(r.description, Member(j, "description", "description", false));
  if (r.description.size() > 1024) return Bad("description", "longer than 1024 characters");
  auto value = j.find("value");
  if (value == j.end()) return Bad("value", "missing");
  DTH_ASSIGN_OR_RETURN(r.value, CheckSecretValue(r.kind, value->dump()));
  DTH_RETURN_IF_ERROR(store_.CreateSecret(r));
  DTH_ASSIGN_OR_RETURN(SecretRecord stored, store_.GetSecret(r.name));
  stored.value.clear();
  return stored;
}

Result<SecretRecord> SecretService::Update(const std::string& name, const std::string& body) {
  DTH_ASSIGN_OR_RETURN(json j, Object(body));
  DTH_ASSIGN_OR_RETURN(SecretRecord r, store_.GetSecret(name));
  for (const auto& [member, unused] : j.items()) {
    if (member != "description" && member != "value") return Bad(member, "unknown member (or not changeable)");
  }
  if (j.contains("description")) {
    DTH_ASSIGN_OR_RETURN(r.description, Member(j, "description", "description", false));
  }
  if (j.contains("value")) {
    DTH_ASSIGN_OR_RETURN(r.value, CheckSecretValue(r.kind, j["value"].dump()));
  }
  DTH_RETURN_IF_ERROR(store_.UpdateSecret(r));
  DTH_ASSIGN_OR_RETURN(SecretRecord stored, store_.GetSecret(name));
  stored.value.clear();
  return stored;
}

Status SecretService::Delete(const std::string& name) { return store_.DeleteSecret(name); }

Result<std::vector<SecretRecord>> SecretService::List() {
  DTH_ASSIGN_OR_RETURN(std::vector<SecretRecord> all, store_.ListSecrets());
  for (SecretRecord& r : all) r.value.clear();
  return all;
}

Result<SecretRecord> SecretService::Get(const std::string& name) {
  DTH_ASSIGN_OR_RETURN(SecretRecord r, store_.GetSecret(name));
  r.value.clear();
  return r;
}

Result<Credentials> SecretService::S3Credentials(const std::string& name) {
  Credentials c;
  if (name.empty()) {
    c.anonymous = true;
    c.source = "anonymous";
    return c;
  }
  auto r = store_.GetSecret(name);
  if (!r.ok()) {
    if (r.status().code() == Code::kNotFound)
      return InvalidArgument("the credential '" + name + "' does not exist");
    return r.status();
  }
  if (r->kind != "s3") return InvalidArgument("the credential '" + name + "' is not an s3 credential");
  json v = json::parse(r->value, nullptr, false);
  if (!v.is_object()) return Corruption("the credential '" + name + "' is damaged");
  c.access_key_id = Str(v, "access_key_id");
  c.secret_access_key = Str(v, "secret_access_key");
  c.session_token = Str(v, "session_token");
  c.source = "credential " + name;
  return c;
}

Result<RegistryLogin> SecretService::Registry(const std::string& name) {
  if (name.empty()) return RegistryLogin{};
  auto r = store_.GetSecret(name);
  if (!r.ok()) {
    if (r.status().code() == Code::kNotFound)
      return InvalidArgument("the credential '" + name + "' does not exist");
    return r.status();
  }
  if (r->kind != "registry")
    return InvalidArgument("the credential '" + name + "' is not a registry credential");
  json v = json::parse(r->value, nullptr, false);
  if (!v.is_object()) return Corruption("the credential '" + name + "' is damaged");
  const std::string token = Str(v, "token");
  if (!token.empty()) return RegistryLogin{"token", token};
  return RegistryLogin{Str(v, "username"), Str(v, "password")};
}

}  // namespace dth::control
