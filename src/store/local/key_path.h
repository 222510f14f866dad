// store/local/key_path: maps object keys to relative paths under a LocalStore root and
// owns the store's reserved (hidden) names. A key is representable when it is a
// non-empty sequence of '/'-separated segments, each 1..255 bytes (NAME_MAX), not "."
// or "..", without NUL bytes, not starting with '/', and not colliding with a reserved
// name: the top-level folder ".dth" (multipart uploads) and any segment starting with
// ".dth-tmp-" (in-flight atomic writes). Reserved names never appear in listings.
// Thread-safety: pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace dth::local {

inline constexpr std::string_view kInternalDir = ".dth";      // only at the root
inline constexpr std::string_view kTempPrefix = ".dth-tmp-";  // in any directory
inline constexpr size_t kNameMax = 255;

// Whether a directory entry name is internal to the store (never listed, never a key
// segment). at_root: the entry sits directly under the store root.
bool IsReservedName(std::string_view name, bool at_root);

// Checks key and splits it into its segments. Errors are kInvalidArgument with a
// one-line message naming the (escaped) key.
Status SplitKey(std::string_view key, std::vector<std::string>* segments);

// The key made printable on one line: control bytes, DEL, invalid UTF-8, '\\' and '"'
// become escapes (\n, \t, \xNN, \\, \"), valid UTF-8 is kept. Quoted.
std::string EscapeKey(std::string_view key);

}  // namespace dth::local
