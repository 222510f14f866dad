// core/bytes: ByteSource (a sized, rewindable body to upload) and ByteSink (where a
// download goes). Rewind lets a request be retried or pre-hashed without buffering.
// Thread-safety: a source or sink is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/hash.h"
#include "core/result.h"

namespace dth {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Total bytes this source yields from the start.
  virtual uint64_t size() const = 0;
  // Reads up to n bytes into buf; 0 means the end.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Back to the first byte.
  virtual Status Rewind() = 0;
  // All the bytes, when they sit in memory (hashing them then needs no copy).
  virtual std::optional<std::string_view> InMemory() const { return std::nullopt; }
  // Whether the bytes can be read more than once (Rewind after a read works). A body
  // streamed from a download cannot: it is sent once, with no pre-pass and no retry.
  virtual bool replayable() const { return true; }
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view data) = 0;
};

// A source over bytes the caller keeps alive.
class StringViewSource : public ByteSource {
 public:
  explicit StringViewSource(std::string_view data) : data_(data) {}
  uint64_t size() const override { return data_.size(); }
  Result<size_t> Read(char* buf, size_t n) override;
  Status Rewind() override { pos_ = 0; return Status::Ok(); }
  std::optional<std::string_view> InMemory() const override { return data_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// A window [offset, offset+length) of a file, read with pread.
class FileSource : public ByteSource {
 public:
  // Opens path; length is clamped to the file size; length = UINT64_MAX means to the end.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path, uint64_t offset = 0,
                                                  uint64_t length = UINT64_MAX);
  ~FileSource() override;
  uint64_t size() const override { return length_; }
  Result<size_t> Read(char* buf, size_t n) override;
  Status Rewind() override { pos_ = 0; return Status::Ok(); }

 private:
  FileSource(int fd, std::string path, uint64_t offset, uint64_t length)
      : fd_(fd), path_(std::move(path)), offset_(offset), length_(length) {}
  int fd_;
  std::string path_;
  uint64_t offset_;
  uint64_t length_;
  uint64_t pos_ = 0;
};

class StringSink : public ByteSink {
 public:
  Status Write(std::string_view data) override { out_.append(data); return Status::Ok(); }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

// The digest of a whole source (raw bytes), read once in 1 MiB chunks; the source is
// rewound before and after.
Result<std::string> DigestSource(ByteSource& source, Hasher::Algorithm algorithm);

// Reads a whole source into a string (for small bodies and tests).
Result<std::string> ReadAll(ByteSource& source);

}  // namespace dth
