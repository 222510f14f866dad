// tests/integration/s3_servers: S3 stores on the real servers that scripts/test.sh
// starts (Ceph RGW, s3rver), found through the environment it exports
// (RGW_ENDPOINT, RGW_ACCESS_KEY, ...). Each call makes a fresh bucket.
// When DTH_REQUIRE_SERVERS=1 a missing server fails the test; otherwise it is skipped.
// Thread-safety: each test uses its own stores.
#pragma once

#include <memory>
#include <string>

#include "http/http_client.h"
#include "store/s3/s3_store.h"

namespace dth::testing {

enum class S3Server { kRgw, kS3rver };

struct ServerEnv {
  std::string endpoint, access_key, secret_key;
};

// Returns false when the server's variables are not set.
bool FindServer(S3Server server, ServerEnv* out);
// Skips or fails the current test when the server is missing; returns false then.
bool RequireServer(S3Server server, ServerEnv* out);

// The store features each server really has (s3rver lacks ListParts, Abort...).
StoreFeatures ServerFeatures(S3Server server);

std::string UniqueBucketName(const std::string& prefix);
std::shared_ptr<HttpClient> SharedHttp();

// A store on a new bucket. Config tweaks (credentials, endpoint) via `adjust`.
std::unique_ptr<s3::S3Store> MakeBucketStore(S3Server server,
                                             void (*adjust)(s3::S3Config&) = nullptr);
s3::S3Config ServerConfig(S3Server server, const std::string& bucket);

}  // namespace dth::testing
