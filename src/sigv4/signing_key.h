// sigv4/signing_key: SigV4 signing-key derivation and the process-wide cache
// of derived keys. The key is an HMAC chain over (AWS4+secret, date, region,
// service, "aws4_request") and changes once a day, so each signer thread would
// otherwise redo four HMACs per request. The cache is keyed by a SHA-256 of
// the secret, never the secret itself, and holds at most kMaxEntries keys.
// Thread-safety: both functions are safe from any thread (a mutex guards the cache).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dth {

// Uncached; returns the raw 32-byte key. `date` is "YYYYMMDD".
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);

// Cached DeriveSigningKey.
std::string CachedSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);

// Number of keys now cached (for tests).
size_t SigningKeyCacheSizeForTesting();

}  // namespace dth
