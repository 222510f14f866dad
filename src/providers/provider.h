// providers/provider: what dth knows about each S3-compatible provider, as
// data — one table row per provider (endpoint template, addressing, multipart
// limits, ETag semantics, optional features, accepted storage classes) — plus
// endpoint and region validation. Code asks the profile, never the name.
// Thread-safety: the table is immutable; all functions are safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dth {

enum class Addressing { kPath, kVirtualHosted };

struct ProviderProfile {
  std::string name;               // "aws", "aws-cn", "aliyun", "tencent", "qiniu", "s3"
  std::string display;            // "Amazon S3"
  std::string endpoint_template;  // "https://s3.{region}.amazonaws.com"; "" = custom only
  std::string default_region;     // used when no region is given; "" = none
  Addressing addressing = Addressing::kVirtualHosted;  // preferred style
  bool virtual_hosted_only = false;  // path-style requests are refused
  int max_parts = 10000;
  uint64_t min_part_size = 0;  // every part but the last
  uint64_t max_part_size = 0;
  uint64_t max_put_size = 0;  // largest single PutObject
  bool etag_is_md5 = true;    // single-part uploads (no SSE-KMS) get ETag = hex MD5
  // The server checks a signed x-amz-content-sha256 against the body (SigV4 servers
  // must), so bodies can be protected by SHA-256 instead of Content-MD5.
  bool checks_payload_sha256 = true;
  bool supports_tagging = true;
  bool supports_server_side_copy = true;  // CopyObject / UploadPartCopy
  // What the server does by itself (StoreFeatures): declared only where the provider
  // documents it for its S3 API; false costs requests, a wrong true costs data.
  bool copy_source_if_match = false;  // x-amz-copy-source-if-match honoured
  bool tags_on_create_multipart = false;  // x-amz-tagging on CreateMultipartUpload
  bool copy_keeps_tags = false;  // CopyObject keeps the source's tags
  bool copy_replace_keeps_tags = false;  // ... also with metadata directive REPLACE
  // Storage class values the provider accepts in x-amz-storage-class;
  // empty = unknown, pass whatever the user asks for.
  std::vector<std::string> storage_classes;
};

// Every known provider, in a stable order (aws, aws-cn, aliyun, tencent, qiniu, s3).
const std::vector<ProviderProfile>& AllProviders();

// Case-insensitive lookup. Unknown names: InvalidArgument
// "unknown provider 'x' (known: aws, aws-cn, aliyun, tencent, qiniu, s3)".
Result<const ProviderProfile*> FindProvider(std::string_view name);

// The endpoint to talk to: a custom endpoint wins (validated and normalised
// to lower-case "scheme://host[:port]"); the generic "s3" provider requires
// one; otherwise the template is expanded with `region` (or the profile's
// default region when empty). A non-empty region must match [a-z0-9-]+.
Result<std::string> ResolveEndpoint(const ProviderProfile& provider, std::string_view region,
                                    std::string_view custom_endpoint);

// Checks "http(s)://host[:port]" (optional trailing '/'): no path, query,
// fragment or user info; port 1..65535; IPv6 literals in brackets.
// Returns the normalised endpoint.
Result<std::string> ValidateEndpoint(std::string_view endpoint);

// [a-z0-9-]+
bool IsValidRegion(std::string_view region);

// Whether `provider` accepts the storage class (exact, upper-case S3 value).
// Always true for providers whose list is empty (unknown).
bool AcceptsStorageClass(const ProviderProfile& provider, std::string_view storage_class);

// Storage classes whose objects must be restored before they can be read:
// GLACIER, DEEP_ARCHIVE (AWS, Qiniu, COS), ARCHIVE (COS), and OSS's native
// Archive / ColdArchive / DeepColdArchive. Case-insensitive. GLACIER_IR and
// INTELLIGENT_TIERING are readable immediately and are not archive classes.
bool IsArchiveStorageClass(std::string_view storage_class);

}  // namespace dth
