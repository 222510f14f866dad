#include "sigv4/signer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/hash.h"
#include "sigv4/signing_key.h"

namespace dth {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

constexpr char kEmptySha[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kDocSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// The examples of the S3 API reference ("Signature Calculations for the
// Authorization Header" and "Authenticating Requests: Using Query Parameters").
SigningKeys DocKeys() { return {"AKIAIOSFODNN7EXAMPLE", kDocSecret, ""}; }

SignerOptions S3Options() {
  SignerOptions options;
  options.region = "us-east-1";
  return options;  // service "s3", S3 path rules, x-amz-content-sha256
}

std::chrono::system_clock::time_point DocTime() {
  return sys_days{std::chrono::year{2013} / std::chrono::May / 24};
}

SignableRequest DocGet(std::string path) {
  SignableRequest r;
  r.method = "GET";
  r.host = "examplebucket.s3.amazonaws.com";
  r.path = std::move(path);
  r.payload_hash = kEmptySha;
  return r;
}

std::string SignatureOf(const SignedHeaders& s) {
  const size_t at = s.authorization.rfind("Signature=");
  return at == std::string::npos ? "" : s.authorization.substr(at + 10);
}

std::string HeaderValue(const SignedHeaders& s, const std::string& name) {
  for (const auto& [n, v] : s.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(SigV4S3Test, GetObjectWithRange) {
  SignableRequest r = DocGet("/test.txt");
  r.headers = {{"Range", "bytes=0-9"}};
  const SignedHeaders s = SignRequest(r, DocKeys(), S3Options(), DocTime());
  EXPECT_EQ(s.canonical_request,
            "GET\n/test.txt\n\n"
            "host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:" +
                std::string(kEmptySha) +
                "\n"
                "x-amz-date:20130524T000000Z\n\n"
                "host;range;x-amz-content-sha256;x-amz-date\n" +
                kEmptySha);
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderValue(s, "X-Amz-Date"), "20130524T000000Z");
  EXPECT_EQ(HeaderValue(s, "x-amz-content-sha256"), kEmptySha);
  EXPECT_EQ(HeaderValue(s, "Authorization"), s.authorization);
  EXPECT_EQ(HeaderValue(s, "X-Amz-Security-Token"), "<absent>");
  EXPECT_EQ(s.headers.size(), 3u);
}

TEST(SigV4S3Test, PutObjectEncodesDollarOnce) {
  SignableRequest r = DocGet("/test$file.text");
  r.method = "PUT";
  r.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  r.payload_hash = HexEncode(Sha256("Welcome to Amazon S3."));
  const SignedHeaders s = SignRequest(r, DocKeys(), S3Options(), DocTime());
  EXPECT_EQ(s.canonical_request.substr(0, 23), "PUT\n/test%24file.text\n\n");
  EXPECT_EQ(HexEncode(Sha256(s.canonical_request)),
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(SignatureOf(s), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4S3Test, GetBucketLifecycleEmptyValue) {
  SignableRequest r = DocGet("/");
  r.query = {{"lifecycle", ""}};
  const SignedHeaders s = SignRequest(r, DocKeys(), S3Options(), DocTime());
  EXPECT_EQ(s.canonical_request.substr(0, 17), "GET\n/\nlifecycle=\n");
  EXPECT_EQ(SignatureOf(s), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4S3Test, ListObjectsSortsQuery) {
  SignableRequest r = DocGet("/");
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};
  const SignedHeaders s = SignRequest(r, DocKeys(), S3Options(), DocTime());
  EXPECT_EQ(s.canonical_request.substr(0, 26), "GET\n/\nmax-keys=2&prefix=J\n");
  EXPECT_EQ(SignatureOf(s), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4S3Test, PresignedGetObject) {
  SignableRequest r = DocGet("/test.txt");
  r.payload_hash = "UNSIGNED-PAYLOAD";
  const Result<PresignedQuery> p =
      PresignQueryDetailed(r, DocKeys(), S3Options(), DocTime(), 86400);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->canonical_request,
            "GET\n/test.txt\n"
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
            "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
            "X-Amz-SignedHeaders=host\n"
            "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  EXPECT_EQ(p->signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  const Result<std::string> q = PresignQuery(r, DocKeys(), S3Options(), DocTime(), 86400);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
            "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
            "X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4S3Test, PresignKeepsRequestQueryAndSignsToken) {
  SignableRequest r = DocGet("/test.txt");
  r.payload_hash = "UNSIGNED-PAYLOAD";
  r.query = {{"versionId", "a b"}};
  SigningKeys keys = DocKeys();
  keys.session_token = "tok/en+=";
  const Result<std::string> q = PresignQuery(r, keys, S3Options(), DocTime(), 60);
  ASSERT_TRUE(q.ok());
  EXPECT_NE(q->find("&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-SignedHeaders=host&"),
            std::string::npos)
      << *q;
  EXPECT_NE(q->find("&versionId=a%20b&X-Amz-Signature="), std::string::npos) << *q;
}

TEST(SigV4S3Test, PresignRejectsExpiryOutOfRange) {
  SignableRequest r = DocGet("/test.txt");
  for (int bad : {0, -1, 604801}) {
    const Result<std::string> q = PresignQuery(r, DocKeys(), S3Options(), DocTime(), bad);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(q.status().message().find(kDocSecret), std::string::npos);
  }
  EXPECT_TRUE(PresignQuery(r, DocKeys(), S3Options(), DocTime(), 1).ok());
  EXPECT_TRUE(PresignQuery(r, DocKeys(), S3Options(), DocTime(), 604800).ok());
}

TEST(SigV4S3Test, KeysEncodeOnceWithoutNormalisation) {
  EXPECT_EQ(CanonicalUri("/bucket/a key+b", true), "/bucket/a%20key%2Bb");
  EXPECT_EQ(CanonicalUri("/bucket/caf\xc3\xa9/\xe1\x88\xb4", true), "/bucket/caf%C3%A9/%E1%88%B4");
  EXPECT_EQ(CanonicalUri("/bucket/dir//file", true), "/bucket/dir//file");
  EXPECT_EQ(CanonicalUri("/bucket/./a/../b/.", true), "/bucket/./a/../b/.");
  EXPECT_EQ(CanonicalUri("/bucket/100%", true), "/bucket/100%25");
  EXPECT_EQ(CanonicalUri("/bucket/a%2Fb", true), "/bucket/a%252Fb");  // a literal "%2F"
  EXPECT_EQ(CanonicalUri("/bucket/-_.~*!'()", true), "/bucket/-_.~%2A%21%27%28%29");
  EXPECT_EQ(CanonicalUri("/bucket/trailing/", true), "/bucket/trailing/");
  EXPECT_EQ(CanonicalUri("", true), "/");
  EXPECT_EQ(CanonicalUri("key", true), "/key");
  // Already on-the-wire form: used verbatim.
  EXPECT_EQ(CanonicalUri("/bucket/a%20b", true, /*path_is_encoded=*/true), "/bucket/a%20b");

  SignableRequest r = DocGet("/examplebucket/my key+\xc3\xbc//./x%y");
  const SignedHeaders s = SignRequest(r, DocKeys(), S3Options(), DocTime());
  EXPECT_EQ(s.canonical_request.substr(0, s.canonical_request.find('\n', 4)),
            "GET\n/examplebucket/my%20key%2B%C3%BC//./x%25y");
}

TEST(SigV4GenericTest, NormalisesAndDoubleEncodes) {
  // The example of the SigV4 guide: each segment encoded twice.
  EXPECT_EQ(CanonicalUri("/documents and settings/", false), "/documents%2520and%2520settings/");
  EXPECT_EQ(CanonicalUri("//a/./b/../c//", false), "/a/c/");
  EXPECT_EQ(CanonicalUri("/a b/", false, /*path_is_encoded=*/true), "/a%20b/");
  EXPECT_EQ(CanonicalUri("/a%20b/", false, /*path_is_encoded=*/true), "/a%2520b/");
  EXPECT_EQ(CanonicalUri("", false), "/");
}

TEST(SigV4GenericTest, NormalizePath) {
  EXPECT_EQ(NormalizePath(""), "/");
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath("//"), "/");
  EXPECT_EQ(NormalizePath("/./"), "/");
  EXPECT_EQ(NormalizePath("/example/.."), "/");
  EXPECT_EQ(NormalizePath("/example1/example2/../.."), "/");
  EXPECT_EQ(NormalizePath("/../../a"), "/a");
  EXPECT_EQ(NormalizePath("/./example"), "/example");
  EXPECT_EQ(NormalizePath("//example//"), "/example/");
  EXPECT_EQ(NormalizePath("/a/b/.."), "/a/");
  EXPECT_EQ(NormalizePath("/a/."), "/a/");
  EXPECT_EQ(NormalizePath("a/b"), "/a/b");
  EXPECT_EQ(NormalizePath("/a/..b/.c"), "/a/..b/.c");
}

TEST(SigV4SignerTest, CanonicalHeaders) {
  SignableRequest r = DocGet("/");
  r.headers = {{"My-Header", "  a   b\n   c\t "},
               {"Zed", ""},
               {"my-header", "d"},
               {"X-Amz-Meta-Q", "\"x   y\""},
               // Set by the signer: the caller's copies are ignored.
               {"HOST", "evil.example.com"},
               {"x-amz-date", "19990101T000000Z"},
               {"Authorization", "nope"}};
  SignerOptions options = S3Options();
  options.add_content_sha256_header = false;
  const SignedHeaders s = SignRequest(r, DocKeys(), options, DocTime());
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\n"
            "host:examplebucket.s3.amazonaws.com\n"
            "my-header:a b c,d\n"
            "x-amz-date:20130524T000000Z\n"
            "x-amz-meta-q:\"x y\"\n"
            "zed:\n\n"
            "host;my-header;x-amz-date;x-amz-meta-q;zed\n" +
                std::string(kEmptySha));
  EXPECT_EQ(HeaderValue(s, "x-amz-content-sha256"), "<absent>");
}

TEST(SigV4SignerTest, SessionTokenSignedOrAppended) {
  SigningKeys keys = DocKeys();
  keys.session_token = "session-token";
  SignableRequest r = DocGet("/test.txt");
  SignerOptions options = S3Options();
  const SignedHeaders signed_token = SignRequest(r, keys, options, DocTime());
  EXPECT_EQ(HeaderValue(signed_token, "X-Amz-Security-Token"), "session-token");
  EXPECT_NE(signed_token.canonical_request.find("x-amz-security-token:session-token\n"),
            std::string::npos);
  EXPECT_NE(signed_token.authorization.find(
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
            std::string::npos);

  options.sign_session_token = false;
  const SignedHeaders unsigned_token = SignRequest(r, keys, options, DocTime());
  EXPECT_EQ(HeaderValue(unsigned_token, "X-Amz-Security-Token"), "session-token");
  EXPECT_EQ(unsigned_token.canonical_request.find("security-token"), std::string::npos);
  // Same signature as with no token at all.
  EXPECT_EQ(SignatureOf(unsigned_token),
            SignatureOf(SignRequest(r, DocKeys(), options, DocTime())));
}

TEST(SigV4SignerTest, SecretNeverInOutput) {
  SigningKeys keys = DocKeys();
  keys.session_token = "tok";
  SignableRequest r = DocGet("/k");
  r.headers = {{"x-amz-meta-a", "b"}};
  const SignedHeaders s = SignRequest(r, keys, S3Options(), DocTime());
  const Result<PresignedQuery> p = PresignQueryDetailed(r, keys, S3Options(), DocTime(), 60);
  ASSERT_TRUE(p.ok());
  std::string all = s.canonical_request + s.string_to_sign + s.authorization + p->query +
                    p->canonical_request + p->string_to_sign;
  for (const auto& [n, v] : s.headers) all += n + v;
  EXPECT_EQ(all.find(kDocSecret), std::string::npos);
  EXPECT_EQ(all.find("K7MDENG"), std::string::npos);
}

TEST(SigV4SignerTest, AmzDate) {
  const auto t = sys_days{std::chrono::year{2015} / std::chrono::August / 30} + 12h + 36min;
  EXPECT_EQ(AmzDate(t), "20150830T123600Z");
  EXPECT_EQ(AmzDate(t + 999ms), "20150830T123600Z");
  EXPECT_EQ(AmzDate(sys_days{std::chrono::year{2024} / 12 / 31} + 23h + 59min + 59s),
            "20241231T235959Z");
}

TEST(SigV4SigningKeyTest, DerivesGuideExample) {
  // "Examples of how to derive a signing key" in the SigV4 guide.
  EXPECT_EQ(HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                       "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  EXPECT_EQ(CachedSigningKey(kDocSecret, "20130524", "us-east-1", "s3"),
            DeriveSigningKey(kDocSecret, "20130524", "us-east-1", "s3"));
}

TEST(SigV4SigningKeyTest, CacheIsBoundedAndDistinguishesInputs) {
  for (int i = 0; i < 200; ++i) {
    CachedSigningKey("secret" + std::to_string(i), "20130524", "us-east-1", "s3");
  }
  EXPECT_LE(SigningKeyCacheSizeForTesting(), 64u);
  const std::string a = CachedSigningKey("s", "20130524", "us-east-1", "s3");
  EXPECT_NE(a, CachedSigningKey("t", "20130524", "us-east-1", "s3"));
  EXPECT_NE(a, CachedSigningKey("s", "20130525", "us-east-1", "s3"));
  EXPECT_NE(a, CachedSigningKey("s", "20130524", "us-east-2", "s3"));
  EXPECT_NE(a, CachedSigningKey("s", "20130524", "us-east-1", "s4"));
  EXPECT_EQ(a, CachedSigningKey("s", "20130524", "us-east-1", "s3"));
}

TEST(SigV4SignerTest, ConcurrentSigningMatchesSerial) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 300;
  auto sign = [](int i) {
    SigningKeys keys = DocKeys();
    keys.secret_access_key += std::to_string(i % 5);
    SignableRequest r = DocGet("/obj" + std::to_string(i % 7));
    return SignRequest(r, keys, S3Options(), DocTime() + std::chrono::days(i % 3)).authorization;
  };
  std::vector<std::string> expected;
  for (int i = 0; i < kRounds; ++i) expected.push_back(sign(i));
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        if (sign((i + t * 37) % kRounds) != expected[(i + t * 37) % kRounds]) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace dth
