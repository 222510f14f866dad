// `dth image sync SRC DST (--images LIST | --images-file FILE | --all)`: replicates
// container images between two registries (any OCI/Docker v2 registry, Amazon ECR),
// concurrently, preserving digests, skipping what is already there.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/image_report.h"
#include "cli/sync_setup.h"
#include "credentials/provider.h"
#include "imagesync/image_sync.h"
#include "imagesync/plan.h"
#include "registry/ecr.h"
#include "registry/reference.h"

namespace dth::cli {
namespace {

struct ImageArgs {
  std::string src, dst;
  std::string images, images_file;
  bool images_given = false, images_file_given = false;  // even when empty
  bool all = false;
  std::string src_creds, dst_creds;
  std::string include_tags, exclude_tags, dest_prefix;
  std::vector<std::string> platforms;
  int concurrency = 10;
  int image_retries = 3;
  int blob_concurrency = 4;
  std::string state, task_id;
  bool dry_run = false, json = false;
};

// A registry side: endpoint, and auth (basic, token via basic, or ECR through SigV4).
struct Side {
  registry::RegistryConfig config;
  std::shared_ptr<registry::EcrApi> ecr;
};

Result<Side> OpenSide(const std::string& text, const std::string& creds_flag, const char* env_name,
                      const GlobalOptions& g) {
  Side side;
  DTH_ASSIGN_OR_RETURN(side.config.endpoint, registry::ParseRegistryEndpoint(text));
  side.config.retry.max_attempts = g.retries + 1;
  std::string creds = creds_flag.empty() ? DefaultEnvironment().GetOrEmpty(env_name) : creds_flag;
  if (auto ecr = registry::ParseEcrHost(side.config.endpoint.host); ecr && creds.empty()) {
    CredentialOptions options;
    options.profile = g.connection.profile;
    DTH_ASSIGN_OR_RETURN(Credentials keys, ResolveCredentials(options, DefaultEnvironment()));
    side.ecr = std::make_shared<registry::EcrApi>(
        *ecr, SigningKeys{keys.access_key_id, keys.secret_access_key, keys.session_token}, SharedHttpClient(g));
    auto api = side.ecr;
    side.config.auth.refresh = [api] { return api->GetAuthorizationToken(); };
    return side;
  }
  UserPassword up = ParseUserPassword(creds);
  side.config.auth.username = up.user;
  side.config.auth.password = up.password;
  return side;
}

// Beside dth sync's task files: one file for every image task, so blob locations
// learnt by one task seed mounts in another.
std::string DefaultStatePath() { return DefaultStateDir() + "/images.db"; }

Result<std::vector<std::string>> ImageEntries(const ImageArgs& a) {
  int given = (a.all ? 1 : 0) + (a.images_given ? 1 : 0) + (a.images_file_given ? 1 : 0);
  if (given != 1) return InvalidArgument("give exactly one of --images LIST, --images-file FILE or --all");
  if (a.all) return std::vector<std::string>{};
  std::string text = a.images;
  if (a.images_file_given) {
    std::ifstream in(a.images_file);
    if (!in) return InvalidArgument("cannot read --images-file " + a.images_file);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  auto entries = registry::SplitImageList(text);
  if (entries.empty()) {
    return InvalidArgument(a.images_file_given ? "the image list in --images-file " + a.images_file + " is empty"
                                               : std::string("the image list (--images) is empty"));
  }
  return entries;
}

int RunImageSync(const ImageArgs& a, const GlobalOptions& g) {
  auto entries = ImageEntries(a);
  if (!entries.ok()) return ReportError(entries.status());
  auto include = imagesync::CompileTagFilter(a.include_tags, "--include-tags");
  if (!include.ok()) return ReportError(include.status());
  auto exclude = imagesync::CompileTagFilter(a.exclude_tags, "--exclude-tags");
  if (!exclude.ok()) return ReportError(exclude.status());
  imagesync::ImageSyncOptions options;
  for (const std::string& p : a.platforms) {
    auto platform = registry::ParsePlatform(p);
    if (!platform.ok()) return ReportError(platform.status());
    options.copy.platforms.push_back(*platform);
  }
  auto src_side = OpenSide(a.src, a.src_creds, "DTH_SRC_CREDS", g);
  if (!src_side.ok()) return ReportError(src_side.status());
  auto dst_side = OpenSide(a.dst, a.dst_creds, "DTH_DST_CREDS", g);
  if (!dst_side.ok()) return ReportError(dst_side.status());
  registry::RegistryClient src(src_side->config, SharedHttpClient(g));
  registry::RegistryClient dst(dst_side->config, SharedHttpClient(g));
  if (Status st = src.CheckVersion(); !st.ok()) return ReportError(st.Prefix("source registry"));
  if (Status st = dst.CheckVersion(); !st.ok()) return ReportError(st.Prefix("destination registry"));

  imagesync::PlanOptions plan;
  plan.all = a.all;
  plan.images = *entries;
  plan.include_tags = *include;
  plan.exclude_tags = *exclude;
  plan.destination_prefix = a.dest_prefix;
  plan.source_host = src.endpoint().host;
  auto jobs = imagesync::PlanImages(plan, [&] { return src.Catalog(); },
                                    [&](const std::string& repo) { return src.Tags(repo); });
  if (!jobs.ok()) return ReportError(jobs.status());

  std::unique_ptr<imagesync::ImageRecords> records;
  std::string state = a.state.empty() ? DefaultStatePath() : a.state;
  if (!state.empty() && !a.dry_run) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(state).parent_path(), ec);
    auto opened = imagesync::ImageRecords::Open(state);
    if (!opened.ok()) {
      Status st = opened.status();
      return ReportError(st.Prefix("state " + state));
    }
    records = std::move(*opened);
  }
  options.task_id = a.task_id.empty() ? "image:" + src.endpoint().host + "->" + dst.endpoint().host + "/" + a.dest_prefix
                                      : a.task_id;
  options.records = records.get();
  options.concurrency = a.concurrency;
  options.image_retries = a.image_retries;
  options.copy.blob_concurrency = a.blob_concurrency;
  options.copy.dry_run = a.dry_run;
  if (dst_side->ecr) {
    auto api = dst_side->ecr;
    options.copy.ensure_repository = [api](const std::string& repo) { return api->CreateRepository(repo); };
  }

