// Fuzz target: ParseIni (credentials/ini_file), ~/.aws/config and ~/.aws/credentials.
// Whatever it accepts holds no empty section name and only lower-case keys.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "credentials/ini_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = dth::ParseIni(text, "fuzz/config");
  if (!file.ok()) return 0;
  for (const auto& section : file->sections) {
    if (section.name.empty() || file->Find(section.name) == nullptr) std::abort();
    for (const auto& [key, value] : section.values) {
      if (key.empty()) std::abort();
      for (char c : key) {
        if (std::isupper(static_cast<unsigned char>(c))) std::abort();
      }
      if (section.Find(key) != &value) std::abort();
    }
  }
  return 0;
}
