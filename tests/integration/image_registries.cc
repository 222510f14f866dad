#include "integration/image_registries.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <random>

#include <nlohmann/json.hpp>

#include "registry/manifest.h"

namespace dth::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::shared_ptr<HttpClient> Http() {
  static auto http = std::make_shared<HttpClient>();
  return http;
}

}  // namespace

bool FindRegistry(Registry which, RegistryEnv* out) {
  std::string p = which == Registry::kBasic ? "REGISTRY_BASIC_" : "REGISTRY_TOKEN_";
  out->url = Env((p + "URL").c_str());
  out->user = Env((p + "USER").c_str());
  out->password = Env((p + "PASSWORD").c_str());
  out->dir = Env("REGISTRY_DIR");
  return !out->url.empty() && !out->user.empty();
}

bool RequireRegistry(Registry which, RegistryEnv* out) {
  if (FindRegistry(which, out)) return true;
  if (Env("DTH_REQUIRE_SERVERS") == "1") {
    // A fatal failure: a fixture's SetUp that calls this and then GTEST_SKIPs must not
    // run the test body (a skip after a non-fatal failure does not count as a skip).
    [] { FAIL() << "the docker registries are required but REGISTRY_* is not set (run scripts/test.sh)"; }();
  }
  return false;
}

registry::RegistryConfig RegistryClientConfig(Registry which, bool credentials) {
  RegistryEnv env;
  FindRegistry(which, &env);
  registry::RegistryConfig config;
  config.endpoint = *registry::ParseRegistryEndpoint(env.url);
  if (credentials) config.auth = registry::AuthConfig{env.user, env.password, nullptr};
  config.retry.max_attempts = 3;
  config.retry.base_delay = std::chrono::milliseconds(50);
  return config;
}

std::shared_ptr<registry::RegistryClient> MakeRegistryClient(Registry which, bool credentials) {
  return std::make_shared<registry::RegistryClient>(RegistryClientConfig(which, credentials), Http());
}

std::string UniqueRepo(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const uint32_t salt = std::random_device{}();
  return "test/" + prefix + "-" + std::to_string(salt % 1000000) + "-" + std::to_string(counter++);
}

std::string RandomBytes(size_t n) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
  }
  return out;
}

Result<PushedImage> PushImage(registry::RegistryClient& client, const std::string& repo,
                              const std::string& tag, const std::vector<std::string>& layers,
                              const std::string& platform, bool oci) {
  using nlohmann::json;
  auto p = registry::ParsePlatform(platform);
  if (!p.ok()) return p.status();
  PushedImage out;
  json diff_ids = json::array();
  json layer_descs = json::array();
  for (const std::string& layer : layers) {
    std::string d = registry::ContentDigest(layer);
    diff_ids.push_back(d);
    layer_descs.push_back({{"mediaType", oci ? "application/vnd.oci.image.layer.v1.tar+gzip"
                                             : "application/vnd.docker.image.rootfs.diff.tar.gzip"},
                           {"digest", d},
                           {"size", layer.size()}});
  }
  json config = {{"architecture", p->architecture}, {"os", p->os},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
                 {"config", {{"Env", {"NONCE=" + registry::ContentDigest(RandomBytes(16))}}}}};
  if (!p->variant.empty()) config["variant"] = p->variant;
  std::string config_bytes = config.dump();
  std::string config_digest = registry::ContentDigest(config_bytes);
  out.blobs.push_back(config_digest);
  {
    StringViewSource src(config_bytes);
    DTH_RETURN_IF_ERROR(client.PushBlob(repo, config_digest, src));
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string d = diff_ids[i].get<std::string>();
    out.blobs.push_back(d);
    auto exists = client.HeadBlob(repo, d);
    if (!exists.ok()) return exists.status();
    if (exists->has_value()) continue;
    StringViewSource src(layers[i]);
    DTH_RETURN_IF_ERROR(client.PushBlob(repo, d, src));
  }
  out.media_type = oci ? registry::kOciManifest : registry::kDockerManifest;
  json manifest = {{"schemaVersion", 2}, {"mediaType", out.media_type},
                   {"config", {{"mediaType", oci ? "application/vnd.oci.image.config.v1+json"
                                                 : "application/vnd.docker.container.image.v1+json"},
                               {"digest", config_digest},
                               {"size", config_bytes.size()}}},
                   {"layers", layer_descs}};
  std::string bytes = manifest.dump(2);  // indented: digests must survive exact bytes
  out.digest = registry::ContentDigest(bytes);
  auto put = client.PutManifest(repo, tag.empty() ? out.digest : tag, out.media_type, bytes);
  if (!put.ok()) return put.status();
  return out;
}

Result<PushedImage> PushIndex(registry::RegistryClient& client, const std::string& repo,
                              const std::string& tag, const std::vector<std::string>& platforms,
                              size_t layer_size) {
  using nlohmann::json;
  PushedImage out;
  out.media_type = registry::kOciIndex;
  json manifests = json::array();
  for (const std::string& platform : platforms) {
    auto image = PushImage(client, repo, "", {RandomBytes(layer_size), RandomBytes(layer_size)}, platform, true);
    if (!image.ok()) return image.status();
    auto m = client.GetManifest(repo, image->digest);
    if (!m.ok()) return m.status();
    auto p = *registry::ParsePlatform(platform);
    json plat = {{"os", p.os}, {"architecture", p.architecture}};
    if (!p.variant.empty()) plat["variant"] = p.variant;
    manifests.push_back({{"mediaType", registry::kOciManifest}, {"digest", image->digest},
                         {"size", m->bytes.size()}, {"platform", plat}});
    for (auto& b : image->blobs) out.blobs.push_back(b);
  }
  json index = {{"schemaVersion", 2}, {"mediaType", registry::kOciIndex}, {"manifests", manifests},
                {"annotations", {{"org.example.test", "dth"}}}};
  std::string bytes = index.dump(3);
  out.digest = registry::ContentDigest(bytes);
  auto put = client.PutManifest(repo, tag, out.media_type, bytes);
  if (!put.ok()) return put.status();
  return out;
}

}  // namespace dth::testing
