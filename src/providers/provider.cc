#include "providers/provider.h"

#include <algorithm>
#include <cctype>

namespace dth {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;

// AWS storage classes for x-amz-storage-class (EXPRESS_ONEZONE and OUTPOSTS
// are for directory buckets / Outposts only and are left out).
const std::vector<std::string>& AwsStorageClasses() {
  static const std::vector<std::string> classes = {
      "STANDARD",    "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
      "GLACIER",     "GLACIER_IR",         "DEEP_ARCHIVE"};
  return classes;
}

// The table. Sources (checked 2025):
//  - AWS: "Amazon S3 multipart upload limits" — 10,000 parts, 5 MiB..5 GiB,
//    single PUT up to 5 GiB. Same numbers in the China regions.
//  - Aliyun OSS: UploadPart — 10,000 parts of 100 KB..5 GB; PutObject up to
//    5 GB; S3 API is virtual-hosted only. The OSS "compatibility with Amazon
//    S3" page lists no object-tagging operations, so tagging is off. Storage
//    classes through the S3 API: STANDARD, STANDARD_IA (-> IA) and GLACIER
//    (-> Archive) — best effort; Cold/Deep Cold Archive need x-oss-storage-class.
//  - Tencent COS: Upload Part — 10,000 parts of 1 MB..5 GB; simple upload
//    up to 5 GB; classes from the COS storage-class overview.
//  - Qiniu Kodo: no published S3-API multipart limits found, so S3's
//    defaults are kept. Kodo's native hash is its own "qetag", not MD5, so
//    ETags are not treated as MD5. Classes: STANDARD, LINE (infrequent),
//    GLACIER (archive), DEEP_ARCHIVE. Tagging unverified, so off.
//  - s3 (generic: MinIO, Ceph RGW, ...): S3 defaults, path-style, storage
//    classes left to the server.
//  Server-side copies and tags: AWS documents x-amz-copy-source-if-match on
//  CopyObject and UploadPartCopy, x-amz-tagging on CreateMultipartUpload, and a
//  tagging directive (default COPY) independent of the metadata directive. OSS and COS
//  document copy-source conditions and tagging only for their native x-oss-/x-cos-
//  headers, Kodo not at all: not declared (a HEAD checks the source, PutTagging sets
//  tags). Generic: Ceph RGW Pacific ignores x-amz-copy-source-if-match and x-amz-tagging
//  on CreateMultipartUpload, and a CopyObject replacing the metadata drops the tags
//  (checked, tests/integration/s3_rgw_test.cc); with directive COPY they travel.
const std::vector<ProviderProfile>& Table() {
  static const std::vector<ProviderProfile> table = {
      {.name = "aws",
       .display = "Amazon S3",
       .endpoint_template = "https://s3.{region}.amazonaws.com",
       .default_region = "us-east-1",
       .addressing = Addressing::kVirtualHosted,
       .virtual_hosted_only = false,
       .max_parts = 10000,
       .min_part_size = 5 * kMiB,
       .max_part_size = 5 * kGiB,
       .max_put_size = 5 * kGiB,
       .etag_is_md5 = true,
       .supports_tagging = true,
       .supports_server_side_copy = true,
       .copy_source_if_match = true,
       .tags_on_create_multipart = true,
       .copy_keeps_tags = true,
       .copy_replace_keeps_tags = true,
       .storage_classes = AwsStorageClasses()},
      {.name = "aws-cn",
       .display = "Amazon S3 (China)",
       .endpoint_template = "https://s3.{region}.amazonaws.com.cn",
       .default_region = "cn-north-1",
       .addressing = Addressing::kVirtualHosted,
       .virtual_hosted_only = false,
       .max_parts = 10000,
       .min_part_size = 5 * kMiB,
       .max_part_size = 5 * kGiB,
       .max_put_size = 5 * kGiB,
       .etag_is_md5 = true,
       .supports_tagging = true,
       .supports_server_side_copy = true,
       .copy_source_if_match = true,
       .tags_on_create_multipart = true,
       .copy_keeps_tags = true,
       .copy_replace_keeps_tags = true,
       .storage_classes = AwsStorageClasses()},  // assumed equal to AWS global
      {.name = "aliyun",
       .display = "Alibaba Cloud OSS",
       .endpoint_template = "https://oss-{region}.aliyuncs.com",
       .default_region = "cn-hangzhou",
       .addressing = Addressing::kVirtualHosted,
       .virtual_hosted_only = true,
       .max_parts = 10000,
       .min_part_size = 100 * kKiB,
       .max_part_size = 5 * kGiB,
       .max_put_size = 5 * kGiB,
       .etag_is_md5 = true,
       .checks_payload_sha256 = false,  // not documented for its S3 layer
       .supports_tagging = false,
       .supports_server_side_copy = true,
       .storage_classes = {"STANDARD", "STANDARD_IA", "GLACIER"}},
      {.name = "tencent",
       .display = "Tencent Cloud COS",
       .endpoint_template = "https://cos.{region}.myqcloud.com",
       .default_region = "ap-guangzhou",
       .addressing = Addressing::kVirtualHosted,
       .virtual_hosted_only = true,
       .max_parts = 10000,
       .min_part_size = 1 * kMiB,
       .max_part_size = 5 * kGiB,
       .max_put_size = 5 * kGiB,
       .etag_is_md5 = true,
       .checks_payload_sha256 = false,  // not documented for its S3 layer
       .supports_tagging = true,
       .supports_server_side_copy = true,
       .storage_classes = {"STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "ARCHIVE",
                           "DEEP_ARCHIVE", "MAZ_STANDARD", "MAZ_STANDARD_IA",
                           "MAZ_INTELLIGENT_TIERING"}},
      {.name = "qiniu",
       .display = "Qiniu Kodo",
       .endpoint_template = "https://s3-{region}.qiniucs.com",
       .default_region = "cn-east-1",
       .addressing = Addressing::kVirtualHosted,
       .virtual_hosted_only = false,
       .max_parts = 10000,
       .min_part_size = 5 * kMiB,
       .max_part_size = 5 * kGiB,
       .max_put_size = 5 * kGiB,
       .etag_is_md5 = false,
       .checks_payload_sha256 = false,  // not documented for its S3 layer
       .supports_tagging = false,
       .supports_server_side_copy = true,
       .storage_classes = {"STANDARD", "LINE", "GLACIER", "DEEP_ARCHIVE"}},
      {.name = "s3",
       .display = "S3-compatible (custom endpoint)",
       .endpoint_template = "",
       .default_region = "us-east-1",
       .addressing = Addressing::kPath,
       .virtual_hosted_only = false,
       .max_parts = 10000,
       .min_part_size = 5 * kMiB,
       .max_part_size = 5 * kGiB,
       .max_put_size = 5 * kGiB,
       .etag_is_md5 = true,
       .supports_tagging = true,
       .supports_server_side_copy = true,
       .copy_keeps_tags = true,  // RGW and MinIO do; RGW loses them on REPLACE
       .storage_classes = {}},
  };
  return table;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string KnownNames() {
  std::string out;
  for (const ProviderProfile& p : Table()) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

}  // namespace

const std::vector<ProviderProfile>& AllProviders() { return Table(); }

Result<const ProviderProfile*> FindProvider(std::string_view name) {
  for (const ProviderProfile& p : Table()) {
    if (EqualsIgnoreCase(p.name, name)) return &p;
  }
  return InvalidArgument("unknown provider '" + std::string(name) + "' (known: " + KnownNames() +
                         ")");
}

bool AcceptsStorageClass(const ProviderProfile& provider, std::string_view storage_class) {
  if (provider.storage_classes.empty()) return true;
  return std::find(provider.storage_classes.begin(), provider.storage_classes.end(),
                   storage_class) != provider.storage_classes.end();
}

bool IsArchiveStorageClass(std::string_view storage_class) {
  static constexpr std::string_view kArchive[] = {
      "GLACIER", "DEEP_ARCHIVE", "ARCHIVE", "COLDARCHIVE", "DEEPCOLDARCHIVE"};
  for (std::string_view a : kArchive) {
    if (EqualsIgnoreCase(a, storage_class)) return true;
  }
  return false;
}

}  // namespace dth
