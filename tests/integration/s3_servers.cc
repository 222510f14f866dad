#include "integration/s3_servers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>

namespace dth::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

bool FindServer(S3Server server, ServerEnv* out) {
  const char* p = server == S3Server::kRgw ? "RGW" : "S3RVER";
  out->endpoint = Env((std::string(p) + "_ENDPOINT").c_str());
  out->access_key = Env((std::string(p) + "_ACCESS_KEY").c_str());
  out->secret_key = Env((std::string(p) + "_SECRET_KEY").c_str());
  return !out->endpoint.empty() && !out->access_key.empty() && !out->secret_key.empty();
}

bool RequireServer(S3Server server, ServerEnv* out) {
  if (FindServer(server, out)) return true;
  const char* name = server == S3Server::kRgw ? "Ceph RGW" : "s3rver";
  if (Env("DTH_REQUIRE_SERVERS") == "1") {
    // Fatal (see RequireRegistry): a fixture's body never runs without its server.
    [name] { FAIL() << name << " is required but its environment is not set (run scripts/test.sh)"; }();
  }
  return false;
}

StoreFeatures ServerFeatures(S3Server server) {
  StoreFeatures f;
  f.server_side_copy = true;
  // Both ignore x-amz-copy-source-if-match (CopyObject and UploadPartCopy):
  // f.copy_source_if_match stays false.
  if (server == S3Server::kRgw) {
    // Ceph RGW Pacific drops x-amz-tagging on CreateMultipartUpload, and the tags on a
    // CopyObject that replaces the metadata; a CopyObject with COPY keeps them.
    f.copy_keeps_tags = true;
  }
  if (server == S3Server::kS3rver) {
    f.list_multipart_uploads = false;  // no ListParts, ListMultipartUploads, Abort
    // x-amz-tagging is dropped on every write (PUT, CreateMultipartUpload, CopyObject
    // copies none) and an overwritten object keeps its old tags; only PutObjectTagging
    // works. Declared without tags, so a copy asked to carry tags fails up front.
    f.tagging = false;
    f.arbitrary_keys = false;      // keys are file paths: "a//b" would become "a/b"
    f.multipart_etag_has_part_count = false;  // MD5 of the whole object
  }
  return f;
}

std::string UniqueBucketName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const uint32_t salt = std::random_device{}();
  return prefix + "-" + std::to_string(salt % 1000000) + "-" + std::to_string(counter++);
}

std::shared_ptr<HttpClient> SharedHttp() {
  static std::shared_ptr<HttpClient> http = std::make_shared<HttpClient>();
  return http;
}

s3::S3Config ServerConfig(S3Server server, const std::string& bucket) {
  ServerEnv env;
  FindServer(server, &env);
  s3::S3Config c;
  c.endpoint = env.endpoint;
  c.region = "us-east-1";
  c.bucket = bucket;
  c.path_style = true;
  c.credentials.access_key_id = env.access_key;
  c.credentials.secret_access_key = env.secret_key;
  c.credentials.source = "test";
  c.retry.base_delay = std::chrono::milliseconds(50);
  return c;
}

std::unique_ptr<s3::S3Store> MakeBucketStore(S3Server server, void (*adjust)(s3::S3Config&)) {
  ServerEnv env;
  if (!RequireServer(server, &env)) return nullptr;
  s3::S3Config config = ServerConfig(server, UniqueBucketName("dth"));
  if (adjust != nullptr) adjust(config);
  auto store = std::make_unique<s3::S3Store>(config, SharedHttp(), ServerFeatures(server));
  Status st = store->CreateBucket();
  if (!st.ok()) {
    ADD_FAILURE() << "CreateBucket on " << env.endpoint << ": " << st.message();
    return nullptr;
  }
  return store;
}

}  // namespace dth::testing
