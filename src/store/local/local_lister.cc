#include "store/local/local_lister.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "store/local/key_path.h"
#include "store/local/local_meta.h"

namespace dth::local {

LocalLister::LocalLister(UniqueFd root_fd, std::string root, ListOptions options, bool xattrs,
                         std::shared_ptr<std::atomic<uint64_t>> skipped, int64_t tidy_before_ns)
    : root_fd_(std::move(root_fd)),
      root_(std::move(root)),
      options_(std::move(options)),
      xattrs_(xattrs),
      skipped_(std::move(skipped)),
      tidy_before_ns_(tidy_before_ns) {
  if (options_.page_size <= 0) options_.page_size = 1000;
}

Status LocalLister::Start() {
  if (!root_fd_.valid()) return IoError("cannot open a descriptor of " + root_ + " to list it");
  // The prefix up to its last '/' names a directory; the rest filters its entries.
  const std::string& prefix = options_.prefix;
  size_t slash = prefix.rfind('/');
  std::string dir_part = slash == std::string::npos ? "" : prefix.substr(0, slash);
  std::string name_filter = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  std::vector<std::string> segs;
  if (slash != std::string::npos && !SplitKey(dir_part, &segs).ok()) {
    return Status::Ok();  // no representable key has this prefix
  }
  auto dir = OpenDir(root_fd_.get(), root_, segs, segs.size(), false, false);
  if (!dir.ok()) return dir.status().code() == Code::kNotFound ? Status::Ok() : dir.status();
  return Push(std::move(dir).value(), slash == std::string::npos ? "" : dir_part + "/",
              name_filter);
}

Status LocalLister::Push(UniqueFd fd, std::string prefix, std::string_view name_filter) {
  std::string path = root_ + "/" + prefix;
  DTH_ASSIGN_OR_RETURN(auto raw, ReadDir(fd.get(), path));
  Frame frame;
  frame.entries.reserve(raw.size());
  for (auto& e : raw) {
    if (tidy_before_ns_ > 0 && e.name.starts_with(kTempPrefix) &&
        (e.type == DT_REG || e.type == DT_UNKNOWN)) {
      (void)RemoveOrphanedTemp(fd.get(), e.name, tidy_before_ns_);
    }
    if (IsReservedName(e.name, prefix.empty()) || !e.name.starts_with(name_filter)) continue;
    unsigned char type = e.type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(fd.get(), e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_LNK;
    }
    if (type != DT_REG && type != DT_DIR) {
      skipped_->fetch_add(1);
      continue;
    }
    bool is_dir = type == DT_DIR;
    if (is_dir) e.name.push_back('/');
    frame.entries.push_back({std::move(e.name), is_dir});
  }
  // std::string compares bytes as unsigned char: exactly S3's order.
  std::sort(frame.entries.begin(), frame.entries.end(),
            [](const Entry& a, const Entry& b) { return a.sort_name < b.sort_name; });
  frame.fd = std::move(fd);
  frame.prefix = std::move(prefix);
  stack_.push_back(std::move(frame));
  return Status::Ok();
}

Result<std::optional<ObjectInfo>> LocalLister::Describe(const Frame& f, const std::string& name,
                                                        std::string key) {
  std::string path = root_ + "/" + key;
  struct stat st {};
  if (::fstatat(f.fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return std::optional<ObjectInfo>();  // deleted meanwhile
    return ErrnoStatus(errno, "stat", path);
  }
  std::optional<MetaRecord> meta;
  if (S_ISREG(st.st_mode) && xattrs_) {
    int fd = ::openat(f.fd.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      UniqueFd file(fd);
      if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "stat", path);
      meta = ReadMeta(fd);
    }  // unreadable (EACCES) or replaced meanwhile: list it with an unknown ETag
  }
  if (!S_ISREG(st.st_mode)) {
    if (!S_ISDIR(st.st_mode)) skipped_->fetch_add(1);
    return std::optional<ObjectInfo>();
  }
  ObjectInfo info;
  info.key = std::move(key);
  info.size = static_cast<uint64_t>(st.st_size);
  info.etag = KnownEtag(meta, st);
  info.last_modified = ToTimePoint(MtimeNs(st));
  info.version = VersionToken(st);
  if (meta) info.storage_class = meta->storage_class;
  return std::optional<ObjectInfo>(std::move(info));
}

Result<std::optional<ObjectInfo>> LocalLister::NextObject() {
  const std::string& after = options_.start_after;
  while (!stack_.empty()) {
    Frame& f = stack_.back();
    if (f.next == f.entries.size()) {
      stack_.pop_back();
      continue;
    }
    const Entry& e = f.entries[f.next++];
    std::string full = f.prefix + e.sort_name;  // a directory's ends in '/'
    if (!skip_prefix_.empty() && full.starts_with(skip_prefix_)) continue;
    if (!e.is_dir) {
      if (!after.empty() && full <= after) continue;
      DTH_ASSIGN_OR_RETURN(auto info, Describe(f, e.sort_name, std::move(full)));
      if (info) return info;
      continue;
    }
    // Every key below starts with full: all are <= after unless after is inside.
    if (!after.empty() && full <= after && !after.starts_with(full)) continue;
    std::string name = e.sort_name.substr(0, e.sort_name.size() - 1);
    int fd = ::openat(f.fd.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) continue;  // changed meanwhile
      return ErrnoStatus(errno, "open directory", root_ + "/" + full);
    }
    DTH_RETURN_IF_ERROR(Push(UniqueFd(fd), std::move(full), ""));
  }
  return std::optional<ObjectInfo>();
}

Result<bool> LocalLister::Next(ListPage* page) {
  page->objects.clear();
  page->common_prefixes.clear();
  if (!started_) {
    started_ = true;
    DTH_RETURN_IF_ERROR(Start());
  }
  const std::string& delim = options_.delimiter;
  size_t count = 0;
  while (count < static_cast<size_t>(options_.page_size)) {
    DTH_ASSIGN_OR_RETURN(auto info, NextObject());
    if (!info) break;
    size_t pos = delim.empty() ? std::string::npos : info->key.find(delim, options_.prefix.size());
    if (pos == std::string::npos) {
      page->objects.push_back(std::move(*info));
      ++count;
      continue;
    }
    // Roll the key up; its common prefix's keys are contiguous in order, skip them all.
    skip_prefix_ = info->key.substr(0, pos + delim.size());
    while (!stack_.empty() && stack_.back().prefix.starts_with(skip_prefix_)) stack_.pop_back();
    if (options_.start_after.empty() || skip_prefix_ > options_.start_after) {
      page->common_prefixes.push_back(skip_prefix_);
      ++count;
    }
  }
  return count > 0;
}

}  // namespace dth::local
