#include "sigv4/signing_key.h"

#include <mutex>
#include <string>
#include <unordered_map>

#include "core/hash.h"

namespace dth {
namespace {

// Derived keys roll over daily; a handful of (credential, region, service)
// combinations per process is the norm. When full, the cache is emptied:
// simpler than LRU and the refill costs four HMACs per entry.
constexpr size_t kMaxEntries = 64;

struct KeyCache {
  std::mutex mu;
  std::unordered_map<std::string, std::string> keys;  // guarded by mu
};

KeyCache& Cache() {
  static KeyCache* cache = new KeyCache();  // never destroyed: usable during exit
  return *cache;
}

std::string CacheKey(std::string_view secret, std::string_view date, std::string_view region,
                     std::string_view service) {
  std::string key = Sha256(secret);  // fixed 32 bytes, so the fields below cannot collide
  key.append(date).push_back('\n');
  key.append(region).push_back('\n');
  key.append(service);
  return key;
}

}  // namespace

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string seed = "AWS4";
  seed.append(secret_access_key);
  const std::string k_date = HmacSha256(seed, date);
  const std::string k_region = HmacSha256(k_date, region);
  const std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, "aws4_request");
}

std::string CachedSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  const std::string cache_key = CacheKey(secret_access_key, date, region, service);
  KeyCache& cache = Cache();
  {
    std::lock_guard<std::mutex> lock(cache.mu);
    auto it = cache.keys.find(cache_key);
    if (it != cache.keys.end()) return it->second;
  }
  // Derived outside the lock; two threads may both derive, with equal results.
  std::string key = DeriveSigningKey(secret_access_key, date, region, service);
  std::lock_guard<std::mutex> lock(cache.mu);
  if (cache.keys.size() >= kMaxEntries) cache.keys.clear();
  cache.keys.emplace(cache_key, key);
  return key;
}

size_t SigningKeyCacheSizeForTesting() {
  KeyCache& cache = Cache();
  std::lock_guard<std::mutex> lock(cache.mu);
  return cache.keys.size();
}

}  // namespace dth
