#include "cli/sync_setup.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/location.h"
#include "finder/finder_plan.h"
#include "queue/sqlite/sqlite_queue.h"
#include "state/sqlite/sqlite_state_store.h"

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

struct Side {
  Location loc;
  std::string prefix;  // S3: key prefix; local: ""
};

Result<Side> ParseSide(const std::string& text, const char* what, bool must_exist) {
  if (text.empty()) return InvalidArgument(std::string("no ") + what + " given");
  DTH_ASSIGN_OR_RETURN(Location loc, ParseLocation(text));
  Side side{loc, ""};
  if (loc.kind == Location::Kind::kS3) {
    // A prefix names a folder, as in `aws s3 sync` and rclone: s3://b/data is data/, so
    // it never reaches data-archive/ and data -> data/ never writes data//key.
    side.prefix = SyncPrefix(loc.key);
    return side;
  }
  std::error_code ec;
  if (must_exist && !std::filesystem::is_directory(loc.path, ec))
    return InvalidArgument(std::string(what) + " '" + text + "' is not a directory");
  if (std::filesystem::exists(loc.path, ec) && !std::filesystem::is_directory(loc.path, ec))
    return InvalidArgument(std::string(what) + " '" + text + "' is a file: sync copies directories (use cp)");
  return side;
}

Result<std::vector<std::string>> ReadPrefixList(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read the prefix list " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParsePrefixList(text.str());
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
  OpenedTask task;
  if (!args.task_file.empty()) {
    DTH_ASSIGN_OR_RETURN(task.spec, LoadTaskFile(args.task_file));
    for (const auto& apply : args.apply_given) apply(task.spec);
  } else {
    task.spec = args.flags;
  }
  SyncTaskSpec& spec = task.spec;
  DTH_ASSIGN_OR_RETURN(Side src, ParseSide(spec.source, "source", true));
  DTH_ASSIGN_OR_RETURN(Side dst, ParseSide(spec.destination, "destination", false));
  for (char c : spec.task_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return InvalidArgument("task id '" + spec.task_id + "': use letters, digits, '-', '_' and '.'");
  }
  DTH_ASSIGN_OR_RETURN(task.options, ToSyncOptions(spec));
  task.options.source_prefix = src.prefix;
  task.options.destination_prefix = dst.prefix;
  if (!spec.prefix_list_file.empty()) {
    DTH_ASSIGN_OR_RETURN(task.options.finder.prefix_list, ReadPrefixList(spec.prefix_list_file));
  }
  // Connections: the task file's, with flags given on the command line winning; the
  // destination falls back to the source's.
  ConnectionOptions src_conn = MergeConnection(FromTask(spec.source_connection), g.connection);
  src_conn.addressing = g.connection.addressing;
  src_conn.sign_payload = g.connection.sign_payload;
  src_conn.requester_pays = g.connection.requester_pays;
  src_conn.anonymous = g.connection.anonymous;
  ConnectionOptions dst_conn = MergeConnection(
      MergeConnection(src_conn, FromTask(spec.destination_connection)), g.destination);
  dst_conn.anonymous = g.destination.anonymous;
  DTH_ASSIGN_OR_RETURN(task.source, OpenForLocation(src.loc, src_conn, g, src.loc.path, false));
  DTH_ASSIGN_OR_RETURN(task.destination, OpenForLocation(dst.loc, dst_conn, g, dst.loc.path, true));
  if (spec.task_id.empty()) {
    auto where = [](const Location& loc, const ConnectionOptions& conn, const ObjectStore& store) {
      if (loc.kind != Location::Kind::kS3) return std::string("local");
      return (conn.provider.empty() ? std::string(conn.endpoint.empty() ? "aws" : "s3")
                                    : conn.provider) +
             "|" + StoreLocation(store);
    };
    spec.task_id = DefaultTaskId(src.loc.original, where(src.loc, src_conn, *task.source),
                                 dst.loc.original, where(dst.loc, dst_conn, *task.destination));
  }
  task.options.task_id = spec.task_id;
  task.options.copy.server_side = src.loc.kind == Location::Kind::kS3 &&
                                  dst.loc.kind == Location::Kind::kS3 &&
                                  task.destination->Features().server_side_copy &&
                                  StoreIdentity(*task.source) == StoreIdentity(*task.destination);
  task.options.copy.server_side_source_bucket = src.loc.bucket;

  task.state_path = spec.state_path;
  if (task.state_path.empty()) {
    std::string dir = DefaultStateDir();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return IoError("cannot create the state directory " + dir + ": " + ec.message());
    task.state_path = dir + "/" + spec.task_id + ".db";
  }
  QueueOptions queue_options;
  queue_options.max_receives = task.options.max_receives;
  // One connection for both: they never wait for each other's locks in this process.
  DTH_ASSIGN_OR_RETURN(auto conn, SqliteConnection::Open(task.state_path));
  DTH_ASSIGN_OR_RETURN(task.queue, SqliteQueue::Open(conn, queue_options));
  DTH_ASSIGN_OR_RETURN(task.state, SqliteStateStore::Open(conn));
  return task;
}

}  // namespace dth::cli
