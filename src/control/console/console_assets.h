// control/console/console_assets: the web console's built files (console/, embedded into
// dth at build time: CMake runs Vite, then console/scripts/embed.mjs writes them as a C++
// source) and how the hub serves them. GET/HEAD of a path outside /api/ and /metrics
// answers the file of that name, "/" and any other path without a file index.html (the
// console routes in the browser), except under /assets/ (a missing hashed file is a 404,
// not a page). Content-hashed files are cached for a year, the rest revalidated (ETag,
// 304); a gzip or brotli variant goes to a client that accepts it. A dth built without
// Node has an empty table: "/" then says that the console was not built.
// Thread-safety: the tables are immutable; the functions are pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.h"
#include "server/router.h"

namespace dth::control::console {

struct Asset {
  std::string_view path;          // "/index.html", "/assets/index-B9i8f_vp.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted: "\"3f2a...\""
  bool immutable = false;         // a content-hashed name: cacheable for a year
  std::string_view raw;
  std::string_view gzip;          // empty when not smaller than raw
  std::string_view brotli;        // likewise
};

struct AssetTable {
  std::vector<Asset> assets;  // sorted by path
  const Asset* Find(std::string_view path) const;
  bool empty() const { return assets.empty(); }
};

// The console built into this binary; empty when it was built without Node.
const AssetTable& EmbeddedConsole();

// Which variant to send for the request's Accept-Encoding: "br", "gzip" or "" (raw).
// Codings are case-insensitive, "*" stands for any, q=0 refuses one.
std::string_view ChooseEncoding(std::string_view accept_encoding, bool have_gzip, bool have_brotli);

// The answer to one GET/HEAD request for the console (see the file comment).
server::Response ServeConsole(const AssetTable& table, const server::Request& request);

// Registers "GET /*": every path no other route takes. The table must outlive the router.
// (So another method on a path no route has is a 405 "Allow: GET, HEAD" rather than a
// 404: "/*" matches it under GET. Unknown API paths under GET stay 404 problems.)
void AddConsoleRoutes(server::Router& router, const AssetTable& table);

}  // namespace dth::control::console
