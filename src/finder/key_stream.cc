#include "finder/key_stream.h"

#include <utility>

#include "finder/prefetch_lister.h"

namespace dth {

KeyStream::KeyStream(std::unique_ptr<ObjectLister> lister, std::string strip_prefix,
                     std::string name, std::string stop_after)
    : lister_(std::move(lister)),
      strip_prefix_(std::move(strip_prefix)),
      name_(std::move(name)),
      stop_after_(std::move(stop_after)) {}

KeyStream KeyStream::Open(ObjectStore& store, const KeyStreamOptions& options,
                          const std::string& side) {
  ListOptions list;
  list.prefix = options.list_prefix;
  list.delimiter = options.delimiter;
  list.page_size = options.page_size;
  list.start_after = options.start_after;
  return KeyStream(std::make_unique<PrefetchLister>(store.List(list)), options.strip_prefix,
                   side + " " + store.Describe() + " prefix \"" + options.list_prefix + "\"",
                   options.stop_after);
}

Status KeyStream::Fail(Status status) {
  error_ = status;
  return status;
}

Result<const ObjectInfo*> KeyStream::Next() {
  if (!error_.ok()) return error_;
  if (stopped_) return static_cast<const ObjectInfo*>(nullptr);
  while (index_ >= page_.objects.size()) {
    if (exhausted_) return static_cast<const ObjectInfo*>(nullptr);
    page_.objects.clear();
    page_.common_prefixes.clear();
    index_ = 0;
    Result<bool> more = lister_->Next(&page_);
    if (!more.ok()) {
      Status status = more.status();
      return Fail(status.Prefix("listing " + name_));
    }
    if (!*more) {
      exhausted_ = true;
      page_.objects.clear();
    }
    page_.common_prefixes.clear();  // not needed; free them early
  }
  ObjectInfo& object = page_.objects[index_++];
  if (object.key.compare(0, strip_prefix_.size(), strip_prefix_) != 0) {
    return Fail(Corruption("listing " + name_ + " returned key \"" + object.key +
                           "\" outside prefix \"" + strip_prefix_ + "\""));
  }
  object.key.erase(0, strip_prefix_.size());
  if (!stop_after_.empty() && object.key > stop_after_) {
    stopped_ = true;  // the rest belongs to the next range
    return static_cast<const ObjectInfo*>(nullptr);
  }
  if (has_previous_ && !(previous_ < object.key)) {
    return Fail(Corruption("listing " + name_ + " is not in strictly ascending key order: \"" +
                           strip_prefix_ + object.key + "\" came after \"" + strip_prefix_ +
                           previous_ + "\""));
  }
  previous_ = object.key;
  has_previous_ = true;
  ++count_;
  return static_cast<const ObjectInfo*>(&object);
}

}  // namespace dth
