// providers/endpoint: endpoint and region validation for providers/provider.h.
#include <cctype>
#include <string>

#include "providers/provider.h"

namespace dth {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The endpoint for messages. One with '@' may carry a password: not echoed.
Status BadEndpoint(std::string_view endpoint, std::string_view why) {
  std::string shown = endpoint.find('@') == std::string_view::npos
                          ? "'" + std::string(endpoint) + "'"
                          : std::string("(not shown: it contains user info)");
  return InvalidArgument("invalid endpoint " + shown + ": " + std::string(why));
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool ValidHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.front() == '.' || host.front() == '-' || host.back() == '-') return false;
  if (host.find("..") != std::string_view::npos) return false;
  for (char c : host) {
    if (!IsHostChar(c)) return false;
  }
  return true;
}

bool ValidIpv6(std::string_view inner) {
  if (inner.size() < 2) return false;
  for (char c : inner) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return inner.find(':') != std::string_view::npos;
}

bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1 && value <= 65535;
}

}  // namespace

bool IsValidRegion(std::string_view region) {
  if (region.empty()) return false;
  for (char c : region) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> ValidateEndpoint(std::string_view endpoint) {
  std::string lower = Lower(endpoint);
  std::string_view scheme;
  if (lower.rfind("https://", 0) == 0) {
    scheme = "https://";
  } else if (lower.rfind("http://", 0) == 0) {
    scheme = "http://";
  } else {
    return BadEndpoint(endpoint, "must start with http:// or https://");
  }
  std::string_view rest = std::string_view(endpoint).substr(scheme.size());
  for (char c : rest) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) {
      return BadEndpoint(endpoint, "must not contain whitespace");
    }
  }
  if (rest.find('@') != std::string_view::npos) {
    return BadEndpoint(endpoint, "must not contain user info (user:password@); "
                                 "give credentials with --profile or the environment");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('?') != std::string_view::npos) return BadEndpoint(endpoint, "must not have a query");
  if (rest.find('#') != std::string_view::npos) {
    return BadEndpoint(endpoint, "must not have a fragment");
  }
  if (rest.find('/') != std::string_view::npos) {
    return BadEndpoint(endpoint, "must not have a path; give only scheme://host[:port]");
  }
  if (rest.empty()) return BadEndpoint(endpoint, "has no host");

  std::string_view host = rest;
  std::string_view port;
  bool has_port = false;
  if (rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos || !ValidIpv6(rest.substr(1, close - 1))) {
      return BadEndpoint(endpoint, "has a malformed IPv6 address");
    }
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadEndpoint(endpoint, "has junk after the IPv6 address");
      has_port = true;
      port = after.substr(1);
    }
  } else if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    has_port = true;
    if (host.empty()) return BadEndpoint(endpoint, "has no host");
    if (!ValidHostName(host)) return BadEndpoint(endpoint, "has an invalid host name");
  } else if (!ValidHostName(host)) {
    return BadEndpoint(endpoint, "has an invalid host name");
  }
  if (has_port && !ValidPort(port)) {
    return BadEndpoint(endpoint, "port must be a number from 1 to 65535");
  }
  std::string out(scheme);
  out += Lower(host);
  if (has_port) {
    out += ":";
    out += port;
  }
  return out;
}

Result<std::string> ResolveEndpoint(const ProviderProfile& provider, std::string_view region,
                                    std::string_view custom_endpoint) {
  if (!region.empty() && !IsValidRegion(region)) {
    return InvalidArgument("invalid region '" + std::string(region) +
                           "': use lower-case letters, digits and '-' (e.g. " +
                           (provider.default_region.empty() ? std::string("us-east-1")
                                                            : provider.default_region) +
                           ")");
  }
  if (!custom_endpoint.empty()) return ValidateEndpoint(custom_endpoint);
  if (provider.endpoint_template.empty()) {
    return InvalidArgument("provider '" + provider.name +
                           "' needs a custom endpoint, e.g. https://minio.example.com:9000");
  }
  std::string r = region.empty() ? provider.default_region : std::string(region);
  if (r.empty()) {
    return InvalidArgument("provider '" + provider.name + "' needs a region");
  }
  std::string out = provider.endpoint_template;
  constexpr std::string_view kPlaceholder = "{region}";
  for (size_t pos = out.find(kPlaceholder); pos != std::string::npos;
       pos = out.find(kPlaceholder, pos + r.size())) {
    out.replace(pos, kPlaceholder.size(), r);
  }
  return out;
}

}  // namespace dth
