// cli/image_report: what `dth image sync` prints: one line per image, the final
// summary, the --json document, the progress line's text, and the parsing of
// USER[:PASSWORD] credentials. Pure functions, so the wording is unit-tested. No
// output here ever holds a password or token.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "imagesync/image_sync.h"

namespace dth::cli {

// "copied      team/app:v1 -> mirror/team/app:v1 sha256:... (4 blobs, 3.0 MiB, 1 mounted)"
// "failed      team/app:nope: GET manifest ...: MANIFEST_UNKNOWN (404) ..."
// An index narrowed by --platform says so, with the source's digest, on its line.
std::string ImageResultLine(const imagesync::ImageResult& r);
// "30 images: 28 copied, 1 up to date, 1 failed; blobs: 84 copied (12.0 MiB), 3 mounted, 2 already there; 2.10 s"
std::string ImageSummaryLine(const imagesync::ImageSyncSummary& s, double seconds);
// {"images":[{source, destination, status, source_digest, dest_digest, platform_filtered, error, attempts,
//   blobs_copied, blobs_mounted, blobs_skipped, bytes_copied, seconds}], "summary":{...}}
nlohmann::json ImageSyncJson(const imagesync::ImageSyncSummary& s, double seconds, bool dry_run);
// "  12/30 images  10 copied  1 up to date  1 failed  45.1 MiB"
std::string ImageProgressText(int done, int total, const imagesync::ImageSyncSummary& so_far);

struct UserPassword {
  std::string user, password;
};
// "user:password" (split at the first ':'), "user" (empty password), "" (anonymous).
UserPassword ParseUserPassword(const std::string& text);

}  // namespace dth::cli
