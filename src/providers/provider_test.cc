#include "providers/provider.h"

#include <gtest/gtest.h>

#include <set>

namespace dth {
namespace {

const ProviderProfile& Get(std::string_view name) {
  Result<const ProviderProfile*> p = FindProvider(name);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return **p;
}

std::string Endpoint(std::string_view provider, std::string_view region,
                     std::string_view custom = "") {
  Result<std::string> r = ResolveEndpoint(Get(provider), region, custom);
  return r.ok() ? r.value() : "ERROR: " + r.status().message();
}

TEST(ProviderTest, TableHasEveryProviderOnce) {
  std::vector<std::string> names;
  for (const ProviderProfile& p : AllProviders()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"aws", "aws-cn", "aliyun", "tencent", "qiniu", "s3"}));
  for (const ProviderProfile& p : AllProviders()) {
    EXPECT_FALSE(p.display.empty()) << p.name;
    EXPECT_GT(p.max_parts, 0) << p.name;
    EXPECT_GT(p.min_part_size, 0u) << p.name;
    EXPECT_LE(p.min_part_size, p.max_part_size) << p.name;
    EXPECT_GT(p.max_put_size, 0u) << p.name;
    if (p.virtual_hosted_only) {
      EXPECT_EQ(p.addressing, Addressing::kVirtualHosted) << p.name;
    }
    std::set<std::string> unique(p.storage_classes.begin(), p.storage_classes.end());
    EXPECT_EQ(unique.size(), p.storage_classes.size()) << p.name;
  }
}

TEST(ProviderTest, FindIsCaseInsensitive) {
  EXPECT_EQ(Get("AWS").name, "aws");
  EXPECT_EQ(Get("Aws-Cn").name, "aws-cn");
  EXPECT_EQ(Get("ALIYUN").name, "aliyun");
}

TEST(ProviderTest, UnknownProviderListsKnownOnes) {
  Result<const ProviderProfile*> p = FindProvider("gcs");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(p.status().message(),
            "unknown provider 'gcs' (known: aws, aws-cn, aliyun, tencent, qiniu, s3)");
  EXPECT_FALSE(FindProvider("").ok());
}

TEST(ProviderTest, AwsLimits) {
  const ProviderProfile& aws = Get("aws");
  EXPECT_EQ(aws.max_parts, 10000);
  EXPECT_EQ(aws.min_part_size, 5ull << 20);
  EXPECT_EQ(aws.max_part_size, 5ull << 30);
  EXPECT_EQ(aws.max_put_size, 5ull << 30);
  EXPECT_TRUE(aws.etag_is_md5);
  EXPECT_EQ(Get("aliyun").min_part_size, 100ull << 10);
  EXPECT_EQ(Get("tencent").min_part_size, 1ull << 20);
  EXPECT_TRUE(Get("aliyun").virtual_hosted_only);
  EXPECT_TRUE(Get("tencent").virtual_hosted_only);
  EXPECT_EQ(Get("s3").addressing, Addressing::kPath);
}

