// registry/registry_client: a client for one OCI distribution (Docker Registry v2)
// endpoint: version check, catalog and tags (Link pagination, distribution 2.8's
// quirks: catalog pages <= 1000, "tags": null), manifests GET/HEAD/PUT with digest
// verification, blobs HEAD / GET (verified) / cross-repository mount / monolithic and
// chunked upload. Auth (anonymous, basic, bearer tokens per scope, ECR) is hidden
// inside: a 401 is answered once by the Authenticator, then the request is repeated.
// Retryable failures (transport, 429, 5xx) are retried per request with backoff when
// the body can be replayed (each retry logged at info, each request at debug: method,
// URL without its query, status, latency; never a header). Credentials go only to the
// registry's own origin (URLs it hands out elsewhere get none; https -> http is
// refused) and to https (or loopback) token realms. Answers held in memory are capped
// (kMaxJsonBody, kMaxErrorBody); blobs always stream. Errors are classified Statuses whose one-line messages
// name the operation, repository and the registry's error code, never a secret.
// Thread-safety: safe for concurrent use from many threads.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/retry.h"
#include "http/http_client.h"
#include "registry/auth.h"
#include "registry/manifest.h"

namespace dth::registry {

struct RegistryEndpoint {
  std::string base;  // "http://127.0.0.1:5000" (no trailing slash)
  std::string host;  // "127.0.0.1:5000"
};
// "host[:port]" or "http(s)://host[:port]"; without a scheme, loopback hosts
// (localhost, 127.x) use http and every other host https, as docker does.
Result<RegistryEndpoint> ParseRegistryEndpoint(std::string_view text);

struct RegistryConfig {
  RegistryEndpoint endpoint;
  AuthConfig auth;
  RetryPolicy retry;
  int catalog_page_size = 1000;  // distribution 2.8 refuses more
  Clock* clock = SystemClock();  // token expiry; not owned
};

struct BlobInfo {
  uint64_t size = 0;
};

class RegistryClient {
 public:
  RegistryClient(RegistryConfig config, std::shared_ptr<HttpClient> http);

  const RegistryEndpoint& endpoint() const { return config_.endpoint; }

  // GET /v2/: OK when the registry speaks v2 and the credentials are accepted.
  Status CheckVersion();
  // Every repository (all catalog pages) and every tag of one (unsorted as served;
  // a repository without tags gives an empty list). max_items > 0: at most that many,
  // from one request asking for that many (?n=), the later pages not fetched (a sample).
  Result<std::vector<std::string>> Catalog(int max_items = 0);
  Result<std::vector<std::string>> Tags(const std::string& repository, int max_items = 0);

  // reference: a tag or a digest. A digest reference must match the bytes, and so must
  // the Docker-Content-Digest header when sent (else kCorruption).
  Result<Manifest> GetManifest(const std::string& repository, const std::string& reference);
  // The manifest's digest, or nullopt when it does not exist.
  Result<std::optional<std::string>> HeadManifest(const std::string& repository,
                                                  const std::string& reference);
  // Puts the exact bytes; returns the digest (checked against the registry's answer).
  Result<std::string> PutManifest(const std::string& repository, const std::string& reference,
                                  const std::string& media_type, const std::string& bytes);

  // nullopt when the blob is not in the repository.
  Result<std::optional<BlobInfo>> HeadBlob(const std::string& repository, const std::string& digest);
  // Streams the blob into sink, checking its size (when expected_size > 0) and digest;
  // a mismatch is kCorruption, reported after the last byte. No retries: the sink
  // cannot be rewound (callers retry whole copies).
  Status GetBlob(const std::string& repository, const std::string& digest, uint64_t expected_size,
                 ByteSink& sink);
  // Cross-repository mount. true: mounted; false: the registry could not mount it.
  Result<bool> MountBlob(const std::string& repository, const std::string& digest,
                         const std::string& from_repository);
  // POST + one PUT with the whole body. The registry checks the digest.
  Status PushBlob(const std::string& repository, const std::string& digest, ByteSource& body);
  // POST, PATCH chunks of chunk_size (memory: one chunk), PUT ?digest=.
  Status PushBlobChunked(const std::string& repository, const std::string& digest, ByteSource& body,
                         size_t chunk_size);

  int requests() const { return requests_.load(); }
  Authenticator& auth() { return auth_; }

 private:
  struct Call;
  struct Target {
    std::string url;
    bool own = true;  // the registry's own origin: credentials may go along
  };
  // Sends with auth (one 401 round) and, when `call.replayable`, retries.
  Result<HttpResponse> Do(const Call& call);
  Result<HttpResponse> DoOnce(const Call& call);
  Status ErrorFrom(const HttpResponse& resp, const std::string& what) const;
  // A path ("/v2/...") on the registry, or a URL the registry gave (upload Location,
  // Link, redirect): credentials only for its own origin; https -> http refused.
  Result<Target> Resolve(const std::string& path_or_url, const std::string& what) const;
  Result<std::string> StartUpload(const std::string& repository, const std::string& what);
  Result<std::vector<std::string>> ListPages(const std::string& first_path, const char* field,
                                             const std::vector<std::string>& scopes,
                                             const std::string& what, int max_items);

  RegistryConfig config_;
  std::shared_ptr<HttpClient> http_;
  Authenticator auth_;
  std::atomic<int> requests_{0};
};

// Most bytes of an answer kept in memory: JSON answers and manifests (2xx without a
// sink), and error bodies (cut there; the status still classifies the error).
inline constexpr size_t kMaxJsonBody = 8 << 20;
inline constexpr size_t kMaxErrorBody = 1 << 20;

// Error message helper for tests and callers: the registry's error code from a
// {"errors":[{"code":...,"message":...}]} body ("" when none). Never throws.
std::string RegistryErrorCode(const std::string& body, std::string* message = nullptr);

}  // namespace dth::registry
