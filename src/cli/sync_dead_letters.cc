// `dth sync --dead-letters | --requeue-dead-letters | --purge-dead-letters`: the jobs of a
// task that were given up (no retry could cure them, or they failed max-receives times),
// with their reasons; put back on the queue (the next `dth worker` or `dth sync` runs
// them) or removed.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/sync_report.h"
#include "cli/sync_setup.h"
#include "sync/sync_job.h"

namespace dth::cli {
namespace {

std::string Time(TimePoint t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* Kind(const SyncJob& job) {
  switch (job.kind) {
    case SyncJobKind::kObject: return "copy";
    case SyncJobKind::kPart: return "part";
    case SyncJobKind::kDelete: return "delete";
  }
  return "?";
}

int ListDeadLetters(OpenedTask& task, bool json) {
  nlohmann::json all = nlohmann::json::array();
  int64_t after = 0;
  uint64_t count = 0;
  for (;;) {
    auto page = task.queue->DeadLetters(task.spec.task_id, after, 1000);
    if (!page.ok()) return ReportError(page.status());
    if (page->empty()) break;
    for (const DeadLetter& d : *page) {
      after = d.id;
      ++count;
      auto job = DecodeSyncJob(d.job.body);
      const std::string key = job.ok() ? job->key : d.job.dedup_key;
      const std::string kind = job.ok() ? Kind(*job) : "malformed";
      if (json) {
        all.push_back({{"id", d.id}, {"kind", kind}, {"key", key},
                       {"part", job.ok() ? job->part_number : 0},
                       {"attempts", d.receive_count}, {"dead_at", Time(d.dead_at)},
                       {"reason", d.reason}});
      } else {
        std::printf("%lld  %-6s %s%s  %d attempts  %s  %s\n", static_cast<long long>(d.id),
                    kind.c_str(), PrintableKey(key).c_str(),
                    job.ok() && job->part_number > 0
                        ? (" part " + std::to_string(job->part_number)).c_str()
                        : "",
                    d.receive_count, Time(d.dead_at).c_str(), d.reason.c_str());
      }
    }
  }
  if (json) {
    std::printf("%s\n", all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("%llu dead letters in task %s\n", static_cast<unsigned long long>(count),
                task.spec.task_id.c_str());
  }
  return 0;
}

}  // namespace

void AddDeadLetterFlags(CLI::App* cmd, SyncArgs& args) {
  const char* group = "Dead letters (instead of a run)";
  auto* list = cmd->add_flag("--dead-letters", args.list_dead,
                             "List the task's given-up jobs with their reasons (--json too)")
                   ->group(group);
  auto* requeue = cmd->add_flag("--requeue-dead-letters", args.requeue_dead,
                                "Put them back on the queue for the next `dth worker`")
                      ->group(group);
  auto* purge = cmd->add_flag("--purge-dead-letters", args.purge_dead, "Remove them")->group(group);
  list->excludes(requeue)->excludes(purge);
  requeue->excludes(purge);
}

int DeadLetterCommand(OpenedTask& task, const SyncArgs& args) {
  if (args.list_dead) return ListDeadLetters(task, args.json);
  if (!args.requeue_dead && !args.purge_dead) return -1;
  auto lock = task.state->LockTask(task.spec.task_id, TaskLockMode::kShared);
  if (!lock.ok()) return ReportError(lock.status());
  auto done = args.requeue_dead ? task.queue->RequeueDeadLetters(task.spec.task_id, {})
                                : task.queue->PurgeDeadLetters(task.spec.task_id, {});
  if (!done.ok()) return ReportError(done.status());
  std::printf("%s %lld dead letters of task %s%s\n", args.requeue_dead ? "requeued" : "removed",
              static_cast<long long>(*done), task.spec.task_id.c_str(),
              args.requeue_dead ? " (run `dth worker` with the same task to retry them)" : "");
  return 0;
}

}  // namespace dth::cli
