#include "sync/open_task.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "finder/finder_plan.h"
#include "queue/sqlite/sqlite_queue.h"
#include "state/sqlite/sqlite_state_store.h"
#include "transfer/copy_tags.h"

namespace dth {
namespace {

struct Side {
  Location loc;
  std::string prefix;  // S3: key prefix (a folder); local: ""
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

Result<std::unique_ptr<ObjectStore>> OpenSide(const Side& side, const ConnectionOptions& conn,
                                              const OpenTaskInput& in, bool create) {
  if (side.loc.kind == Location::Kind::kLocal) {
    if (in.restrict_local && !IsUnderRoots(side.loc.path, in.allowed_local_roots)) {
      return Status(Code::kPermissionDenied,
                    "local path '" + side.loc.original +
                        "' is outside the directories this server allows (--allow-local-root)");
    }
    return OpenLocalStore(side.loc.path, create);
  }
  return OpenS3Store(side.loc.bucket, conn, in.http);
}

// Where a side's data lives, for the default task id: the same bucket name on another
// endpoint or provider is another task.
std::string Where(const Location& loc, const ConnectionOptions& conn, const ObjectStore& store) {
  if (loc.kind != Location::Kind::kS3) return "local";
  const std::string provider =
      conn.provider.empty() ? std::string(conn.endpoint.empty() ? "aws" : "s3") : conn.provider;
  return provider + "|" + StoreLocation(store);
}

}  // namespace

bool IsUnderRoots(const std::string& path, const std::vector<std::string>& roots) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  for (const std::string& root : roots) {
    const std::filesystem::path r = std::filesystem::weakly_canonical(root, ec);
    if (ec || r.empty()) continue;
    auto mismatch = std::mismatch(r.begin(), r.end(), p.begin(), p.end());
    // Every component of the root matches (a trailing empty component of "dir/" too).
    if (mismatch.first == r.end() || (std::next(mismatch.first) == r.end() && mismatch.first->empty()))
      return true;
  }
  return false;
}

Result<OpenedSide> OpenTaskSide(const OpenTaskInput& in, bool source) {
  const char* what = source ? "source" : "destination";
  DTH_ASSIGN_OR_RETURN(Side side, ParseSide(source ? in.spec.source : in.spec.destination, what, source));
  OpenedSide opened;
  opened.prefix = side.prefix;
  if (!source && side.loc.kind == Location::Kind::kLocal) {
    std::error_code ec;
    if (!std::filesystem::exists(side.loc.path, ec)) {
      // Still refused outside the allowed roots, before anything else is said about it.
      if (in.restrict_local && !IsUnderRoots(side.loc.path, in.allowed_local_roots)) {
        return Status(Code::kPermissionDenied,
                      "local path '" + side.loc.original +
                          "' is outside the directories this server allows (--allow-local-root)");
      }
      return opened;
    }
  }
  DTH_ASSIGN_OR_RETURN(opened.store,
                       OpenSide(side, source ? in.source_connection : in.destination_connection, in,
                                /*create=*/false));
  return opened;
}

Result<OpenedTask> OpenSyncTask(const OpenTaskInput& in) {
  OpenedTask task;
  task.spec = in.spec;
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
    if (in.restrict_local && !IsUnderRoots(spec.prefix_list_file, in.allowed_local_roots)) {
      return Status(Code::kPermissionDenied, "the prefix list '" + spec.prefix_list_file +
                                                 "' is outside the directories this server allows");
    }
    DTH_ASSIGN_OR_RETURN(task.options.finder.prefix_list, ReadPrefixList(spec.prefix_list_file));
  }
  DTH_ASSIGN_OR_RETURN(task.source, OpenSide(src, in.source_connection, in, false));
  DTH_ASSIGN_OR_RETURN(task.destination, OpenSide(dst, in.destination_connection, in, true));
  // --copy-tags where a side keeps no tags: one clear line now, not one failure per object.
  DTH_RETURN_IF_ERROR(CheckTagSupport(*task.source, *task.destination, task.options.copy));
  if (spec.task_id.empty()) {
    spec.task_id = DefaultTaskId(src.loc.original, Where(src.loc, in.source_connection, *task.source),
                                 dst.loc.original,
                                 Where(dst.loc, in.destination_connection, *task.destination));
  }
  task.options.task_id = spec.task_id;
  task.options.copy.server_side = src.loc.kind == Location::Kind::kS3 &&
                                  dst.loc.kind == Location::Kind::kS3 &&
                                  task.destination->Features().server_side_copy &&
                                  StoreIdentity(*task.source) == StoreIdentity(*task.destination);
  task.options.copy.server_side_source_bucket = src.loc.bucket;

  task.state_path = in.state_path.empty() ? spec.state_path : in.state_path;
  // The state file's directory is made (0700) when missing, explicit --state or not.
  if (task.state_path.empty()) task.state_path = in.state_dir + "/" + spec.task_id + ".db";
  QueueOptions queue_options;
  queue_options.max_receives = task.options.max_receives;
  // One connection for both: they never wait for each other's locks in this process.
  DTH_ASSIGN_OR_RETURN(auto conn, SqliteConnection::Open(task.state_path));
  DTH_ASSIGN_OR_RETURN(task.queue, SqliteQueue::Open(conn, queue_options));
  DTH_ASSIGN_OR_RETURN(task.state, SqliteStateStore::Open(conn));
  return task;
}

}  // namespace dth
