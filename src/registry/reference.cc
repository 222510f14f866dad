#include "registry/reference.h"

#include <cctype>

namespace dth::registry {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
bool IsValidComponent(std::string_view c) {
  if (c.empty() || !IsLowerAlnum(c.front()) || !IsLowerAlnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (IsLowerAlnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !IsLowerAlnum(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (sep != "." && sep != "_" && sep != "__" && !dashes) return false;
    i = j;
  }
  return true;
}

bool LooksLikeRegistry(std::string_view component) {
  return component.find('.') != std::string_view::npos ||
         component.find(':') != std::string_view::npos || component == "localhost";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string ImageRef::ToString() const {
  std::string out = repository;
  if (all_tags) return out + ":" + kAllTags;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

bool IsValidRepository(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  size_t start = 0;
  for (;;) {
    size_t slash = name.find('/', start);
    if (!IsValidComponent(name.substr(start, slash == std::string_view::npos ? slash : slash - start)))
      return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsValidTag(std::string_view tag) {
  // [\w][\w.-]{0,127}
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(tag.front())) return false;
  for (char c : tag) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool IsValidDigest(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (digest.size() != kPrefix.size() + 64 || digest.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : digest.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<ImageRef> ParseImageRef(std::string_view input) {
  std::string_view text = Trim(input);
  auto bad = [&](const std::string& why) {
    return InvalidArgument("bad image reference '" + std::string(text) + "': " + why);
  };
  if (text.empty()) return bad("empty");
  ImageRef ref;
  std::string_view rest = text;
  // Digest: everything after '@'.
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!IsValidDigest(ref.digest)) return bad("digest must be sha256: and 64 lower-case hex digits");
  }
  // Registry: a first component that looks like a host.
  if (auto slash = rest.find('/'); slash != std::string_view::npos && LooksLikeRegistry(rest.substr(0, slash))) {
    ref.registry = std::string(rest.substr(0, slash));
    rest = rest.substr(slash + 1);
  }
  // Tag: after the last ':' (the registry's port is gone already).
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    std::string_view tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (tag == kAllTags) {
      if (!ref.digest.empty()) return bad("ALL_TAGS cannot be combined with a digest");
      ref.all_tags = true;
    } else if (!IsValidTag(tag)) {
      return bad("tag '" + std::string(tag) + "' is not valid");
    } else {
      ref.tag = std::string(tag);
    }
  }
  if (!IsValidRepository(rest)) {
    return bad("repository '" + std::string(rest) +
               "' is not valid (lower-case letters, digits and separators . _ - /)");
  }
  ref.repository = std::string(rest);
  if (ref.tag.empty() && ref.digest.empty() && !ref.all_tags) ref.tag = "latest";
  return ref;
}

std::vector<std::string> SplitImageList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",\n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = Trim(text.substr(start, end - start));
    if (!item.empty() && item.front() != '#') out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace dth::registry
