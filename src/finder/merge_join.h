// finder/merge_join: MergeJoin, which walks a source KeyStream and a destination
// KeyStream (both ascending, in the same key space) together and yields, in key order,
// pairs (source?, destination?): both when the key is on both sides, one otherwise.
// Memory is constant: one page per side.
// Owns: both streams.
// Thread-safety: not thread-safe; one join is used by one thread.
#pragma once

#include <string>

#include "core/result.h"
#include "finder/key_stream.h"

namespace dth {

struct JoinedPair {
  const ObjectInfo* source = nullptr;       // nullptr: key only at the destination
  const ObjectInfo* destination = nullptr;  // nullptr: key only at the source
  // The (relative) key of the pair.
  const std::string& key() const { return source ? source->key : destination->key; }
};

class MergeJoin {
 public:
  MergeJoin(KeyStream source, KeyStream destination);

  // Fills out with the next pair; returns false at the end. The pointers in out are
  // valid until the next call. Listing errors (including out-of-order keys) propagate.
  Result<bool> Next(JoinedPair* out);

  const KeyStream& source() const { return source_; }
  const KeyStream& destination() const { return destination_; }

 private:
  KeyStream source_;
  KeyStream destination_;
  const ObjectInfo* s_ = nullptr;
  const ObjectInfo* d_ = nullptr;
  bool advance_s_ = true;
  bool advance_d_ = true;
};

}  // namespace dth
