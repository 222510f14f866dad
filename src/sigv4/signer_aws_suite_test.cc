// Runs the official AWS SigV4 test suite (aws-c-auth's v4 cases, Apache-2.0,
// copied as-is under tests/testdata/aws-sigv4-test-suite) through SignRequest
// and PresignQueryDetailed. Each case directory holds request.txt (a raw HTTP
// request), context.json (credentials, region, service, time, flags) and the
// expected canonical request, string to sign, signature and signed request
// for header auth (header-*) and query auth (query-*).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/hash.h"
#include "sigv4/signer.h"
#include "sigv4/uri_encode.h"

namespace dth {
namespace {

namespace fs = std::filesystem;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

const fs::path& SuiteRoot() {
  static const fs::path root = DTH_SOURCE_DIR "/tests/testdata/aws-sigv4-test-suite";
  return root;
}

struct SuiteCase {
  std::string name;  // relative to the suite root, e.g. "get-vanilla"
  fs::path dir;
};

void PrintTo(const SuiteCase& c, std::ostream* os) { *os << c.name; }

// A case is a directory with request.txt; any other directory is a grouping
// to recurse into.
void CollectCases(const fs::path& dir, std::vector<SuiteCase>* out) {
  std::error_code ec;
  std::vector<fs::path> children;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) children.push_back(it->path());
  }
  std::sort(children.begin(), children.end());
  for (const fs::path& child : children) {
    if (fs::exists(child / "request.txt", ec)) {
      out->push_back({fs::relative(child, SuiteRoot(), ec).generic_string(), child});
    } else {
      CollectCases(child, out);
    }
  }
}

