// store/s3/s3_xml: parsing of S3 XML replies (errors, listings, multipart, copy,
// delete, tagging) with pugixml, and building of request bodies. A malformed reply
// is a kCorruption Status, never a crash or a silently empty result.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/object_store.h"

namespace dth::s3 {

struct ErrorBody {
  std::string code;     // "NoSuchKey"; "" when the body is not an S3 error document
  std::string message;  // may be empty (RGW sends <Message></Message>)
  std::string request_id;
};
// Parses <Error>...</Error>. Returns false when body is not an error document.
bool ParseErrorBody(std::string_view body, ErrorBody* out);

struct ListObjectsResult {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;
};
Result<ListObjectsResult> ParseListObjectsV2(std::string_view body);

Result<std::string> ParseInitiateMultipartUpload(std::string_view body);  // UploadId

struct ListPartsResult {
  std::vector<PartInfo> parts;
  bool truncated = false;
  std::string next_part_number_marker;
};
Result<ListPartsResult> ParseListParts(std::string_view body);

struct ListUploadsResult {
  std::vector<MultipartUploadInfo> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};
Result<ListUploadsResult> ParseListMultipartUploads(std::string_view body);

// CompleteMultipartUpload, CopyObject and UploadPartCopy can answer 200 with an
// <Error> body: that comes back as a failed Result. Returns the ETag (unquoted, may be "").
Result<std::string> ParseEtagResult(std::string_view body, std::string_view operation);

// DeleteObjects: the keys that failed, with a Status each.
Result<std::vector<std::pair<std::string, Status>>> ParseDeleteResult(std::string_view body);

Result<Tags> ParseTagging(std::string_view body);

std::string BuildCompleteMultipartUpload(const std::vector<PartInfo>& parts);
std::string BuildDelete(const std::vector<std::string>& keys);
std::string BuildTagging(const Tags& tags);

// "2009-10-12T17:50:30.000Z" -> time point; false when malformed or outside what
// TimePoint can hold (about 1677-09-21 .. 2262-04-11).
bool ParseIsoTime(std::string_view text, TimePoint* out);
std::string StripQuotes(std::string_view etag);

}  // namespace dth::s3
