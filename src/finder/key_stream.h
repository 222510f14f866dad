// finder/key_stream: KeyStream, a pull-based stream of ObjectInfo over one ObjectLister.
// Pages are fetched lazily (one page held at a time), keys are checked to be strictly
// ascending (a violation is a kCorruption error naming both keys, never a silent
// mis-join), and a fixed prefix is stripped from every key so that a source listing and
// a destination listing compare in the same key space:
//   source      lists "<source_prefix><rel>"      -> yields "<rel>"
//   destination lists "<destination_prefix><rel>" -> yields "<rel>"
// Owns: its lister and the current page.
// Thread-safety: not thread-safe; one stream is used by one thread at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/object_store.h"

namespace dth {

struct KeyStreamOptions {
  std::string list_prefix;   // what is listed
  std::string strip_prefix;  // removed from every key; must be a prefix of list_prefix
  std::string delimiter;     // "" = recursive; "/" = only objects directly under list_prefix
  int page_size = 1000;
  std::string start_after;  // a listed (unstripped) key to start after; "" = the start
  std::string stop_after;   // a stripped key: the stream ends after it; "" = no end
};

class KeyStream {
 public:
  // name describes the listing in error messages (e.g. "source mem://a").
  KeyStream(std::unique_ptr<ObjectLister> lister, std::string strip_prefix, std::string name,
            std::string stop_after = "");
  // Lists store with options (the store's common prefixes are ignored).
  static KeyStream Open(ObjectStore& store, const KeyStreamOptions& options,
                        const std::string& side);

  KeyStream(KeyStream&&) = default;
  KeyStream& operator=(KeyStream&&) = default;

  // The next object, with strip_prefix removed from its key, or nullptr at the end.
  // The pointer is valid until the next call. After an error, every call returns it.
  Result<const ObjectInfo*> Next();

  // Objects yielded so far.
  uint64_t count() const { return count_; }

 private:
  Status Fail(Status status);

  std::unique_ptr<ObjectLister> lister_;
  std::string strip_prefix_;
  std::string name_;
  std::string stop_after_;
  bool stopped_ = false;
  ListPage page_;
  size_t index_ = 0;
  bool exhausted_ = false;
  bool has_previous_ = false;
  std::string previous_;  // previous key, prefix stripped
  uint64_t count_ = 0;
  Status error_;
};

}  // namespace dth
