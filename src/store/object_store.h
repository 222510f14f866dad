// store/object_store: the ObjectStore interface every backend implements (S3-compatible,
// local directory, in-memory), its value types, and the features a backend declares.
// A store is bound to one bucket (or one root directory). Keys are opaque byte strings.
// Listings come back in ascending byte order of keys, so two listings can be
// merge-joined. Optional operations return Code::kNotSupported.
// Thread-safety: every implementation is safe for concurrent use from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace dth {

using TimePoint = std::chrono::system_clock::time_point;
using Tags = std::vector<std::pair<std::string, std::string>>;

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // without quotes; "" when the store cannot tell
  TimePoint last_modified{};
  std::string storage_class;  // "" = the store's default (STANDARD)
  // A store's own token for this version of the object when the ETag does not identify
  // it ("" = the ETag does): a local file's device, inode, size, mtime and ctime. Get
  // takes it as if_match like an ETag. See PinVersion.
  std::string version;
};

// What pins a read to this version of the object: GetOptions::if_match on every read
// (every part of a multipart copy) and the source version an upload is resumed for.
// The store's version token, else the ETag ("" when neither is known).
inline const std::string& PinVersion(const ObjectInfo& info) {
  return info.version.empty() ? info.etag : info.version;
}

enum class ServerSideEncryption { kNone, kAes256, kKms };

// Content headers and metadata that travel with an object.
struct ObjectMetadata {
  std::string content_type;
  std::string content_encoding;
  std::string content_language;
  std::string content_disposition;
  std::string cache_control;
  std::string expires;                              // HTTP date, as sent
  std::map<std::string, std::string> user;          // x-amz-meta-*, keys lower-case
  bool operator==(const ObjectMetadata&) const = default;
};

// What HeadObject (and GetObject) reports.
struct ObjectHead {
  ObjectInfo info;
  ObjectMetadata metadata;
  ServerSideEncryption sse = ServerSideEncryption::kNone;
  std::string sse_kms_key_id;
  int tag_count = 0;  // from GetObject; S3 HeadObject does not report it
  int parts_count = 0;  // from a multipart ETag "...-N", 0 if not multipart
};

struct PutOptions {
  ObjectMetadata metadata;
  std::string storage_class;  // "" = default
  std::string acl;            // canned ACL ("private", "bucket-owner-full-control", ...)
  ServerSideEncryption sse = ServerSideEncryption::kNone;
  std::string sse_kms_key_id;
  Tags tags;
  // The body's MD5 (hex) when it is known before the body is read: a source's plain-MD5
  // ETag. The destination verifies the bytes against it (S3: Content-MD5, BadDigest on a
  // mismatch; local and memory stores compare as they write) and keeps nothing that
  // differs (kCorruption). With it, Put also takes a body it can read only once.
  std::string content_md5;
};

struct ByteRange {
  uint64_t offset = 0;
  std::optional<uint64_t> length;  // nullopt = to the end
};

struct GetOptions {
  std::optional<ByteRange> range;
  // An ETag or the store's version token (PinVersion); an object that is not that
  // version fails with kPreconditionFailed.
  std::string if_match;
};

struct ListOptions {
  std::string prefix;
  std::string delimiter;    // "" = recursive
  std::string start_after;  // keys strictly greater than this
  int page_size = 1000;
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;
};

class ObjectLister {
 public:
  virtual ~ObjectLister() = default;
  // Fills page with the next page; returns false when the listing is exhausted
  // (then page is empty). Never returns a key <= a key already returned.
  virtual Result<bool> Next(ListPage* page) = 0;
};

struct PartInfo {
  int part_number = 0;
  std::string etag;
  uint64_t size = 0;
};

struct MultipartUploadInfo {
  std::string key;
  std::string upload_id;
  TimePoint initiated{};
};

