#include "credentials/shared_files.h"

#include <utility>

namespace dth {
namespace {

SharedFile Locate(const Environment& env, std::string_view variable, std::string_view rel) {
  const std::string home = env.HomeDir();
  SharedFile file;
  std::string given = env.GetOrEmpty(variable);
  if (given.empty()) {
    file.display = "~/" + std::string(rel);
    if (!home.empty()) file.path = home + "/" + std::string(rel);
    return file;
  }
  file.display = given;
  if (given == "~" || given.rfind("~/", 0) == 0) {
    if (!home.empty()) file.path = home + given.substr(1);
  } else {
    file.path = given;
  }
  return file;
}

Result<IniFile> ReadIfPresent(const SharedFile& file) {
  if (file.path.empty()) return IniFile{};
  Result<IniFile> ini = ReadIniFile(file.path, file.display);
  if (!ini.ok() && ini.status().code() == Code::kNotFound) return IniFile{};
  return ini;
}

void MergeInto(const IniSection& section,
               std::map<std::string, std::string, std::less<>>* values) {
  for (const auto& [key, value] : section.values) (*values)[key] = value;
}

}  // namespace

SharedFileLocations LocateSharedFiles(const Environment& env) {
  return {Locate(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"),
          Locate(env, "AWS_CONFIG_FILE", ".aws/config")};
}

const std::string* SharedProfile::Find(std::string_view key) const {
  if (auto it = credentials_values.find(key); it != credentials_values.end()) return &it->second;
  if (auto it = config_values.find(key); it != config_values.end()) return &it->second;
  return nullptr;
}

Result<SharedProfiles> SharedProfiles::Load(const Environment& env) {
  SharedProfiles out;
  out.locations_ = LocateSharedFiles(env);
  DTH_ASSIGN_OR_RETURN(out.credentials_, ReadIfPresent(out.locations_.credentials));
  DTH_ASSIGN_OR_RETURN(out.config_, ReadIfPresent(out.locations_.config));
  return out;
}

Result<SharedProfiles> SharedProfiles::LoadConfigOnly(const Environment& env) {
  SharedProfiles out;
  out.locations_ = LocateSharedFiles(env);
  DTH_ASSIGN_OR_RETURN(out.config_, ReadIfPresent(out.locations_.config));
  return out;
}

std::optional<SharedProfile> SharedProfiles::Find(std::string_view name) const {
  SharedProfile profile;
  profile.name = std::string(name);
  if (const IniSection* s = credentials_.Find(name)) {
    profile.in_credentials_file = true;
    MergeInto(*s, &profile.credentials_values);
  }
  // Config: "[default]" and "[profile default]" both name the default
  // profile (the latter wins); any other profile needs the "profile " prefix.
  if (name == "default") {
    if (const IniSection* s = config_.Find("default")) {
      profile.in_config_file = true;
      MergeInto(*s, &profile.config_values);
    }
  }
  for (const IniSection& s : config_.sections) {
    std::string_view header = s.name;
    if (header.rfind("profile", 0) != 0 || header.size() <= 7) continue;
    std::string_view rest = header.substr(7);
    if (rest.front() != ' ' && rest.front() != '\t') continue;
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (rest != name) continue;
    profile.in_config_file = true;
    MergeInto(s, &profile.config_values);
  }
  if (!profile.in_credentials_file && !profile.in_config_file) return std::nullopt;
  return profile;
}

}  // namespace dth
