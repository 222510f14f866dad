// store/local/local_lister: streaming listing of a LocalStore root in S3 key order.
// S3 orders keys by bytes (memcmp) of the whole key, which is NOT a per-directory sort
// of names: '/' (0x2F) sorts after '-' and '.', so "a-b" < "a/b" < "a0". Each directory
// is therefore sorted by name + (is_dir ? "/" : "") and walked depth-first; only a stack
// of sorted directory listings is held (memory ~ depth x widest directory, one fd per
// level). prefix may end mid-name ("ph" matches "photos/..."); start_after prunes whole
// subtrees; any delimiter is supported (common prefixes are rolled up from the ordered
// stream and their subtrees skipped). Reserved names (.dth, .dth-tmp-*) are never
// listed; entries that are neither regular files nor directories (symlinks are not
// followed) are skipped and counted. ETags come from the xattr record only ("" when
// unknown); file contents are never read.
// Thread-safety: a lister is used by one thread at a time.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/local/local_fs.h"
#include "store/object_store.h"

namespace dth::local {

class LocalLister : public ObjectLister {
 public:
  // root_fd: the lister's own descriptor of the root (an invalid fd fails Next with
  // kIo). skipped is bumped per skipped entry. The lister may outlive its store.
  // tidy_before_ns > 0: orphaned temp files in the directories walked whose mtime is
  // before it are removed (RemoveOrphanedTemp, local_fs.h).
  LocalLister(UniqueFd root_fd, std::string root, ListOptions options, bool xattrs,
              std::shared_ptr<std::atomic<uint64_t>> skipped, int64_t tidy_before_ns = 0);
  Result<bool> Next(ListPage* page) override;

 private:
  struct Entry {
    std::string sort_name;  // name, plus "/" for a directory
    bool is_dir;
  };
  struct Frame {
    UniqueFd fd;
    std::string prefix;  // key prefix of the entries ("" at the root, else ends in '/')
    std::vector<Entry> entries;
    size_t next = 0;
  };

  Status Start();
  Status Push(UniqueFd fd, std::string prefix, std::string_view name_filter);
  // The next object in key order (after start_after, outside skip_prefix_), or nullopt.
  Result<std::optional<ObjectInfo>> NextObject();
  // Stats name in frame f; nullopt when it vanished or is no longer a regular file.
  Result<std::optional<ObjectInfo>> Describe(const Frame& f, const std::string& name,
                                             std::string key);

  UniqueFd root_fd_;
  std::string root_;
  ListOptions options_;
  bool xattrs_;
  std::shared_ptr<std::atomic<uint64_t>> skipped_;
  int64_t tidy_before_ns_;
  bool started_ = false;
  std::vector<Frame> stack_;
  std::string skip_prefix_;  // the last common prefix rolled up; its keys are skipped
};

}  // namespace dth::local
