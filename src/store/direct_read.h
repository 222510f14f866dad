// store/direct_read: DirectRead, what a store offers on top of ObjectStore when it reads
// an object's bytes without a request (a local directory): a rewindable source over the
// object itself, so an upload can hash it and send it (and send it again on a retry)
// without holding it in memory.
// Thread-safety: OpenRead is safe from many threads; each source is read by one thread
// at a time.
#pragma once

#include <memory>
#include <string>

#include "core/bytes.h"
#include "store/object_store.h"

namespace dth {

class DirectRead {
 public:
  virtual ~DirectRead() = default;
  // A source over the object's bytes (or options.range), read in place. head, when
  // given, receives the object's head. options.if_match pins the version as for Get. A
  // file that changes while the source is read fails the Read that would finish it, so
  // an upload fed by it is cut short and never completes.
  virtual Result<std::unique_ptr<ByteSource>> OpenRead(const std::string& key,
                                                       const GetOptions& options,
                                                       ObjectHead* head = nullptr) = 0;
};

// The store's DirectRead, or nullptr when its objects are read with Get.
inline DirectRead* DirectReadOf(ObjectStore& store) { return dynamic_cast<DirectRead*>(&store); }

}  // namespace dth
