#include "credentials/credentials.h"

namespace dth {

std::string Redact(std::string_view secret) {
  if (secret.empty()) return "";
  return "****";
}

std::string RedactAccessKeyId(std::string_view access_key_id) {
  if (access_key_id.empty()) return "";
  constexpr size_t kShown = 4;
  if (access_key_id.size() < 16) return "****";
  std::string out(access_key_id.substr(0, kShown));
  out += "****";
  out += access_key_id.substr(access_key_id.size() - kShown);
  return out;
}

std::string DescribeCredentials(const Credentials& credentials) {
  if (credentials.anonymous) return "anonymous";
  std::string out = "access key " + RedactAccessKeyId(credentials.access_key_id);
  if (!credentials.session_token.empty()) out += " (with session token)";
  if (!credentials.source.empty()) out += " from " + credentials.source;
  return out;
}

}  // namespace dth
