#include "transfer/buffer_pool.h"

#include <algorithm>

namespace dth {

BufferPool& BufferPool::Shared() {
  static BufferPool* pool = new BufferPool(32u << 20);  // never destroyed: used at exit
  return *pool;
}

std::string BufferPool::Take(size_t capacity) {
  {
    std::lock_guard lock(mu_);
    // The smallest idle buffer that is big enough.
    auto best = idle_.end();
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      if (it->capacity() >= capacity && (best == idle_.end() || it->capacity() < best->capacity()))
        best = it;
    }
    if (best != idle_.end()) {
      std::string out = std::move(*best);
      idle_bytes_ -= out.capacity();
      idle_.erase(best);
      out.clear();
      return out;
    }
  }
  std::string out;
  out.reserve(capacity);
  return out;
}

void BufferPool::Give(std::string buffer) {
  if (buffer.capacity() < (64u << 10)) return;  // small ones are cheap to make
  std::lock_guard lock(mu_);
  if (idle_bytes_ + buffer.capacity() > max_idle_bytes_) return;  // freed
  idle_bytes_ += buffer.capacity();
  idle_.push_back(std::move(buffer));
}

size_t BufferPool::idle_bytes() const {
  std::lock_guard lock(mu_);
  return idle_bytes_;
}

}  // namespace dth
