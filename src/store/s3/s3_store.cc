#include "store/s3/s3_store.h"

#include <spdlog/spdlog.h>

#include "core/hash.h"
#include "sigv4/uri_encode.h"
#include "store/s3/s3_xml.h"

namespace dth::s3 {
namespace {

// Passes the bytes of [begin, end) of the answer's body on to the real sink and counts
// them, so a failed GET can resume. The window is the whole body for a 206 answer; for
// a server that ignored Range and sent the whole object (200), it cuts out the range.
class WindowSink : public ByteSink {
 public:
  WindowSink(ByteSink& inner, uint64_t* delivered) : inner_(inner), delivered_(delivered) {}
  void Reset(uint64_t skip, std::optional<uint64_t> keep) {
    skip_ = skip;
    keep_ = keep;
  }
  Status Write(std::string_view data) override {
    uint64_t drop = std::min<uint64_t>(skip_, data.size());
    data.remove_prefix(drop);
    skip_ -= drop;
    if (keep_) {
      data = data.substr(0, std::min<uint64_t>(*keep_, data.size()));
      *keep_ -= data.size();
    }
    if (data.empty()) return Status::Ok();
    DTH_RETURN_IF_ERROR(inner_.Write(data));
    *delivered_ += data.size();
    return Status::Ok();
  }

 private:
  ByteSink& inner_;
  uint64_t* delivered_;
  uint64_t skip_ = 0;
  std::optional<uint64_t> keep_;
};

// "bytes 0-9/100" -> 100.
bool TotalFromContentRange(const std::string& value, uint64_t* total) {
  auto slash = value.rfind('/');
  if (slash == std::string::npos || value.compare(slash + 1, std::string::npos, "*") == 0) return false;
  return ParseDecimal(std::string_view(value).substr(slash + 1), total);
}

}  // namespace

Status S3Store::CheckKey(const std::string& operation, const std::string& key) const {
  if (key.empty()) return InvalidArgument(operation + " " + Describe() + ": empty key");
  if (key.size() > 1024)
    return InvalidArgument(operation + " " + client_.Describe(key.substr(0, 64)) + "...: key is " +
                           std::to_string(key.size()) + " bytes; S3 allows at most 1024");
  if (!features_.arbitrary_keys && !IsCleanRelativePath(key))
    return InvalidArgument(operation + " " + client_.Describe(key) +
                           ": this store holds only keys that are clean relative paths "
                           "(no empty, '.' or '..' segments)");
  return Status::Ok();
}

Status S3Store::CheckTags(const std::string& operation, const std::string& key,
                          const Tags& tags) const {
  if (features_.tagging || tags.empty()) return Status::Ok();
  return NotSupported(operation + " " + client_.Describe(key) +
                      ": this store keeps no object tags (the server would drop them)");
}

S3Store::S3Store(S3Config config, std::shared_ptr<HttpClient> http, StoreFeatures features)
    : client_(std::move(config), std::move(http)), features_(features) {}

Status S3Store::CreateBucket() {
  S3Request r{"CreateBucket", "PUT"};
  std::string body;
  const std::string& region = client_.config().region;
  if (!region.empty() && region != "us-east-1") {
    body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
           "<LocationConstraint>" + region + "</LocationConstraint></CreateBucketConfiguration>";
  }
  StringViewSource source(body);
  if (!body.empty()) r.body = &source;
  auto resp = client_.Execute(r);
  if (!resp.ok() && resp.status().server_code() != "BucketAlreadyOwnedByYou") return resp.status();
  return Status::Ok();
}

Status S3Store::DeleteBucket() {
  S3Request r{"DeleteBucket", "DELETE"};
  return client_.Execute(r).status();
}

Result<ObjectHead> S3Store::Head(const std::string& key) {
  S3Request r{"HeadObject", "HEAD", key};
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
  return HeadFromHeaders(key, resp.headers);
}

Status S3Store::Get(const std::string& key, const GetOptions& options, ByteSink& sink,
                    ObjectHead* head) {
  uint64_t delivered = 0;
  WindowSink window(sink, &delivered);
  std::string pinned_etag = options.if_match;
  bool have_head = false;
  const uint64_t first = options.range ? options.range->offset : 0;
  std::optional<uint64_t> last;
  if (options.range && options.range->length) {
    if (*options.range->length == 0) return Status::Ok();
    last = first + *options.range->length - 1;
  }
  return RunWithRetries(client_.config().retry, [&](int) -> Status {
    S3Request r{"GetObject", "GET", key};
    const uint64_t start = first + delivered;
    const bool ranged = options.range || delivered > 0;
    if (ranged) {
      std::string range = "bytes=" + std::to_string(start) + "-";
      if (last) range += std::to_string(*last);
      r.headers.emplace_back("Range", range);
    }
    // After the first answer every retry is pinned to the same version of the object.
    if (!pinned_etag.empty()) r.headers.emplace_back("If-Match", "\"" + pinned_etag + "\"");
    r.sink = &window;
    r.on_response_start = [&](int status, const HttpHeaders& headers) -> Status {
      DTH_ASSIGN_OR_RETURN(ObjectHead h, HeadFromHeaders(key, headers));
      const std::string* content_range = FindHeader(headers, "Content-Range");
      if (content_range != nullptr) TotalFromContentRange(*content_range, &h.info.size);
      if (pinned_etag.empty()) {
        pinned_etag = h.info.etag;
      } else if (h.info.etag != pinned_etag) {  // for servers that ignore If-Match
        Status changed(Code::kPreconditionFailed, "GetObject " + client_.Describe(key) +
                                                      ": the object changed (ETag " + h.info.etag +
                                                      ", expected " + pinned_etag + ")");
        changed.WithHttp(412, "PreconditionFailed");
        return changed;
      }
      std::optional<uint64_t> keep;
      if (last) keep = *last + 1 - start;
      if (!ranged) {
        window.Reset(0, std::nullopt);
      } else if (status == 206) {
        if (content_range == nullptr ||
            content_range->rfind("bytes " + std::to_string(start) + "-", 0) != 0)
          return Corruption("GetObject " + client_.Describe(key) + ": the server answered a different range");
        window.Reset(0, keep);  // some servers send more than asked: keep only the range
      } else {  // Range ignored: the whole object is coming; cut the window out of it.
        window.Reset(start, keep);
      }
      if (!have_head) {
        if (head != nullptr) *head = std::move(h);
        have_head = true;
      }
      return Status::Ok();
    };
    return client_.ExecuteOnce(r).status();
  }, RealSleeper(), [this](const Status& why, int attempt, std::chrono::milliseconds delay) {
    client_.NoteRetry(why, attempt, delay);
  });
}

Result<std::string> S3Store::SendWithMd5(S3Request request, ByteSource& body) {
  DTH_ASSIGN_OR_RETURN(std::string md5, DigestSource(body, Hasher::Algorithm::kMd5));
  request.headers.emplace_back("Content-MD5", Base64Encode(md5));
  request.body = &body;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(request));
  return EtagCheckedAgainstMd5(request, resp, HexEncode(md5));
}

