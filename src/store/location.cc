#include "store/location.h"

#include <cctype>
#include <filesystem>

namespace dth {

namespace {

bool IsLowerOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsLegacyOnly(char c) { return (c >= 'A' && c <= 'Z') || c == '_'; }

// "192.168.5.4": four dot-separated groups of 1-3 digits.
bool LooksLikeIpv4(const std::string& name) {
  int groups = 0, digits = 0;
  for (char c : name) {
    if (c == '.') {
      if (digits == 0) return false;
      ++groups;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return digits > 0 && groups == 3;
}

}  // namespace

bool IsValidBucketName(const std::string& bucket) {
  bool legacy = false;
  for (char c : bucket) {
    if (IsLegacyOnly(c)) legacy = true;
    else if (!IsLowerOrDigit(c) && c != '.' && c != '-') return false;
  }
  if (bucket.size() < 3 || bucket.size() > (legacy ? 255u : 63u)) return false;
  auto alnum = [](char c) { return IsLowerOrDigit(c) || (c >= 'A' && c <= 'Z'); };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) return false;
  if (bucket.find("..") != std::string::npos) return false;
  return !LooksLikeIpv4(bucket);
}

std::string SyncPrefix(const std::string& key) {
  if (key.empty() || key.back() == '/') return key;
  return key + "/";
}

Result<Location> ParseLocation(const std::string& text) {
  Location loc;
  loc.original = text;
  if (text.empty()) return InvalidArgument("empty location: give s3://bucket/prefix or a local path");
  if (text.find('\0') != std::string::npos) return InvalidArgument("location contains a NUL byte");
  auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    if (text.rfind("s3:", 0) == 0)
      return InvalidArgument("malformed S3 URL '" + text + "': expected s3://bucket/key");
    std::error_code ec;
    auto abs = std::filesystem::absolute(text, ec);
    if (ec) return InvalidArgument("bad local path '" + text + "': " + ec.message());
    loc.path = abs.string();
    // Keep a trailing slash: it says "into this directory".
    if (text.back() == '/' && loc.path.back() != '/') loc.path += '/';
    return loc;
  }
  std::string scheme = text.substr(0, scheme_end);
  std::string rest = text.substr(scheme_end + 3);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "file") {
    if (rest.empty() || rest.front() != '/')
      return InvalidArgument("malformed file URL '" + text + "': expected file:///absolute/path");
    loc.path = rest;
    return loc;
  }
  if (scheme != "s3")
    return InvalidArgument("unsupported scheme '" + scheme + "://' in '" + text +
                           "': use s3://bucket/key or a local path");
  loc.kind = Location::Kind::kS3;
  auto slash = rest.find('/');
  loc.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) loc.key = rest.substr(slash + 1);
  if (loc.bucket.empty()) return InvalidArgument("malformed S3 URL '" + text + "': no bucket name");
  if (!IsValidBucketName(loc.bucket))
    return InvalidArgument("malformed S3 URL '" + text + "': '" + loc.bucket + "' is not a valid bucket name");
  return loc;
}

}  // namespace dth
