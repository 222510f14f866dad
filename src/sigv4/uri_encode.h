// sigv4/uri_encode: percent-encoding as AWS Signature Version 4 defines it,
// and canonical query strings. Unreserved bytes (A-Z a-z 0-9 - _ . ~) are
// kept, every other byte, each byte of a UTF-8 sequence on its own, becomes
// %XX with upper-case hex. Unlike form encoding, ' ' is %20 and '+' is %2B.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dth {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes `s`. '/' is kept as is unless `encode_slash` (paths keep it,
// query names and values do not).
std::string UriEncode(std::string_view s, bool encode_slash);

// Decodes %XX escapes (either hex case) into `out`; every other byte is
// copied, '+' included (it is not a space here). Returns false, leaving `out`
// unspecified, on a '%' not followed by two hex digits.
bool UriDecode(std::string_view s, std::string* out);

// The canonical query string: every name and value (raw, decoded) encoded with
// UriEncode(..., true), pairs sorted by encoded name then encoded value,
// joined as "name=value&...". An empty value gives "name=". Empty input gives "".
std::string CanonicalQueryString(const QueryParams& raw_params);

// The same pairs, encoded and sorted, for callers that assemble the string.
QueryParams EncodeAndSortQuery(const QueryParams& raw_params);

// Splits a query string as it appears in a URL ("a=1&b&c=%20", no leading '?')
// into decoded (name, value) pairs in order. "b" and "b=" give an empty value;
// empty segments ("a=1&&b=2") are skipped. Returns false on a malformed escape.
bool ParseQueryString(std::string_view query, QueryParams* out);

}  // namespace dth
