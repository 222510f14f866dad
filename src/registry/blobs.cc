// RegistryClient's blob operations: HEAD, GET (verified), mount, uploads.
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/hash.h"
#include "registry/client_call.h"
#include "registry/registry_client.h"
#include "sigv4/uri_encode.h"

namespace dth::registry {
namespace {

// Passes bytes on while hashing and counting them; more bytes than expected (when
// the size is known) stop the transfer at once.
class VerifyingSink : public ByteSink {
 public:
  VerifyingSink(ByteSink& next, uint64_t expected, std::string what)
      : next_(next), hasher_(Hasher::Algorithm::kSha256), expected_(expected), what_(std::move(what)) {}
  Status Write(std::string_view data) override {
    if (expected_ > 0 && bytes_ + data.size() > expected_) {
      return Corruption(what_ + ": the registry sends more than the " + std::to_string(expected_) +
                        " bytes the manifest gives");
    }
    hasher_.Update(data);
    bytes_ += data.size();
    return next_.Write(data);
  }
  std::string Digest() { return "sha256:" + HexEncode(hasher_.Final()); }
  uint64_t bytes() const { return bytes_; }

 private:
  ByteSink& next_;
  Hasher hasher_;
  uint64_t expected_;
  std::string what_;
  uint64_t bytes_ = 0;
};

std::string WithDigest(const std::string& location, const std::string& digest) {
  return location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + UriEncode(digest, true);
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

Result<std::optional<BlobInfo>> RegistryClient::HeadBlob(const std::string& repository,
                                                         const std::string& digest) {
  Call c;
  c.method = "HEAD";
  c.url = "/v2/" + repository + "/blobs/" + digest;
  c.scopes = {PullScope(repository)};
  c.what = "HEAD blob " + repository + "@" + digest;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (resp.status == 404) return std::optional<BlobInfo>();
  if (IsRedirect(resp.status)) return std::optional<BlobInfo>(BlobInfo{});
  if (!resp.success()) return ErrorFrom(resp, c.what);
  BlobInfo info;
  if (const std::string* len = resp.Header("Content-Length"); len != nullptr && !ParseDecimal(*len, &info.size))
    return Corruption(c.what + ": bad Content-Length " + len->substr(0, 40));
  return std::optional<BlobInfo>(info);
}

Status RegistryClient::GetBlob(const std::string& repository, const std::string& digest,
                               uint64_t expected_size, ByteSink& sink) {
  std::string what = "GET blob " + repository + "@" + digest;
  VerifyingSink verifying(sink, expected_size, what + " at " + config_.endpoint.host);
  Call c;
  c.url = "/v2/" + repository + "/blobs/" + digest;
  c.sink = &verifying;
  c.scopes = {PullScope(repository)};
  c.what = what;
  c.replayable = false;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  for (int hop = 0; IsRedirect(resp.status); ++hop) {
    // Storage backends (S3, GCS) redirect to a presigned URL on another host: no
    // Authorization goes there (Resolve), and https is never left for http.
    const std::string* location = resp.Header("Location");
    if (location == nullptr || hop >= 5) return ErrorFrom(resp, c.what);
    Call r = c;
    r.url = *location;
    DTH_ASSIGN_OR_RETURN(resp, Do(r));
  }
  if (!resp.success()) return ErrorFrom(resp, c.what);
  if (expected_size > 0 && verifying.bytes() != expected_size) {
    return Corruption(c.what + ": got " + std::to_string(verifying.bytes()) + " bytes, expected " +
                      std::to_string(expected_size));
  }
  std::string got = verifying.Digest();
  if (got != digest) return Corruption(c.what + ": content hashes to " + got);
  return Status::Ok();
}

Result<bool> RegistryClient::MountBlob(const std::string& repository, const std::string& digest,
                                       const std::string& from_repository) {
  Call c;
  c.method = "POST";
  c.url = "/v2/" + repository + "/blobs/uploads/?mount=" + UriEncode(digest, true) +
          "&from=" + UriEncode(from_repository, true);
  c.scopes = {PushScope(repository), PullScope(from_repository)};
  c.what = "mount blob " + digest + " from " + from_repository + " into " + repository;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (resp.status == 201) return true;
  if (resp.status == 202) {
    // Not mounted; the registry opened an upload session instead: close it.
    if (const std::string* location = resp.Header("Location")) {
      Call d;
      d.method = "DELETE";
      d.url = *location;
      d.scopes = {PushScope(repository)};
      d.what = "cancel upload " + repository;
      (void)Do(d);
    }
    return false;
  }
  return ErrorFrom(resp, c.what);
}

Result<std::string> RegistryClient::StartUpload(const std::string& repository, const std::string& what) {
  Call c;
  c.method = "POST";
  c.url = "/v2/" + repository + "/blobs/uploads/";
  c.scopes = {PushScope(repository)};
  c.what = what + " (start upload)";
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (resp.status != 202) return ErrorFrom(resp, c.what);
  const std::string* location = resp.Header("Location");
  if (location == nullptr || location->empty()) return Corruption(c.what + ": no Location in the answer");
  return *location;
}

Status RegistryClient::PushBlob(const std::string& repository, const std::string& digest, ByteSource& body) {
  std::string what = "upload blob " + repository + "@" + digest;
  auto attempt = [&]() -> Status {
    DTH_ASSIGN_OR_RETURN(std::string location, StartUpload(repository, what));
    Call c;
    c.method = "PUT";
    c.url = WithDigest(location, digest);
    c.headers = {{"Content-Type", "application/octet-stream"}};
    c.body = &body;
    c.scopes = {PushScope(repository)};
    c.what = what;
    c.replayable = false;  // each attempt opens a new session (below)
    DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
    if (resp.status != 201 && !resp.success()) return ErrorFrom(resp, what);
    const std::string* d = resp.Header("Docker-Content-Digest");
    if (d != nullptr && !d->empty() && *d != digest) return Corruption(what + ": registry stored " + *d);
    return Status::Ok();
  };
  // Retried only while the body can be sent again (a pipe cannot): then the first
  // error goes back to the caller, who retries the whole copy.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int n = 1;; ++n) {
    Status st = attempt();
    if (st.ok() || !config_.retry.ShouldRetry(st, n) || !body.Rewind().ok()) return st;
    auto delay = config_.retry.Delay(n, st, std::uniform_real_distribution<double>(0, 1)(rng));
    spdlog::info("retry {} of {} in {} ms: {}", n, config_.retry.max_attempts - 1, delay.count(), st.message());
    std::this_thread::sleep_for(delay);
  }
}

Status RegistryClient::PushBlobChunked(const std::string& repository, const std::string& digest,
                                       ByteSource& body, size_t chunk_size) {
  std::string what = "chunked upload blob " + repository + "@" + digest;
  if (chunk_size == 0) return InvalidArgument(what + ": chunk size 0");
  DTH_RETURN_IF_ERROR(body.Rewind());
  DTH_ASSIGN_OR_RETURN(std::string location, StartUpload(repository, what));
  std::string chunk(chunk_size, '\0');
  uint64_t offset = 0;
  for (;;) {
    size_t filled = 0;
    while (filled < chunk.size()) {
      DTH_ASSIGN_OR_RETURN(size_t got, body.Read(chunk.data() + filled, chunk.size() - filled));
      if (got == 0) break;
      filled += got;
    }
    if (filled == 0) break;
    StringViewSource part(std::string_view(chunk.data(), filled));
    Call c;
    c.method = "PATCH";
    c.url = location;
    c.headers = {{"Content-Type", "application/octet-stream"},
                 {"Content-Range", std::to_string(offset) + "-" + std::to_string(offset + filled - 1)}};
    c.body = &part;
    c.scopes = {PushScope(repository)};
    c.what = what + " (chunk at " + std::to_string(offset) + ")";
    c.replayable = false;  // a retried PATCH could append twice
    DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
    if (resp.status != 202) return ErrorFrom(resp, c.what);
    const std::string* next = resp.Header("Location");
    if (next == nullptr || next->empty()) return Corruption(c.what + ": no Location in the answer");
    location = *next;
    offset += filled;
    if (filled < chunk.size()) break;
  }
  Call c;
  c.method = "PUT";
  c.url = WithDigest(location, digest);
  c.scopes = {PushScope(repository)};
  c.what = what + " (finish)";
  c.replayable = false;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (resp.status != 201 && !resp.success()) return ErrorFrom(resp, c.what);
  return Status::Ok();
}

}  // namespace dth::registry
