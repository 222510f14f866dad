#include "core/bytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace dth {

Result<size_t> StringViewSource::Read(char* buf, size_t n) {
  size_t take = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, take);
  pos_ += take;
  return take;
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path, uint64_t offset,
                                                     uint64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("no such file: " + path);
    return IoError("cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return IoError("not a regular file: " + path);
  }
  uint64_t file_size = static_cast<uint64_t>(st.st_size);
  if (offset > file_size) offset = file_size;
  length = std::min(length, file_size - offset);
  return std::unique_ptr<FileSource>(new FileSource(fd, path, offset, length));
}

FileSource::~FileSource() { ::close(fd_); }

Result<size_t> FileSource::Read(char* buf, size_t n) {
  size_t want = static_cast<size_t>(std::min<uint64_t>(n, length_ - pos_));
  if (want == 0) return size_t{0};
  for (;;) {
    ssize_t got = ::pread(fd_, buf, want, static_cast<off_t>(offset_ + pos_));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return IoError("read " + path_ + ": " + std::strerror(errno));
    if (got == 0) return IoError("file shrank while reading: " + path_);
    pos_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
}

Result<std::string> DigestSource(ByteSource& source, Hasher::Algorithm algorithm) {
  DTH_RETURN_IF_ERROR(source.Rewind());
  Hasher hasher(algorithm);
  if (std::optional<std::string_view> bytes = source.InMemory()) {
    hasher.Update(*bytes);
    return hasher.Final();
  }
  // Not zero-filled: it is written before it is read.
  const size_t size = static_cast<size_t>(std::min<uint64_t>(source.size() + 1, 1 << 20));
  auto buf = std::make_unique_for_overwrite<char[]>(size);
  for (;;) {
    DTH_ASSIGN_OR_RETURN(size_t got, source.Read(buf.get(), size));
    if (got == 0) break;
    hasher.Update(std::string_view(buf.get(), got));
  }
  DTH_RETURN_IF_ERROR(source.Rewind());
  return hasher.Final();
}

Result<std::string> ReadAll(ByteSource& source) {
  DTH_RETURN_IF_ERROR(source.Rewind());
  std::string out;
  out.resize(static_cast<size_t>(source.size()));
  size_t done = 0;
  while (done < out.size()) {
    DTH_ASSIGN_OR_RETURN(size_t got, source.Read(out.data() + done, out.size() - done));
    if (got == 0) break;
    done += got;
  }
  out.resize(done);
  return out;
}

}  // namespace dth