Result<std::string> S3Store::EtagCheckedAgainstMd5(const S3Request& request, const HttpResponse& resp,
                                                   const std::string& md5_hex) const {
  const std::string* etag_header = resp.Header("ETag");
  std::string etag = etag_header ? StripQuotes(*etag_header) : "";
  const std::string* applied = resp.Header("x-amz-server-side-encryption");
  const bool encrypted = FindHeader(request.headers, "x-amz-server-side-encryption") != nullptr ||
                         (applied != nullptr && !EqualsIgnoreCase(*applied, "AES256")) ||
                         resp.Header("x-amz-server-side-encryption-customer-algorithm") != nullptr;
  if (features_.etag_is_md5 && !etag.empty() && etag.find('-') == std::string::npos && !encrypted &&
      !EqualsIgnoreCase(etag, md5_hex)) {
    return Corruption(request.operation + " " + client_.Describe(request.key) +
                      ": the server's ETag " + etag + " does not match the MD5 sent " + md5_hex);
  }
  return etag;
}

Result<std::string> S3Store::SendKnownMd5(S3Request request, ByteSource& body,
                                          const std::string& md5_hex) {
  std::string md5;
  if (!IsPlainMd5Etag(md5_hex) || !HexDecode(md5_hex, &md5))
    return InvalidArgument(request.operation + " " + client_.Describe(request.key) +
                           ": the content MD5 \"" + md5_hex + "\" is not 32 hex digits");
  request.headers.emplace_back("Content-MD5", Base64Encode(md5));
  request.unsigned_body = true;  // the server checks the bytes against the Content-MD5
  request.body = &body;
  // A body read once gets one attempt; the caller sends it again from memory.
  auto resp = body.replayable() ? client_.Execute(request) : client_.ExecuteOnce(request);
  if (!resp.ok()) {
    if (!body.replayable() && resp.status().retryable()) S3Client::Retries().Note(resp.status());
    return resp.status();
  }
  auto etag = EtagCheckedAgainstMd5(request, *resp, md5_hex);
  if (!etag.ok()) {
    // The server kept bytes that are not the promised ones (it does not check Content-MD5:
    // s3rver): remove them rather than leave them for a reader to trust.
    Status removed = Delete(request.key);
    return Corruption(etag.status().message() + (removed.ok() ? "; the object was removed"
                                                              : "; removing it failed: " + removed.message()));
  }
  return etag;
}

