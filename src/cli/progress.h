// cli/progress: the live progress line on a terminal ("  12.0 / 100.0 MiB  12%
// 45.1 MiB/s  ETA 2s"), redrawn at most 5 times a second, cleared when done.
// Thread-safety: Update may be called from many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace dth::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::FILE* out) : out_(out), start_(std::chrono::steady_clock::now()) {}
  ~ProgressLine() { Clear(); }

  void Update(uint64_t done, uint64_t total);
  void Clear();

  // "12.0 MiB", "1.5 GiB" — for people (core/human_bytes; a rate is rounded to whole bytes).
  static std::string FormatBytes(double bytes);
  // Time left, rounded up: "1s" (for 0.2 s too), "59s", "2m05s", "3h07m".
  static std::string FormatEta(double seconds);

 private:
  std::mutex mu_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace dth::cli