const std::vector<SuiteCase>& AllCases() {
  static const std::vector<SuiteCase> cases = [] {
    std::vector<SuiteCase> found;
    CollectCases(SuiteRoot(), &found);
    return found;
  }();
  return cases;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Expected-value files carry no meaningful trailing newline.
std::string ReadExpected(const fs::path& path) {
  std::string text = ReadFile(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

struct HttpRequest {
  std::string method;
  std::string target;  // may hold spaces ("/example space/")
  HeaderList headers;  // as written; continuation lines appended after '\n'
  std::string body;
};

// Parses a raw HTTP/1.1 request: request line, headers (with obs-fold
// continuation lines and repeated names), blank line, body.
bool ParseHttpRequest(const std::string& text, HttpRequest* out) {
  size_t pos = 0;
  auto next_line = [&](std::string* line) {
    if (pos >= text.size()) return false;
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    *line = text.substr(pos, end - pos);
    if (!line->empty() && line->back() == '\r') line->pop_back();
    pos = end + 1;
    return true;
  };
  std::string line;
  if (!next_line(&line)) return false;
  const size_t first = line.find(' ');
  const size_t last = line.rfind(' ');
  if (first == std::string::npos || last == first) return false;
  out->method = line.substr(0, first);
  out->target = line.substr(first + 1, last - first - 1);
  while (next_line(&line) && !line.empty()) {
    if (line.front() == ' ' || line.front() == '\t') {
      if (out->headers.empty()) return false;
      out->headers.back().second += "\n" + line;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return false;
    out->headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  out->body = pos < text.size() ? text.substr(pos) : "";
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "2015-08-30T12:36:00Z"
bool ParseTimestamp(const std::string& text, std::chrono::system_clock::time_point* out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) != 6) return false;
  using namespace std::chrono;
  *out = sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} +
         hours{h} + minutes{mi} + seconds{s};
  return true;
}

// Decoded (name, value) pairs, sorted. The suite's signed request keeps the
// request's own parameters as written (raw UTF-8 even), so compare decoded.
QueryParams SortedQuery(std::string_view query) {
  QueryParams params;
  EXPECT_TRUE(ParseQueryString(query, &params)) << query;
  std::sort(params.begin(), params.end());
  return params;
}

// Headers in `signed_request` that `original` lacks, names lower-cased, sorted.
HeaderList AddedHeaders(const HeaderList& original, const HeaderList& signed_request) {
  HeaderList remaining = original;
  HeaderList added;
  for (const auto& header : signed_request) {
    auto it = std::find(remaining.begin(), remaining.end(), header);
    if (it != remaining.end()) {
      remaining.erase(it);
    } else {
      added.emplace_back(Lower(header.first), header.second);
    }
  }
  std::sort(added.begin(), added.end());
  return added;
}

class SigV4AwsSuiteTest : public testing::TestWithParam<SuiteCase> {
 protected:
  void SetUp() override {
    const fs::path& dir = GetParam().dir;
    ASSERT_TRUE(ParseHttpRequest(ReadFile(dir / "request.txt"), &http_));
    const auto context = nlohmann::json::parse(ReadFile(dir / "context.json"), nullptr, false);
    ASSERT_FALSE(context.is_discarded()) << "bad context.json";
    ASSERT_TRUE(context.contains("credentials"));
    const auto& credentials = context["credentials"];
    keys_.access_key_id = credentials.value("access_key_id", "");
    keys_.secret_access_key = credentials.value("secret_access_key", "");
    keys_.session_token = credentials.value("token", "");
    ASSERT_TRUE(ParseTimestamp(context.value("timestamp", ""), &now_));
    expires_ = context.value("expiration_in_seconds", 0);

    options_.region = context.value("region", "");
    options_.service = context.value("service", "");
    // sign_body: the suite then adds and signs x-amz-content-sha256.
    options_.add_content_sha256_header = context.value("sign_body", false);
    // omit_session_token: the token is added after signing, unsigned.
    options_.sign_session_token = !context.value("omit_session_token", false);

    request_.method = http_.method;
    const size_t question = http_.target.find('?');
    const std::string path = http_.target.substr(0, question);
    if (question != std::string::npos) {
      ASSERT_TRUE(ParseQueryString(http_.target.substr(question + 1), &request_.query));
    }
    // The suite's signer (aws-c-auth) takes the request-line path as the
    // path on the wire, normalises it when "normalize" is set, and encodes it
    // once more. Normalised cases are therefore the generic rules with
    // path_is_encoded. Unnormalised cases (no dot-segment or slash removal,
    // one encoding) are the S3 rules on the decoded path.
    if (context.value("normalize", true)) {
      options_.s3_path_rules = false;
      request_.path = path;
      request_.path_is_encoded = true;
    } else {
      options_.s3_path_rules = true;
      ASSERT_TRUE(UriDecode(path, &request_.path));
    }
    for (const auto& [name, value] : http_.headers) {
      if (Lower(name) == "host") {
        request_.host = value;
      } else {
        request_.headers.emplace_back(name, value);
      }
    }
    ASSERT_FALSE(request_.host.empty()) << "request.txt has no Host";
    request_.payload_hash = HexEncode(Sha256(http_.body));
  }

  HttpRequest http_;
  SignableRequest request_;
  SigningKeys keys_;
  SignerOptions options_;
  std::chrono::system_clock::time_point now_;
  int expires_ = 0;
};

TEST_P(SigV4AwsSuiteTest, HeaderAuth) {
  const fs::path& dir = GetParam().dir;
  const SignedHeaders s = SignRequest(request_, keys_, options_, now_);
  EXPECT_EQ(s.canonical_request, ReadExpected(dir / "header-canonical-request.txt"));
  EXPECT_EQ(s.string_to_sign, ReadExpected(dir / "header-string-to-sign.txt"));
  const std::string expected_signature = ReadExpected(dir / "header-signature.txt");
  EXPECT_TRUE(s.authorization.ends_with("Signature=" + expected_signature)) << s.authorization;

  HttpRequest expected;
  ASSERT_TRUE(ParseHttpRequest(ReadFile(dir / "header-signed-request.txt"), &expected));
  const HeaderList expected_added = AddedHeaders(http_.headers, expected.headers);
  HeaderList ours;
  for (const auto& [name, value] : s.headers) ours.emplace_back(Lower(name), value);
  std::sort(ours.begin(), ours.end());
  EXPECT_EQ(ours, expected_added);
  EXPECT_NE(std::find(ours.begin(), ours.end(),
                      std::make_pair(std::string("authorization"), s.authorization)),
            ours.end());
}

TEST_P(SigV4AwsSuiteTest, QueryAuth) {
  const fs::path& dir = GetParam().dir;
  ASSERT_GT(expires_, 0);
  const Result<PresignedQuery> p = PresignQueryDetailed(request_, keys_, options_, now_, expires_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->canonical_request, ReadExpected(dir / "query-canonical-request.txt"));
  EXPECT_EQ(p->string_to_sign, ReadExpected(dir / "query-string-to-sign.txt"));
  EXPECT_EQ(p->signature, ReadExpected(dir / "query-signature.txt"));
  EXPECT_TRUE(p->query.ends_with("&X-Amz-Signature=" + p->signature));

  HttpRequest expected;
  ASSERT_TRUE(ParseHttpRequest(ReadFile(dir / "query-signed-request.txt"), &expected));
  const size_t question = expected.target.find('?');
  ASSERT_NE(question, std::string::npos);
  EXPECT_EQ(SortedQuery(p->query),
            SortedQuery(std::string_view(expected.target).substr(question + 1)));
}

std::string CaseTestName(const testing::TestParamInfo<SuiteCase>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(SigV4Official, SigV4AwsSuiteTest, testing::ValuesIn(AllCases()),
                         CaseTestName);

// An empty instantiation would pass silently: fail instead.
TEST(SigV4AwsSuiteDiscoveryTest, FindsEveryCase) {
  std::error_code ec;
  ASSERT_TRUE(fs::is_directory(SuiteRoot(), ec)) << SuiteRoot() << " is missing";
  ASSERT_FALSE(AllCases().empty()) << "no cases under " << SuiteRoot();
  EXPECT_TRUE(fs::exists(SuiteRoot() / "LICENSE", ec));
  EXPECT_TRUE(fs::exists(SuiteRoot() / "NOTICE", ec));
  for (const SuiteCase& c : AllCases()) {
    for (const char* file :
         {"context.json", "header-canonical-request.txt", "header-string-to-sign.txt",
          "header-signature.txt", "header-signed-request.txt", "query-canonical-request.txt",
          "query-string-to-sign.txt", "query-signature.txt", "query-signed-request.txt"}) {
      EXPECT_TRUE(fs::exists(c.dir / file, ec)) << c.name << " lacks " << file;
    }
  }
}

}  // namespace
}  // namespace dth