bool S3Store::StreamsParts() const {
  return client_.config().body_checksum == BodyChecksum::kSha256 &&
         !client_.config().credentials.anonymous && !chunked_refused_.load();
}

namespace {

// Whether an answer to a chunk-signed upload says the server does not take them (a
// server without aws-chunked support sees a malformed body or a payload hash it cannot
// check), as opposed to a failure any upload could meet.
bool RefusesChunked(const Status& st) {
  const int http = st.http_status();
  return http == 400 || http == 411 || http == 501 ||
         (http == 403 && st.server_code() == "SignatureDoesNotMatch");
}

}  // namespace

Result<std::string> S3Store::SendStreamed(S3Request request, ByteSource& body) {
  if (!StreamsParts())
    return Status(Code::kNotSupported,
                  request.operation + " " + client_.Describe(request.key) +
                      ": a streamed body needs chunk-signed uploads (--body-checksum sha256, "
                      "credentials, and a server that takes them)");
  request.chunked_signing = true;
  request.body = &body;
  auto resp = client_.ExecuteOnce(request);
  if (!resp.ok()) {
    const Status& st = resp.status();
    if (RefusesChunked(st)) {
      if (!chunked_refused_.exchange(true)) {
        spdlog::info("{}: the server refused a chunk-signed upload ({}); parts go from memory "
                     "from now on", client_.Describe(), st.message());
      }
    } else if (st.retryable()) {
      // The caller sends the bytes again from memory: that is this request's retry.
      S3Client::Retries().Note(st);
      spdlog::info("a streamed upload failed, to be sent again from memory: {}", st.message());
    }
    return st;
  }
  const std::string* etag_header = resp->Header("ETag");
  return etag_header ? StripQuotes(*etag_header) : std::string();
}

Result<std::string> S3Store::SendData(S3Request request, ByteSource& body) {
  if (!body.replayable()) return SendStreamed(std::move(request), body);
  if (client_.config().body_checksum == BodyChecksum::kMd5) return SendWithMd5(std::move(request), body);
  request.sign_body = true;
  request.body = &body;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(request));
  const std::string* etag_header = resp.Header("ETag");
  return etag_header ? StripQuotes(*etag_header) : std::string();
}

Result<std::string> S3Store::Put(const std::string& key, ByteSource& body,
                                 const PutOptions& options) {
  if (body.size() > features_.max_put_size)
    return InvalidArgument("PutObject " + client_.Describe(key) + ": " + std::to_string(body.size()) +
                           " bytes is over the single-PUT limit; use multipart");
  DTH_RETURN_IF_ERROR(CheckKey("PutObject", key));
  DTH_RETURN_IF_ERROR(CheckTags("PutObject", key, options.tags));
  S3Request r{"PutObject", "PUT", key};
  r.headers = PutHeaders(options);
  if (!options.content_md5.empty()) return SendKnownMd5(std::move(r), body, options.content_md5);
  // Only parts are sent chunk-signed: RGW and s3rver keep a PutObject's "Content-Encoding:
  // aws-chunked" as the object's own encoding (AWS drops it), which would corrupt it.
  if (!body.replayable())
    return Status(Code::kNotSupported, "PutObject " + client_.Describe(key) +
                                           ": a body that can be read only once is sent as "
                                           "multipart parts, not in one PUT");
  return SendData(std::move(r), body);
}

Status S3Store::Delete(const std::string& key) {
  S3Request r{"DeleteObject", "DELETE", key};
  auto resp = client_.Execute(r);
  if (!resp.ok() && resp.status().code() == Code::kNotFound &&
      resp.status().server_code() == "NoSuchKey")
    return Status::Ok();
  return resp.status();
}

