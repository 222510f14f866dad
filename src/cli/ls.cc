// `dth ls URL`: lists objects and common prefixes, like `aws s3 ls`.
#include <ctime>
#include <filesystem>

#include "cli/commands.h"
#include "store/location.h"

namespace dth::cli {
namespace {

struct LsArgs {
  std::string url;
  bool recursive = false;
  bool summarize = false;
};

std::string FormatTime(TimePoint t) {
  time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

int RunLs(const LsArgs& args, const GlobalOptions& g) {
  auto loc = ParseLocation(args.url);
  if (!loc.ok()) return ReportError(loc.status());
  std::string prefix = loc->key;
  std::string root = loc->path;
  if (loc->kind == Location::Kind::kLocal) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec))
      return ReportError(InvalidArgument("not a directory: " + root));
  }
  auto store = OpenForLocation(*loc, g.connection, g, root, /*create=*/false);
  if (!store.ok()) return ReportError(store.status());
  ListOptions options;
  options.prefix = prefix;
  if (!args.recursive) options.delimiter = "/";
  auto lister = (*store)->List(options);
  ListPage page;
  uint64_t objects = 0, bytes = 0;
  for (;;) {
    auto more = lister->Next(&page);
    if (!more.ok()) return ReportError(more.status());
    if (!*more) break;
    for (const auto& p : page.common_prefixes) std::printf("%30s PRE %s\n", "", p.c_str());
    for (const auto& o : page.objects) {
      std::printf("%s %14llu %s\n", FormatTime(o.last_modified).c_str(),
                  static_cast<unsigned long long>(o.size), o.key.c_str());
      ++objects;
      bytes += o.size;
    }
  }
  if (args.summarize) {
    std::printf("\nTotal Objects: %llu\n   Total Size: %llu\n", static_cast<unsigned long long>(objects),
                static_cast<unsigned long long>(bytes));
  }
  return 0;
}

}  // namespace

void AddLsCommand(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto args = std::make_shared<LsArgs>();
  CLI::App* cmd = app.add_subcommand("ls", "List objects under s3://bucket/prefix or a local directory");
  cmd->add_option("URL", args->url, "s3://bucket[/prefix] or a local directory")->required();
  cmd->add_flag("-r,--recursive", args->recursive, "List every key under the prefix, not one level");
  cmd->add_flag("--summarize", args->summarize, "Print object count and total size");
  cmd->callback([args, &g, &exit_code] { exit_code = RunLs(*args, g); });
}

}  // namespace dth::cli
