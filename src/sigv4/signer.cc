#include "sigv4/signer.h"

#include <algorithm>
#include <cstdio>

#include "core/hash.h"
#include "sigv4/signing_key.h"
#include "sigv4/uri_encode.h"

namespace dth {
namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";
constexpr int kMaxExpiresSeconds = 7 * 24 * 3600;

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims the value and turns every run of whitespace into one space. Line
// breaks count as whitespace, which folds multi-line (obs-fold) values.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;         // "name:value\n" per distinct name, sorted
  std::string signed_names;  // "name1;name2"
};

// Lower-cases names, sorts by name (stable, so repeated headers keep their
// order) and joins the values of repeated names with ','.
CanonicalHeaders Canonicalize(const HeaderList& headers) {
  HeaderList lowered;
  lowered.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    lowered.emplace_back(ToLower(CanonicalHeaderValue(name)), CanonicalHeaderValue(value));
  }
  std::stable_sort(lowered.begin(), lowered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < lowered.size(); ++i) {
    const bool same_as_previous = i > 0 && lowered[i].first == lowered[i - 1].first;
    if (same_as_previous) {
      out.block.back() = ',';  // replaces the previous line's '\n'
    } else {
      if (!out.signed_names.empty()) out.signed_names.push_back(';');
      out.signed_names += lowered[i].first;
      out.block += lowered[i].first;
      out.block.push_back(':');
    }
    out.block += lowered[i].second;
    out.block.push_back('\n');
  }
  return out;
}

// The caller's headers minus those named in `owned` (lower-case), which the
// signer sets itself.
HeaderList CallerHeaders(const HeaderList& headers, const std::vector<std::string_view>& owned) {
  HeaderList out;
  for (const auto& header : headers) {
    const std::string name = ToLower(CanonicalHeaderValue(header.first));
    if (std::find(owned.begin(), owned.end(), name) == owned.end()) out.push_back(header);
  }
  return out;
}

std::string CanonicalRequest(const SignableRequest& request, const SignerOptions& options,
                             std::string_view canonical_query, const CanonicalHeaders& headers) {
  std::string out = request.method;
  out.push_back('\n');
  out += CanonicalUri(request.path, options.s3_path_rules, request.path_is_encoded);
  out.push_back('\n');
  out += canonical_query;
  out.push_back('\n');
  out += headers.block;
  out.push_back('\n');
  out += headers.signed_names;
  out.push_back('\n');
  out += request.payload_hash;
  return out;
}

struct Scope {
  std::string amz_date;  // 20150830T123600Z
  std::string date;      // 20150830
  std::string scope;     // 20150830/us-east-1/service/aws4_request
};

Scope MakeScope(const SignerOptions& options, std::chrono::system_clock::time_point now) {
  Scope s;
  s.amz_date = AmzDate(now);
  s.date = s.amz_date.substr(0, 8);
  s.scope = s.date + "/" + options.region + "/" + options.service + "/aws4_request";
  return s;
}

std::string StringToSign(const Scope& scope, std::string_view canonical_request) {
  std::string out = kAlgorithm;
  out.push_back('\n');
  out += scope.amz_date;
  out.push_back('\n');
  out += scope.scope;
  out.push_back('\n');
  out += HexEncode(Sha256(canonical_request));
  return out;
}

std::string Signature(const SigningKeys& keys, const SignerOptions& options, const Scope& scope,
                      std::string_view string_to_sign) {
  const std::string key =
      CachedSigningKey(keys.secret_access_key, scope.date, options.region, options.service);
  return HexEncode(HmacSha256(key, string_to_sign));
}

}  // namespace

std::string AmzDate(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(now);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{secs - day};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> kept;
  bool trailing_slash = false;
  while (true) {
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    if (last) {
      // "/a/", "/a/." and "/a/b/.." all name a directory: keep the slash.
      trailing_slash = segment.empty() || segment == "." || segment == "..";
      break;
    }
    path.remove_prefix(slash + 1);
  }
  std::string out = "/";
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(kept[i]);
  }
  if (trailing_slash && !kept.empty()) out.push_back('/');
  return out;
}

std::string CanonicalUri(std::string_view raw_path, bool s3_path_rules, bool path_is_encoded) {
  if (s3_path_rules) {
    std::string path = raw_path.empty() || raw_path.front() != '/' ? "/" : "";
    path += path_is_encoded ? std::string(raw_path) : UriEncode(raw_path, false);
    return path;
  }
  const std::string normalized = NormalizePath(raw_path);
  const std::string wire = path_is_encoded ? normalized : UriEncode(normalized, false);
  return UriEncode(wire, false);
}

