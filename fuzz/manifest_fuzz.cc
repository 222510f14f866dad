// Fuzz target: ParseManifest, FilterIndex and ParsePlatform (registry/manifest): image
// manifests and indexes as a registry serves them. The first line of the input is the
// Content-Type, the rest the body. Exceptions are not caught: a thrown JSON type error
// is a crash (the parser must answer with a Status).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "registry/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dth::registry;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view content_type = nl == std::string_view::npos ? std::string_view() : input.substr(0, nl);
  std::string body(nl == std::string_view::npos ? input : input.substr(nl + 1));
  (void)ParsePlatform(content_type);
  auto m = ParseManifest(body, content_type);
  if (!m.ok()) return 0;
  if (m->bytes != body || m->digest != ContentDigest(body)) std::abort();
  if (m->is_index) {
    std::vector<Platform> wanted;
    if (!m->children.empty()) wanted.push_back(m->children.front().platform);
    auto filtered = FilterIndex(*m, wanted);
    // The first child's own platform always matches it.
    if (!m->children.empty() && (!filtered.ok() || !filtered->is_index || filtered->children.empty()))
      std::abort();
  }
  return 0;
}
