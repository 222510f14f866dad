// finder/finder_plan: splits a finder run into independent units of work. Each unit is
// a relative prefix listed on both sides, either recursively or only one level deep
// (delimiter "/"). Fan-out to depth N lists common prefixes (delimiter "/") of both
// sides, level by level; the union of all units covers every key exactly once.
// Costs: the prefixes down to depth N are held in memory (one string each), and the
// objects of the levels above N are listed twice (once for their prefixes, once as a
// one-level unit).
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/object_store.h"

namespace dth {

struct FinderUnit {
  std::string prefix;      // relative to the source / destination prefix
  bool recursive = true;   // false: only objects directly under prefix (delimiter "/")
  // A key range within the prefix (relative keys): after < key <= up_to; "" = open.
  std::string after;
  std::string up_to;
  bool exact = false;  // only the key equal to prefix (a retry of chosen keys)
  bool operator==(const FinderUnit&) const = default;
};

// Recursive units covering the whole key space as ranges between split keys (relative,
// any order, duplicates ignored): (-, k1], (k1, k2], ..., (kn, -).
std::vector<FinderUnit> RangeUnits(std::vector<std::string> split_keys);

// Sorted, with every prefix that another listed prefix already covers removed, so that
// no key is visited twice. An empty list becomes {""}.
std::vector<std::string> NormalizePrefixList(std::vector<std::string> prefixes);

// A prefix-list file's text: one relative prefix per line; "\r" line ends tolerated;
// blank lines and lines starting with '#' ignored. Not normalized.
std::vector<std::string> ParsePrefixList(std::string_view text);

// Units for roots (relative prefixes, normalized) expanded depth levels deep.
Result<std::vector<FinderUnit>> PlanUnits(ObjectStore& source, const std::string& source_prefix,
                                          ObjectStore& destination,
                                          const std::string& destination_prefix,
                                          const std::vector<std::string>& roots, int depth,
                                          int page_size);

}  // namespace dth
