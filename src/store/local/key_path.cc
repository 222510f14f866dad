#include "store/local/key_path.h"

#include <cstdio>

namespace dth::local {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] (>= 2 bytes), or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t j) { return static_cast<unsigned char>(s[j]); };
  unsigned char c = byte(i);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t j = 2; j < len; ++j) {
    if (byte(i + j) < 0x80 || byte(i + j) > 0xBF) return 0;
  }
  return len;
}

Status Invalid(std::string_view key, const char* why) {
  return InvalidArgument("invalid key " + EscapeKey(key) + " for a local store: " + why);
}

}  // namespace

bool IsReservedName(std::string_view name, bool at_root) {
  if (name.starts_with(kTempPrefix)) return true;
  return at_root && name == kInternalDir;
}

Status SplitKey(std::string_view key, std::vector<std::string>* segments) {
  segments->clear();
  if (key.empty()) return Invalid(key, "empty key");
  if (key.find('\0') != std::string_view::npos) return Invalid(key, "contains a NUL byte");
  if (key.front() == '/') return Invalid(key, "absolute path");
  size_t start = 0;
  for (;;) {
    size_t slash = key.find('/', start);
    std::string_view seg =
        key.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (seg.empty()) return Invalid(key, "empty path segment (\"//\" or a trailing \"/\")");
    if (seg == "." || seg == "..") return Invalid(key, "\".\" or \"..\" segment");
    if (seg.size() > kNameMax) return Invalid(key, "path segment longer than 255 bytes");
    if (IsReservedName(seg, segments->empty())) {
      return Invalid(key, "collides with the store's reserved names (.dth, .dth-tmp-*)");
    }
    segments->emplace_back(seg);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Status::Ok();
}

std::string EscapeKey(std::string_view key) {
  std::string out = "\"";
  for (size_t i = 0; i < key.size();) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(key, i);
      if (len > 0) {
        out.append(key.substr(i, len));
        i += len;
        continue;
      }
    }
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c >= 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

}  // namespace dth::local
