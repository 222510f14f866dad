// Fuzz target: the small JSON answers of registries besides manifests: the error body
// of a registry (RegistryErrorCode, registry/registry_client) and ECR's
// GetAuthorizationToken reply (ParseAuthorizationToken, registry/ecr). Exceptions are
// not caught: a thrown JSON type error is a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "registry/ecr.h"
#include "registry/registry_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  std::string message;
  (void)dth::registry::RegistryErrorCode(body, &message);
  (void)dth::registry::ParseAuthorizationToken(body);
  return 0;
}
