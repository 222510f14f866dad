#include "store/local/local_meta.h"

#include <sys/xattr.h>

#include <cerrno>
#include <charconv>
#include <nlohmann/json.hpp>

#include "store/local/local_fs.h"

namespace dth::local {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* field) {
  auto it = j.find(field);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::string> EncodeMeta(const MetaRecord& r) {
  json j;
  j["v"] = 1;
  j["etag"] = r.etag;
  j["size"] = r.size;
  j["mtime_ns"] = r.mtime_ns;
  auto put = [&](const char* name, const std::string& value) {
    if (!value.empty()) j[name] = value;
  };
  put("storage_class", r.storage_class);
  put("content_type", r.metadata.content_type);
  put("content_encoding", r.metadata.content_encoding);
  put("content_language", r.metadata.content_language);
  put("content_disposition", r.metadata.content_disposition);
  put("cache_control", r.metadata.cache_control);
  put("expires", r.metadata.expires);
  if (!r.metadata.user.empty()) j["user"] = r.metadata.user;
  if (!r.tags.empty()) {
    json tags = json::array();
    for (const auto& [k, v] : r.tags) tags.push_back(json::array({k, v}));
    j["tags"] = std::move(tags);
  }
  try {
    return j.dump();
  } catch (const json::exception&) {
    return InvalidArgument("object metadata or tags are not valid UTF-8");
  }
}

std::optional<MetaRecord> DecodeMeta(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto v = j.find("v");
  auto size = j.find("size");
  auto mtime = j.find("mtime_ns");
  if (v == j.end() || !v->is_number_integer() || v->get<int>() != 1) return std::nullopt;
  if (size == j.end() || !size->is_number_unsigned()) return std::nullopt;
  if (mtime == j.end() || !mtime->is_number_integer()) return std::nullopt;
  MetaRecord r;
  r.size = size->get<uint64_t>();
  r.mtime_ns = mtime->get<int64_t>();
  r.etag = Str(j, "etag");
  r.storage_class = Str(j, "storage_class");
  r.metadata.content_type = Str(j, "content_type");
  r.metadata.content_encoding = Str(j, "content_encoding");
  r.metadata.content_language = Str(j, "content_language");
  r.metadata.content_disposition = Str(j, "content_disposition");
  r.metadata.cache_control = Str(j, "cache_control");
  r.metadata.expires = Str(j, "expires");
  if (auto user = j.find("user"); user != j.end() && user->is_object()) {
    for (const auto& [k, val] : user->items()) {
      if (val.is_string()) r.metadata.user[k] = val.get<std::string>();
    }
  }
  if (auto tags = j.find("tags"); tags != j.end() && tags->is_array()) {
    for (const auto& t : *tags) {
      if (t.is_array() && t.size() == 2 && t[0].is_string() && t[1].is_string()) {
        r.tags.emplace_back(t[0].get<std::string>(), t[1].get<std::string>());
      }
    }
  }
  return r;
}

std::optional<MetaRecord> ReadMeta(int fd) {
  std::string buf(4096, '\0');
  for (int attempt = 0; attempt < 3; ++attempt) {
    ssize_t n = ::fgetxattr(fd, kMetaXattr, buf.data(), buf.size());
    if (n >= 0) {
      buf.resize(static_cast<size_t>(n));
      return DecodeMeta(buf);
    }
    if (errno != ERANGE) return std::nullopt;  // ENODATA, ENOTSUP, EACCES...
    ssize_t need = ::fgetxattr(fd, kMetaXattr, nullptr, 0);
    if (need < 0) return std::nullopt;
    buf.assign(static_cast<size_t>(need), '\0');
  }
  return std::nullopt;
}

Status WriteMeta(int fd, const MetaRecord& record, const std::string& path) {
  DTH_ASSIGN_OR_RETURN(std::string text, EncodeMeta(record));
  if (::fsetxattr(fd, kMetaXattr, text.data(), text.size(), 0) == 0) return Status::Ok();
  int err = errno;
  if (err == ENOTSUP) {
    return NotSupported("the filesystem of " + path + " does not support user xattrs");
  }
  if (err == E2BIG || err == ENOSPC || err == ERANGE) {
    return InvalidArgument("metadata and tags too large (" + std::to_string(text.size()) +
                           " bytes) for the xattrs of " + path + ": " + ErrnoText(err));
  }
  return ErrnoStatus(err, "set xattr on", path);
}

bool MetaMatches(const MetaRecord& record, const struct stat& st) {
  return record.size == static_cast<uint64_t>(st.st_size) && record.mtime_ns == MtimeNs(st);
}

std::string KnownEtag(const std::optional<MetaRecord>& record, const struct stat& st) {
  return record && MetaMatches(*record, st) ? record->etag : std::string();
}

bool XattrSupported(int dir_fd) {
  char c;
  if (::fgetxattr(dir_fd, kMetaXattr, &c, 0) >= 0) return true;
  return errno != ENOTSUP;
}

TimePoint ToTimePoint(int64_t ns) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(ns)));
}

std::string UnquoteEtag(const std::string& etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    return etag.substr(1, etag.size() - 2);
  }
  return etag;
}

int MultipartCount(const std::string& etag) {
  size_t dash = etag.rfind('-');
  if (dash == std::string::npos) return 0;
  int n = 0;
  const char* end = etag.data() + etag.size();
  auto [p, ec] = std::from_chars(etag.data() + dash + 1, end, n);
  return ec == std::errc() && p == end ? n : 0;
}

std::string VersionToken(const struct stat& st) {
  const int64_t ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return "local:" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(MtimeNs(st)) + ":" +
         std::to_string(ctime_ns);
}

bool IsVersionToken(std::string_view text) { return text.starts_with("local:"); }

}  // namespace dth::local
