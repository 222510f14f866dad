// `dth cp SRC DST`: copies one object: local -> S3, S3 -> local, S3 -> S3 (server-side
// when both sides share endpoint and credentials), local -> local.
#include <unistd.h>

#include <chrono>
#include <optional>
#include <filesystem>

#include "cli/commands.h"
#include "store/location.h"
#include "cli/progress.h"
#include "transfer/object_copy.h"

namespace dth::cli {
namespace {

struct CpArgs {
  std::string src, dst;
  std::string storage_class, acl, sse, sse_kms_key_id;
  bool copy_tags = false;
  uint64_t multipart_threshold_mib = 64;
  uint64_t part_size_mib = 16;
  int concurrency = 4;
};

std::string BaseName(const std::string& key) {
  auto slash = key.find_last_of('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

// Splits a side into (store root or bucket, key).
struct Side {
  Location loc;
  std::string root;  // local: directory
  std::string key;
};

Result<Side> SourceSide(const std::string& text) {
  DTH_ASSIGN_OR_RETURN(Location loc, ParseLocation(text));
  Side side{loc, "", ""};
  if (loc.kind == Location::Kind::kS3) {
    if (loc.key.empty()) return InvalidArgument("source '" + text + "' names a bucket, not an object");
    side.key = loc.key;
    return side;
  }
  std::error_code ec;
  std::filesystem::path p(loc.path);
  if (std::filesystem::is_directory(p, ec))
    return InvalidArgument("source '" + text + "' is a directory: cp copies one object (use sync for trees)");
  if (!std::filesystem::is_regular_file(p, ec)) return NotFound("source file not found: " + loc.path);
  side.root = p.parent_path().string();
  side.key = p.filename().string();
  return side;
}

Result<Side> DestinationSide(const std::string& text, const std::string& source_key) {
  DTH_ASSIGN_OR_RETURN(Location loc, ParseLocation(text));
  Side side{loc, "", ""};
  std::string name = BaseName(source_key);
  if (loc.kind == Location::Kind::kS3) {
    side.key = loc.key.empty() || loc.key.back() == '/' ? loc.key + name : loc.key;
    return side;
  }
  std::error_code ec;
  std::filesystem::path p(loc.path);
  if (loc.path.back() == '/' || std::filesystem::is_directory(p, ec)) p /= name;
  side.root = p.parent_path().string();
  side.key = p.filename().string();
  return side;
}

int RunCp(const CpArgs& args, const GlobalOptions& g) {
  auto src = SourceSide(args.src);
  if (!src.ok()) return ReportError(src.status());
  auto dst = DestinationSide(args.dst, src->key);
  if (!dst.ok()) return ReportError(dst.status());
  auto sse = ParseServerSideEncryption(args.sse);
  if (!sse.ok()) return ReportError(sse.status());

  const ConnectionOptions& src_conn = g.connection;
  ConnectionOptions dst_conn = MergeConnection(src_conn, g.destination);
  auto source = OpenForLocation(src->loc, src_conn, g, src->root, false);
  if (!source.ok()) return ReportError(source.status());
  auto destination = OpenForLocation(dst->loc, dst_conn, g, dst->root, true);
  if (!destination.ok()) return ReportError(destination.status());

  CopyOptions options;
  options.multipart_threshold = args.multipart_threshold_mib << 20;
  options.part_size = args.part_size_mib << 20;
  options.part_concurrency = args.concurrency;
  options.copy_tags = args.copy_tags;
  options.storage_class = args.storage_class;
  options.acl = args.acl;
  options.sse = *sse;
  options.sse_kms_key_id = args.sse_kms_key_id;
  options.server_side = src->loc.kind == Location::Kind::kS3 && dst->loc.kind == Location::Kind::kS3 &&
                        (*destination)->Features().server_side_copy &&
                        StoreIdentity(**source) == StoreIdentity(**destination);
  options.server_side_source_bucket = src->loc.bucket;
  std::optional<ProgressLine> progress;
  if (!g.quiet && isatty(STDERR_FILENO)) {
    progress.emplace(stderr);
    options.on_progress = [&progress](uint64_t done, uint64_t total) { progress->Update(done, total); };
  }
  auto start = std::chrono::steady_clock::now();
  auto result = CopyObject(**source, src->key, **destination, dst->key, options);
  if (progress) progress->Clear();
  if (!result.ok()) return ReportError(result.status());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!g.quiet) {
    std::printf("copied %s -> %s (%s in %.2f s, %s/s%s%s)\n", args.src.c_str(), args.dst.c_str(),
                ProgressLine::FormatBytes(static_cast<double>(result->bytes)).c_str(), secs,
                ProgressLine::FormatBytes(secs > 0 ? static_cast<double>(result->bytes) / secs : 0).c_str(),
                result->multipart ? ", multipart" : "", result->server_side ? ", server-side" : "");
  }
  return 0;
}

}  // namespace

void AddCpCommand(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto args = std::make_shared<CpArgs>();
  CLI::App* cmd = app.add_subcommand("cp", "Copy one object: local <-> S3, S3 -> S3");
  cmd->add_option("SRC", args->src, "s3://bucket/key or a local file")->required();
  cmd->add_option("DST", args->dst, "s3://bucket/key, s3://bucket/prefix/, or a local path")->required();
  cmd->add_option("--storage-class", args->storage_class, "Destination storage class");
  cmd->add_option("--acl", args->acl, "Destination canned ACL (private, bucket-owner-full-control, ...)");
  cmd->add_option("--sse", args->sse, "Server-side encryption: AES256 or aws:kms");
  cmd->add_option("--sse-kms-key-id", args->sse_kms_key_id, "KMS key id for --sse aws:kms");
  cmd->add_flag("--copy-tags", args->copy_tags, "Copy object tags too");
  cmd->add_option("--multipart-threshold", args->multipart_threshold_mib, "Multipart above this many MiB")
      ->check(CLI::Range(5, 5 * 1024));
  cmd->add_option("--part-size", args->part_size_mib, "Preferred part size in MiB")->check(CLI::Range(5, 5 * 1024));
  cmd->add_option("--concurrency", args->concurrency, "Multipart parts in flight at once")
      ->check(CLI::Range(1, 64));
  AddDestinationFlags(cmd, g);
  cmd->callback([args, &g, &exit_code] { exit_code = RunCp(*args, g); });
}

}  // namespace dth::cli
