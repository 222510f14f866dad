#include "store/s3/s3_client.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/hash.h"
#include "sigv4/chunked_payload.h"
#include "sigv4/signer.h"
#include "sigv4/uri_encode.h"
#include "store/s3/s3_xml.h"

namespace dth::s3 {
namespace {

const char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Extra words for the errors people hit most, so the one line says what to fix.
std::string Hint(const std::string& server_code) {
  if (server_code == "SignatureDoesNotMatch")
    return " (authentication failed: check the secret access key)";
  if (server_code == "InvalidAccessKeyId") return " (authentication failed: unknown access key id)";
  if (server_code == "NoSuchBucket") return " (the bucket does not exist)";
  if (server_code == "RequestTimeTooSkewed") return " (check this machine's clock)";
  if (server_code == "BadDigest") return " (the data changed in transit: Content-MD5 mismatch)";
  if (server_code == "XAmzContentSHA256Mismatch")
    return " (the data changed in transit: SHA-256 mismatch)";
  return "";
}

Result<std::string> PayloadHash(const S3Request& request, PayloadSigning signing) {
  if (request.body == nullptr) return std::string(kEmptySha256);
  if (signing == PayloadSigning::kUnsigned) return std::string("UNSIGNED-PAYLOAD");
  DTH_ASSIGN_OR_RETURN(std::string sha256, DigestSource(*request.body, Hasher::Algorithm::kSha256));
  return HexEncode(sha256);
}

// The headers of an aws-chunked body: its decoded length and its encoding.
void AddChunkedHeaders(uint64_t decoded_length, HttpHeaders* headers) {
  headers->emplace_back("x-amz-decoded-content-length", std::to_string(decoded_length));
  headers->emplace_back("Content-Encoding", "aws-chunked");
}

}  // namespace

S3Client::S3Client(S3Config config, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), http_(std::move(http)) {
  std::string_view ep = config_.endpoint;
  auto scheme_end = ep.find("://");
  scheme_ = std::string(ep.substr(0, scheme_end));
  ep.remove_prefix(scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  while (!ep.empty() && ep.back() == '/') ep.remove_suffix(1);
  host_ = std::string(ep);
}

std::string S3Client::Describe(const std::string& key) const {
  return "s3://" + config_.bucket + (key.empty() ? "" : "/" + key);
}

Result<S3Client::Target> S3Client::MakeTarget(const S3Request& request) const {
  Target t;
  std::string path;
  if (request.no_bucket) {
    t.host = host_;
    path = "/" + request.key;
  } else if (config_.path_style) {
    t.host = host_;
    path = "/" + config_.bucket + "/" + request.key;
    if (request.key.empty()) path.pop_back();  // "/bucket"
  } else {
    t.host = config_.bucket + "." + host_;
    path = "/" + request.key;
  }
  t.path = path;
  t.url = scheme_ + "://" + t.host + UriEncode(path, /*encode_slash=*/false);
  if (!request.query.empty()) t.url += "?" + CanonicalQueryString(request.query);
  return t;
}

Status S3Client::ErrorFromResponse(const S3Request& request, const HttpResponse& response) const {
  ErrorBody err;
  bool has_body = ParseErrorBody(response.body, &err);
  std::string server_code = has_body ? err.code : "";
  if (server_code.empty()) {
    switch (response.status) {  // HEAD answers have no body
      case 404: server_code = request.key.empty() ? "NoSuchBucket" : "NoSuchKey"; break;
      case 403: server_code = "AccessDenied"; break;
      case 412: server_code = "PreconditionFailed"; break;
      default: break;
    }
  }
  std::string what = request.operation + " " + Describe(request.key) + ": ";
  what += server_code.empty() ? "HTTP " + std::to_string(response.status)
                              : server_code + " (HTTP " + std::to_string(response.status) + ")";
  if (has_body && !err.message.empty()) what += ": " + err.message;
  what += Hint(server_code);
  Status st(ClassifyHttpStatus(response.status, server_code), what);
  st.WithHttp(response.status, server_code);
  if (const std::string* ra = response.Header("Retry-After")) {
    if (auto delay = ParseRetryAfter(*ra, std::chrono::system_clock::now())) st.WithRetryAfter(*delay);
  }
  return st;
}

SignableRequest S3Client::Signable(const S3Request& request, const Target& target,
                                  const HttpHeaders& headers, std::string payload_hash) const {
  SignableRequest signable;
  signable.method = request.method;
  signable.host = target.host;
  signable.path = target.path;
  signable.query = request.query;
  signable.headers = headers;
  signable.payload_hash = std::move(payload_hash);
  return signable;
}

SigningKeys S3Client::Keys() const {
  return {config_.credentials.access_key_id, config_.credentials.secret_access_key,
          config_.credentials.session_token};
}

SignerOptions S3Client::SigningOptions() const {
  SignerOptions options;
  options.region = config_.region;
  return options;
}

Result<HttpResponse> S3Client::ExecuteOnce(const S3Request& request) const {
  DTH_ASSIGN_OR_RETURN(Target target, MakeTarget(request));
  HttpRequest http;
  http.method = request.method;
  http.url = target.url;
  http.headers = request.headers;
  http.body = request.body;
  http.sink = request.sink;
  http.on_response_start = request.on_response_start;
  if (config_.requester_pays) http.headers.emplace_back("x-amz-request-payer", "requester");
  std::optional<AwsChunkedSource> chunked;  // the framed body of a chunked_signing request
  const bool chunk = request.chunked_signing && request.body != nullptr;
  if (chunk) {
    if (config_.credentials.anonymous)
      return InvalidArgument(request.operation + " " + Describe(request.key) +
                             ": a chunk-signed upload needs credentials");
    AddChunkedHeaders(request.body->size(), &http.headers);
  }
  if (!config_.credentials.anonymous) {
    std::string payload_hash = kStreamingPayload;
    if (!chunk) {
      PayloadSigning signing = config_.payload_signing;
      if (request.sign_body) signing = PayloadSigning::kSigned;
      if (request.unsigned_body) signing = PayloadSigning::kUnsigned;
      DTH_ASSIGN_OR_RETURN(payload_hash, PayloadHash(request, signing));
    }
    SignedHeaders signed_headers =
        SignRequest(Signable(request, target, http.headers, payload_hash), Keys(), SigningOptions(),
                    std::chrono::system_clock::now());
    if (chunk) {
      chunked.emplace(*request.body, ChunkSigner(Keys(), SigningOptions(), signed_headers));
      http.body = &*chunked;
    }
    for (auto& h : signed_headers.headers) http.headers.push_back(std::move(h));
  }
  const auto started = std::chrono::steady_clock::now();
  auto sent = http_->Send(http);
  if (spdlog::should_log(spdlog::level::debug)) {
    // -vv: every request, without query (presigned credentials) or headers (signatures).
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started).count();
    spdlog::debug("{} {} {} -> {} in {} ms", request.operation, request.method,
                  Describe(request.key),
                  sent.ok() ? std::to_string(sent->status) : sent.status().ToString(), ms);
  }
  if (!sent.ok()) {
    Status st = sent.status();
    // A transport failure (reset, timeout, refused) does not say which request it was.
    if (st.code() == Code::kTransient) st.Prefix(request.operation + " " + Describe(request.key));
    return st;
  }
  HttpResponse& response = *sent;
  if (!response.success()) return ErrorFromResponse(request, response);
  return response;
}

Result<HttpResponse> S3Client::Execute(const S3Request& request) const {
  std::optional<HttpResponse> answer;
  Status st = RunWithRetries(
      config_.retry,
      [&](int) -> Status {
        auto r = ExecuteOnce(request);
        if (!r.ok()) return r.status();
        answer = std::move(r).value();
        return Status::Ok();
      },
      RealSleeper(),
      [this](const Status& why, int attempt, std::chrono::milliseconds delay) {
        NoteRetry(why, attempt, delay);
      });
  if (!st.ok()) return st;
  return std::move(*answer);
}

void S3Client::NoteRetry(const Status& why, int attempt, std::chrono::milliseconds delay) const {
  Retries().Note(why);
  if (config_.retry_counter) config_.retry_counter->Note(why);
  spdlog::info("retry {} of {} in {} ms: {}", attempt, config_.retry.max_attempts - 1,
               delay.count(), why.message());
}

RetryCounter& S3Client::Retries() {
  static RetryCounter* counter = new RetryCounter();  // never destroyed: used at exit
  return *counter;
}

Result<std::string> S3Client::Presign(const std::string& method, const std::string& key,
                                      int expires_seconds) const {
  S3Request request("Presign", method, key);
  DTH_ASSIGN_OR_RETURN(Target target, MakeTarget(request));
  DTH_ASSIGN_OR_RETURN(std::string query,
                       PresignQuery(Signable(request, target, {}, "UNSIGNED-PAYLOAD"), Keys(),
                                    SigningOptions(), std::chrono::system_clock::now(), expires_seconds));
  return target.url + "?" + query;
}

}  // namespace dth::s3
