#include "store/s3/s3_xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <limits>
#include <ctime>
#include <sstream>

#include "http/http_types.h"
#include "sigv4/uri_encode.h"

namespace dth::s3 {
namespace {

Status Malformed(std::string_view what) {
  return Corruption("malformed XML reply from the server (" + std::string(what) + ")");
}

bool Load(pugi::xml_document& doc, std::string_view body) {
  return doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_ws_pcdata_single)
      .status == pugi::status_ok;
}

std::string Text(const pugi::xml_node& node, const char* child) {
  return node.child(child).text().as_string();
}

// With encoding-type=url the server percent-encodes keys and prefixes.
bool Decode(bool url_encoded, std::string value, std::string* out) {
  if (!url_encoded) {
    *out = std::move(value);
    return true;
  }
  return UriDecode(value, out);
}

bool IsUrlEncoded(const pugi::xml_node& root) {
  return std::string_view(root.child("EncodingType").text().as_string()) == "url";
}

// Decimal digits only: strtoull also took a sign ("-1" became 2^64-1), blanks and
// values past 2^64 (clamped).
uint64_t ToU64(const std::string& s, bool* ok) {
  uint64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  *ok = !s.empty() && ec == std::errc() && p == end;
  return v;
}

}  // namespace

std::string StripQuotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

namespace {

// Reads exactly `digits` decimal digits at text[*pos].
bool ReadDigits(std::string_view text, size_t* pos, size_t digits, int* out) {
  if (*pos + digits > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  *out = value;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

// "2026-11-21T14:19:03.123Z" (fraction optional; "+hh:mm" in place of "Z" accepted; years
// 1678..2261, what TimePoint holds). Hand-parsed: a listing parses one per
// object, and sscanf was a visible share of a no-op re-run's CPU time.
bool ParseIsoTime(std::string_view text, TimePoint* out) {
  size_t pos = 0;
  int year, mon, day, hour, min, sec;
  if (!ReadDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &mon) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &day) || !Expect(text, &pos, 'T') ||
      !ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &min) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &sec))
    return false;
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
    }
    if (digits == 0) return false;
    for (; digits < 3; ++digits) millis *= 10;
  }
  int offset_minutes = 0;  // a few S3-compatible servers write "+00:00" for "Z"
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos++] == '-' ? -1 : 1;
    int oh, om;
    if (!ReadDigits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') ||
        !ReadDigits(text, &pos, 2, &om) || oh > 23 || om > 59)
      return false;
    offset_minutes = sign * (oh * 60 + om);
  } else if (!Expect(text, &pos, 'Z')) {
    return false;
  }
  if (pos != text.size()) return false;
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(mon)},
                                         std::chrono::day{unsigned(day)}};
  if (!date.ok() || hour > 23 || min > 59 || sec > 60) return false;
  // In milliseconds first: years 0000..9999 fit, but TimePoint (nanoseconds on 64 bits)
  // only spans 1677..2262, and converting a time outside that would overflow.
  const std::chrono::sys_time<std::chrono::milliseconds> ms =
      std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{min} +
      std::chrono::seconds{sec} + std::chrono::milliseconds{millis} - std::chrono::minutes{offset_minutes};
  using std::chrono::floor;
  using std::chrono::milliseconds;
  if (ms < std::chrono::ceil<milliseconds>(TimePoint::min()) || ms > floor<milliseconds>(TimePoint::max()))
    return false;
  *out = TimePoint(ms);
  return true;
}

bool ParseErrorBody(std::string_view body, ErrorBody* out) {
  pugi::xml_document doc;
  if (body.empty() || !Load(doc, body)) return false;
  pugi::xml_node err = doc.child("Error");
  if (!err) return false;
  out->code = Text(err, "Code");
  out->message = Text(err, "Message");
  out->request_id = Text(err, "RequestId");
  return true;
}

Result<ListObjectsResult> ParseListObjectsV2(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("ListObjectsV2");
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) return Malformed("ListObjectsV2: no ListBucketResult");
  bool encoded = IsUrlEncoded(root);
  ListObjectsResult r;
  for (pugi::xml_node c : root.children("Contents")) {
    ObjectInfo o;
    bool ok = false;
    if (!Decode(encoded, Text(c, "Key"), &o.key) || o.key.empty()) return Malformed("ListObjectsV2: bad Key");
    o.size = ToU64(Text(c, "Size"), &ok);
    if (!ok) return Malformed("ListObjectsV2: bad Size for " + o.key);
    o.etag = StripQuotes(Text(c, "ETag"));
    std::string lm = Text(c, "LastModified");
    if (!lm.empty() && !ParseIsoTime(lm, &o.last_modified)) return Malformed("ListObjectsV2: bad LastModified");
    o.storage_class = Text(c, "StorageClass");
    r.objects.push_back(std::move(o));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes")) {
    std::string prefix;
    if (!Decode(encoded, Text(p, "Prefix"), &prefix)) return Malformed("ListObjectsV2: bad Prefix");
    r.common_prefixes.push_back(std::move(prefix));
  }
  r.truncated = std::string_view(root.child("IsTruncated").text().as_string()) == "true";
  r.next_continuation_token = Text(root, "NextContinuationToken");
  if (r.truncated && r.next_continuation_token.empty())
    return Malformed("ListObjectsV2: truncated without NextContinuationToken");
  return r;
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("CreateMultipartUpload");
  std::string id = Text(doc.child("InitiateMultipartUploadResult"), "UploadId");
  if (id.empty()) return Malformed("CreateMultipartUpload: no UploadId");
  return id;
}

