#include "control/auth/password.h"

#include <sodium.h>

#include <mutex>
#include <vector>

#include "core/hash.h"

namespace dth::control {
namespace {

bool Init() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = sodium_init() >= 0; });
  return ok;
}

}  // namespace

Result<std::string> HashPassword(const std::string& password) {
  if (!Init()) return Status(Code::kInternal, "libsodium could not be initialised");
  if (password.empty()) return InvalidArgument("the password is empty");
  if (password.size() > 1024) return InvalidArgument("the password is longer than 1024 bytes");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status(Code::kInternal, "hashing the password ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& password, const std::string& hash) {
  if (!Init() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (hash.rfind("$argon2id$", 0) != 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string RandomToken(size_t bytes) {
  Init();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::vector<char> text(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
  sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(text.data());
}

std::string TokenHash(const std::string& token) { return HexEncode(Sha256(token)); }

}  // namespace dth::control
