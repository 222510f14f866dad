// Fuzz target: ParseChallenge (the WWW-Authenticate value of a registry's 401) and
// NextLink (the Link header of paged catalog/tags answers), registry/auth.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "registry/auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dth::registry;
  std::string_view header(reinterpret_cast<const char*>(data), size);
  if (auto c = ParseChallenge(header)) {
    if (c->scheme.empty()) std::abort();
    for (char ch : c->scheme) {
      if (std::isupper(static_cast<unsigned char>(ch))) std::abort();
    }
  }
  (void)NextLink(header, "http://127.0.0.1:5000");
  return 0;
}
