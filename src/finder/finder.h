// finder/finder: Finder::Run lists a source and a destination as streams, merge-joins
// them and decides per key (finder/decide), handing every decision to a sink and
// returning exact totals. Memory is constant in the number of keys: one listing page per
// side per running unit. Optional fan-out: common prefixes down to finder_depth levels
// become units run on up to finder_number threads (decisions are then not globally
// ordered; totals are exact). A prefix list can replace the single prefix.
// Key spaces: the source lists source_prefix + rel, the destination
// destination_prefix + rel; decisions, filters and the recorded-ETag lookup use rel.
// Thread-safety: Run may be called concurrently with different arguments. Within one run
// the sink is called from one thread at a time; options.recorded_etag may be called from
// several threads at once when finder_number > 1.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "finder/decide.h"
#include "store/object_store.h"

namespace dth {

struct FinderOptions {
  std::vector<std::string> include;  // globs on rel keys; empty = everything
  std::vector<std::string> exclude;  // globs on rel keys; exclude wins
  bool skip_compare = false;
  bool newer = false;
  bool checksum = false;
  bool delete_extra = false;  // delete destination-only keys (the caller guards how many)
  bool compare_md5_without_record = false;  // see DecideOptions
  RecordedEtagLookup recorded_etag;  // empty = no records
  // Relative prefixes listed instead of "" (the whole source prefix); overlaps removed.
  std::vector<std::string> prefix_list;
  // When not empty: only these relative keys are compared (each listed on both sides
  // with itself as the prefix; other keys under it are passed over). For retrying chosen
  // objects; prefix lists, splits and fan-out do not apply.
  std::vector<std::string> exact_keys;
  // Relative keys that split the key space into ranges listed in parallel (each range
  // on both sides, from a ListObjects start-after), when there is no prefix list and no
  // fan-out. The sync engine takes them from the keys it recorded last time.
  std::vector<std::string> split_keys;
  // Keys per listing page for those ranges (0 = page_size): sized to the expected
  // range so that a page does not run far past the range's end.
  int range_page_size = 0;
  int finder_depth = 0;   // fan-out levels of "/"-delimited common prefixes; 0 = none
  int finder_number = 1;  // threads for the units (1 = the calling thread only)
  int page_size = 1000;
};

struct FinderTotals {
  uint64_t source_objects = 0;
  uint64_t destination_objects = 0;
  uint64_t copy_objects = 0;
  uint64_t copy_bytes = 0;
  uint64_t skip_objects = 0;
  uint64_t skip_bytes = 0;  // source bytes skipped
  uint64_t delete_objects = 0;
  uint64_t delete_bytes = 0;
  std::array<uint64_t, kReasonCount> by_reason{};  // objects per reason

  void Add(const Decision& decision);
  void Merge(const FinderTotals& other);
  uint64_t count(Reason reason) const { return by_reason[static_cast<size_t>(reason)]; }
  bool operator==(const FinderTotals&) const = default;
};

// Receives each decision; a non-OK Status stops the run and is returned by Run.
// Blocking in the sink is the back-pressure.
using DecisionSink = std::function<Status(const Decision&)>;

class Finder {
 public:
  static Result<FinderTotals> Run(ObjectStore& source, const std::string& source_prefix,
                                  ObjectStore& destination, const std::string& destination_prefix,
                                  const FinderOptions& options, const DecisionSink& sink);
};

}  // namespace dth