SignedHeaders SignRequest(const SignableRequest& request, const SigningKeys& keys,
                          const SignerOptions& options, std::chrono::system_clock::time_point now) {
  const Scope scope = MakeScope(options, now);
  const bool has_token = !keys.session_token.empty();
  const bool add_sha = options.add_content_sha256_header;

  HeaderList added;  // what the caller must add to the request
  added.emplace_back("X-Amz-Date", scope.amz_date);
  if (add_sha) added.emplace_back("x-amz-content-sha256", request.payload_hash);
  if (has_token) added.emplace_back("X-Amz-Security-Token", keys.session_token);

  std::vector<std::string_view> owned = {"host", "authorization", "x-amz-date"};
  if (add_sha) owned.push_back("x-amz-content-sha256");
  if (has_token) owned.push_back("x-amz-security-token");
  HeaderList to_sign = CallerHeaders(request.headers, owned);
  to_sign.emplace_back("host", request.host);
  for (const auto& header : added) {
    if (header.first == "X-Amz-Security-Token" && !options.sign_session_token) continue;
    to_sign.push_back(header);
  }
  const CanonicalHeaders canonical = Canonicalize(to_sign);

  SignedHeaders out;
  out.canonical_request =
      CanonicalRequest(request, options, CanonicalQueryString(request.query), canonical);
  out.string_to_sign = StringToSign(scope, out.canonical_request);
  out.signature = Signature(keys, options, scope, out.string_to_sign);
  out.amz_date = scope.amz_date;
  out.scope = scope.scope;
  out.authorization = std::string(kAlgorithm) + " Credential=" + keys.access_key_id + "/" +
                      scope.scope + ", SignedHeaders=" + canonical.signed_names +
                      ", Signature=" + out.signature;
  out.headers = std::move(added);
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

Result<PresignedQuery> PresignQueryDetailed(const SignableRequest& request, const SigningKeys& keys,
                                            const SignerOptions& options,
                                            std::chrono::system_clock::time_point now,
                                            int expires_seconds) {
  if (expires_seconds < 1 || expires_seconds > kMaxExpiresSeconds) {
    return InvalidArgument("presigned URL expiry must be 1.." + std::to_string(kMaxExpiresSeconds) +
                           " seconds, got " + std::to_string(expires_seconds));
  }
  const Scope scope = MakeScope(options, now);
  const bool has_token = !keys.session_token.empty();

  std::vector<std::string_view> owned = {"host", "authorization"};
  if (has_token) owned.push_back("x-amz-security-token");
  HeaderList to_sign = CallerHeaders(request.headers, owned);
  to_sign.emplace_back("host", request.host);
  const CanonicalHeaders canonical = Canonicalize(to_sign);

  QueryParams params = request.query;
  params.emplace_back("X-Amz-Algorithm", kAlgorithm);
  params.emplace_back("X-Amz-Credential", keys.access_key_id + "/" + scope.scope);
  params.emplace_back("X-Amz-Date", scope.amz_date);
  params.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  params.emplace_back("X-Amz-SignedHeaders", canonical.signed_names);
  if (has_token && options.sign_session_token) {
    params.emplace_back("X-Amz-Security-Token", keys.session_token);
  }
  const std::string canonical_query = CanonicalQueryString(params);

  PresignedQuery out;
  out.canonical_request = CanonicalRequest(request, options, canonical_query, canonical);
  out.string_to_sign = StringToSign(scope, out.canonical_request);
  out.signature = Signature(keys, options, scope, out.string_to_sign);
  out.query = canonical_query;
  if (has_token && !options.sign_session_token) {
    out.query += "&X-Amz-Security-Token=" + UriEncode(keys.session_token, true);
  }
  out.query += "&X-Amz-Signature=" + out.signature;
  return out;
}

Result<std::string> PresignQuery(const SignableRequest& request, const SigningKeys& keys,
                                 const SignerOptions& options,
                                 std::chrono::system_clock::time_point now, int expires_seconds) {
  DTH_ASSIGN_OR_RETURN(PresignedQuery presigned,
                       PresignQueryDetailed(request, keys, options, now, expires_seconds));
  return std::move(presigned.query);
}

}  // namespace dth
