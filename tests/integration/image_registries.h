// tests/integration/image_registries: the two docker-registry instances that
// tests/servers/start_registry.sh starts (basic auth and token auth), found through
// REGISTRY_* in the environment, and test images built by the test itself (random
// layers, a config, Docker or OCI manifests, OCI indexes) pushed with the client.
// When DTH_REQUIRE_SERVERS=1 a missing registry fails the test; otherwise it skips.
// Thread-safety: each test uses its own clients and repositories.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "registry/registry_client.h"

namespace dth::testing {

enum class Registry { kBasic, kToken };

struct RegistryEnv {
  std::string url, user, password;
  std::string dir;  // REGISTRY_DIR, for registry_ctl.sh
};

bool FindRegistry(Registry which, RegistryEnv* out);
// Skips or fails the current test when the registry is missing; returns false then.
bool RequireRegistry(Registry which, RegistryEnv* out);

// A client with the registry's credentials (or none), fast retries.
std::shared_ptr<registry::RegistryClient> MakeRegistryClient(Registry which, bool credentials = true);
registry::RegistryConfig RegistryClientConfig(Registry which, bool credentials = true);

// "test/<prefix>-<random>-<n>": a repository no other test uses.
std::string UniqueRepo(const std::string& prefix);
std::string RandomBytes(size_t n);

struct PushedImage {
  std::string digest;      // manifest (or index) digest
  std::string media_type;
  std::vector<std::string> blobs;  // config first, then layers
};

// Pushes layers (given contents), a config for `platform` ("linux/amd64"), and an image
// manifest (OCI when oci, else Docker schema 2) under `tag` ("" = by digest only).
Result<PushedImage> PushImage(registry::RegistryClient& client, const std::string& repo,
                              const std::string& tag, const std::vector<std::string>& layers,
                              const std::string& platform = "linux/amd64", bool oci = false);
// Pushes one image per platform (by digest) and an OCI index over them under `tag`.
Result<PushedImage> PushIndex(registry::RegistryClient& client, const std::string& repo,
                              const std::string& tag, const std::vector<std::string>& platforms,
                              size_t layer_size = 1024);

}  // namespace dth::testing
