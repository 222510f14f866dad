#include "registry/manifest.h"

#include "core/hash.h"
#include "registry/json_read.h"

namespace dth::registry {
namespace {

using nlohmann::json;

std::string MediaTypeOnly(std::string_view content_type) {
  std::string_view mt = content_type.substr(0, content_type.find(';'));
  while (!mt.empty() && mt.back() == ' ') mt.remove_suffix(1);
  return std::string(mt);
}

Result<Descriptor> ReadDescriptor(const json& j, const char* where) {
  std::string what = std::string("manifest ") + where + " entry";
  if (!j.is_object()) return Corruption(what + " is not an object");
  Descriptor d;
  DTH_ASSIGN_OR_RETURN(d.digest, JsonString(j, "digest", what));
  if (d.digest.empty()) return Corruption(what + " without a digest");
  DTH_ASSIGN_OR_RETURN(d.media_type, JsonString(j, "mediaType", what));
  DTH_ASSIGN_OR_RETURN(std::optional<uint64_t> size, JsonUnsigned(j, "size", what));
  d.size = size.value_or(0);
  DTH_ASSIGN_OR_RETURN(const json* urls, JsonArray(j, "urls", what));
  d.foreign = !urls->empty();
  DTH_ASSIGN_OR_RETURN(const json* p, JsonObject(j, "platform", what));
  if (p != nullptr) {
    std::string pwhat = what + " platform";
    DTH_ASSIGN_OR_RETURN(d.platform.os, JsonString(*p, "os", pwhat));
    DTH_ASSIGN_OR_RETURN(d.platform.architecture, JsonString(*p, "architecture", pwhat));
    DTH_ASSIGN_OR_RETURN(d.platform.variant, JsonString(*p, "variant", pwhat));
  }
  return d;
}

}  // namespace

std::string ManifestAccept() {
  return std::string(kOciIndex) + ", " + kDockerManifestList + ", " + kOciManifest + ", " +
         kDockerManifest;
}

bool IsIndexMediaType(std::string_view mt) { return mt == kOciIndex || mt == kDockerManifestList; }
bool IsManifestMediaType(std::string_view mt) {
  return IsIndexMediaType(mt) || mt == kOciManifest || mt == kDockerManifest;
}

std::string Platform::ToString() const {
  if (os.empty() && architecture.empty()) return "";
  return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

std::string ContentDigest(std::string_view bytes) { return "sha256:" + HexEncode(Sha256(bytes)); }

Result<Manifest> ParseManifest(std::string bytes, std::string_view content_type) {
  auto parsed = ParseJsonObject(bytes, "manifest");
  if (!parsed.ok()) return Corruption("manifest is not a JSON object");
  const json& j = *parsed;
  Manifest m;
  DTH_ASSIGN_OR_RETURN(m.media_type, JsonString(j, "mediaType", "manifest"));
  if (m.media_type.empty()) m.media_type = MediaTypeOnly(content_type);
  if (m.media_type.empty()) {
    // OCI allows omitting mediaType: tell an index from a manifest by its fields.
    m.media_type = j.contains("manifests") ? kOciIndex : kOciManifest;
  }
  DTH_ASSIGN_OR_RETURN(std::optional<uint64_t> schema, JsonUnsigned(j, "schemaVersion", "manifest"));
  if (schema.value_or(0) == 1 || m.media_type.find("distribution.manifest.v1") != std::string::npos) {
    return NotSupported("Docker schema 1 manifests are not supported (deprecated; re-push the image)");
  }
  if (!IsManifestMediaType(m.media_type)) {
    return NotSupported("unsupported manifest media type '" + m.media_type + "'");
  }
  m.is_index = IsIndexMediaType(m.media_type);
  if (m.is_index) {
    if (!j.contains("manifests") || !j["manifests"].is_array()) return Corruption("index without manifests");
    for (const json& e : j["manifests"]) {
      DTH_ASSIGN_OR_RETURN(Descriptor d, ReadDescriptor(e, "index"));
      m.children.push_back(std::move(d));
    }
  } else {
    if (!j.contains("config")) return Corruption("image manifest without config");
    DTH_ASSIGN_OR_RETURN(m.config, ReadDescriptor(j["config"], "config"));
    if (j.contains("layers") && !j["layers"].is_array()) return Corruption("manifest layers is not an array");
    DTH_ASSIGN_OR_RETURN(const json* layers, JsonArray(j, "layers", "manifest"));
    for (const json& e : *layers) {
      DTH_ASSIGN_OR_RETURN(Descriptor d, ReadDescriptor(e, "layer"));
      m.layers.push_back(std::move(d));
    }
  }
  m.digest = ContentDigest(bytes);
  m.bytes = std::move(bytes);
  return m;
}

Result<Platform> ParsePlatform(std::string_view text) {
  Platform p;
  size_t a = text.find('/');
  if (a == std::string_view::npos || a == 0 || a + 1 >= text.size()) {
    return InvalidArgument("bad platform '" + std::string(text) + "': want os/arch[/variant], e.g. linux/arm64");
  }
  p.os = std::string(text.substr(0, a));
  std::string_view rest = text.substr(a + 1);
  size_t b = rest.find('/');
  p.architecture = std::string(rest.substr(0, b));
  if (b != std::string_view::npos) p.variant = std::string(rest.substr(b + 1));
  if (p.architecture.empty() || (b != std::string_view::npos && p.variant.empty())) {
    return InvalidArgument("bad platform '" + std::string(text) + "': want os/arch[/variant]");
  }
  return p;
}

bool PlatformMatches(const Platform& have, const std::vector<Platform>& wanted) {
  if (wanted.empty()) return true;
  for (const Platform& w : wanted) {
    if (w.os == have.os && w.architecture == have.architecture &&
        (w.variant.empty() || w.variant == have.variant))
      return true;
  }
  return false;
}

Result<Manifest> FilterIndex(const Manifest& index, const std::vector<Platform>& wanted) {
  auto parsed = ParseJsonObject(index.bytes, "index");
  if (!parsed.ok()) return parsed.status();
  json& j = *parsed;
  if (!j.contains("manifests") || !j["manifests"].is_array()) return Corruption("index without manifests");
  json kept = json::array();
  for (const json& e : j["manifests"]) {
    DTH_ASSIGN_OR_RETURN(Descriptor d, ReadDescriptor(e, "index"));
    if (PlatformMatches(d.platform, wanted)) kept.push_back(e);
  }
  if (kept.empty()) return NotFound("no platform of the index matches the platform filter");
  j["manifests"] = kept;
  // Parsed JSON holds valid UTF-8 only, so dump() has nothing to replace; the handler
  // only makes sure it cannot throw.
  return ParseManifest(j.dump(-1, ' ', false, json::error_handler_t::replace), index.media_type);
}

}  // namespace dth::registry
