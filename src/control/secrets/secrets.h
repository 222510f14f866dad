// control/secrets/secrets: the hub's named credentials, like the original's Secrets
// Manager entries, referenced by tasks by name: for object stores
// {"access_key_id", "secret_access_key"[, "session_token"]}, for registries
// {"username", "password"} or {"token"}. Values are checked on the way in, never shown
// again (only names, kinds, descriptions and times leave the hub), and resolved into
// engine credentials when a task runs.
// Thread-safety: as thread-safe as the ControlStore (which is).
#pragma once

#include <string>
#include <vector>

#include "control/store/control_store.h"
#include "credentials/credentials.h"

namespace dth::control {

// What a registry side authenticates with.
struct RegistryLogin {
  std::string username, password;  // basic (a token goes as the password of "token")
};

class SecretService {
 public:
  explicit SecretService(ControlStore& store) : store_(store) {}

  // body: {"name", "kind": "s3"|"registry", "description"?, "value": {...}} (JSON text).
  // Errors are kInvalidArgument naming the field, kPreconditionFailed for a taken name.
  Result<SecretRecord> Create(const std::string& body);
  // body: {"description"?, "value"?}: replaces what is given.
  Result<SecretRecord> Update(const std::string& name, const std::string& body);
  Status Delete(const std::string& name);
  // Without values.
  Result<std::vector<SecretRecord>> List();
  Result<SecretRecord> Get(const std::string& name);  // value cleared

  // For a task: "" = anonymous / no login.
  Result<Credentials> S3Credentials(const std::string& name);
  Result<RegistryLogin> Registry(const std::string& name);

 private:
  ControlStore& store_;
};

// The value as stored, checked for its kind (kInvalidArgument naming "value.<member>").
Result<std::string> CheckSecretValue(const std::string& kind, const std::string& value_json);

}  // namespace dth::control
