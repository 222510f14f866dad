// cli/commands: the `dth` subcommands and the options they share. Each command
// registers itself on the CLI11 app and runs after parsing, returning an exit code:
// 0 success, 1 the operation failed, 2 bad usage or input.
// Thread-safety: used from the main thread only.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "store/location.h"
#include "http/http_client.h"
#include "store/open_store.h"

namespace dth::cli {

struct GlobalOptions {
  ConnectionOptions connection;  // source, or the only side
  ConnectionOptions destination; // fields left empty fall back to `connection`
  bool no_verify_tls = false;
  int retries = 5;
  int verbosity = 0;
  bool quiet = false;
  // One HTTP client (one connection pool) for every store the command opens; made on
  // first use, from the options above.
  mutable std::shared_ptr<HttpClient> http;
};

void AddConnectionFlags(CLI::App& app, GlobalOptions& g);
// --dst-provider, --dst-endpoint, ... for commands with a destination.
void AddDestinationFlags(CLI::App* cmd, GlobalOptions& g);
// over's non-empty fields replace base's.
ConnectionOptions MergeConnection(const ConnectionOptions& base, const ConnectionOptions& over);

// Opens the store for a location: a bucket for s3://, a directory root for local paths.
Result<std::unique_ptr<ObjectStore>> OpenForLocation(const Location& loc,
                                                     const ConnectionOptions& conn,
                                                     const GlobalOptions& g,
                                                     const std::string& local_root, bool create);
const std::shared_ptr<HttpClient>& SharedHttpClient(const GlobalOptions& g);

// Prints "dth: error: <message>" on stderr and returns the exit code for the status.
int ReportError(const Status& status);

void AddLsCommand(CLI::App& app, GlobalOptions& g, int& exit_code);
void AddCpCommand(CLI::App& app, GlobalOptions& g, int& exit_code);
void AddImageCommand(CLI::App& app, GlobalOptions& g, int& exit_code);
void AddVersionCommand(CLI::App& app, int& exit_code);
// `dth serve`: the hub.
void AddServeCommand(CLI::App& app, GlobalOptions& g, int& exit_code);
// `dth task ...`: a client of a running hub's API.
void AddTaskCommand(CLI::App& app, int& exit_code);
// `dth sync`, `dth finder`, `dth worker`.
void AddSyncCommands(CLI::App& app, GlobalOptions& g, int& exit_code);

}  // namespace dth::cli
