// transfer/ranged_download: downloads one object into a destination that takes
// positional writes (a local directory) with several ranged GETs at once, each pinned by
// If-Match to the source's version and written at its own offset of one temp file, which
// becomes the object only once every range arrived and the bytes match the source's ETag.
//
// What is checked (PlanDownload decides; an object no check covers is not downloaded in
// ranges but streamed as before):
//  * A multipart ETag "<md5 of the part MD5s>-N": the ranges are the source's parts, each
//    hashed as it arrives, and MD5(part MD5s)-N must be the ETag. S3 does not tell the
//    part size (RGW ignores partNumber on HEAD), so it is inferred: the sizes P that are
//    whole MiB with (N-1)P < size <= NP, dth's part size and common tools' (8, 5, 16, 64
//    MiB...) first, at most 8 of them; the first is used for the ranges, the others are
//    tried (reading the file back) only when it does not reproduce the ETag. When none
//    does, the parts had some other size (not whole MiB, or a guess not tried): the same
//    version is read once more in one GET, and only when its MD5 is the file's is the
//    object kept (RangedDownload::note says so); otherwise kCorruption, so a corrupted
//    range is never stored. Parts that cannot be whole MiB (no such P) are not
//    downloaded in ranges but streamed as before.
//  * A plain-MD5 ETag that is the object's MD5 (EtagIsContentMd5): ranges of
//    CopyOptions::part_size, then the whole file is read back and its MD5 compared.
// A range that fails or a source that changed (kPreconditionFailed from If-Match) stops
// the download: the temp file is removed, nothing appears under the key.
// Memory: one 1 MiB write buffer per range in flight (under CopyOptions::budget).
// Not resumable: an interrupted download starts over (its temp file is removed).
// Thread-safety: DownloadInRanges is reentrant; it joins its threads before returning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "transfer/object_copy.h"

namespace dth {

enum class DownloadCheck { kPartMd5s, kWholeMd5 };

struct DownloadPlan {
  uint64_t range_size = 0;
  int range_count = 0;
  DownloadCheck check = DownloadCheck::kWholeMd5;
  // kPartMd5s: other part sizes the ETag may have been made with, tried in this order
  // when range_size does not reproduce it.
  std::vector<uint64_t> other_part_sizes;
};

// "<32 hex>-N" → N (1..10000), else 0.
int MultipartEtagParts(std::string_view etag);

// How an object of this size and ETag is downloaded in ranges, or nullopt when it is not
// (no check of its bytes is possible, or it would be fewer than two ranges).
// etag_is_content_md5: a plain ETag is the MD5 of the bytes (EtagIsContentMd5);
// multipart_etags: the source's multipart ETags have S3's form.
std::optional<DownloadPlan> PlanDownload(uint64_t size, const std::string& etag,
                                         bool etag_is_content_md5, bool multipart_etags,
                                         uint64_t part_size);

struct RangedDownload {
  std::string etag;  // the destination's ETag (the source's)
  int ranges = 0;    // ranged GETs
  std::string note;  // set when the ETag's part size was not found (read twice instead)
};

// Downloads source_key (the version head describes) into destination_key as plan says,
// on options.part_concurrency threads.
Result<RangedDownload> DownloadInRanges(ObjectStore& source, const std::string& source_key,
                                        ObjectStore& destination, const std::string& destination_key,
                                        const ObjectHead& head, const DownloadPlan& plan,
                                        const PutOptions& put, const CopyOptions& options);

}  // namespace dth
