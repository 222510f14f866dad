// Fuzz target: DecodeMeta (store/local/local_meta), the JSON record a local store keeps
// in each file's "user.dth" xattr (another program can write anything there). A record
// that decodes must encode again and decode to the same record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "store/local/local_meta.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dth::local;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = DecodeMeta(text);
  if (!record) return 0;
  (void)MultipartCount(record->etag);
  (void)UnquoteEtag(record->etag);
  (void)ToTimePoint(record->mtime_ns);
  auto encoded = EncodeMeta(*record);
  if (!encoded.ok()) std::abort();  // every string came from valid JSON, so is UTF-8
  auto again = DecodeMeta(*encoded);
  if (!again || again->etag != record->etag || again->size != record->size ||
      again->mtime_ns != record->mtime_ns || again->storage_class != record->storage_class ||
      !(again->metadata == record->metadata) || again->tags != record->tags)
    std::abort();
  return 0;
}
