#include "credentials/provider.h"

#include <optional>
#include <utility>

#include "credentials/shared_files.h"

namespace dth {
namespace {

constexpr std::string_view kNoCredentials =
    "no credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, use --profile, or "
    "--anonymous for public buckets";

// Profile keys that ask for a credential provider dth does not implement.
constexpr std::string_view kUnsupportedKeys[] = {
    "role_arn", "credential_process", "sso_session", "sso_start_url",
    "web_identity_token_file", "credential_source"};

std::string FilesDisplay(const SharedFileLocations& loc) {
  return loc.credentials.display + " or " + loc.config.display;
}

std::string ValueOrEmpty(const std::string* v) { return v ? *v : std::string(); }

// Static keys from a profile. nullopt when the profile holds no credential
// settings at all (so the caller may fall through or report "no credentials").
Result<std::optional<Credentials>> FromProfile(const SharedProfile& profile,
                                               const SharedFileLocations& loc) {
  const std::string quoted = "profile '" + profile.name + "'";
  std::string id = ValueOrEmpty(profile.Find("aws_access_key_id"));
  std::string secret = ValueOrEmpty(profile.Find("aws_secret_access_key"));
  std::string token = ValueOrEmpty(profile.Find("aws_session_token"));
  if (token.empty()) token = ValueOrEmpty(profile.Find("aws_security_token"));  // legacy name

  if (!id.empty() && !secret.empty()) {
    Credentials c;
    c.access_key_id = std::move(id);
    c.secret_access_key = std::move(secret);
    c.session_token = std::move(token);
    const SharedFile& file =
        profile.FromCredentialsFile("aws_access_key_id") ? loc.credentials : loc.config;
    c.source = "profile " + profile.name + " (" + file.display + ")";
    return std::optional<Credentials>(std::move(c));
  }
  if (!id.empty() || !secret.empty()) {
    const char* missing = id.empty() ? "aws_access_key_id" : "aws_secret_access_key";
    return InvalidArgument(quoted + " in " + FilesDisplay(loc) + " has no " + missing +
                           ": both access key id and secret access key are required");
  }
  for (std::string_view key : kUnsupportedKeys) {
    if (profile.Find(key) != nullptr) {
      return NotSupported(quoted + " uses " + std::string(key) +
                          ", which dth does not support; give it aws_access_key_id and "
                          "aws_secret_access_key, or export temporary keys to the environment");
    }
  }
  return std::optional<Credentials>();
}

Result<std::optional<Credentials>> FromEnvironment(const Environment& env) {
  std::string id = env.GetOrEmpty("AWS_ACCESS_KEY_ID");
  std::string secret = env.GetOrEmpty("AWS_SECRET_ACCESS_KEY");
  if (id.empty() && secret.empty()) return std::optional<Credentials>();
  if (id.empty() || secret.empty()) {
    return InvalidArgument(id.empty() ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                                      : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  }
  Credentials c;
  c.access_key_id = std::move(id);
  c.secret_access_key = std::move(secret);
  c.session_token = env.GetOrEmpty("AWS_SESSION_TOKEN");
  if (c.session_token.empty()) c.session_token = env.GetOrEmpty("AWS_SECURITY_TOKEN");
  c.source = "environment";
  return std::optional<Credentials>(std::move(c));
}

Result<Credentials> FromNamedProfile(const std::string& name, bool from_variable,
                                     const Environment& env) {
  DTH_ASSIGN_OR_RETURN(SharedProfiles files, SharedProfiles::Load(env));
  const std::string quoted =
      "profile '" + name + "'" + (from_variable ? " (from AWS_PROFILE)" : "");
  std::optional<SharedProfile> profile = files.Find(name);
  if (!profile) return NotFound(quoted + " not found in " + FilesDisplay(files.locations()));
  DTH_ASSIGN_OR_RETURN(std::optional<Credentials> creds, FromProfile(*profile, files.locations()));
  if (!creds) {
    return PermissionDenied(quoted + " has no aws_access_key_id/aws_secret_access_key in " +
                            FilesDisplay(files.locations()));
  }
  return std::move(*creds);
}

}  // namespace

Result<Credentials> ResolveCredentials(const CredentialOptions& options, const Environment& env) {
  // 1. Anonymous.
  if (options.anonymous) {
    Credentials c;
    c.anonymous = true;
    c.source = "anonymous";
    return c;
  }
  // 2. Explicit static keys.
  if (!options.access_key_id.empty() || !options.secret_access_key.empty() ||
      !options.session_token.empty()) {
    if (options.access_key_id.empty() || options.secret_access_key.empty()) {
      return InvalidArgument("both access key id and secret access key are required");
    }
    Credentials c;
    c.access_key_id = options.access_key_id;
    c.secret_access_key = options.secret_access_key;
    c.session_token = options.session_token;
    c.source = "static";
    return c;
  }
  // 3. --profile. 4. Environment keys. 5. AWS_PROFILE. (The AWS CLI's order: keys in
  // the environment beat AWS_PROFILE; a profile named on the command line beats both.)
  if (!options.profile.empty()) return FromNamedProfile(options.profile, false, env);
  DTH_ASSIGN_OR_RETURN(std::optional<Credentials> from_env, FromEnvironment(env));
  if (from_env) return std::move(*from_env);
  if (std::string name = env.GetOrEmpty("AWS_PROFILE"); !name.empty()) {
    return FromNamedProfile(name, true, env);
  }
  // 6. The default profile.
  DTH_ASSIGN_OR_RETURN(SharedProfiles files, SharedProfiles::Load(env));
  if (std::optional<SharedProfile> def = files.Find("default")) {
    DTH_ASSIGN_OR_RETURN(std::optional<Credentials> creds, FromProfile(*def, files.locations()));
    if (creds) return std::move(*creds);
  }
  return PermissionDenied(std::string(kNoCredentials));
}

Result<std::string> ResolveRegion(std::string_view profile, const Environment& env) {
  if (std::string r = env.GetOrEmpty("AWS_REGION"); !r.empty()) return r;
  if (std::string r = env.GetOrEmpty("AWS_DEFAULT_REGION"); !r.empty()) return r;
  std::string name(profile);
  if (name.empty()) name = env.GetOrEmpty("AWS_PROFILE");
  if (name.empty()) name = "default";
  DTH_ASSIGN_OR_RETURN(SharedProfiles files, SharedProfiles::LoadConfigOnly(env));
  std::optional<SharedProfile> p = files.Find(name);
  if (!p) return std::string();
  return ValueOrEmpty(p->Find("region"));
}

}  // namespace dth