Result<std::vector<std::pair<std::string, Status>>> S3Store::DeleteMany(
    const std::vector<std::string>& keys) {
  std::vector<std::pair<std::string, Status>> failed;
  for (size_t i = 0; i < keys.size(); i += 1000) {
    std::vector<std::string> batch(keys.begin() + static_cast<ptrdiff_t>(i),
                                   keys.begin() + static_cast<ptrdiff_t>(std::min(keys.size(), i + 1000)));
    std::string xml = BuildDelete(batch);
    StringViewSource body(xml);
    S3Request r{"DeleteObjects", "POST"};
    r.query = {{"delete", ""}};
    r.headers.emplace_back("Content-Type", "application/xml");
    r.headers.emplace_back("Content-MD5", Base64Encode(Md5(xml)));
    r.body = &body;
    DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
    DTH_ASSIGN_OR_RETURN(auto batch_failed, ParseDeleteResult(resp.body));
    for (auto& f : batch_failed) failed.push_back(std::move(f));
  }
  return failed;
}

Status S3Store::CheckSourceEtag(const std::string& operation, const CopySource& source) {
  S3Config config = client_.config();
  if (!source.bucket.empty()) config.bucket = source.bucket;
  S3Client source_client(config, client_.http());
  S3Request r{"HeadObject", "HEAD", source.key};
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, source_client.Execute(r));
  DTH_ASSIGN_OR_RETURN(ObjectHead head, HeadFromHeaders(source.key, resp.headers));
  if (head.info.etag == source.if_match) return Status::Ok();
  Status st(Code::kPreconditionFailed, operation + ": the source " +
                                           source_client.Describe(source.key) +
                                           " changed (ETag " + head.info.etag + ", expected " +
                                           source.if_match + ")");
  st.WithHttp(412, "PreconditionFailed");
  return st;
}

std::string S3Store::CopySourceHeader(const CopySource& source) const {
  const std::string& bucket = source.bucket.empty() ? client_.config().bucket : source.bucket;
  return UriEncode("/" + bucket + "/" + source.key, /*encode_slash=*/false);
}

Result<std::string> S3Store::Copy(const CopySource& source, const std::string& key,
                                  const PutOptions& options, bool replace_metadata) {
  DTH_RETURN_IF_ERROR(CheckKey("CopyObject", key));
  DTH_RETURN_IF_ERROR(CheckTags("CopyObject", key, options.tags));
  if (!source.if_match.empty() && !features_.copy_source_if_match) {
    // x-amz-copy-source-if-match is sent too, but this server ignores it (Ceph RGW
    // Pacific, s3rver): check first, so a changed source is refused. (A rewrite between
    // this HEAD and the copy leaves a whole object of the new version, never a mix.)
    DTH_RETURN_IF_ERROR(CheckSourceEtag("CopyObject", source));
  }
  S3Request r{"CopyObject", "PUT", key};
  if (replace_metadata) {
    r.headers = PutHeaders(options);
    r.headers.emplace_back("x-amz-metadata-directive", "REPLACE");
  } else {
    PutOptions rest = options;
    rest.metadata = {};
    for (auto& h : PutHeaders(rest))
      if (!EqualsIgnoreCase(h.first, "Content-Type")) r.headers.push_back(std::move(h));
    r.headers.emplace_back("x-amz-metadata-directive", "COPY");
  }
  if (!options.tags.empty()) r.headers.emplace_back("x-amz-tagging-directive", "REPLACE");
  r.headers.emplace_back("x-amz-copy-source", CopySourceHeader(source));
  if (!source.if_match.empty())
    r.headers.emplace_back("x-amz-copy-source-if-match", "\"" + source.if_match + "\"");
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
  return ParseEtagResult(resp.body, "CopyObject " + client_.Describe(key));
}

Result<Tags> S3Store::GetTagging(const std::string& key) {
  if (!features_.tagging)
    return NotSupported("GetObjectTagging " + client_.Describe(key) +
                        ": this store keeps no object tags");
  S3Request r{"GetObjectTagging", "GET", key};
  r.query = {{"tagging", ""}};
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
  return ParseTagging(resp.body);
}

Status S3Store::PutTagging(const std::string& key, const Tags& tags) {
  if (!features_.tagging)
    return NotSupported("PutObjectTagging " + client_.Describe(key) +
                        ": this store keeps no object tags");
  std::string xml = BuildTagging(tags);
  StringViewSource body(xml);
  S3Request r{"PutObjectTagging", "PUT", key};
  r.query = {{"tagging", ""}};
  r.headers.emplace_back("Content-Type", "application/xml");
  return SendWithMd5(std::move(r), body).status();
}

}  // namespace dth::s3
