// Fuzz target: ParseImageRef and SplitImageList (registry/reference), image names and
// the image-list format, plus the registry names a user gives (ParseRegistryEndpoint,
// ParseEcrHost). An accepted reference, written back, must parse to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "registry/ecr.h"
#include "registry/reference.h"
#include "registry/registry_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dth::registry;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseRegistryEndpoint(text);
  (void)ParseEcrHost(text);
  for (const std::string& entry : SplitImageList(text)) {
    auto ref = ParseImageRef(entry);
    if (!ref.ok()) continue;
    if (!IsValidRepository(ref->repository)) std::abort();
    if (!ref->digest.empty() && !IsValidDigest(ref->digest)) std::abort();
    if (ref->reference().empty() && !ref->all_tags) std::abort();
    std::string again = (ref->registry.empty() ? "" : ref->registry + "/") + ref->ToString();
    auto reparsed = ParseImageRef(again);
    if (!reparsed.ok() || !(*reparsed == *ref)) std::abort();
  }
  return 0;
}
