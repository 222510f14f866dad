#include "store/location.h"

#include <cctype>
#include <filesystem>

namespace dth {

bool IsValidBucketName(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 255) return false;
  if (!std::isalnum(static_cast<unsigned char>(bucket.front()))) return false;
  for (char c : bucket) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
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
