// store/local/local_meta: dth's per-object metadata record for LocalStore — ETag,
// content headers, user metadata, tags, storage class — kept as JSON in the extended
// attribute "user.dth" of the object's own file. The record is attached to the temp
// file before rename(2), so data and metadata appear together atomically and travel
// with the inode (a rename or replacement by another program drops it). The record
// also holds the file's size and mtime (ns) at write time; when they no longer match
// the file (edited in place by someone else), the ETag is reported as unknown ("").
// Thread-safety: pure functions on fds; thread-safe.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/object_store.h"

namespace dth::local {

inline constexpr const char* kMetaXattr = "user.dth";

struct MetaRecord {
  std::string etag;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string storage_class;
  ObjectMetadata metadata;
  Tags tags;
};

// JSON text; kInvalidArgument when a string is not valid UTF-8.
Result<std::string> EncodeMeta(const MetaRecord& record);
// nullopt when the text is not a well-formed record.
std::optional<MetaRecord> DecodeMeta(std::string_view text);

// Reads the record of an open file; nullopt when absent, unreadable or malformed.
std::optional<MetaRecord> ReadMeta(int fd);
// Sets the record (record.size/mtime_ns must describe fd's current content).
// ENOTSUP → kNotSupported; E2BIG/ENOSPC → kInvalidArgument (too large for the fs).
Status WriteMeta(int fd, const MetaRecord& record, const std::string& path);

// Whether the record still describes the file (same size and mtime).
bool MetaMatches(const MetaRecord& record, const struct stat& st);
// The record's ETag if it still describes the file, else "".
std::string KnownEtag(const std::optional<MetaRecord>& record, const struct stat& st);

// Whether the directory fd's filesystem accepts user.* extended attributes.
bool XattrSupported(int dir_fd);

TimePoint ToTimePoint(int64_t ns);

// The version token of a regular file (ObjectInfo::version): "local:" + device, inode,
// size, mtime and ctime (ns). A rewrite, even of the same size within the same second,
// or a replacement by another file, changes it.
std::string VersionToken(const struct stat& st);
bool IsVersionToken(std::string_view text);
// An ETag as a client may send it ("\"abc\"") without the quotes.
std::string UnquoteEtag(const std::string& etag);
// "<md5-hex>-N" → N, else 0.
int MultipartCount(const std::string& etag);

}  // namespace dth::local
