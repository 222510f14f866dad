// store/open_store: turns a parsed Location plus connection options (provider,
// endpoint, region, profile, TLS) into a ready ObjectStore. Provider quirks come from
// the provider profiles (data), credentials from the standard chain.
// Thread-safety: OpenStore is reentrant; the HttpClient may be shared.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/retry.h"
#include "credentials/credentials.h"
#include "credentials/environment.h"
#include "http/http_client.h"
#include "store/object_store.h"

namespace dth {

struct ConnectionOptions {
  std::string provider;  // "" = "s3" (generic) with --endpoint, else "aws"
  std::string endpoint;
  std::string region;
  std::string profile;
  bool anonymous = false;
  std::string addressing;  // "" (the provider's), "path" or "virtual"
  bool sign_payload = false;
  // "" = the provider's choice (SHA-256 where the server checks it), "md5", "sha256".
  std::string body_checksum;
  bool requester_pays = false;
  RetryPolicy retry;
  // Keys given directly (the hub's named credentials): used instead of the chain
  // (profile, environment, shared files), which is then never consulted.
  std::optional<Credentials> credentials;
  // Counts the store's retried requests (the hub's per-task metrics); may be null.
  std::shared_ptr<RetryCounter> retry_counter;
};

// For a kLocal location the store's root is `root` (created when create_root).
Result<std::unique_ptr<ObjectStore>> OpenS3Store(const std::string& bucket,
                                                 const ConnectionOptions& options,
                                                 std::shared_ptr<HttpClient> http,
                                                 const Environment& env = DefaultEnvironment());
Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const std::string& root, bool create_root);

// "endpoint|access key id" — two stores with equal identities can copy server-side.
std::string StoreIdentity(const ObjectStore& store);
// Where a store's data lives, without credentials: "endpoint|region" of an S3 store,
// Describe() of others. Part of a task's default id.
std::string StoreLocation(const ObjectStore& store);

}  // namespace dth
