// credentials/provider: decides which credentials (and which region) a run
// uses. Precedence, first match wins:
//   1. anonymous flag (unsigned requests);
//   2. explicit static keys (both id and secret required);
//   3. a profile named with --profile, from the shared files;
//   4. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN;
//   5. the profile named by AWS_PROFILE (as in the AWS CLI, exported keys win);
//   6. profile "default" from the shared files.
// A named profile (3 or 5) that is missing is an error, not a fall-through.
// Only static keys are read from profiles; role_arn, SSO and
// credential_process profiles are reported as not supported.
// Error messages name sources (variables, files, profiles), never key values.
// Thread-safety: free functions; safe from any thread if the Environment is.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "credentials/credentials.h"
#include "credentials/environment.h"

namespace dth {

struct CredentialOptions {
  // Explicit static keys (e.g. from flags or a job file).
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string profile;     // --profile
  bool anonymous = false;  // --anonymous
};

// Errors: InvalidArgument (incomplete keys, malformed files), NotFound (named
// profile missing), NotSupported (profile needs a provider dth lacks),
// PermissionDenied (no credentials anywhere), IoError (unreadable file).
Result<Credentials> ResolveCredentials(const CredentialOptions& options, const Environment& env);

// The region for `profile` ("" = AWS_PROFILE, else "default"): AWS_REGION,
// then AWS_DEFAULT_REGION, then the profile's `region` in the config file,
// else "". Errors only when the config file is unreadable or malformed.
Result<std::string> ResolveRegion(std::string_view profile, const Environment& env);

}  // namespace dth
