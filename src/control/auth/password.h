// control/auth/password: password hashing for the hub's local users — Argon2id through
// libsodium (crypto_pwhash_str, its interactive limits), verification in constant time,
// and random secrets (generated admin passwords, bearer tokens) from the OS's CSPRNG.
// Thread-safety: thread-safe (libsodium is initialised once).
#pragma once

#include <string>

#include "core/result.h"

namespace dth::control {

// An Argon2id string ("$argon2id$v=19$m=...") that embeds its salt and parameters.
Result<std::string> HashPassword(const std::string& password);
// True when password matches hash (a hash that is not an Argon2id string never does).
bool VerifyPassword(const std::string& password, const std::string& hash);
// `bytes` random bytes as URL-safe base64 without padding.
std::string RandomToken(size_t bytes);
// Hex SHA-256 of a token: what the store keeps instead of the token.
std::string TokenHash(const std::string& token);

}  // namespace dth::control
