// store/s3/s3_store: ObjectStore over any S3-compatible endpoint (Amazon S3 and its
// China partition, Aliyun OSS, Tencent COS, Qiniu Kodo, Ceph RGW, MinIO, ...).
// Every PUT and part carries Content-MD5 and the returned ETag is checked where the
// store's ETag is an MD5. GETs that fail mid-stream resume from the byte reached,
// pinned to the first answer's ETag (If-Match), so a body is never stitched from
// two versions of an object.
// A part whose body can be read only once (streamed from a download) is sent
// aws-chunked, every chunk signed, when the store protects bodies with SHA-256 (the
// default). PutObject refuses such a body: RGW and s3rver would keep "aws-chunked" as
// the object's Content-Encoding.
// A copy's CopySource::if_match holds whether or not the server honours
// x-amz-copy-source-if-match: where Features().copy_source_if_match is false, a HEAD
// checks the source before every CopyObject and before and after every UploadPartCopy.
// A store without Features().tagging refuses tags (kNotSupported) instead of sending
// them to a server that would drop them.
// Thread-safety: safe for concurrent use; the only state that changes after construction
// is an atomic flag set when the server refuses a chunk-signed upload.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "store/object_store.h"
#include "store/s3/s3_client.h"

namespace dth::s3 {

class S3Store : public ObjectStore {
 public:
  S3Store(S3Config config, std::shared_ptr<HttpClient> http, StoreFeatures features = {});

  std::string Describe() const override { return client_.Describe(); }
  const StoreFeatures& Features() const override { return features_; }
  const S3Client& client() const { return client_; }

  // Bucket administration, for tests and `dth mb`.
  Status CreateBucket();
  Status DeleteBucket();

  std::unique_ptr<ObjectLister> List(const ListOptions& options) override;
  Result<ObjectHead> Head(const std::string& key) override;
  Status Get(const std::string& key, const GetOptions& options, ByteSink& sink,
             ObjectHead* head) override;
  Result<std::string> Put(const std::string& key, ByteSource& body,
                          const PutOptions& options) override;
  Status Delete(const std::string& key) override;
  Result<std::vector<std::pair<std::string, Status>>> DeleteMany(
      const std::vector<std::string>& keys) override;
  Result<std::string> Copy(const CopySource& source, const std::string& key,
                           const PutOptions& options, bool replace_metadata) override;

  Result<std::string> CreateMultipartUpload(const std::string& key,
                                            const PutOptions& options) override;
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, ByteSource& body) override;
  bool StreamsParts() const override;
  Result<std::string> UploadPartCopy(const std::string& key, const std::string& upload_id,
                                     int part_number, const CopySource& source) override;
  Result<std::vector<PartInfo>> ListParts(const std::string& key,
                                          const std::string& upload_id) override;
  Result<std::string> CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                              const std::vector<PartInfo>& parts) override;
  Status AbortMultipartUpload(const std::string& key, const std::string& upload_id) override;
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(const std::string& prefix) override;

  Result<Tags> GetTagging(const std::string& key) override;
  Status PutTagging(const std::string& key, const Tags& tags) override;

 private:
  // Sends body with Content-MD5; checks the ETag answer against the MD5 when it can.
  Result<std::string> SendWithMd5(S3Request request, ByteSource& body);
  // Sends body with a Content-MD5 known in advance (UNSIGNED-PAYLOAD, the server checks
  // the MD5): no pre-pass, so the body may be read only once (then one attempt).
  Result<std::string> SendKnownMd5(S3Request request, ByteSource& body, const std::string& md5_hex);
  // The answer's ETag; kCorruption when it should be the MD5 sent and is not (not under
  // SSE-KMS or SSE-C, asked for or applied by the bucket's default, whose ETags are not
  // the MD5 of the bytes).
  Result<std::string> EtagCheckedAgainstMd5(const S3Request& request, const HttpResponse& resp,
                                            const std::string& md5_hex) const;
  // An object's or part's bytes, protected as config().body_checksum says.
  Result<std::string> SendData(S3Request request, ByteSource& body);
  // A body that can be read once: chunk-signed, in one attempt (a retry could not
  // resend it; the caller retries with the bytes from the source).
  Result<std::string> SendStreamed(S3Request request, ByteSource& body);
  std::string CopySourceHeader(const CopySource& source) const;
  // Refuses keys S3 cannot take, and keys this store's features say it cannot hold.
  Status CheckKey(const std::string& operation, const std::string& key) const;
  // Refuses tags where features_ says the store keeps none.
  Status CheckTags(const std::string& operation, const std::string& key, const Tags& tags) const;
  // A HEAD of the copy source: kPreconditionFailed unless its ETag is source.if_match.
  Status CheckSourceEtag(const std::string& operation, const CopySource& source);

  S3Client client_;
  StoreFeatures features_;
  std::atomic<bool> chunked_refused_{false};  // the server answered a chunked upload with 4xx
};

// The S3 ETag of a multipart object made of parts: md5(concat(part md5s))-N, or ""
// when a part's ETag is not an MD5.
std::string ExpectedMultipartEtag(const std::vector<PartInfo>& parts);

// Request headers for PutOptions (content headers, x-amz-meta-*, storage class, ACL,
// SSE, tagging). Exposed for tests.
HttpHeaders PutHeaders(const PutOptions& options);
// ObjectHead from HeadObject / GetObject response headers.
Result<ObjectHead> HeadFromHeaders(const std::string& key, const HttpHeaders& headers);

}  // namespace dth::s3