// Server-side copy source within the same endpoint and credentials.
struct CopySource {
  std::string bucket;  // "" = this store's bucket
  std::string key;
  std::string if_match;
  std::optional<ByteRange> range;  // UploadPartCopy only
};

struct StoreFeatures {
  bool server_side_copy = false;
  bool multipart = true;
  bool list_multipart_uploads = true;  // ListParts / ListMultipartUploads / Abort
  // Object tags. false: writes carrying tags, GetTagging and PutTagging fail with
  // kNotSupported (never a silent drop).
  bool tagging = true;
  bool user_metadata = true;
  bool etag_is_md5 = true;  // single-part, unencrypted
  int max_parts = 10000;
  uint64_t min_part_size = 5ull << 20;
  uint64_t max_part_size = 5ull << 30;
  uint64_t max_put_size = 5ull << 30;
  // true: any key S3 accepts can be stored. false: only keys that are clean relative
  // paths (no empty segments as in "a//b" or "dir/", no "." or ".." segments); others
  // are refused with kInvalidArgument.
  bool arbitrary_keys = true;
  // Put reads its body once, front to back (no checksum pre-pass), so a body can be
  // streamed into it from a download of unknown-in-advance content.
  bool streaming_put = false;
  // StartPositionalWrite works: an object can be written in pieces at their offsets,
  // from several threads, and appear under its key only once committed (a local file).
  bool positional_write = false;
  // Whether a multipart object's ETag has the S3 form "<md5 of part md5s>-<parts>".
  bool multipart_etag_has_part_count = true;
  // What the server does by itself. false (the default) is always safe: the client
  // then does it, which costs requests, never data.
  // Whether x-amz-copy-source-if-match is honoured on CopyObject and UploadPartCopy.
  // Where it is not, the S3 store checks the source's ETag with a HEAD (before the
  // copy, and after an UploadPartCopy too), so CopySource::if_match holds everywhere.
  bool copy_source_if_match = false;
  // Whether the tags a write should leave arrive by themselves. Where not, the copy
  // sets them with PutTagging once the object is complete (transfer/copy_tags).
  bool tags_on_create_multipart = false;  // CreateMultipartUpload applies x-amz-tagging
  bool copy_keeps_tags = false;  // CopyObject with metadata directive COPY keeps them
  bool copy_replace_keeps_tags = false;  // ... and one that replaces the metadata too
};

// An object being written in pieces at their offsets, from several threads at once, and
// made visible under its key only by Commit. Destroyed uncommitted, it leaves nothing
// (not under the key, not as a temp file). Thread-safety: WriteAt and ReadAt may be
// called from many threads at once (for ranges that do not overlap); Commit from one,
// after every write returned.
class PositionalWrite {
 public:
  virtual ~PositionalWrite() = default;
  virtual Status WriteAt(uint64_t offset, std::string_view data) = 0;
  // Reads back what was written at [offset, offset + length) into sink (to verify it).
  virtual Status ReadAt(uint64_t offset, uint64_t length, ByteSink& sink) = 0;
  // Makes the object visible under its key, recorded with etag (which the caller has
  // verified against the bytes). Returns the ETag.
  virtual Result<std::string> Commit(const std::string& etag) = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // "s3://bucket", "/path/to/root", "mem://name" — for messages.
  virtual std::string Describe() const = 0;
  virtual const StoreFeatures& Features() const = 0;

  virtual std::unique_ptr<ObjectLister> List(const ListOptions& options) = 0;
  virtual Result<ObjectHead> Head(const std::string& key) = 0;
  // Streams the object (or range) into sink. head, when given, receives the object's head.
  virtual Status Get(const std::string& key, const GetOptions& options, ByteSink& sink,
                     ObjectHead* head = nullptr) = 0;
  // Writes the whole object; the store sends and verifies Content-MD5. Returns the ETag.
  virtual Result<std::string> Put(const std::string& key, ByteSource& body,
                                  const PutOptions& options) = 0;
  // Starts writing key, size bytes, in pieces (see PositionalWrite); only where
  // Features().positional_write, else kNotSupported.
  virtual Result<std::unique_ptr<PositionalWrite>> StartPositionalWrite(const std::string& key,
                                                                        uint64_t size,
                                                                        const PutOptions& options);
  virtual Status Delete(const std::string& key) = 0;
  // Deletes up to 1000 keys; returns the keys that failed with their reason.
  virtual Result<std::vector<std::pair<std::string, Status>>> DeleteMany(
      const std::vector<std::string>& keys);

