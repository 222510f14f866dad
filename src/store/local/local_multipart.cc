// LocalStore multipart uploads. Layout under the root:
//   .dth/uploads/<upload-id>/key          the object key, raw bytes (mtime = initiated)
//   .dth/uploads/<upload-id>/meta.json    metadata and tags for the object (local_meta.h)
//   .dth/uploads/<upload-id>/part-00001   "<md5-hex>\n" then the part's bytes
// An upload folder is built under a ".dth-tmp-" name and renamed into place, parts are
// written to temp files and renamed, so every file seen under a final name is complete.
// Part headers keep each part's ETag inside the part file itself: parts can be uploaded
// concurrently without any shared index. Upload ids are 32 random hex characters.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "core/hash.h"
#include "store/local/key_path.h"
#include "store/local/local_store.h"

namespace dth {
namespace {

constexpr size_t kPartHeader = 33;  // 32 hex digits + '\n'
const std::vector<std::string> kUploadsDir = {std::string(local::kInternalDir), "uploads"};

std::string PartName(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "part-%05d", n);
  return buf;
}

bool IsUploadId(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Opens a part file; returns its md5 hex (from the header) and data size.
Result<local::UniqueFd> OpenPart(int dir_fd, const std::string& dir_path, int n,
                                 std::string* md5_hex, uint64_t* size) {
  std::string path = dir_path + "/" + PartName(n);
  int fd = ::openat(dir_fd, PartName(n).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return local::ErrnoStatus(errno, "open part", path);
  local::UniqueFd part(fd);
  struct stat st {};
  char header[kPartHeader];
  if (::fstat(fd, &st) != 0) return local::ErrnoStatus(errno, "stat", path);
  if (static_cast<uint64_t>(st.st_size) < kPartHeader ||
      ::pread(fd, header, kPartHeader, 0) != static_cast<ssize_t>(kPartHeader) ||
      header[kPartHeader - 1] != '\n') {
    return Corruption("malformed part file " + path);
  }
  *md5_hex = std::string(header, kPartHeader - 1);
  *size = static_cast<uint64_t>(st.st_size) - kPartHeader;
  return part;
}

Status CheckPartNumber(int n) {
  if (n < 1 || n > 10000) {
    return InvalidArgument("part number " + std::to_string(n) + " is outside 1..10000");
  }
  return Status::Ok();
}

}  // namespace

Result<LocalStore::Upload> LocalStore::OpenUpload(const std::string& key,
                                                  const std::string& upload_id) const {
  auto missing = [&] {
    return NotFound("no multipart upload " + local::EscapeKey(upload_id) + " of key " +
                    local::EscapeKey(key) + " in " + root_);
  };
  if (!IsUploadId(upload_id)) return missing();
  std::vector<std::string> segs = kUploadsDir;
  segs.push_back(upload_id);
  auto dir = local::OpenDir(root_fd_.get(), root_, segs, segs.size(), false, false);
  if (!dir.ok()) return dir.status().code() == Code::kNotFound ? missing() : dir.status();
  Upload up;
  up.path = local::JoinPath(root_, segs, segs.size());
  up.dir = std::move(dir).value();
  auto stored_key = local::ReadSmallFile(up.dir.get(), "key", up.path + "/key", 64 << 10);
  if (!stored_key.ok()) {
    return stored_key.status().code() == Code::kNotFound ? missing() : stored_key.status();
  }
  if (*stored_key != key) return missing();
  DTH_ASSIGN_OR_RETURN(std::string meta, local::ReadSmallFile(up.dir.get(), "meta.json",
                                                              up.path + "/meta.json", 1 << 20));
  auto record = local::DecodeMeta(meta);
  if (!record) return Corruption("malformed " + up.path + "/meta.json");
  up.meta = std::move(*record);
  return up;
}

Result<std::string> LocalStore::CreateMultipartUpload(const std::string& key,
                                                      const PutOptions& options) {
  std::vector<std::string> segs;
  DTH_RETURN_IF_ERROR(local::SplitKey(key, &segs));
  DTH_RETURN_IF_ERROR(CheckPutOptions(key, options));
  local::MetaRecord meta;
  meta.storage_class = options.storage_class;
  meta.metadata = options.metadata;
  meta.tags = options.tags;
  DTH_ASSIGN_OR_RETURN(std::string meta_json, local::EncodeMeta(meta));

  DTH_ASSIGN_OR_RETURN(
      local::UniqueFd uploads,
      local::OpenDir(root_fd_.get(), root_, kUploadsDir, kUploadsDir.size(), true, options_.fsync));
  std::string uploads_path = local::JoinPath(root_, kUploadsDir, kUploadsDir.size());
  std::string id = local::RandomHex(16);
  std::string staging = std::string(local::kTempPrefix) + id;
  std::string staging_path = uploads_path + "/" + staging;
  if (::mkdirat(uploads.get(), staging.c_str(), 0777) != 0) {
    return local::ErrnoStatus(errno, "mkdir", staging_path);
  }
  auto fill = [&]() -> Status {
    int fd = ::openat(uploads.get(), staging.c_str(),
                      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return local::ErrnoStatus(errno, "open", staging_path);
    local::UniqueFd dir(fd);
    for (const auto& [name, text] :
         {std::pair<const char*, const std::string&>{"key", key}, {"meta.json", meta_json}}) {
      DTH_ASSIGN_OR_RETURN(local::TempFile temp, local::TempFile::Create(fd, staging_path));
      DTH_RETURN_IF_ERROR(temp.Write(text));
      DTH_RETURN_IF_ERROR(temp.Commit(name, options_.fsync));
    }
    if (::renameat(uploads.get(), staging.c_str(), uploads.get(), id.c_str()) != 0) {
      return local::ErrnoStatus(errno, "rename", staging_path);
    }
    if (options_.fsync) DTH_RETURN_IF_ERROR(local::FsyncFd(uploads.get(), uploads_path));
    return Status::Ok();
  };
  Status st = fill();
  if (!st.ok()) {
    (void)local::RemoveFlatDir(uploads.get(), staging, staging_path);
    return st;
  }
  return id;
}

Result<std::string> LocalStore::WritePart(const std::string& key, const std::string& upload_id,
                                          int part_number, const Filler& fill) {
  DTH_RETURN_IF_ERROR(CheckPartNumber(part_number));
  DTH_ASSIGN_OR_RETURN(Upload up, OpenUpload(key, upload_id));
  DTH_ASSIGN_OR_RETURN(local::TempFile temp, local::TempFile::Create(up.dir.get(), up.path));
  DTH_RETURN_IF_ERROR(temp.Write(std::string(kPartHeader, '\n')));
  DTH_ASSIGN_OR_RETURN(std::string etag, fill(temp));
  std::string header = etag + "\n";
  if (header.size() != kPartHeader ||
      ::pwrite(temp.fd(), header.data(), header.size(), 0) != static_cast<ssize_t>(kPartHeader)) {
    return IoError("cannot write the header of " + temp.path());
  }
  Status st = temp.Commit(PartName(part_number), options_.fsync);
  if (st.code() == Code::kNotFound) return OpenUpload(key, upload_id).status();  // aborted
  DTH_RETURN_IF_ERROR(st);
  return etag;
}

Result<std::string> LocalStore::UploadPart(const std::string& key, const std::string& upload_id,
                                           int part_number, ByteSource& body) {
  return WritePart(key, upload_id, part_number, [&](local::TempFile& temp) {
    return local::WriteSource(body, temp, "part " + std::to_string(part_number));
  });
}

Result<std::vector<PartInfo>> LocalStore::ListParts(const std::string& key,
                                                    const std::string& upload_id) {
  DTH_ASSIGN_OR_RETURN(Upload up, OpenUpload(key, upload_id));
  DTH_ASSIGN_OR_RETURN(auto entries, local::ReadDir(up.dir.get(), up.path));
  std::vector<PartInfo> parts;
  for (const auto& e : entries) {
    int n = 0;
    if (e.name.size() != 10 || std::sscanf(e.name.c_str(), "part-%5d", &n) != 1 ||
        PartName(n) != e.name) {
      continue;
    }
    PartInfo info;
    info.part_number = n;
    auto fd = OpenPart(up.dir.get(), up.path, n, &info.etag, &info.size);
    if (!fd.ok() && fd.status().code() == Code::kNotFound) continue;  // replaced meanwhile
    DTH_RETURN_IF_ERROR(fd.status());
    parts.push_back(std::move(info));
  }
  std::sort(parts.begin(), parts.end(),
            [](const PartInfo& a, const PartInfo& b) { return a.part_number < b.part_number; });
  return parts;
}

Result<std::string> LocalStore::CompleteMultipartUpload(const std::string& key,
                                                        const std::string& upload_id,
                                                        const std::vector<PartInfo>& parts) {
  if (parts.empty()) return InvalidArgument("CompleteMultipartUpload with no parts");
  for (size_t i = 0; i < parts.size(); ++i) {
    DTH_RETURN_IF_ERROR(CheckPartNumber(parts[i].part_number));
    if (i > 0 && parts[i].part_number <= parts[i - 1].part_number) {
      return InvalidArgument("parts of CompleteMultipartUpload are not in ascending order");
    }
  }
  DTH_ASSIGN_OR_RETURN(Upload up, OpenUpload(key, upload_id));
  struct Part {
    local::UniqueFd fd;
    uint64_t size;
  };
  std::vector<Part> files;
  std::string md5s;
  for (const auto& p : parts) {
    std::string md5_hex, raw;
    uint64_t size = 0;
    auto fd = OpenPart(up.dir.get(), up.path, p.part_number, &md5_hex, &size);
    if (!fd.ok() && fd.status().code() == Code::kNotFound) {
      return InvalidArgument("part " + std::to_string(p.part_number) + " of upload " + upload_id +
                             " was not uploaded");
    }
    DTH_RETURN_IF_ERROR(fd.status());
    if (local::UnquoteEtag(p.etag) != md5_hex || !HexDecode(md5_hex, &raw)) {
      return InvalidArgument("part " + std::to_string(p.part_number) + " of upload " + upload_id +
                             " has ETag " + md5_hex + ", not " + p.etag);
    }
    md5s += raw;
    files.push_back({std::move(fd).value(), size});
  }
  std::string etag = HexEncode(Md5(md5s)) + "-" + std::to_string(parts.size());
  auto concatenate = [&](local::TempFile& temp) -> Result<std::string> {
    for (size_t i = 0; i < files.size(); ++i) {
      DTH_RETURN_IF_ERROR(local::CopyRange(files[i].fd.get(),
                                           up.path + "/" + PartName(parts[i].part_number),
                                           kPartHeader, files[i].size, temp, nullptr));
    }
    return etag;
  };
  DTH_ASSIGN_OR_RETURN(std::string written, WriteObject(key, up.meta, concatenate));
  (void)AbortMultipartUpload(key, upload_id);  // the object is complete; cleanup is best-effort
  return written;
}

Status LocalStore::AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
  DTH_ASSIGN_OR_RETURN(Upload up, OpenUpload(key, upload_id));
  DTH_ASSIGN_OR_RETURN(local::UniqueFd uploads, local::OpenDir(root_fd_.get(), root_, kUploadsDir,
                                                               kUploadsDir.size(), false, false));
  // Rename first so the upload disappears at once, then remove its files.
  std::string doomed = std::string(local::kTempPrefix) + upload_id + "-" + local::RandomHex(4);
  if (::renameat(uploads.get(), upload_id.c_str(), uploads.get(), doomed.c_str()) != 0) {
    if (errno == ENOENT) return OpenUpload(key, upload_id).status();
    return local::ErrnoStatus(errno, "rename", up.path);
  }
  return local::RemoveFlatDir(uploads.get(), doomed, up.path);
}

Result<std::vector<MultipartUploadInfo>> LocalStore::ListMultipartUploads(
    const std::string& prefix) {
  auto uploads =
      local::OpenDir(root_fd_.get(), root_, kUploadsDir, kUploadsDir.size(), false, false);
  if (!uploads.ok()) {
    if (uploads.status().code() == Code::kNotFound) return std::vector<MultipartUploadInfo>{};
    return uploads.status();
  }
  std::string path = local::JoinPath(root_, kUploadsDir, kUploadsDir.size());
  DTH_ASSIGN_OR_RETURN(auto entries, local::ReadDir(uploads->get(), path));
  std::vector<MultipartUploadInfo> out;
  for (const auto& e : entries) {
    if (!IsUploadId(e.name)) continue;
    std::string key_path = path + "/" + e.name + "/key";
    int fd =
        ::openat(uploads->get(), e.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;  // completed or aborted meanwhile
    local::UniqueFd dir(fd);
    auto key = local::ReadSmallFile(fd, "key", key_path, 64 << 10);
    struct stat st {};
    if (!key.ok() || ::fstatat(fd, "key", &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!key->starts_with(prefix)) continue;
    out.push_back({std::move(key).value(), e.name, local::ToTimePoint(local::MtimeNs(st))});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.key, a.initiated, a.upload_id) < std::tie(b.key, b.initiated, b.upload_id);
  });
  return out;
}

}  // namespace dth