TEST(ProviderTest, EndpointForEveryProvider) {
  EXPECT_EQ(Endpoint("aws", "eu-west-1"), "https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(Endpoint("aws", "us-east-1"), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(Endpoint("aws", ""), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(Endpoint("aws-cn", "cn-northwest-1"), "https://s3.cn-northwest-1.amazonaws.com.cn");
  EXPECT_EQ(Endpoint("aws-cn", ""), "https://s3.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(Endpoint("aliyun", "cn-shanghai"), "https://oss-cn-shanghai.aliyuncs.com");
  EXPECT_EQ(Endpoint("aliyun", ""), "https://oss-cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(Endpoint("tencent", "ap-beijing"), "https://cos.ap-beijing.myqcloud.com");
  EXPECT_EQ(Endpoint("tencent", ""), "https://cos.ap-guangzhou.myqcloud.com");
  EXPECT_EQ(Endpoint("qiniu", "cn-south-1"), "https://s3-cn-south-1.qiniucs.com");
  EXPECT_EQ(Endpoint("qiniu", ""), "https://s3-cn-east-1.qiniucs.com");
  EXPECT_EQ(Endpoint("s3", "", "http://127.0.0.1:9000"), "http://127.0.0.1:9000");
}

TEST(ProviderTest, GenericS3NeedsCustomEndpoint) {
  Result<std::string> r = ResolveEndpoint(Get("s3"), "us-east-1", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("needs a custom endpoint"), std::string::npos);
}

TEST(ProviderTest, CustomEndpointWinsAndIsNormalised) {
  EXPECT_EQ(Endpoint("aws", "eu-west-1", "https://s3.example.com"), "https://s3.example.com");
  EXPECT_EQ(Endpoint("aliyun", "", "HTTPS://OSS.Example.COM:8443/"), "https://oss.example.com:8443");
  EXPECT_EQ(Endpoint("s3", "", "http://[::1]:9000"), "http://[::1]:9000");
  EXPECT_EQ(Endpoint("s3", "", "http://minio_1:9000"), "http://minio_1:9000");
  EXPECT_EQ(Endpoint("s3", "", "http://h:65535"), "http://h:65535");
  EXPECT_EQ(Endpoint("s3", "", "http://h:1"), "http://h:1");
}

TEST(ProviderTest, BadEndpoints) {
  struct Case {
    const char* endpoint;
    const char* why;
  } cases[] = {
      {"ftp://x", "must start with http:// or https://"},
      {"s3.amazonaws.com", "must start with http:// or https://"},
      {"http://", "has no host"},
      {"http:///", "has no host"},
      {"http://h:99999", "port must be a number from 1 to 65535"},
      {"http://h:0", "port must be a number from 1 to 65535"},
      {"http://h:", "port must be a number from 1 to 65535"},
      {"http://h:80a", "port must be a number from 1 to 65535"},
      {"http://:9000", "has no host"},
      {"http://h/path", "must not have a path"},
      {"http://h?x=1", "must not have a query"},
      {"http://h#frag", "must not have a fragment"},
      {"http://user:pw@h", "must not contain user info"},
      {"http://h h", "must not contain whitespace"},
      {"http://h..x", "has an invalid host name"},
      {"http://a:b:c", "port must be a number from 1 to 65535"},
      {"http://[zz]:1", "has a malformed IPv6 address"},
  };
  for (const Case& c : cases) {
    Result<std::string> r = ResolveEndpoint(Get("s3"), "", c.endpoint);
    ASSERT_FALSE(r.ok()) << c.endpoint;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << c.endpoint;
    EXPECT_NE(r.status().message().find(c.why), std::string::npos)
        << c.endpoint << " -> " << r.status().message();
  }
}

TEST(ProviderTest, UserInfoIsNeverEchoed) {
  Result<std::string> r = ValidateEndpoint("http://user:hunter2@h");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos) << r.status().message();
  r = ValidateEndpoint("ftp://user:hunter2@h");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos) << r.status().message();
}

TEST(ProviderTest, RegionValidation) {
  EXPECT_TRUE(IsValidRegion("us-east-1"));
  EXPECT_TRUE(IsValidRegion("cn-hangzhou"));
  EXPECT_FALSE(IsValidRegion(""));
  EXPECT_FALSE(IsValidRegion("US-EAST-1"));
  EXPECT_FALSE(IsValidRegion("us_east_1"));
  EXPECT_FALSE(IsValidRegion("evil.com/x"));
  for (const char* bad : {"US-EAST-1", "eu west", "x.evil.com", "a/b", "{region}"}) {
    Result<std::string> r = ResolveEndpoint(Get("aws"), bad, "");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("invalid region"), std::string::npos);
  }
  // A custom endpoint does not excuse a bad region (it is still signed with).
  EXPECT_FALSE(ResolveEndpoint(Get("s3"), "Bad", "http://h").ok());
}

TEST(ProviderTest, StorageClasses) {
  const ProviderProfile& aws = Get("aws");
  for (const char* c : {"STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
                        "GLACIER_IR", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY"}) {
    EXPECT_TRUE(AcceptsStorageClass(aws, c)) << c;
  }
  EXPECT_FALSE(AcceptsStorageClass(aws, "ARCHIVE"));
  EXPECT_TRUE(AcceptsStorageClass(Get("tencent"), "ARCHIVE"));
  EXPECT_TRUE(AcceptsStorageClass(Get("qiniu"), "LINE"));
  EXPECT_TRUE(AcceptsStorageClass(Get("aliyun"), "STANDARD_IA"));
  EXPECT_TRUE(AcceptsStorageClass(Get("s3"), "ANYTHING"));  // unknown list: pass through
}

TEST(ProviderTest, ArchiveStorageClasses) {
  for (const char* c : {"GLACIER", "DEEP_ARCHIVE", "ARCHIVE", "Archive", "ColdArchive",
                        "DeepColdArchive", "glacier"}) {
    EXPECT_TRUE(IsArchiveStorageClass(c)) << c;
  }
  for (const char* c : {"STANDARD", "STANDARD_IA", "GLACIER_IR", "INTELLIGENT_TIERING", "LINE", ""}) {
    EXPECT_FALSE(IsArchiveStorageClass(c)) << c;
  }
}

}  // namespace
}  // namespace dth
