// imagesync/plan: turns what the user asked for (an image list in the original's
// format, or ALL: the whole catalog) into one ImageJob per (repository, tag or digest),
// with tag include/exclude regular expressions applied to expanded tags (ALL_TAGS
// and ALL mode; an explicitly named tag is always kept) and the destination prefix
// applied to every destination repository. An entry that cannot be planned (a bad
// reference, a reference naming another registry, a repository whose tags cannot be
// listed) becomes a job carrying its error, so it fails alone while others go on.
// Listing goes through callbacks, so planning is unit-tested without a registry.
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/result.h"
#include "imagesync/image_copy.h"

namespace dth::imagesync {

struct PlanOptions {
  bool all = false;                 // the whole catalog, every tag
  std::vector<std::string> images;  // entries (already split), when !all
  std::optional<std::regex> include_tags, exclude_tags;
  std::string destination_prefix;   // "mirror" or "mirror/": mirror/<repo>
  std::string source_host;          // entries naming a registry must name this one
};

using RepositoryLister = std::function<Result<std::vector<std::string>>()>;
using TagLister = std::function<Result<std::vector<std::string>>(const std::string& repository)>;

// kInvalidArgument/other errors only when ALL mode cannot list the catalog.
Result<std::vector<ImageJob>> PlanImages(const PlanOptions& options, const RepositoryLister& repositories,
                                         const TagLister& tags);

// "mirror" + "team/app" -> "mirror/team/app"; "" keeps the name.
std::string ApplyPrefix(const std::string& prefix, const std::string& repository);

// Compiles a user's tag filter; kInvalidArgument naming the flag when malformed.
Result<std::optional<std::regex>> CompileTagFilter(const std::string& pattern, const char* flag);

}  // namespace dth::imagesync
