#include <cstdio>

#include "cli/commands.h"
#include "store/location.h"

namespace dth::cli {

void AddConnectionFlags(CLI::App& app, GlobalOptions& g) {
  auto& c = g.connection;
  app.add_option("--provider", c.provider,
                 "Object store provider: aws, aws-cn, aliyun, tencent, qiniu, s3 (any S3-compatible)")
      ->group("Connection");
  app.add_option("--endpoint", c.endpoint, "Endpoint URL, e.g. http://127.0.0.1:7480")->group("Connection");
  app.add_option("--region", c.region, "Region (default: from profile/env, else the provider's)")
      ->group("Connection");
  app.add_option("--profile", c.profile, "Profile in ~/.aws/credentials and ~/.aws/config")->group("Connection");
  app.add_flag("--anonymous", c.anonymous, "Send unsigned requests (public buckets)")->group("Connection");
  app.add_option("--addressing", c.addressing, "Bucket addressing: path or virtual (default: the provider's)")
      ->group("Connection");
  app.add_flag("--sign-payload", c.sign_payload,
               "Sign request bodies with SHA-256 (default: UNSIGNED-PAYLOAD, integrity from Content-MD5)")
      ->group("Connection");
  app.add_flag("--requester-pays", c.requester_pays, "Accept requester-pays charges")->group("Connection");
  app.add_option("--body-checksum", c.body_checksum,
                 "How object bytes are checked by the server: sha256 (signed payload) or md5 "
                 "(Content-MD5); default: sha256 where the provider checks it, else md5")
      ->group("Connection");
  app.add_flag("--no-verify-tls", g.no_verify_tls, "Do not verify TLS certificates (test endpoints only)")
      ->group("Connection");
  app.add_option("--retries", g.retries, "Retries for throttled, 5xx and network errors")
      ->check(CLI::Range(0, 50))
      ->group("Connection");
}

void AddDestinationFlags(CLI::App* cmd, GlobalOptions& g) {
  auto& d = g.destination;
  cmd->add_option("--dst-provider", d.provider, "Destination provider (default: --provider)")->group("Destination");
  cmd->add_option("--dst-endpoint", d.endpoint, "Destination endpoint (default: --endpoint)")->group("Destination");
  cmd->add_option("--dst-region", d.region, "Destination region (default: --region)")->group("Destination");
  cmd->add_option("--dst-profile", d.profile, "Destination profile (default: --profile)")->group("Destination");
  cmd->add_flag("--dst-anonymous", d.anonymous, "Unsigned requests to the destination")->group("Destination");
}

ConnectionOptions MergeConnection(const ConnectionOptions& base, const ConnectionOptions& over) {
  ConnectionOptions c = base;
  if (!over.provider.empty()) c.provider = over.provider;
  if (!over.endpoint.empty()) c.endpoint = over.endpoint;
  if (!over.region.empty()) c.region = over.region;
  if (!over.profile.empty()) c.profile = over.profile;
  if (over.anonymous) c.anonymous = true;
  if (!over.body_checksum.empty()) c.body_checksum = over.body_checksum;
  return c;
}

const std::shared_ptr<HttpClient>& SharedHttpClient(const GlobalOptions& g) {
  if (!g.http) {
    HttpClientOptions options;
    options.tls_verify = !g.no_verify_tls;
    g.http = std::make_shared<HttpClient>(options);
  }
  return g.http;
}

Result<std::unique_ptr<ObjectStore>> OpenForLocation(const Location& loc, const ConnectionOptions& conn,
                                                     const GlobalOptions& g,
                                                     const std::string& local_root, bool create) {
  if (loc.kind == Location::Kind::kLocal) return OpenLocalStore(local_root, create);
  ConnectionOptions c = conn;
  c.retry.max_attempts = g.retries + 1;
  return OpenS3Store(loc.bucket, c, SharedHttpClient(g));
}

int ReportError(const Status& status) {
  std::string message = status.message();
  for (char& ch : message) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  std::fprintf(stderr, "dth: error: %s\n", message.c_str());
  return status.code() == Code::kInvalidArgument ? 2 : 1;
}

}  // namespace dth::cli
