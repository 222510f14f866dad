// Fuzz target: ParseTaskFile (sync/sync_task), task files in YAML or JSON, then
// ToSyncOptions on what it accepts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sync/sync_task.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto spec = dth::ParseTaskFile(text, "fuzz.yaml");
  if (spec.ok()) (void)dth::ToSyncOptions(*spec);
  return 0;
}
