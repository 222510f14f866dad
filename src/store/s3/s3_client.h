// store/s3/s3_client: one S3 request from start to answer: the URL (path-style or
// virtual-hosted), SigV4 signing (signed payload or UNSIGNED-PAYLOAD; none when
// anonymous), retries with backoff for classified failures (re-signed each attempt),
// and server errors turned into one-line classified Statuses.
// Thread-safety: an S3Client is immutable after construction and safe to share.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/retry.h"
#include "credentials/credentials.h"
#include "http/http_client.h"
#include "sigv4/signer.h"

namespace dth::s3 {

enum class PayloadSigning {
  kUnsigned,  // x-amz-content-sha256: UNSIGNED-PAYLOAD (integrity from Content-MD5)
  kSigned,    // SHA-256 of every body (costs a pass over the data)
};

// How the bytes of an object or part are protected on the way to the server.
enum class BodyChecksum {
  kMd5,     // Content-MD5 (the server checks it: BadDigest), and the ETag compared to it
  kSha256,  // the signed x-amz-content-sha256 of the body, which SigV4 servers check
            // (XAmzContentSHA256Mismatch); 2-3x cheaper than MD5 where SHA extensions exist
};

struct S3Config {
  std::string endpoint;  // "https://s3.us-east-1.amazonaws.com" or "http://127.0.0.1:7480"
  std::string region = "us-east-1";
  std::string bucket;
  bool path_style = true;  // false: https://bucket.host/key
  Credentials credentials;
  PayloadSigning payload_signing = PayloadSigning::kUnsigned;
  BodyChecksum body_checksum = BodyChecksum::kMd5;  // object and part bodies
  bool requester_pays = false;
  RetryPolicy retry;
  // Counts this store's retried requests too (beside the process-wide Retries()): the
  // hub's per-task metrics. May be null.
  std::shared_ptr<RetryCounter> retry_counter;
};

struct S3Request {
  S3Request(std::string op, std::string verb, std::string object_key = "")
      : operation(std::move(op)), method(std::move(verb)), key(std::move(object_key)) {}

  std::string operation;  // "GetObject", for messages
  std::string method = "GET";
  std::string key;         // "" for bucket-level requests
  std::vector<std::pair<std::string, std::string>> query;  // raw name/value
  HttpHeaders headers;
  ByteSource* body = nullptr;
  ByteSink* sink = nullptr;
  std::function<Status(int, const HttpHeaders&)> on_response_start;
  bool no_bucket = false;  // service-level (ListBuckets) or CreateBucket on the root
  bool sign_body = false;  // sign the body's SHA-256 whatever config.payload_signing says
  // UNSIGNED-PAYLOAD whatever config.payload_signing says: the body carries a Content-MD5
  // known before it is read, which the server checks (the body is read once, no pre-pass).
  bool unsigned_body = false;
  // Send the body aws-chunked, each chunk signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD):
  // the body is read once, front to back, with no pre-pass. Needs credentials.
  bool chunked_signing = false;
};

class S3Client {
 public:
  S3Client(S3Config config, std::shared_ptr<HttpClient> http);

  const S3Config& config() const { return config_; }
  const std::shared_ptr<HttpClient>& http() const { return http_; }
  // "s3://bucket" or "s3://bucket/key".
  std::string Describe(const std::string& key = "") const;

  // One attempt. A non-2xx answer comes back as a classified Status.
  Result<HttpResponse> ExecuteOnce(const S3Request& request) const;
  // Attempts until success, a permanent error, or the retry policy gives up.
  Result<HttpResponse> Execute(const S3Request& request) const;
  // Logs a retry and counts it in Retries().
  void NoteRetry(const Status& why, int attempt, std::chrono::milliseconds delay) const;
  // Every S3 request this process retried, by why (thread-safe; for summaries).
  static RetryCounter& Retries();

  // Builds a presigned GET/PUT URL valid for `expires_seconds`.
  Result<std::string> Presign(const std::string& method, const std::string& key,
                              int expires_seconds) const;

 private:
  struct Target {
    std::string url;
    std::string host;
    std::string path;  // raw (unencoded) path for signing
  };
  Result<Target> MakeTarget(const S3Request& request) const;
  SignableRequest Signable(const S3Request& request, const Target& target,
                           const HttpHeaders& headers, std::string payload_hash) const;
  SigningKeys Keys() const;
  SignerOptions SigningOptions() const;
  Status ErrorFromResponse(const S3Request& request, const HttpResponse& response) const;

  S3Config config_;
  std::shared_ptr<HttpClient> http_;
  std::string scheme_;
  std::string host_;  // host[:port] of the endpoint
};

}  // namespace dth::s3
