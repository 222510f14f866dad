// registry/origin: where a registry's credentials may go. A URL's origin (scheme, host,
// port), loopback hosts, and the two decisions the client makes before a request:
// may a URL the registry handed out (upload Location, Link next page, redirect) be
// followed, and with credentials (only on the registry's own origin; never from https
// down to http); may a bearer realm receive the basic credentials (https, or http on a
// loopback address only).
// Thread-safety: pure functions on values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dth::registry {

struct Origin {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case; "[::1]" keeps its brackets
  int port = 0;        // explicit, or 80 / 443 by scheme
  bool operator==(const Origin&) const = default;
};

// nullopt unless the URL is http:// or https:// with a host (and a valid port).
std::optional<Origin> ParseOrigin(std::string_view url);

// localhost, 127.0.0.0/8 in dotted-quad form, [::1]; a port may follow. Only these
// spellings: "0x7f000001" or "2130706433" are not treated as loopback.
bool IsLoopbackHost(std::string_view host_port);

// A URL given by the registry at `base` (its own "scheme://host[:port]"): true when it
// is on the registry's own origin (credentials go along), false when it is elsewhere
// (sent without credentials). kPermissionDenied for a step down from https to http,
// kCorruption for what is not an http(s) URL. `what` names the request in errors.
Result<bool> CheckFollowUrl(std::string_view base, std::string_view url, const std::string& what);

// OK when a token realm may receive the basic credentials: https, or http on a loopback
// host. kPermissionDenied otherwise (the realm's scheme and host in the message).
Status CheckRealm(std::string_view realm);

// "http://host:port/path" of a URL without its query or fragment (upload locations and
// presigned redirects carry secrets there): what logs and errors may show.
std::string UrlForLog(std::string_view url);

}  // namespace dth::registry