  // The progress line (TTY only) counts finished images and, as blobs land, bytes.
  bool progress = !g.quiet && !a.json && isatty(STDERR_FILENO);
  int total = static_cast<int>(jobs->size()), done = 0;
  imagesync::ImageSyncSummary so_far;
  std::mutex draw_mu;
  auto last_draw = std::chrono::steady_clock::time_point{};
  auto draw = [&](bool force) {  // with draw_mu held
    auto now = std::chrono::steady_clock::now();
    if (!progress || (!force && now - last_draw < std::chrono::milliseconds(200))) return;
    last_draw = now;
    std::fprintf(stderr, "\r\033[K%s", ImageProgressText(done, total, so_far).c_str());
    std::fflush(stderr);
  };
  if (progress) {
    options.copy.on_blob = [&](const registry::Descriptor& blob, imagesync::BlobOutcome outcome) {
      std::lock_guard<std::mutex> lock(draw_mu);
      if (outcome == imagesync::BlobOutcome::kCopied) so_far.bytes_copied += blob.size;
      draw(false);
    };
  }
  auto start = std::chrono::steady_clock::now();
  auto summary = imagesync::RunImageSync(src, dst, *jobs, options, [&](const imagesync::ImageResult& r) {
    std::lock_guard<std::mutex> lock(draw_mu);
    ++done;
    if (!r.error.ok()) ++so_far.failed;
    else if (r.status == imagesync::ImageStatus::kCopied) ++so_far.copied;
    else if (r.status == imagesync::ImageStatus::kUpToDate) ++so_far.up_to_date;
    if (progress) std::fprintf(stderr, "\r\033[K");
    if (!a.json && (!g.quiet || !r.error.ok())) {
      std::fprintf(r.error.ok() ? stdout : stderr, "%s\n", ImageResultLine(r).c_str());
      std::fflush(r.error.ok() ? stdout : stderr);
    }
    draw(true);
  });
  if (progress) std::fprintf(stderr, "\r\033[K");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (a.json) {
    std::printf("%s\n", ImageSyncJson(summary, secs, a.dry_run).dump(2).c_str());
  } else if (!g.quiet) {
    std::printf("%s\n", ImageSummaryLine(summary, secs).c_str());
  }
  if (summary.failed > 0) {
    if (!a.json) std::fprintf(stderr, "dth: error: %d of %zu images failed\n", summary.failed, summary.results.size());
    return 1;
  }
  return 0;
}

}  // namespace

void AddImageCommand(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* image = app.add_subcommand("image", "Container images between registries");
  image->require_subcommand(1);
  auto a = std::make_shared<ImageArgs>();
  CLI::App* cmd = image->add_subcommand(
      "sync",
      "Replicate images from one registry to another (digests preserved unless --platform narrows a multi-arch "
      "image; existing images skipped)");
  cmd->add_option("SRC", a->src, "Source registry: host[:port] or http(s)://host[:port] (an ECR host uses AWS credentials)")
      ->required();
  cmd->add_option("DST", a->dst, "Destination registry, as SRC")->required();
  CLI::Option* images = cmd->add_option(
      "--images", a->images, "Images, comma- or newline-separated: repo, repo:tag, repo@sha256:..., repo:ALL_TAGS");
  CLI::Option* images_file = cmd->add_option("--images-file", a->images_file, "A file with the image list");
  cmd->add_flag("--all", a->all, "Every tag of every repository in the source catalog");
  cmd->add_option("--src-creds", a->src_creds, "Source USER:PASSWORD (better: DTH_SRC_CREDS in the environment)");
  cmd->add_option("--dst-creds", a->dst_creds, "Destination USER:PASSWORD (better: DTH_DST_CREDS)");
  cmd->add_option("--include-tags", a->include_tags, "Only expanded tags matching this regular expression");
  cmd->add_option("--exclude-tags", a->exclude_tags, "Skip expanded tags matching this regular expression");
  cmd->add_option("--dest-prefix", a->dest_prefix, "Put every repository under this prefix in the destination");
  cmd->add_option("--platform", a->platforms, "Only this platform of multi-arch images, os/arch[/variant] (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--concurrency", a->concurrency, "Images copied at once")->check(CLI::Range(1, 256));
  cmd->add_option("--image-retries", a->image_retries, "Retries of a failed image (retryable errors only)")
      ->check(CLI::Range(0, 50));
  cmd->add_option("--blob-concurrency", a->blob_concurrency, "Blobs of one image copied at once")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--state", a->state, "State database for per-image records (default $DTH_STATE_DIR/images.db, else ~/.local/state/dth/images.db)");
  cmd->add_option("--task-id", a->task_id, "Task id for the records (default: from SRC, DST and prefix)");
  cmd->add_flag("--dry-run", a->dry_run, "Show what would be copied; change nothing");
  cmd->add_flag("--json", a->json, "Print the results as one JSON document");
  cmd->callback([a, &g, &exit_code, images, images_file] {
    a->images_given = images->count() > 0;  // `--images ''` is given, and empty
    a->images_file_given = images_file->count() > 0;
    exit_code = RunImageSync(*a, g);
  });
}

}  // namespace dth::cli
