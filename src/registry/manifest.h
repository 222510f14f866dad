// registry/manifest: the four manifest formats a registry serves (Docker schema 2, Docker
// manifest list, OCI image manifest, OCI image index): media types, the Accept header
// that asks for all of them, parsing into descriptors, platform filters, and content
// digests. Manifest bytes are kept exactly as received: re-serialising would change
// the digest.
// Thread-safety: pure functions on values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dth::registry {

inline constexpr char kDockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerManifestList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";

// Accept header for manifest GET/HEAD: every format above.
std::string ManifestAccept();
bool IsIndexMediaType(std::string_view media_type);
bool IsManifestMediaType(std::string_view media_type);  // any of the four

struct Platform {
  std::string os, architecture, variant;
  // "linux/arm64/v8"; "" when unknown.
  std::string ToString() const;
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
  Platform platform;     // index entries only
  bool foreign = false;  // has "urls": non-distributable, not copied
};

struct Manifest {
  std::string media_type;  // from the body, else the Content-Type
  std::string bytes;       // exactly as served
  std::string digest;      // sha256 of bytes
  bool is_index = false;
  Descriptor config;                 // image manifests
  std::vector<Descriptor> layers;    // image manifests
  std::vector<Descriptor> children;  // indexes: the platform manifests
};

// "sha256:<hex>" of the bytes.
std::string ContentDigest(std::string_view bytes);

// Parses bytes served with `content_type`. kCorruption for malformed JSON or a
// descriptor without digest; kNotSupported for schema 1 and unknown media types.
Result<Manifest> ParseManifest(std::string bytes, std::string_view content_type);

// A platform filter entry "os/arch[/variant]". Matching ignores the variant when the
// filter has none.
Result<Platform> ParsePlatform(std::string_view text);
bool PlatformMatches(const Platform& have, const std::vector<Platform>& wanted);

// The index with only the children whose platform matches (other fields kept). The
// bytes are new, so the digest is too. kNotFound when nothing matches.
Result<Manifest> FilterIndex(const Manifest& index, const std::vector<Platform>& wanted);

}  // namespace dth::registry
