#include <arpa/inet.h>

#include <charconv>

#include "server/http_server.h"

namespace dth::server {

Result<ListenAddress> ParseListenAddress(const std::string& listen) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("listen address \"" + listen + "\": " + why +
                           " (expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080)");
  };
  ListenAddress out;
  std::string port_text;
  if (!listen.empty() && listen.front() == '[') {
    size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
      return bad("an IPv6 address must be [ADDRESS]:PORT");
    out.host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
    in6_addr a6{};
    if (inet_pton(AF_INET6, out.host.c_str(), &a6) != 1) return bad("not an IPv6 address");
  } else {
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return bad("no port");
    out.host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
    if (out.host == "localhost") out.host = "127.0.0.1";
    in_addr a4{};
    if (out.host.find(':') != std::string::npos) return bad("an IPv6 address needs brackets");
    if (inet_pton(AF_INET, out.host.c_str(), &a4) != 1) return bad("not an IPv4 address");
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
      port > 65535)
    return bad("the port must be a number from 0 to 65535");
  out.port = static_cast<uint16_t>(port);
  return out;
}

}  // namespace dth::server
