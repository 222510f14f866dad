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

// Bucket names as S3 allows them, loosely (legacy upper-case and '_' accepted; other
// providers are laxer): 3..63 (255 legacy) of [A-Za-z0-9._-], starting alphanumeric.
bool IsValidBucketName(const std::string& bucket);

}  // namespace dth
