// cli/sync_report: what `dth sync`, `dth finder` and `dth worker` print — plan lines of
// a dry run, the live progress line on a terminal, the final summary (text or JSON),
// and the list of failures.
// Thread-safety: SyncProgressLine runs its own drawing thread; the rest is main-thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "sync/sync_engine.h"

namespace dth::cli {

// Keys are arbitrary bytes; a control character would let a key rewrite the terminal:
// those are shown as \xNN.
std::string PrintableKey(const std::string& key);
// "copy   missing          dir/key  7.0 KiB"
void PrintDecision(std::FILE* out, const Decision& d);
// "plan: copy 6 objects, 60.0 KiB (missing 6); delete 2; skip 3 (unchanged 3)"; deletes
// above max_deletes are said to be refused.
void PrintPlan(std::FILE* out, const FinderTotals& plan, bool dry_run,
               uint64_t max_deletes = UINT64_MAX);
void PrintReport(std::FILE* out, const std::string& task_id, const SyncReport& report);
// peak_rss_bytes > 0 adds "peak_rss_bytes" (the process's peak resident set so far).
std::string ReportJson(const std::string& task_id, const SyncReport& report, bool dry_run,
                       uint64_t peak_rss_bytes = 0);
// One line on why the delete phase did not run ("" when it ran).
std::string DeletePhaseNote(const SyncReport& report);
const char* DeletePhaseName(DeletePhase phase);  // "ran", "refused", "skipped", ...

// Redraws "objects 12/40  1.2/3.4 GiB  45.1 MiB/s  ETA 30s" about 5 times a second
// on stderr until destroyed (then clears it).
class SyncProgressLine {
 public:
  explicit SyncProgressLine(const SyncProgress& progress);
  ~SyncProgressLine();
  SyncProgressLine(const SyncProgressLine&) = delete;
  SyncProgressLine& operator=(const SyncProgressLine&) = delete;

 private:
  void Draw(double seconds);
  const SyncProgress& progress_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace dth::cli
