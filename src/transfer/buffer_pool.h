// transfer/buffer_pool: reuses the big buffers that parts and small objects are held in
// between a GET and its PUT, so that each part does not cost fresh pages from the
// kernel (page faults and zeroing were a tenth of a copy's CPU time). Idle buffers are
// kept up to a byte limit; the rest are freed.
// Thread-safety: thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace dth {

class BufferPool {
 public:
  explicit BufferPool(size_t max_idle_bytes) : max_idle_bytes_(max_idle_bytes) {}
  // The process's pool for object data (keeps up to 32 MiB idle).
  static BufferPool& Shared();

  // An empty string whose capacity is at least `capacity`.
  std::string Take(size_t capacity);
  void Give(std::string buffer);

  size_t idle_bytes() const;

 private:
  const size_t max_idle_bytes_;
  mutable std::mutex mu_;
  std::vector<std::string> idle_;  // guarded by mu_
  size_t idle_bytes_ = 0;          // guarded by mu_
};

// A ByteSink into a pooled buffer, returned to the pool on destruction.
class PooledSink : public ByteSink {
 public:
  PooledSink(BufferPool& pool, size_t capacity) : pool_(pool), out_(pool.Take(capacity)) {}
  ~PooledSink() override { pool_.Give(std::move(out_)); }
  PooledSink(const PooledSink&) = delete;
  PooledSink& operator=(const PooledSink&) = delete;

  Status Write(std::string_view data) override {
    out_.append(data);
    return Status::Ok();
  }
  const std::string& str() const { return out_; }

 private:
  BufferPool& pool_;
  std::string out_;
};

}  // namespace dth
