// LocalStore positional writes: one ".dth-tmp-*" file beside the key's name (flocked by
// its writer like every temp file, so the orphan cleaner never takes it while it is
// written), sized at the start and filled with pwrite(2) from any thread; Commit attaches
// the metadata record with the ETag the caller verified, fsyncs and renames, exactly as
// Put does. Destroyed uncommitted, the temp file is unlinked.
// When the store fsyncs, each whole kWritebackWindow of the file is handed to the disk
// (sync_file_range, SYNC_FILE_RANGE_WRITE: start writeback, do not wait) as soon as a
// write finishes it, so the fsync at Commit has little left to write: a 1 GiB download's
// fsync took 0.40 s without it (all of the file dirty in the page cache).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/human_bytes.h"
#include "store/local/key_path.h"
#include "store/local/local_store.h"

namespace dth {
namespace {
constexpr uint64_t kWritebackWindow = 8ull << 20;
}  // namespace

class LocalPositionalWrite : public PositionalWrite {
 public:
  LocalPositionalWrite(LocalStore& store, std::vector<std::string> segs, local::TempFile temp,
                       local::MetaRecord base, uint64_t size)
      : store_(store), segs_(std::move(segs)), temp_(std::move(temp)), base_(std::move(base)),
        size_(size) {}

  Status WriteAt(uint64_t offset, std::string_view data) override {
    if (offset + data.size() > size_)
      return InvalidArgument("write at " + std::to_string(offset) + " of " +
                             std::to_string(data.size()) + " bytes is beyond the " +
                             std::to_string(size_) + " bytes of " + temp_.path());
    while (!data.empty()) {
      ssize_t n = ::pwrite(temp_.fd(), data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return local::ErrnoStatus(errno, "write", temp_.path());
      }
      data.remove_prefix(static_cast<size_t>(n));
      const uint64_t start = offset;
      offset += static_cast<uint64_t>(n);
      if (store_.options_.fsync) StartWriteback(start, offset);
    }
    return Status::Ok();
  }

  Status ReadAt(uint64_t offset, uint64_t length, ByteSink& sink) override {
    std::string buf(static_cast<size_t>(std::min<uint64_t>(length, local::kChunk)), '\0');
    while (length > 0) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(length, buf.size()));
      ssize_t n = ::pread(temp_.fd(), buf.data(), want, static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return local::ErrnoStatus(errno, "read", temp_.path());
      }
      if (n == 0) return IoError("short read of " + temp_.path());
      DTH_RETURN_IF_ERROR(sink.Write(std::string_view(buf.data(), static_cast<size_t>(n))));
      offset += static_cast<uint64_t>(n);
      length -= static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

  Result<std::string> Commit(const std::string& etag) override {
    local::MetaRecord record = base_;
    record.etag = etag;
    DTH_RETURN_IF_ERROR(store_.CommitObject(temp_, segs_, std::move(record)));
    return etag;
  }

 private:
  // Starts writeback of the window that [start, end) finished, if it finished one. A hint:
  // its failure is not an error (Commit's fsync reports what could not be written).
  void StartWriteback(uint64_t start, uint64_t end) {
    const uint64_t boundary = end / kWritebackWindow * kWritebackWindow;
    if (boundary <= start || boundary == 0) return;
    const uint64_t from = boundary - kWritebackWindow;
    ::sync_file_range(temp_.fd(), static_cast<off_t>(from), static_cast<off_t>(kWritebackWindow),
                      SYNC_FILE_RANGE_WRITE);
  }

  LocalStore& store_;
  std::vector<std::string> segs_;
  local::TempFile temp_;
  local::MetaRecord base_;
  uint64_t size_;
};

Result<std::unique_ptr<PositionalWrite>> LocalStore::StartPositionalWrite(
    const std::string& key, uint64_t size, const PutOptions& options) {
  if (key.size() > 1 && key.back() == '/')
    return InvalidArgument("key " + local::EscapeKey(key) + " is a directory marker, not a file");
  DTH_RETURN_IF_ERROR(CheckPutOptions(key, options));
  std::vector<std::string> segs;
  DTH_RETURN_IF_ERROR(local::SplitKey(key, &segs));
  DTH_ASSIGN_OR_RETURN(local::TempFile temp, CreateTempFor(key, segs));
  // The file's blocks are reserved before the first byte is downloaded: a disk without
  // room for the object fails it now, with one clear reason, instead of after it filled
  // the disk (kPermanent: the objects written meanwhile keep their space, so retrying in
  // this run would not help). A filesystem without fallocate(2) gets a sparse file.
  if (size > 0 && ::fallocate(temp.fd(), 0, 0, static_cast<off_t>(size)) != 0) {
    const int err = errno;
    if (err == ENOSPC || err == EDQUOT || err == EFBIG)
      return Status(Code::kPermanent, "no room for the " + HumanBytes(static_cast<int64_t>(size)) +
                                          " of " + local::EscapeKey(key) + " in " + root_ + ": " +
                                          local::ErrnoText(err));
    if (err != EOPNOTSUPP && err != ENOSYS && err != EINVAL)
      return local::ErrnoStatus(err, "reserve space for", temp.path());
  }
  if (::ftruncate(temp.fd(), static_cast<off_t>(size)) != 0)
    return local::ErrnoStatus(errno, "size", temp.path());
  local::MetaRecord base;
  base.storage_class = options.storage_class;
  base.metadata = options.metadata;
  base.tags = options.tags;
  return std::unique_ptr<PositionalWrite>(
      new LocalPositionalWrite(*this, std::move(segs), std::move(temp), std::move(base), size));
}

}  // namespace dth