Result<ListPartsResult> ParseListParts(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("ListParts");
  pugi::xml_node root = doc.child("ListPartsResult");
  if (!root) return Malformed("ListParts: no ListPartsResult");
  ListPartsResult r;
  for (pugi::xml_node p : root.children("Part")) {
    PartInfo part;
    bool ok = false;
    const uint64_t number = ToU64(Text(p, "PartNumber"), &ok);
    if (!ok || number == 0 || number > uint64_t(std::numeric_limits<int>::max()))
      return Malformed("ListParts: bad PartNumber");  // a cast would wrap 4294967297 to part 1
    part.part_number = static_cast<int>(number);
    part.size = ToU64(Text(p, "Size"), &ok);
    if (!ok) return Malformed("ListParts: bad Size");
    part.etag = StripQuotes(Text(p, "ETag"));
    r.parts.push_back(std::move(part));
  }
  r.truncated = std::string_view(root.child("IsTruncated").text().as_string()) == "true";
  r.next_part_number_marker = Text(root, "NextPartNumberMarker");
  return r;
}

Result<ListUploadsResult> ParseListMultipartUploads(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("ListMultipartUploads");
  pugi::xml_node root = doc.child("ListMultipartUploadsResult");
  if (!root) return Malformed("ListMultipartUploads: no ListMultipartUploadsResult");
  bool encoded = IsUrlEncoded(root);
  ListUploadsResult r;
  for (pugi::xml_node u : root.children("Upload")) {
    MultipartUploadInfo info;
    if (!Decode(encoded, Text(u, "Key"), &info.key)) return Malformed("ListMultipartUploads: bad Key");
    info.upload_id = Text(u, "UploadId");
    ParseIsoTime(Text(u, "Initiated"), &info.initiated);
    r.uploads.push_back(std::move(info));
  }
  r.truncated = std::string_view(root.child("IsTruncated").text().as_string()) == "true";
  if (!Decode(encoded, Text(root, "NextKeyMarker"), &r.next_key_marker))
    return Malformed("ListMultipartUploads: bad NextKeyMarker");
  r.next_upload_id_marker = Text(root, "NextUploadIdMarker");
  return r;
}

Result<std::string> ParseEtagResult(std::string_view body, std::string_view operation) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed(operation);
  if (pugi::xml_node err = doc.child("Error")) {
    std::string code = Text(err, "Code");
    std::string message = Text(err, "Message");
    Status st(ClassifyHttpStatus(500, code),
              std::string(operation) + " failed: " + code + (message.empty() ? "" : ": " + message));
    st.WithHttp(200, code);
    return st;
  }
  pugi::xml_node root = doc.first_child();
  if (!root) return Malformed(operation);
  return StripQuotes(Text(root, "ETag"));
}

Result<std::vector<std::pair<std::string, Status>>> ParseDeleteResult(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("DeleteObjects");
  pugi::xml_node root = doc.child("DeleteResult");
  if (!root) return Malformed("DeleteObjects: no DeleteResult");
  std::vector<std::pair<std::string, Status>> failed;
  for (pugi::xml_node e : root.children("Error")) {
    std::string code = Text(e, "Code");
    Status st(ClassifyHttpStatus(code == "AccessDenied" ? 403 : 500, code),
              "delete failed: " + code + ": " + Text(e, "Message"));
    st.WithHttp(0, code);
    failed.emplace_back(Text(e, "Key"), st);
  }
  return failed;
}

Result<Tags> ParseTagging(std::string_view body) {
  // Ceph RGW answers 200 with no body for a multipart object created with x-amz-tagging
  // (which it drops there): that object has no tags.
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Tags{};
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("GetObjectTagging");
  pugi::xml_node set = doc.child("Tagging").child("TagSet");
  if (!doc.child("Tagging")) return Malformed("GetObjectTagging: no Tagging");
  Tags tags;
  for (pugi::xml_node t : set.children("Tag")) tags.emplace_back(Text(t, "Key"), Text(t, "Value"));
  return tags;
}

namespace {
std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}
}  // namespace

std::string BuildCompleteMultipartUpload(const std::vector<PartInfo>& parts) {
  pugi::xml_document doc;
  auto root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  for (const auto& p : parts) {
    auto part = root.append_child("Part");
    part.append_child("PartNumber").text().set(p.part_number);
    part.append_child("ETag").text().set(("\"" + p.etag + "\"").c_str());
  }
  return Serialize(doc);
}

std::string BuildDelete(const std::vector<std::string>& keys) {
  pugi::xml_document doc;
  auto root = doc.append_child("Delete");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  root.append_child("Quiet").text().set("true");
  for (const auto& k : keys) root.append_child("Object").append_child("Key").text().set(k.c_str());
  return Serialize(doc);
}

std::string BuildTagging(const Tags& tags) {
  pugi::xml_document doc;
  auto root = doc.append_child("Tagging");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  auto set = root.append_child("TagSet");
  for (const auto& [k, v] : tags) {
    auto tag = set.append_child("Tag");
    tag.append_child("Key").text().set(k.c_str());
    tag.append_child("Value").text().set(v.c_str());
  }
  return Serialize(doc);
}

}  // namespace dth::s3
