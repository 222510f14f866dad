// store/local/local_store: LocalStore, an ObjectStore over a directory tree (source or
// destination). Key "a/b/c.txt" is the file <root>/a/b/c.txt; see key_path.h for the
// keys that cannot be represented (rejected with kInvalidArgument).
//
// Design:
//  * Writes are atomic: data goes to "<dir>/.dth-tmp-<random>", is fsynced (optional,
//    LocalStoreOptions::fsync, default on — costs one fsync of the file and one of its
//    directory per object, which dominates for many small files), gets its metadata
//    record, then rename(2)s over the final name. A crash leaves at most a stray
//    ".dth-tmp-*" file, never a partial object; temp files are never listed.
//  * Metadata (ETag = hex MD5 computed while writing, content headers, user metadata,
//    tags) is a JSON record in the xattr "user.dth" of the file itself (local_meta.h),
//    set before the rename. One design, no sidecar files: data and metadata cannot get
//    out of step through a crash, and a record whose size/mtime no longer match the
//    file reports ETag "" (unknown). Files written by other programs have no record:
//    listings and Head report ETag "" (neither reads file content). On a filesystem
//    without user xattrs the store still works but keeps no metadata: features report
//    user_metadata = tagging = etag_is_md5 = false and Put with metadata or tags fails
//    with kNotSupported rather than dropping them.
//  * Symlinks are never followed: every path below the root is opened one segment at a
//    time with openat(O_NOFOLLOW) from an fd of the root (opened once, following the
//    root path itself). Realpath checks would be racy and would still allow links
//    within the root that alias other keys; with O_NOFOLLOW at each step the store's
//    namespace is exactly the real directories and regular files under the root.
//    Listings skip symlinks and other special files (counted in skipped_entries()),
//    reads treat them as missing, writes through or onto them fail kPermissionDenied.
//  * Orphaned temp files (a writer killed or crashed mid-write) are removed by the next
//    store opened for writing (Open with create: a destination) as its listings pass
//    them. A temp file is orphaned when its mtime is more than a minute before that store
//    was opened (it is older than the run) and no writer holds its lock: every writer holds an flock(2) on
//    its temp file until it commits or gives up (local_fs.h), so a concurrent writer's
//    file, in this process or another, is never taken, however long it stalls. Temp
//    files in directories no listing passes stay until one does.
//  * A store opened without create (a source) never writes: xattr support is then asked
//    of the root directory instead of probed with a temp file, so a read-only source
//    works and is never touched.
//  * A directory marker (a key ending in '/', as S3 consoles make for folders) put with
//    zero bytes becomes that directory (made if missing, fine if it exists); one with
//    data, or with tags, fails kInvalidArgument: a directory holds neither. Listings do
//    not show markers (only files), so a sync makes the directory again on each run.
//  * Positional writes (StartPositionalWrite, for parallel ranged downloads) fill one
//    temp file at the offsets given, from several threads; Commit records the ETag the
//    caller verified and renames it into place like a Put. An uncommitted one is removed.
//  * Listings stream in S3 byte order (local_lister.h). Multipart uploads live in
//    <root>/.dth/uploads/<id>/ (local_multipart.cc).
//  * A key that needs a directory where a file is (put "a/b" while "a" is an object) or
//    names a directory holding other keys fails with kPreconditionFailed.
//  * Get with if_match on an object whose ETag is unknown computes the file's MD5 first
//    (one extra read) and compares that. A file that changes while it is read fails kIo.
// Thread-safety: safe for concurrent use from many threads (no mutable shared state
// besides the filesystem and a lock ordering directory creation against pruning;
// concurrent writers of one key: the last rename wins).
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "store/local/local_fs.h"
#include "store/local/local_meta.h"
#include "store/direct_read.h"
#include "store/object_store.h"

namespace dth {

struct LocalStoreOptions {
  bool fsync = true;  // fsync each written file and its directory before reporting success
};

class LocalStore : public ObjectStore, public DirectRead {
 public:
  // Opens root (a directory). With create, the store is to be written (a destination):
  // root (and its parents) is made when missing and orphaned temp files are tidied.
  // Without create, opening writes nothing under root.
  static Result<std::unique_ptr<LocalStore>> Open(const std::string& root, bool create,
                                                  const LocalStoreOptions& options = {});

  std::string Describe() const override { return root_; }
  const StoreFeatures& Features() const override { return features_; }

