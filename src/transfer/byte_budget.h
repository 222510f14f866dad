// transfer/byte_budget: a counting semaphore of bytes that bounds how much object data
// the copies of one process hold in memory at once. Acquire blocks until the bytes are
// free; a request larger than the whole budget is clamped to it (it then runs alone).
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace dth {

class ByteBudget {
 public:
  explicit ByteBudget(uint64_t capacity);
  ByteBudget(const ByteBudget&) = delete;
  ByteBudget& operator=(const ByteBudget&) = delete;

  // Returns the bytes actually taken (n clamped to the capacity); pass it to Release.
  uint64_t Acquire(uint64_t n);
  void Release(uint64_t n);

  uint64_t capacity() const { return capacity_; }
  uint64_t in_use() const;
  uint64_t peak() const;  // the most ever held at once

 private:
  const uint64_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  uint64_t used_ = 0;  // guarded by mu_
  uint64_t peak_ = 0;  // guarded by mu_
};

// RAII: holds bytes of a budget (or nothing when the budget is nullptr).
class BudgetHold {
 public:
  BudgetHold(ByteBudget* budget, uint64_t n)
      : budget_(budget), n_(budget ? budget->Acquire(n) : 0) {}
  ~BudgetHold() {
    if (budget_) budget_->Release(n_);
  }
  BudgetHold(const BudgetHold&) = delete;
  BudgetHold& operator=(const BudgetHold&) = delete;

 private:
  ByteBudget* budget_;
  uint64_t n_;
};

}  // namespace dth
