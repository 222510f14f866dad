// sync/sync_log: the engine's notable events — the plan, retries, failures with their
// reasons, the delete phase, stale uploads — go to spdlog (the CLI's -v) and, when a
// sink is set, to the task's run log (the hub). Per-object successes go to spdlog only:
// a run log holds what needs attention, not one line per object.
// Thread-safety: Note may be called from any thread; the sink must be thread-safe.
#pragma once

#include <functional>
#include <string>

#include <spdlog/spdlog.h>

namespace dth {

enum class SyncLogLevel { kDebug, kInfo, kWarn, kError };
using SyncLogSink = std::function<void(SyncLogLevel level, const std::string& message)>;

inline void SyncNote(const SyncLogSink& sink, SyncLogLevel level, const std::string& message,
                     bool per_object = false) {
  switch (level) {
    case SyncLogLevel::kDebug: spdlog::debug("{}", message); break;
    case SyncLogLevel::kInfo: spdlog::info("{}", message); break;
    case SyncLogLevel::kWarn: spdlog::warn("{}", message); break;
    case SyncLogLevel::kError: spdlog::error("{}", message); break;
  }
  if (sink && !per_object) sink(level, message);
}

}  // namespace dth
