#include "cli/progress.h"

#include <cmath>

#include "core/human_bytes.h"

namespace dth::cli {

std::string ProgressLine::FormatBytes(double bytes) {
  return HumanBytes(std::llround(bytes));
}

std::string ProgressLine::FormatEta(double seconds) {
  const int64_t s = seconds > 0 ? static_cast<int64_t>(std::ceil(seconds)) : 0;
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    const int64_t m = (s + 59) / 60;  // minutes, rounded up
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(m / 60),
                  static_cast<long long>(m % 60));
  }
  return buf;
}

void ProgressLine::Update(uint64_t done, uint64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200) && done < total) return;
  last_draw_ = now;
  drawn_ = true;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  std::string line = "  " + FormatBytes(static_cast<double>(done)) + " / " +
                     FormatBytes(static_cast<double>(total));
  if (total > 0) line += "  " + std::to_string(done * 100 / total) + "%";
  line += "  " + FormatBytes(rate) + "/s";
  if (rate > 0 && total > done) {
    line += "  ETA " + FormatEta(static_cast<double>(total - done) / rate);
  }
  std::fprintf(out_, "\r\033[K%s", line.c_str());
  std::fflush(out_);
}

void ProgressLine::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!drawn_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace dth::cli
