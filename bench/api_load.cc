// dth_api_load: a small load generator for bench/serve.sh — N concurrent clients, each
// sending GET requests to the hub's API in turn over the paths given (keep-alive
// connections through the project's libcurl client), for a fixed time; prints the
// requests, errors, requests/s and the latency percentiles (p50, p90, p99, max) per path
// and overall. The token comes from $DTH_TOKEN.
//   dth_api_load URL SECONDS CLIENTS PATH...
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "http/http_client.h"

namespace {

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

void Print(const std::string& name, std::vector<double> ms, double seconds, long errors) {
  std::printf("%-40s %8zu %6ld %9.1f %8.2f %8.2f %8.2f %8.2f\n", name.c_str(), ms.size(), errors,
              static_cast<double>(ms.size()) / seconds, Percentile(ms, 50), Percentile(ms, 90),
              Percentile(ms, 99), ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: dth_api_load URL SECONDS CLIENTS PATH...\n");
    return 2;
  }
  const std::string url = argv[1];
  const int seconds = std::atoi(argv[2]);
  const int clients = std::atoi(argv[3]);
  std::vector<std::string> paths(argv + 4, argv + argc);
  const char* token_env = std::getenv("DTH_TOKEN");
  const std::string token = token_env != nullptr ? token_env : "";
  dth::HttpClientOptions options;
  options.max_connections = clients + 4;
  dth::HttpClient http(options);
  // latencies[client][path]
  std::vector<std::vector<std::vector<double>>> latencies(clients, std::vector<std::vector<double>>(paths.size()));
  std::vector<std::vector<long>> errors(clients, std::vector<long>(paths.size(), 0));
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      size_t turn = static_cast<size_t>(c);
      while (std::chrono::steady_clock::now() < end) {
        const size_t p = turn++ % paths.size();
        dth::HttpRequest request;
        request.url = url + paths[p];
        request.headers.emplace_back("Authorization", "Bearer " + token);
        const auto start = std::chrono::steady_clock::now();
        auto response = http.Send(request);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (!response.ok() || response->status != 200) {
          ++errors[c][p];
        } else {
          latencies[c][p].push_back(ms);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf("%-40s %8s %6s %9s %8s %8s %8s %8s\n", "path", "requests", "errors", "req/s", "p50_ms",
              "p90_ms", "p99_ms", "max_ms");
  std::vector<double> all;
  long all_errors = 0;
  for (size_t p = 0; p < paths.size(); ++p) {
    std::vector<double> ms;
    long e = 0;
    for (int c = 0; c < clients; ++c) {
      ms.insert(ms.end(), latencies[c][p].begin(), latencies[c][p].end());
      e += errors[c][p];
    }
    all.insert(all.end(), ms.begin(), ms.end());
    all_errors += e;
    Print(paths[p], ms, seconds, e);
  }
  Print("all", all, seconds, all_errors);
  return all_errors == 0 ? 0 : 1;
}
