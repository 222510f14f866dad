// finder/prefetch_lister: an ObjectLister that fetches the next page of another lister
// in the background while the caller works on the current one, so that the source and
// destination listings of a finder run at the same time and overlap the comparison.
// Holds at most two pages (constant memory).
// Owns: the inner lister and the one background fetch in flight.
// Thread-safety: like any lister, one caller at a time; the fetch runs on its own thread.
#pragma once

#include <future>
#include <memory>

#include "store/object_store.h"

namespace dth {

class PrefetchLister : public ObjectLister {
 public:
  explicit PrefetchLister(std::unique_ptr<ObjectLister> inner);
  ~PrefetchLister() override;

  Result<bool> Next(ListPage* page) override;

 private:
  struct Fetched {
    Result<bool> more = false;
    ListPage page;
  };
  void Start();

  std::unique_ptr<ObjectLister> inner_;
  std::future<Fetched> pending_;  // valid while a fetch is in flight
  bool done_ = false;
};

}  // namespace dth
