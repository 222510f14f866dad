// Multipart upload operations of S3Store.
#include "core/hash.h"
#include "store/s3/s3_store.h"
#include "store/s3/s3_xml.h"

namespace dth::s3 {
namespace {

std::string RangeHeader(const ByteRange& range) {
  std::string value = "bytes=" + std::to_string(range.offset) + "-";
  if (range.length) value += std::to_string(range.offset + *range.length - 1);
  return value;
}

}  // namespace

std::string ExpectedMultipartEtag(const std::vector<PartInfo>& parts) {
  std::string md5s;
  for (const auto& p : parts) {
    std::string raw;
    if (!HexDecode(p.etag, &raw) || raw.size() != 16) return "";  // not an MD5 ETag
    md5s += raw;
  }
  return HexEncode(Md5(md5s)) + "-" + std::to_string(parts.size());
}

Result<std::string> S3Store::CreateMultipartUpload(const std::string& key,
                                                   const PutOptions& options) {
  DTH_RETURN_IF_ERROR(CheckKey("CreateMultipartUpload", key));
  DTH_RETURN_IF_ERROR(CheckTags("CreateMultipartUpload", key, options.tags));
  S3Request r{"CreateMultipartUpload", "POST", key};
  r.query = {{"uploads", ""}};
  r.headers = PutHeaders(options);
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
  return ParseInitiateMultipartUpload(resp.body);
}

Result<std::string> S3Store::UploadPart(const std::string& key, const std::string& upload_id,
                                        int part_number, ByteSource& body) {
  if (part_number < 1 || part_number > features_.max_parts)
    return InvalidArgument("UploadPart " + client_.Describe(key) + ": part number " +
                           std::to_string(part_number) + " is out of range");
  S3Request r{"UploadPart", "PUT", key};
  r.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  return SendData(std::move(r), body);
}

Result<std::string> S3Store::UploadPartCopy(const std::string& key, const std::string& upload_id,
                                            int part_number, const CopySource& source) {
  // Where the server ignores x-amz-copy-source-if-match, a HEAD before the copy refuses
  // a source already changed, and one after it a source rewritten between that HEAD and
  // the copy (whose bytes this part would otherwise mix into the object).
  const bool check = !source.if_match.empty() && !features_.copy_source_if_match;
  if (check) DTH_RETURN_IF_ERROR(CheckSourceEtag("UploadPartCopy", source));
  S3Request r{"UploadPartCopy", "PUT", key};
  r.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  r.headers.emplace_back("x-amz-copy-source", CopySourceHeader(source));
  if (source.range) r.headers.emplace_back("x-amz-copy-source-range", RangeHeader(*source.range));
  if (!source.if_match.empty())
    r.headers.emplace_back("x-amz-copy-source-if-match", "\"" + source.if_match + "\"");
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
  DTH_ASSIGN_OR_RETURN(std::string etag,
                       ParseEtagResult(resp.body, "UploadPartCopy " + client_.Describe(key)));
  if (check) DTH_RETURN_IF_ERROR(CheckSourceEtag("UploadPartCopy", source));
  return etag;
}

Result<std::vector<PartInfo>> S3Store::ListParts(const std::string& key,
                                                 const std::string& upload_id) {
  std::vector<PartInfo> parts;
  std::string marker;
  for (int page = 0; page < 100000; ++page) {
    S3Request r{"ListParts", "GET", key};
    r.query = {{"uploadId", upload_id}};
    if (!marker.empty()) r.query.emplace_back("part-number-marker", marker);
    DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
    DTH_ASSIGN_OR_RETURN(ListPartsResult result, ParseListParts(resp.body));
    for (auto& p : result.parts) parts.push_back(std::move(p));
    if (!result.truncated) return parts;
    if (result.next_part_number_marker.empty() || result.next_part_number_marker == marker)
      return Corruption("ListParts " + client_.Describe(key) + ": truncated listing without progress");
    marker = result.next_part_number_marker;
  }
  return Corruption("ListParts " + client_.Describe(key) + ": too many pages");
}

Result<std::string> S3Store::CompleteMultipartUpload(const std::string& key,
                                                     const std::string& upload_id,
                                                     const std::vector<PartInfo>& parts) {
  if (parts.empty()) return InvalidArgument("CompleteMultipartUpload " + client_.Describe(key) + ": no parts");
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].part_number <= parts[i - 1].part_number)
      return InvalidArgument("CompleteMultipartUpload " + client_.Describe(key) +
                             ": parts must be in ascending order");
  }
  std::string xml = BuildCompleteMultipartUpload(parts);
  StringViewSource body(xml);
  S3Request r{"CompleteMultipartUpload", "POST", key};
  r.query = {{"uploadId", upload_id}};
  r.headers.emplace_back("Content-Type", "application/xml");
  r.body = &body;
  auto answer = client_.Execute(r);
  if (!answer.ok() && answer.status().server_code() == "NoSuchUpload") {
    // A Complete that was sent twice (a retry, or libcurl re-sending on a connection that
    // died) finds the upload gone because the first one finished it. It is done if the
    // object now carries exactly the ETag these parts make.
    std::string expected = ExpectedMultipartEtag(parts);
    auto head = Head(key);
    if (!expected.empty() && head.ok() && head->info.etag == expected) return expected;
    return answer.status();
  }
  if (!answer.ok()) return answer.status();
  const HttpResponse& resp = *answer;
  // A 200 can still carry an <Error> (the server failed while assembling).
  DTH_ASSIGN_OR_RETURN(std::string etag,
                       ParseEtagResult(resp.body, "CompleteMultipartUpload " + client_.Describe(key)));
  if (!etag.empty()) return etag;
  // Some servers (Ceph RGW) leave the ETag out of the answer: ask for it.
  DTH_ASSIGN_OR_RETURN(ObjectHead head, Head(key));
  return head.info.etag;
}

Status S3Store::AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
  S3Request r{"AbortMultipartUpload", "DELETE", key};
  r.query = {{"uploadId", upload_id}};
  return client_.Execute(r).status();
}

Result<std::vector<MultipartUploadInfo>> S3Store::ListMultipartUploads(const std::string& prefix) {
  std::vector<MultipartUploadInfo> uploads;
  std::string key_marker, id_marker;
  for (int page = 0; page < 100000; ++page) {
    S3Request r{"ListMultipartUploads", "GET"};
    r.query = {{"uploads", ""}, {"encoding-type", "url"}};
    if (!prefix.empty()) r.query.emplace_back("prefix", prefix);
    if (!key_marker.empty()) r.query.emplace_back("key-marker", key_marker);
    if (!id_marker.empty()) r.query.emplace_back("upload-id-marker", id_marker);
    DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
    DTH_ASSIGN_OR_RETURN(ListUploadsResult result, ParseListMultipartUploads(resp.body));
    for (auto& u : result.uploads) uploads.push_back(std::move(u));
    if (!result.truncated) return uploads;
    if (result.next_key_marker == key_marker && result.next_upload_id_marker == id_marker)
      return Corruption("ListMultipartUploads " + Describe() + ": truncated listing without progress");
    key_marker = result.next_key_marker;
    id_marker = result.next_upload_id_marker;
  }
  return Corruption("ListMultipartUploads " + Describe() + ": too many pages");
}

}  // namespace dth::s3
