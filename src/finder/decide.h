// finder/decide: the per-key decision of the finder — copy, skip or delete, with the
// reason — as a pure function of a joined pair (source?, destination?) and the options.
// The ETag recorded at the last successful transfer comes from a lookup callback (the
// state store provides it; tests use a map).
// Thread-safety: Decide is pure; it is as thread-safe as the lookup callback it is given.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "finder/key_filter.h"
#include "finder/merge_join.h"

namespace dth {

enum class Action { kCopy, kSkip, kDelete };

enum class Reason {
  // kCopy
  kMissing,          // not at the destination
  kSizeDiffers,      // sizes differ
  kSourceChanged,    // source ETag != the one recorded at the last successful transfer
  kUnfinished,       // a transfer was started or failed and never finished
  kNewer,            // newer mode: source last_modified > destination's
  kChecksumDiffers,  // checksum mode: both ETags plain MD5s and different
  kSkipCompare,      // skip-compare mode: everything is copied
  // kSkip
  kUnchanged,
  kArchive,          // source in an archive storage class (GLACIER, DEEP_ARCHIVE, ...)
  kExcluded,         // excluded by the include/exclude filters
  kDestinationOnly,  // only at the destination and delete mode is off
  // kDelete
  kDeleteDestinationOnly,  // only at the destination and delete mode is on
};
inline constexpr size_t kReasonCount = static_cast<size_t>(Reason::kDeleteDestinationOnly) + 1;

const char* ActionName(Action action);  // "copy", "skip", "delete"
const char* ReasonName(Reason reason);  // "missing", "size-differs", ...

// What the state store remembers of a key's last transfer.
struct RecordedTransfer {
  std::string source_etag;  // the source ETag it copied (finished) or meant to copy
  bool finished = true;     // false: started or failed, never finished
};

// Source key (relative to the source prefix) -> its recorded transfer, or nullopt when
// there is no record.
using RecordedEtagLookup =
    std::function<std::optional<RecordedTransfer>(const std::string& key)>;

struct DecideOptions {
  bool skip_compare = false;  // copy every source object (archive and excluded still skip)
  bool newer = false;         // also copy when the source is newer than the destination
  bool checksum = false;      // also copy when both ETags are plain MD5s and differ
  bool delete_extra = false;  // delete destination-only keys
  // With no record of a key (a lost state file, a new task id), same-size objects are
  // compared by ETag when both are plain MD5s (the caller sets it when both stores'
  // single-part, unencrypted ETags are MD5s): a same-size rewrite is still caught.
  bool compare_md5_without_record = false;
  const KeyFilter* filter = nullptr;   // nullptr = everything passes
  RecordedEtagLookup recorded_etag;    // empty = no records
};

struct Decision {
  Action action = Action::kSkip;
  Reason reason = Reason::kUnchanged;
  // The pair decided on; keys are relative. Valid only during the sink call.
  const ObjectInfo* source = nullptr;
  const ObjectInfo* destination = nullptr;
  const std::string& key() const { return source ? source->key : destination->key; }
};

// What identifies the listed version of a source object: its ETag, or, for a store that
// cannot tell one cheaply (a local directory's files not written by dth),
// "mtime:<ms since the epoch>". "" when neither is known.
std::string SourceVersion(const ObjectInfo& source);

Decision Decide(const JoinedPair& pair, const DecideOptions& options);

}  // namespace dth
