// store/location: parses what users type for a source or destination:
// "s3://bucket", "s3://bucket/prefix/key", a local path ("./dir", "/abs/file"), or
// "file:///abs/path". Malformed input is a one-line InvalidArgument.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "core/result.h"

namespace dth {

struct Location {
  enum class Kind { kS3, kLocal } kind = Kind::kLocal;
  std::string bucket;  // kS3
  std::string key;     // kS3: key or prefix after "bucket/" (may be "")
  std::string path;    // kLocal: the path as given (made absolute)
  std::string original;
};

Result<Location> ParseLocation(const std::string& text);

// The key prefix a sync uses for an S3 location's key: "" stays "", anything else names a
// folder and ends in exactly one '/' ("data" and "data/" are both "data/").
std::string SyncPrefix(const std::string& key);

// Bucket names as S3 names them: 3..63 of lower-case letters, digits, '.' and '-',
// beginning and ending with a letter or digit, no ".." and not an IPv4 address
// ("192.168.5.4"). Aliyun OSS, Tencent COS, Qiniu Kodo and S3-compatible stores name
// theirs within these rules. Also accepted, because such buckets exist and dth must be
// able to copy from them: Amazon S3's legacy us-east-1 names with upper-case letters or
// '_' (then up to 255 characters; Amazon S3 serves them only path-style: --addressing
// path). README, "Bucket names".
bool IsValidBucketName(const std::string& bucket);

}  // namespace dth