  std::unique_ptr<ObjectLister> List(const ListOptions& options) override;
  Result<ObjectHead> Head(const std::string& key) override;
  Status Get(const std::string& key, const GetOptions& options, ByteSink& sink,
             ObjectHead* head = nullptr) override;
  // The file itself, read positionally (pread), checked after its last byte is read.
  Result<std::unique_ptr<ByteSource>> OpenRead(const std::string& key, const GetOptions& options,
                                               ObjectHead* head = nullptr) override;  // DirectRead
  Result<std::string> Put(const std::string& key, ByteSource& body,
                          const PutOptions& options) override;
  // A temp file beside key's name, written with pwrite(2) and renamed into place by
  // Commit (fsynced first, like Put); local_positional.cc.
  Result<std::unique_ptr<PositionalWrite>> StartPositionalWrite(const std::string& key,
                                                                uint64_t size,
                                                                const PutOptions& options) override;
  Status Delete(const std::string& key) override;
  Result<std::string> Copy(const CopySource& source, const std::string& key,
                           const PutOptions& options, bool replace_metadata) override;

  Result<std::string> CreateMultipartUpload(const std::string& key,
                                            const PutOptions& options) override;
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, ByteSource& body) override;
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

  const std::string& root() const { return root_; }
  // Entries skipped by listings so far because they are neither regular files nor
  // directories (symlinks, FIFOs, sockets, devices).
  uint64_t skipped_entries() const { return skipped_->load(); }

 private:
  friend class LocalPositionalWrite;
  // An open object: its file, stat, and (possibly stale) metadata record.
  struct OpenObject {
    local::UniqueFd fd;
    struct stat st {};
    std::optional<local::MetaRecord> meta;
    std::string path;
  };

  LocalStore(std::string root, local::UniqueFd root_fd, const LocalStoreOptions& options,
             bool xattrs, int64_t tidy_before_ns);
  // Put of a directory marker ("dir/"): makes the directory.
  Result<std::string> PutDirectoryMarker(const std::string& key, ByteSource& body,
                                         const PutOptions& options);
  Result<OpenObject> OpenObjectFile(const std::string& key);
  ObjectHead MakeHead(const std::string& key, const OpenObject& obj) const;
  // The object's ETag; computes the MD5 of the file when the record does not know it.
  Result<std::string> EtagForMatch(const OpenObject& obj);
  // Fails kPreconditionFailed unless obj is the version (or has the ETag) if_match names.
  Status CheckIfMatch(const std::string& key, const std::string& if_match, OpenObject& obj,
                      ObjectHead& head);
  // The [offset, length) options.range asks of a file of size bytes.
  Result<std::pair<uint64_t, uint64_t>> RangeOf(const std::string& key, const GetOptions& options,
                                                uint64_t size) const;
  static Status CheckTags(const Tags& tags);
  Status CheckPutOptions(const std::string& key, const PutOptions& options) const;
  // Opens (creating) the directory for key's file; refuses a symlink at the final name.
  Result<local::UniqueFd> PrepareParent(const std::string& key,
                                        const std::vector<std::string>& segs) const;
  // A new temp file in key's directory (made when missing). Directories are made and the
  // temp file created under tree_mu_ shared, and Delete prunes empty directories under it
  // exclusive, so this process's own Deletes cannot keep removing the directory between
  // the two steps; another process's still can, which the bounded retry covers.
  Result<local::TempFile> CreateTempFor(const std::string& key, const std::vector<std::string>& segs);
  // Attaches the record to temp (size/mtime from its fd) and renames it to key's name.
  Status CommitObject(local::TempFile& temp, const std::vector<std::string>& segs,
                      local::MetaRecord record);
  // Writes key atomically: fill writes the data into the temp file and returns the
  // ETag. Retries when a concurrent Delete removes the parent directory meanwhile.
  using Filler = std::function<Result<std::string>(local::TempFile&)>;
  Result<std::string> WriteObject(const std::string& key, const local::MetaRecord& base,
                                  const Filler& fill);
  // An in-progress multipart upload of key (local_multipart.cc).
  struct Upload {
    local::UniqueFd dir;
    std::string path;
    local::MetaRecord meta;  // metadata and tags given to CreateMultipartUpload
  };
  Result<Upload> OpenUpload(const std::string& key, const std::string& upload_id) const;
  // Writes a part file ("<md5-hex>\n" header, then the data) from fill; returns the ETag.
  Result<std::string> WritePart(const std::string& key, const std::string& upload_id,
                                int part_number, const Filler& fill);

  std::string root_;
  local::UniqueFd root_fd_;
  LocalStoreOptions options_;
  bool xattrs_;
  int64_t tidy_before_ns_;  // listings remove orphaned temp files older than this; 0 = never
  StoreFeatures features_;
  std::shared_ptr<std::atomic<uint64_t>> skipped_;
  std::shared_mutex tree_mu_;  // see CreateTempFor
};

}  // namespace dth
