// `dth sync SRC DST`: finder and workers in one process on the embedded SQLite store.
// `dth finder` and `dth worker`: the same engine as separate processes sharing a store.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>

#include <csignal>
#include <optional>

#include "cli/commands.h"
#include "cli/sync_report.h"
#include "cli/sync_setup.h"
#include "store/s3/s3_client.h"

namespace dth::cli {
namespace {

std::atomic<SyncEngine*> g_running{nullptr};
std::atomic<int> g_interrupts{0};

constexpr int kInterruptedExit = 130;  // 128 + SIGINT, as shells report it

void OnInterrupt(int) {
  // First Ctrl-C (or SIGTERM): take no new job, stop multipart copies at a part boundary,
  // then print the summary. A second one ends the process now.
  if (g_interrupts.fetch_add(1) > 0) ::_exit(kInterruptedExit);
  static const char kMessage[] =
      "\ndth: stopping at a resumable point (parts in flight finish); press Ctrl-C again to "
      "quit now\n";
  (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  if (SyncEngine* engine = g_running.load()) engine->Stop();
}

// Installs the interrupt handler for the engine's lifetime.
class InterruptScope {
 public:
  explicit InterruptScope(SyncEngine& engine) {
    g_interrupts = 0;
    g_running = &engine;
    std::signal(SIGINT, OnInterrupt);
    std::signal(SIGTERM, OnInterrupt);
  }
  ~InterruptScope() {
    g_running = nullptr;
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
};

bool ShowProgress(const GlobalOptions& g, const SyncArgs& args) {
  return !g.quiet && !args.json && isatty(STDERR_FILENO);
}

// The process's peak resident set so far (0 if unknown).
uint64_t PeakRssBytes() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0 || usage.ru_maxrss <= 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

int Finish(const OpenedTask& task, const SyncArgs& args, const GlobalOptions& g,
           SyncReport report) {
  report.retried_requests = s3::S3Client::Retries().Counts();
  const uint64_t peak = PeakRssBytes();
  if (args.json) {
    std::printf("%s\n", ReportJson(task.spec.task_id, report, false, peak).c_str());
  } else if (!g.quiet || !report.ok()) {
    PrintReport(stdout, task.spec.task_id, report);
    if (peak > 0) std::printf("peak memory: %.1f MiB resident\n", static_cast<double>(peak) / (1 << 20));
  }
  if (report.interrupted) return kInterruptedExit;
  return report.ok() ? 0 : 1;
}

// Holds the task for the command's lifetime (see state/task_lock.h).
Result<std::unique_ptr<TaskLock>> Lock(OpenedTask& task, TaskLockMode mode) {
  return task.state->LockTask(task.spec.task_id, mode);
}

int DryRun(OpenedTask& task, const SyncArgs& args, const GlobalOptions& g) {
  SyncEngine engine(SyncStores{*task.source, *task.destination, *task.queue, *task.state},
                    task.options);
  auto plan = engine.Plan(/*enqueue=*/false, [&](const Decision& d) {
    if (!args.json) PrintDecision(stdout, d);
  });
  if (!plan.ok()) return ReportError(plan.status());
  SyncReport report;
  report.plan = *plan;
  if (args.json) {
    std::printf("%s\n", ReportJson(task.spec.task_id, report, true).c_str());
  } else if (!g.quiet) {
    PrintPlan(stdout, *plan, true, task.options.max_deletes);
  }
  return 0;
}

int RunSync(const SyncArgs& args, const GlobalOptions& g) {
  auto task = OpenTask(args, g);
  if (!task.ok()) return ReportError(task.status());
  if (args.dry_run) return DryRun(*task, args, g);
  if (int code = DeadLetterCommand(*task, args); code >= 0) return code;
  auto lock = Lock(*task, TaskLockMode::kExclusive);
  if (!lock.ok()) return ReportError(lock.status());
  SyncEngine engine(SyncStores{*task->source, *task->destination, *task->queue, *task->state},
                    task->options);
  InterruptScope interrupt(engine);
  Result<SyncReport> report = SyncReport{};
  {
    std::optional<SyncProgressLine> line;
    if (ShowProgress(g, args)) line.emplace(engine.progress());
    report = engine.Sync();
  }
  if (!report.ok()) return ReportError(report.status());
  return Finish(*task, args, g, *report);
}

int RunFinder(const SyncArgs& args, const GlobalOptions& g) {
  auto task = OpenTask(args, g);
  if (!task.ok()) return ReportError(task.status());
  if (args.dry_run) return DryRun(*task, args, g);
  auto lock = Lock(*task, TaskLockMode::kShared);
  if (!lock.ok()) return ReportError(lock.status());
  SyncEngine engine(SyncStores{*task->source, *task->destination, *task->queue, *task->state},
                    task->options);
  InterruptScope interrupt(engine);
  auto plan = engine.Plan(/*enqueue=*/true, nullptr);
  if (!plan.ok()) return ReportError(plan.status());
  auto report = engine.Report(TimePoint{});
  if (!report.ok()) return ReportError(report.status());
  report->plan = *plan;
  report->failures.clear();  // the finder reports its plan, not the task's past failures
  report->failures_total = 0;
  if (args.json) {
    std::printf("%s\n", ReportJson(task->spec.task_id, *report, false).c_str());
  } else if (!g.quiet || !report->ok()) {
    PrintPlan(stdout, *plan, false, task->options.max_deletes);
    const std::string deletes = DeletePhaseNote(*report);
    if (!deletes.empty()) std::printf("%s\n", deletes.c_str());
    std::printf("jobs are queued in %s; run `dth worker` with the same task to copy them\n",
                task->state_path.c_str());
  }
  return report->ok() ? 0 : 1;
}

int RunWorker(const SyncArgs& args, const GlobalOptions& g) {
  auto task = OpenTask(args, g);
  if (!task.ok()) return ReportError(task.status());
  auto lock = Lock(*task, TaskLockMode::kShared);
  if (!lock.ok()) return ReportError(lock.status());
  SyncEngine engine(SyncStores{*task->source, *task->destination, *task->queue, *task->state},
                    task->options);
  InterruptScope interrupt(engine);
  const auto started = std::chrono::steady_clock::now();
  const TimePoint since = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  engine.progress().finder_done = true;  // the finder is another process
  Status work;
  {
    std::optional<SyncProgressLine> line;
    if (ShowProgress(g, args)) line.emplace(engine.progress());
    work = engine.Work(/*until_idle=*/!args.wait);
  }
  if (!work.ok()) return ReportError(work);
  Result<SyncReport> report = engine.Report(since);
  if (!report.ok()) return ReportError(report.status());
  report->elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  report->interrupted = g_interrupts > 0;
  return Finish(*task, args, g, *report);
}

}  // namespace

void AddSyncCommands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto sync_args = std::make_shared<SyncArgs>();
  CLI::App* sync = app.add_subcommand(
      "sync", "Make DST hold what SRC holds: copy what is missing or changed (incremental, resumable)");
  AddSyncFlags(sync, *sync_args, true);
  sync->add_flag("--dry-run", sync_args->dry_run, "Print the plan (copy / delete / skip, with reasons); copy nothing");
  sync->add_flag("--json", sync_args->json, "Print the summary as JSON");
  AddDeadLetterFlags(sync, *sync_args);
  AddDestinationFlags(sync, g);
  sync->callback([sync_args, &g, &exit_code] { exit_code = RunSync(*sync_args, g); });

  auto finder_args = std::make_shared<SyncArgs>();
  CLI::App* finder = app.add_subcommand(
      "finder", "Compare SRC and DST and queue the copies in the task's store (for `dth worker`)");
  AddSyncFlags(finder, *finder_args, true);
  finder->add_flag("--dry-run", finder_args->dry_run, "Print the plan; queue nothing");
  finder->add_flag("--json", finder_args->json, "Print the plan totals as JSON");
  AddDestinationFlags(finder, g);
  finder->callback([finder_args, &g, &exit_code] { exit_code = RunFinder(*finder_args, g); });

  auto worker_args = std::make_shared<SyncArgs>();
  CLI::App* worker = app.add_subcommand(
      "worker", "Copy the jobs queued by `dth finder` for the task (several workers may share it)");
  AddSyncFlags(worker, *worker_args, true);
  worker->add_flag("--wait", worker_args->wait, "Keep waiting for new jobs instead of stopping when none are left");
  worker->add_flag("--json", worker_args->json, "Print the summary as JSON");
  AddDestinationFlags(worker, g);
  worker->callback([worker_args, &g, &exit_code] { exit_code = RunWorker(*worker_args, g); });
}

}  // namespace dth::cli
