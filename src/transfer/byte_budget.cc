#include "transfer/byte_budget.h"

#include <algorithm>

namespace dth {

ByteBudget::ByteBudget(uint64_t capacity) : capacity_(std::max<uint64_t>(capacity, 1)) {}

uint64_t ByteBudget::Acquire(uint64_t n) {
  n = std::min(n, capacity_);
  std::unique_lock lock(mu_);
  freed_.wait(lock, [&] { return used_ + n <= capacity_; });
  used_ += n;
  peak_ = std::max(peak_, used_);
  return n;
}

void ByteBudget::Release(uint64_t n) {
  {
    std::lock_guard lock(mu_);
    used_ -= std::min(n, used_);
  }
  freed_.notify_all();
}

uint64_t ByteBudget::in_use() const {
  std::lock_guard lock(mu_);
  return used_;
}

uint64_t ByteBudget::peak() const {
  std::lock_guard lock(mu_);
  return peak_;
}

}  // namespace dth
