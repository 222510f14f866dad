// registry/reference: image references as users write them, and the image-list format
// of the original replicator. Owns parsing only (no network).
//   "nginx"                      -> repository nginx, tag latest
//   "library/nginx:1.25"         -> tag 1.25
//   "127.0.0.1:5000/team/app:v1" -> registry 127.0.0.1:5000, repository team/app, tag v1
//   "app@sha256:<64 hex>"        -> by digest (a tag before '@' is kept but the digest wins)
//   "app:ALL_TAGS"               -> every tag of app
// A registry is recognised, as docker does, when the first path component holds a '.'
// or a ':' or is "localhost". Repository names follow the distribution grammar
// (lower-case components separated by '/', with '.', '_', '__' or '-' inside).
// Thread-safety: pure functions on values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dth::registry {

struct ImageRef {
  std::string registry;    // "" when the text names none
  std::string repository;  // "team/app"
  std::string tag;         // "" when by digest only or ALL_TAGS
  std::string digest;      // "sha256:..." or ""
  bool all_tags = false;

  // The reference for manifest requests: the digest when set, else the tag.
  const std::string& reference() const { return digest.empty() ? tag : digest; }
  // "team/app:v1", "team/app@sha256:...", "team/app:ALL_TAGS" (without registry).
  std::string ToString() const;
  bool operator==(const ImageRef&) const = default;
};

inline constexpr char kAllTags[] = "ALL_TAGS";

bool IsValidRepository(std::string_view name);
bool IsValidTag(std::string_view tag);
// "sha256:" + 64 lower-case hex (the only algorithm registries use today).
bool IsValidDigest(std::string_view digest);

// kInvalidArgument with a message naming the text and what is wrong.
Result<ImageRef> ParseImageRef(std::string_view text);

// Splits an image list on commas and newlines; trims blanks and drops empty entries
// and lines starting with '#'. Each entry is parsed later, so one bad entry fails
// only itself.
std::vector<std::string> SplitImageList(std::string_view text);

}  // namespace dth::registry
