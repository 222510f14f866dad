// core/hash: digests and encodings on OpenSSL (MD5, SHA-256, HMAC-SHA256),
// hex and base64. Incremental hashers for streaming bodies.
// Thread-safety: free functions are thread-safe; a Hasher is used by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace dth {

std::string Sha256(std::string_view data);                            // raw 32 bytes
std::string Md5(std::string_view data);                               // raw 16 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes

std::string HexEncode(std::string_view raw);  // lower-case
std::string Base64Encode(std::string_view raw);
// Returns false on malformed input.
bool Base64Decode(std::string_view text, std::string* raw);
bool HexDecode(std::string_view hex, std::string* raw);

// Incremental digest: Update() repeatedly, then Final() once.
class Hasher {
 public:
  enum class Algorithm { kMd5, kSha256 };
  explicit Hasher(Algorithm algorithm);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void Update(std::string_view data);
  std::string Final();  // raw digest

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dth
