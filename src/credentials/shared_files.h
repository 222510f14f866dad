// credentials/shared_files: finds the AWS shared credentials and config files
// (AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws/credentials and
// ~/.aws/config) and looks profiles up in them. In the config file a profile
// is `[profile name]` (`[default]` for the default one); in the credentials
// file it is `[name]`. When both files define a key for the same profile, the
// credentials file wins. Missing files count as empty.
// Thread-safety: SharedProfiles is immutable after Load(); safe to share.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "credentials/environment.h"
#include "credentials/ini_file.h"

namespace dth {

struct SharedFile {
  std::string path;     // "" when it cannot be located (no home directory)
  std::string display;  // for messages: "~/.aws/credentials" or the variable's value
};

struct SharedFileLocations {
  SharedFile credentials;
  SharedFile config;
};

SharedFileLocations LocateSharedFiles(const Environment& env);

// One profile, merged from both files.
struct SharedProfile {
  std::string name;
  bool in_credentials_file = false;
  bool in_config_file = false;
  std::map<std::string, std::string, std::less<>> credentials_values;
  std::map<std::string, std::string, std::less<>> config_values;

  // The key's value, the credentials file first; nullptr when absent.
  const std::string* Find(std::string_view key) const;
  bool FromCredentialsFile(std::string_view key) const {
    return credentials_values.find(key) != credentials_values.end();
  }
};

class SharedProfiles {
 public:
  // Reads both files; a malformed file is an error, a missing one is empty.
  static Result<SharedProfiles> Load(const Environment& env);
  // Reads only the config file (enough for settings such as region).
  static Result<SharedProfiles> LoadConfigOnly(const Environment& env);

  std::optional<SharedProfile> Find(std::string_view name) const;
  const SharedFileLocations& locations() const { return locations_; }

 private:
  SharedFileLocations locations_;
  IniFile credentials_;
  IniFile config_;
};

}  // namespace dth
