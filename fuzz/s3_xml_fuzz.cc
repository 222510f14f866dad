// Fuzz target: every S3 XML reply parser (store/s3/s3_xml) on the same bytes. A reply
// the parsers accept must also hold what they promise (non-empty keys, a token when
// truncated); anything else must come back as a Status, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "store/s3/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  using namespace dth::s3;
  ErrorBody err;
  ParseErrorBody(body, &err);
  if (auto list = ParseListObjectsV2(body); list.ok()) {
    for (const auto& o : list->objects) {
      if (o.key.empty()) std::abort();
    }
    if (list->truncated && list->next_continuation_token.empty()) std::abort();
  }
  (void)ParseInitiateMultipartUpload(body);
  if (auto parts = ParseListParts(body); parts.ok()) {
    for (const auto& part : parts->parts) {
      if (part.part_number < 1) std::abort();
    }
  }
  (void)ParseListMultipartUploads(body);
  (void)ParseEtagResult(body, "CompleteMultipartUpload");
  (void)ParseDeleteResult(body);
  (void)ParseTagging(body);
  return 0;
}
