// sigv4/signer: AWS Signature Version 4 (AWS4-HMAC-SHA256), header auth and
// presigned query auth. Owns request canonicalisation (path, query, headers),
// signing-key derivation and a small process-wide cache of derived keys. It
// never logs, and no error message or returned string holds the secret key.
// Thread-safety: all functions are safe to call from many threads at once;
// the derived-key cache is guarded by a mutex.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace dth {

struct SigningKeys {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

struct SignableRequest {
  std::string method;  // "GET"
  std::string host;    // host[:port] as it will be sent in Host
  std::string path;    // raw path, NOT encoded, e.g. "/bucket/a key+b"
  std::vector<std::pair<std::string, std::string>> query;    // raw (decoded) name/value pairs
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers to sign (any case)
  std::string payload_hash;  // hex sha256 of the body, or "UNSIGNED-PAYLOAD"
  // Set when `path` is already percent-encoded as it goes on the wire (taken
  // from a URL or request line). S3 rules then use it verbatim; generic rules
  // normalise it and encode it once more. Default: `path` is raw.
  bool path_is_encoded = false;
};

struct SignerOptions {
  std::string region;
  std::string service = "s3";
  // S3: encode the path once, no normalisation. Generic services: normalise
  // the path (remove "." and ".." segments and duplicate slashes) and encode
  // it twice.
  bool s3_path_rules = true;
  // Add and sign x-amz-content-sha256 (S3 wants it). Header auth only.
  bool add_content_sha256_header = true;
  // With a session token: true signs X-Amz-Security-Token; false adds it
  // after signing, unsigned (a few services, e.g. IoT, want that).
  bool sign_session_token = true;
};

// The headers to add to the request (X-Amz-Date, x-amz-content-sha256 when
// asked, X-Amz-Security-Token with a session token, Authorization), plus the
// intermediate strings for tests and debugging. None holds the secret.
struct SignedHeaders {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;
  std::string signature;  // hex; the seed of a chunked (streaming) upload's chunk signatures
  std::string amz_date;   // "20130524T000000Z"
  std::string scope;      // "20130524/us-east-1/s3/aws4_request"
};

// Header auth. Host comes from `request.host`; headers in `request.headers`
// that the signer itself sets (Host, Authorization, X-Amz-Date, and
// x-amz-content-sha256 / X-Amz-Security-Token when it adds them) are ignored.
SignedHeaders SignRequest(const SignableRequest& request, const SigningKeys& keys,
                          const SignerOptions& options, std::chrono::system_clock::time_point now);

struct PresignedQuery {
  std::string query;  // what PresignQuery returns
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

// Query auth (presigned URL), valid for `expires_seconds` (1..604800, else
// InvalidArgument). Returns the complete query string to put after "?": the
// request's own parameters plus the X-Amz-* ones, encoded, X-Amz-Signature
// last. Signs Host and `request.headers` (the user of the URL must send those
// headers); the payload hash is `request.payload_hash` (S3: "UNSIGNED-PAYLOAD").
Result<std::string> PresignQuery(const SignableRequest& request, const SigningKeys& keys,
                                 const SignerOptions& options,
                                 std::chrono::system_clock::time_point now, int expires_seconds);
// The same, with the intermediate strings.
Result<PresignedQuery> PresignQueryDetailed(const SignableRequest& request, const SigningKeys& keys,
                                            const SignerOptions& options,
                                            std::chrono::system_clock::time_point now,
                                            int expires_seconds);

// The canonical URI (second line of the canonical request) of a raw path;
// "" gives "/". With `path_is_encoded`, see SignableRequest::path_is_encoded.
std::string CanonicalUri(std::string_view raw_path, bool s3_path_rules,
                         bool path_is_encoded = false);

// Generic path normalisation (RFC 3986 dot segments, duplicate slashes
// collapsed): "//a/./b/../c/" -> "/a/c/". Always starts with '/'.
std::string NormalizePath(std::string_view path);

// "20150830T123600Z" (UTC), as sent in X-Amz-Date.
std::string AmzDate(std::chrono::system_clock::time_point now);

}  // namespace dth
