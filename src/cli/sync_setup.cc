#include "cli/sync_setup.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>


namespace dth::cli {
namespace {

// Binds an option to a field of args.flags and remembers how to copy it onto a spec
// read from a task file when the option was given.
struct Binder {
  CLI::App* cmd;
  SyncArgs& args;

  template <typename T>
  CLI::Option* Option(const std::string& name, T SyncTaskSpec::*field, const std::string& help) {
    CLI::Option* opt = cmd->add_option(name, args.flags.*field, help);
    Remember(opt, field);
    return opt;
  }
  CLI::Option* Flag(const std::string& name, bool SyncTaskSpec::*field, const std::string& help) {
    CLI::Option* opt = cmd->add_flag(name, args.flags.*field, help);
    Remember(opt, field);
    return opt;
  }
  template <typename T>
  void Remember(CLI::Option* opt, T SyncTaskSpec::*field) {
    SyncTaskSpec* flags = &args.flags;
    args.apply_given.push_back([opt, field, flags](SyncTaskSpec& spec) {
      if (opt->count() > 0) spec.*field = flags->*field;
    });
  }
};

ConnectionOptions FromTask(const TaskConnection& t) {
  ConnectionOptions c;
  c.provider = t.provider;
  c.endpoint = t.endpoint;
  c.region = t.region;
  c.profile = t.profile;
  return c;
}

}  // namespace

void AddSyncFlags(CLI::App* cmd, SyncArgs& args, bool with_locations) {
  Binder b{cmd, args};
  if (with_locations) {
    b.Option("SRC", &SyncTaskSpec::source, "s3://bucket/prefix or a local directory");
    b.Option("DST", &SyncTaskSpec::destination, "s3://bucket/prefix or a local directory");
  }
  cmd->add_option("--task-file", args.task_file,
                  "YAML or JSON task (original parameter names: srcBucket, destBucket, workerNumber, ...); "
                  "flags given here win");
  b.Option("--task-id", &SyncTaskSpec::task_id, "Task name for records and jobs (default: from SRC and DST)")
      ->group("State");
  b.Option("--state", &SyncTaskSpec::state_path, "SQLite file for jobs and records (default: " +
                                                     DefaultStateDir() + "/TASK-ID.db)")
      ->group("State");
  const char* finder = "Finder";
  b.Option("--include", &SyncTaskSpec::include, "Only keys matching this glob (*, ?, **); repeatable")->group(finder);
  b.Option("--exclude", &SyncTaskSpec::exclude, "Skip keys matching this glob; repeatable")->group(finder);
  b.Flag("--delete", &SyncTaskSpec::delete_extra, "Delete destination keys missing at the source")->group(finder);
  b.Option("--max-delete", &SyncTaskSpec::max_delete,
           "Delete nothing when more than this many keys would be deleted")->group(finder);
  b.Flag("--delete-during", &SyncTaskSpec::delete_during,
         "Delete while copying (default: after every copy succeeded, and not at all when one failed)")
      ->group(finder);
  b.Flag("--skip-compare", &SyncTaskSpec::skip_compare, "Copy every source object, without comparing")->group(finder);
  b.Flag("--newer", &SyncTaskSpec::newer, "Also copy when the source is newer than the destination")->group(finder);
  b.Flag("--checksum", &SyncTaskSpec::checksum, "Also copy when plain MD5 ETags differ")->group(finder);
  b.Option("--prefix-list", &SyncTaskSpec::prefix_list_file, "File of source prefixes to sync, one per line")
      ->group(finder);
  b.Option("--finder-depth", &SyncTaskSpec::finder_depth, "Levels of '/' prefixes listed in parallel")
      ->check(CLI::Range(0, 32))->group(finder);
  b.Option("--finder-number", &SyncTaskSpec::finder_number, "Threads listing prefixes")
      ->check(CLI::Range(1, 256))->group(finder);
  const char* workers = "Workers";
  b.Option("--workers", &SyncTaskSpec::workers, "Objects (or parts) in flight at once")
      ->check(CLI::Range(1, 1024))->group(workers);
  b.Option("--multipart-threshold", &SyncTaskSpec::multipart_threshold_mib, "Multipart above this many MiB")
      ->check(CLI::Range(5, 5 * 1024))->group(workers);
  b.Option("--part-size", &SyncTaskSpec::part_size_mib, "Preferred part size in MiB")
      ->check(CLI::Range(5, 5 * 1024))->group(workers);
  b.Option("--giant-threshold", &SyncTaskSpec::giant_threshold_mib,
           "Objects of this many MiB or more are shared by all workers, part by part")
      ->check(CLI::Range(5, 5 * 1024 * 1024))->group(workers);
  b.Option("--part-concurrency", &SyncTaskSpec::part_concurrency, "Parts in flight within one object")
      ->check(CLI::Range(1, 64))->group(workers);
  b.Option("--memory", &SyncTaskSpec::memory_mib, "MiB of object data held in memory at once")
      ->check(CLI::Range(16, 1024 * 1024))->group(workers);
  b.Option("--retry-delay", &SyncTaskSpec::retry_delay_seconds,
           "Seconds before a failed object is tried again (doubling; 5 tries)")
      ->check(CLI::Range(0, 3600))->group(workers);
  const char* dest = "Destination objects";
  b.Option("--storage-class", &SyncTaskSpec::storage_class, "Destination storage class")->group(dest);
  b.Option("--acl", &SyncTaskSpec::acl, "Destination canned ACL (private, bucket-owner-full-control, ...)")
      ->group(dest);
  b.Option("--sse", &SyncTaskSpec::sse, "Server-side encryption: AES256 or aws:kms")->group(dest);
  b.Option("--sse-kms-key-id", &SyncTaskSpec::sse_kms_key_id, "KMS key id for --sse aws:kms")->group(dest);
  cmd->add_flag("--no-metadata", [&args](int64_t) { args.flags.include_metadata = false; },
                "Do not copy content headers and user metadata")
      ->group(dest);
  args.apply_given.push_back([cmd, &args](SyncTaskSpec& spec) {
    if (cmd->get_option("--no-metadata")->count() > 0) spec.include_metadata = false;
  });
  b.Flag("--copy-tags", &SyncTaskSpec::copy_tags, "Copy object tags too")->group(dest);
}

std::string DefaultStateDir() {
  if (const char* dir = std::getenv("DTH_STATE_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg != '\0')
    return std::string(xdg) + "/dth";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/state/dth";
}

Result<OpenedTask> OpenTask(const SyncArgs& args, const GlobalOptions& g) {
  OpenTaskInput in;
  if (!args.task_file.empty()) {
    DTH_ASSIGN_OR_RETURN(in.spec, LoadTaskFile(args.task_file));
    for (const auto& apply : args.apply_given) apply(in.spec);
  } else {
    in.spec = args.flags;
  }
  // Connections: the task file's, with flags given on the command line winning; the
  // destination falls back to the source's.
  ConnectionOptions src_conn = MergeConnection(FromTask(in.spec.source_connection), g.connection);
  src_conn.addressing = g.connection.addressing;
  src_conn.sign_payload = g.connection.sign_payload;
  src_conn.requester_pays = g.connection.requester_pays;
  src_conn.anonymous = g.connection.anonymous;
  ConnectionOptions dst_conn = MergeConnection(
      MergeConnection(src_conn, FromTask(in.spec.destination_connection)), g.destination);
  dst_conn.anonymous = g.destination.anonymous;
  src_conn.retry.max_attempts = g.retries + 1;
  dst_conn.retry.max_attempts = g.retries + 1;
  in.source_connection = src_conn;
  in.destination_connection = dst_conn;
  in.http = SharedHttpClient(g);
  in.state_dir = DefaultStateDir();
  return OpenSyncTask(in);
}

}  // namespace dth::cli
