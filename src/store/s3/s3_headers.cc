// Mapping between PutOptions / ObjectHead and S3 HTTP headers.
#include <curl/curl.h>

#include <cctype>

#include "sigv4/uri_encode.h"
#include "store/s3/s3_store.h"
#include "store/s3/s3_xml.h"

namespace dth::s3 {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void AddIf(HttpHeaders& h, const char* name, const std::string& value) {
  if (!value.empty()) h.emplace_back(name, value);
}

}  // namespace

HttpHeaders PutHeaders(const PutOptions& o) {
  HttpHeaders h;
  const ObjectMetadata& m = o.metadata;
  AddIf(h, "Content-Type", m.content_type.empty() ? "application/octet-stream" : m.content_type);
  AddIf(h, "Content-Encoding", m.content_encoding);
  AddIf(h, "Content-Language", m.content_language);
  AddIf(h, "Content-Disposition", m.content_disposition);
  AddIf(h, "Cache-Control", m.cache_control);
  AddIf(h, "Expires", m.expires);
  for (const auto& [k, v] : m.user) h.emplace_back("x-amz-meta-" + Lower(k), v);
  AddIf(h, "x-amz-storage-class", o.storage_class);
  AddIf(h, "x-amz-acl", o.acl);
  if (o.sse == ServerSideEncryption::kAes256) h.emplace_back("x-amz-server-side-encryption", "AES256");
  if (o.sse == ServerSideEncryption::kKms) {
    h.emplace_back("x-amz-server-side-encryption", "aws:kms");
    AddIf(h, "x-amz-server-side-encryption-aws-kms-key-id", o.sse_kms_key_id);
  }
  if (!o.tags.empty()) {
    std::vector<std::pair<std::string, std::string>> pairs(o.tags.begin(), o.tags.end());
    h.emplace_back("x-amz-tagging", CanonicalQueryString(pairs));
  }
  return h;
}

Result<ObjectHead> HeadFromHeaders(const std::string& key, const HttpHeaders& headers) {
  ObjectHead head;
  head.info.key = key;
  for (const auto& [name, value] : headers) {
    std::string n = Lower(name);
    if (n == "content-length") {
      if (!ParseDecimal(value, &head.info.size))
        return Corruption("bad Content-Length in reply: " + value);
    } else if (n == "etag") {
      head.info.etag = StripQuotes(value);
    } else if (n == "last-modified") {
      time_t t = curl_getdate(value.c_str(), nullptr);
      if (t >= 0) head.info.last_modified = std::chrono::system_clock::from_time_t(t);
    } else if (n == "x-amz-storage-class") {
      head.info.storage_class = value;
    } else if (n == "content-type") {
      head.metadata.content_type = value;
    } else if (n == "content-encoding") {
      head.metadata.content_encoding = value;
    } else if (n == "content-language") {
      head.metadata.content_language = value;
    } else if (n == "content-disposition") {
      head.metadata.content_disposition = value;
    } else if (n == "cache-control") {
      head.metadata.cache_control = value;
    } else if (n == "expires") {
      head.metadata.expires = value;
    } else if (n.rfind("x-amz-meta-", 0) == 0) {
      head.metadata.user[n.substr(11)] = value;
    } else if (n == "x-amz-server-side-encryption") {
      head.sse = value == "aws:kms" ? ServerSideEncryption::kKms : ServerSideEncryption::kAes256;
    } else if (n == "x-amz-server-side-encryption-aws-kms-key-id") {
      head.sse_kms_key_id = value;
    } else if (n == "x-amz-tagging-count") {
      head.tag_count = std::atoi(value.c_str());
    } else if (n == "x-amz-mp-parts-count") {
      head.parts_count = std::atoi(value.c_str());
    }
  }
  if (head.parts_count == 0) {
    auto dash = head.info.etag.rfind('-');
    if (dash != std::string::npos) head.parts_count = std::atoi(head.info.etag.c_str() + dash + 1);
  }
  return head;
}

}  // namespace dth::s3