  // Server-side copy (CopyObject). options.metadata replaces the source's when
  // replace_metadata is set; otherwise metadata is copied. Storage class, ACL and
  // encryption come from options either way. The source's tags are kept (as
  // Features().copy_keeps_tags and copy_replace_keeps_tags say) unless options.tags
  // replaces them. source.if_match: a changed source fails with kPreconditionFailed.
  virtual Result<std::string> Copy(const CopySource& source, const std::string& key,
                                   const PutOptions& options, bool replace_metadata);

  // Multipart upload.
  virtual Result<std::string> CreateMultipartUpload(const std::string& key,
                                                    const PutOptions& options) = 0;
  virtual Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                         int part_number, ByteSource& body) = 0;
  // Whether UploadPart takes a body it can read only once (not replayable), streamed
  // from a download while the part is sent. It may turn false while the store is in use
  // (the server refused such an upload); the caller then sends the part from memory.
  virtual bool StreamsParts() const { return false; }
  virtual Result<std::string> UploadPartCopy(const std::string& key, const std::string& upload_id,
                                             int part_number, const CopySource& source);
  virtual Result<std::vector<PartInfo>> ListParts(const std::string& key,
                                                  const std::string& upload_id) = 0;
  // parts must be in ascending part-number order. Returns the object's ETag ("" if the
  // server's answer omits it).
  virtual Result<std::string> CompleteMultipartUpload(const std::string& key,
                                                      const std::string& upload_id,
                                                      const std::vector<PartInfo>& parts) = 0;
  virtual Status AbortMultipartUpload(const std::string& key, const std::string& upload_id) = 0;
  virtual Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(
      const std::string& prefix) = 0;

  virtual Result<Tags> GetTagging(const std::string& key) = 0;
  virtual Status PutTagging(const std::string& key, const Tags& tags) = 0;
};

// "" -> kNone, "AES256", "aws:kms"; anything else is InvalidArgument naming --sse.
Result<ServerSideEncryption> ParseServerSideEncryption(const std::string& text);

// True when etag looks like a plain MD5 (32 hex digits): a single-part upload. Whether it
// is the MD5 of the bytes also depends on the store (StoreFeatures::etag_is_md5) and on
// the object's encryption (SSE-KMS ETags are not): see EtagIsContentMd5.
bool IsPlainMd5Etag(std::string_view etag);
// True when head's ETag is the MD5 of its bytes, as far as the store and the object's
// encryption tell.
bool EtagIsContentMd5(const StoreFeatures& features, const ObjectHead& head);
// Whether two hex digests are the same, whatever the case of their letters.
bool SameHexDigest(std::string_view a, std::string_view b);

// True when key is a clean relative path: no empty segments ("a//b", "dir/", "/a"), no
// "." or ".." segments. Stores without Features().arbitrary_keys hold only such keys.
bool IsCleanRelativePath(std::string_view key);

// Helpers over the interface.
Result<std::string> GetString(ObjectStore& store, const std::string& key,
                              const GetOptions& options = {});
Result<std::string> PutString(ObjectStore& store, const std::string& key, std::string_view data,
                              const PutOptions& options = {});
// Lists everything under options (all pages) — for tests and small listings only.
Result<std::vector<ObjectInfo>> ListAll(ObjectStore& store, const ListOptions& options);

}  // namespace dth
