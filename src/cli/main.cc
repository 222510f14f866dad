// dth: the Data Transfer Hub command line.
#include <curl/curl.h>
#include <malloc.h>
#include <openssl/opensslv.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/commands.h"

namespace dth::cli {

void AddVersionCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version");
  cmd->callback([&exit_code] {
    std::printf("dth %s (%s, %s)\n", DTH_VERSION, curl_version(), OPENSSL_VERSION_TEXT);
    exit_code = 0;
  });
}

}  // namespace dth::cli

int main(int argc, char** argv) {
  // Object buffers of 1 MiB and more always get their own mapping, returned to the kernel
  // when freed. By default glibc raises this threshold to the largest block freed (up to
  // 32 MiB), after which such buffers come from per-thread arenas that keep their memory:
  // an upload of 1-64 MiB files peaked at 330 MiB resident under a 64 MiB --memory, 126
  // MiB with the threshold fixed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  using namespace dth::cli;
  CLI::App app{"dth — Data Transfer Hub: replicate objects between S3-compatible stores and local directories, and container images between registries"};
  app.name("dth");
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand
  app.set_version_flag("--version", std::string("dth ") + DTH_VERSION);
  GlobalOptions g;
  int exit_code = 0;
  app.add_flag("-v,--verbose", g.verbosity, "More log output (repeat for debug)");
  app.add_flag("-q,--quiet", g.quiet, "Print only errors");
  AddConnectionFlags(app, g);
  AddLsCommand(app, g, exit_code);
  AddCpCommand(app, g, exit_code);
  AddSyncCommands(app, g, exit_code);
  AddImageCommand(app, g, exit_code);
  AddServeCommand(app, g, exit_code);
  AddTaskCommand(app, exit_code);
  AddVersionCommand(app, exit_code);
  // Logs go to stderr: stdout carries results (listings) that scripts read.
  spdlog::set_default_logger(spdlog::stderr_color_mt("dth"));
  app.parse_complete_callback([&g] {
    spdlog::set_level(g.verbosity >= 2 ? spdlog::level::debug
                      : g.verbosity == 1 ? spdlog::level::info
                                         : spdlog::level::warn);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    std::fprintf(stderr, "dth: error: %s (see dth --help)\n", what.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dth: error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
