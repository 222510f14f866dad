#include "finder/prefetch_lister.h"

#include <utility>

namespace dth {

PrefetchLister::PrefetchLister(std::unique_ptr<ObjectLister> inner) : inner_(std::move(inner)) {
  Start();
}

PrefetchLister::~PrefetchLister() {
  if (pending_.valid()) pending_.wait();  // the fetch uses inner_
}

void PrefetchLister::Start() {
  ObjectLister* inner = inner_.get();
  pending_ = std::async(std::launch::async, [inner] {
    Fetched f;
    f.more = inner->Next(&f.page);
    return f;
  });
}

Result<bool> PrefetchLister::Next(ListPage* page) {
  page->objects.clear();
  page->common_prefixes.clear();
  if (done_ || !pending_.valid()) return false;
  Fetched f = pending_.get();
  if (!f.more.ok() || !*f.more) {
    done_ = true;  // an error is reported once; the lister is finished either way
    if (!f.more.ok()) return f.more.status();
    *page = std::move(f.page);
    return false;
  }
  *page = std::move(f.page);
  Start();
  return true;
}

}  // namespace dth
