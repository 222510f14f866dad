#include "cli/sync_report.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/progress.h"

namespace dth::cli {
namespace {

std::string Size(uint64_t bytes) { return ProgressLine::FormatBytes(static_cast<double>(bytes)); }

// "1 object", "2 objects".
std::string Counted(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Objects per second: whole numbers from 10 on, one decimal below ("0.3", not "0").
std::string Rate(double per_second) {
  char buf[32];
  std::snprintf(buf, sizeof buf, per_second >= 10 || per_second == 0 ? "%.0f" : "%.1f", per_second);
  return buf;
}

}  // namespace

std::string PrintableKey(const std::string& key) {
  std::string out;
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

std::string ReasonCounts(const FinderTotals& plan, Action action) {
  std::string out;
  for (size_t i = 0; i < kReasonCount; ++i) {
    Reason reason = static_cast<Reason>(i);
    bool is_copy = reason <= Reason::kSkipCompare;
    bool is_delete = reason == Reason::kDeleteDestinationOnly;
    Action of = is_copy ? Action::kCopy : is_delete ? Action::kDelete : Action::kSkip;
    if (of != action || plan.by_reason[i] == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::string(ReasonName(reason)) + " " + std::to_string(plan.by_reason[i]);
  }
  return out.empty() ? "" : " (" + out + ")";
}

}  // namespace

void PrintDecision(std::FILE* out, const Decision& d) {
  const ObjectInfo* obj = d.source != nullptr ? d.source : d.destination;
  std::fprintf(out, "%-6s %-17s %s  %s\n", ActionName(d.action), ReasonName(d.reason),
               PrintableKey(d.key()).c_str(), Size(obj->size).c_str());
}

void PrintPlan(std::FILE* out, const FinderTotals& plan, bool dry_run, uint64_t max_deletes) {
  const std::string refused =
      plan.delete_objects > max_deletes
          ? " (more than --max-delete " + std::to_string(max_deletes) + ": none would go)"
          : "";
  std::fprintf(out, "%s: copy %s, %s%s; delete %llu%s; skip %llu%s\n",
               dry_run ? "dry run" : "plan", Counted(plan.copy_objects, "object", "objects").c_str(),
               Size(plan.copy_bytes).c_str(), ReasonCounts(plan, Action::kCopy).c_str(),
               static_cast<unsigned long long>(plan.delete_objects), refused.c_str(),
               static_cast<unsigned long long>(plan.skip_objects),
               ReasonCounts(plan, Action::kSkip).c_str());
}

void PrintReport(std::FILE* out, const std::string& task_id, const SyncReport& report) {
  const double secs = std::chrono::duration<double>(report.elapsed).count();
  const double rate = secs > 0 ? static_cast<double>(report.copied_bytes) / secs : 0;
  std::fprintf(out,
               "%s: copied %s (%s) in %.2f s (%s/s, %s objects/s); deleted %llu; "
               "skipped %llu%s; failed %llu\n",
               task_id.c_str(), Counted(report.copied_objects, "object", "objects").c_str(),
               Size(report.copied_bytes).c_str(), secs, Size(static_cast<uint64_t>(rate)).c_str(),
               Rate(secs > 0 ? static_cast<double>(report.copied_objects) / secs : 0.0).c_str(),
               static_cast<unsigned long long>(report.deleted_objects),
               static_cast<unsigned long long>(report.plan.skip_objects),
               ReasonCounts(report.plan, Action::kSkip).c_str(),
               static_cast<unsigned long long>(report.failures_total));
  const RetryCounts& r = report.retried_requests;
  if (r.total() > 0 || report.retried_jobs > 0) {
    std::fprintf(out,
                 "retried: %s (%llu throttled, %s, %llu network); %s\n",
                 Counted(r.total(), "request", "requests").c_str(),
                 static_cast<unsigned long long>(r.throttled),
                 Counted(r.server_error, "server error", "server errors").c_str(),
                 static_cast<unsigned long long>(r.transient),
                 Counted(report.retried_jobs, "job", "jobs").c_str());
  }
  if (report.parts_resumed > 0) {
    std::fprintf(out, "resumed: %s already uploaded and not sent again\n",
                 Counted(report.parts_resumed, "part was", "parts were").c_str());
  }
  for (const SyncFailure& f : report.failures) {
    std::fprintf(out, "failed: %s: %s (%s)\n", PrintableKey(f.key).c_str(), f.error.c_str(),
                 Counted(static_cast<uint64_t>(f.attempts), "attempt", "attempts").c_str());
  }
  if (report.failures_total > report.failures.size()) {
    std::fprintf(out, "failed: ... and %llu more (dth sync --dead-letters lists them)\n",
                 static_cast<unsigned long long>(report.failures_total - report.failures.size()));
  }
  const std::string deletes = DeletePhaseNote(report);
  if (!deletes.empty()) std::fprintf(out, "%s\n", deletes.c_str());
  if (report.interrupted) {
    std::fprintf(out, "interrupted: run the same command again to resume\n");
  }
}

std::string DeletePhaseNote(const SyncReport& report) {
  const std::string n = std::to_string(report.deletes_not_run);
  switch (report.delete_phase) {
    case DeletePhase::kRan: return "";
    case DeletePhase::kRefused:
      return "deletes refused: " + n + " destination-only keys exceed --max-delete " +
             std::to_string(report.max_deletes) +
             "; nothing was deleted (check the prefixes, or raise --max-delete)";
    case DeletePhase::kSkipped:
      return "deletes skipped: " + n +
             " destination-only keys were kept because copies failed (fix them and run again; "
             "--delete-during deletes without waiting for the copies)";
    case DeletePhase::kInterrupted:
      return "deletes not run: " + n + " destination-only keys wait for a run that finishes";
  }
  return "";
}

const char* DeletePhaseName(DeletePhase phase) {
  switch (phase) {
    case DeletePhase::kRan: return "ran";
    case DeletePhase::kRefused: return "refused";
    case DeletePhase::kSkipped: return "skipped";
    case DeletePhase::kInterrupted: return "interrupted";
  }
  return "?";
}

std::string ReportJson(const std::string& task_id, const SyncReport& report, bool dry_run,
                       uint64_t peak_rss_bytes) {
  nlohmann::json j;
  j["task_id"] = task_id;
  j["dry_run"] = dry_run;
  j["ok"] = report.ok();
  if (report.run_id != 0) j["run_id"] = report.run_id;
  const FinderTotals& p = report.plan;
  nlohmann::json reasons = nlohmann::json::object();
  for (size_t i = 0; i < kReasonCount; ++i) {
    if (p.by_reason[i] == 0) continue;
    Reason reason = static_cast<Reason>(i);
    std::string name = ReasonName(reason);
    if (reason == Reason::kDeleteDestinationOnly) name = "delete-destination-only";
    reasons[name] = p.by_reason[i];
  }
  j["plan"] = {{"source_objects", p.source_objects}, {"destination_objects", p.destination_objects},
               {"copy_objects", p.copy_objects},     {"copy_bytes", p.copy_bytes},
               {"skip_objects", p.skip_objects},     {"delete_objects", p.delete_objects},
               {"by_reason", reasons}};
  j["copied_objects"] = report.copied_objects;
  j["copied_bytes"] = report.copied_bytes;
  j["deleted_objects"] = report.deleted_objects;
  j["failed_objects"] = report.failures_total;
  j["parts_sent"] = report.parts_sent;
  j["parts_resumed"] = report.parts_resumed;
  j["retries"] = report.retried_jobs;  // jobs put back on the queue after a failed attempt
  j["retried_requests"] = {{"throttled", report.retried_requests.throttled},
                           {"server_error", report.retried_requests.server_error},
                           {"network", report.retried_requests.transient}};
  j["delete_phase"] = {{"status", DeletePhaseName(report.delete_phase)},
                       {"not_run", report.deletes_not_run},
                       {"max_deletes", report.max_deletes}};
  j["interrupted"] = report.interrupted;
  j["elapsed_seconds"] = std::chrono::duration<double>(report.elapsed).count();
  if (peak_rss_bytes > 0) j["peak_rss_bytes"] = peak_rss_bytes;
  nlohmann::json failures = nlohmann::json::array();
  for (const SyncFailure& f : report.failures) {
    failures.push_back({{"key", f.key}, {"error", f.error}, {"attempts", f.attempts}});
  }
  j["failures"] = failures;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SyncProgressLine::SyncProgressLine(const SyncProgress& progress) : progress_(progress) {
  thread_ = std::thread([this] {
    const auto start = std::chrono::steady_clock::now();
    while (!done_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (done_) break;
      Draw(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  });
}

SyncProgressLine::~SyncProgressLine() {
  done_ = true;
  thread_.join();
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

void SyncProgressLine::Draw(double seconds) {
  const uint64_t objects = progress_.copied_objects;
  const uint64_t planned = progress_.planned_objects;
  const uint64_t moving = progress_.moving_bytes;
  const uint64_t total = progress_.planned_bytes;
  const double rate = seconds > 0 ? static_cast<double>(moving) / seconds : 0;
  std::string line = "  objects " + std::to_string(objects) + "/" + std::to_string(planned) +
                     (progress_.finder_done ? "" : "+") + "  " + Size(moving) + "/" + Size(total) +
                     "  " + Size(static_cast<uint64_t>(rate)) + "/s";
  if (progress_.failed_objects > 0) line += "  failed " + std::to_string(progress_.failed_objects);
  if (progress_.finder_done && rate > 0 && total > moving) {
    line += "  ETA " + ProgressLine::FormatEta(static_cast<double>(total - moving) / rate);
  }
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
}

}  // namespace dth::cli
