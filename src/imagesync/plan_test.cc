#include "imagesync/plan.h"

#include <gtest/gtest.h>

#include <map>

namespace dth::imagesync {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'c');

struct FakeRegistry {
  std::map<std::string, std::vector<std::string>> tags = {
      {"team/app", {"v2", "v1", "latest", "v1-rc"}}, {"base", {"1"}}, {"other", {}}};
  RepositoryLister Repos() {
    return [this]() -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      for (auto& [k, v] : tags) out.push_back(k);
      return out;
    };
  }
  TagLister Tags() {
    return [this](const std::string& repo) -> Result<std::vector<std::string>> {
      auto it = tags.find(repo);
      if (it == tags.end()) return NotFound("NAME_UNKNOWN: " + repo);
      return it->second;
    };
  }
};

std::vector<ImageJob> Plan(PlanOptions o, FakeRegistry& f) {
  auto jobs = PlanImages(o, f.Repos(), f.Tags());
  EXPECT_TRUE(jobs.ok()) << jobs.status().message();
  return jobs.ok() ? *jobs : std::vector<ImageJob>{};
}

TEST(PlanTest, ListEntriesPrefixAndDefaults) {
  FakeRegistry f;
  PlanOptions o;
  o.images = {"team/app:v1", "base", "127.0.0.1:5000/team/app:v2", "team/app@" + kDigest, "base:latest"};
  o.destination_prefix = "mirror/";
  o.source_host = "127.0.0.1:5000";
  auto jobs = Plan(o, f);
  ASSERT_EQ(jobs.size(), 4u);  // "base" and "base:latest" are one image
  EXPECT_EQ(jobs[0].source, "team/app:v1");
  EXPECT_EQ(jobs[0].source_ref, "v1");
  EXPECT_EQ(jobs[0].destination_repo, "mirror/team/app");
  EXPECT_EQ(jobs[0].destination(), "mirror/team/app:v1");
  EXPECT_EQ(jobs[1].source, "base:latest");
  EXPECT_EQ(jobs[1].destination_ref, "latest");
  EXPECT_EQ(jobs[2].source_repo, "team/app");  // the host:port is the registry, not a tag
  EXPECT_EQ(jobs[2].source_ref, "v2");
  EXPECT_EQ(jobs[3].source_ref, kDigest);
  EXPECT_EQ(jobs[3].destination_ref, kDigest);  // untagged stays untagged
  EXPECT_EQ(jobs[3].destination(), "mirror/team/app@" + kDigest);
  for (auto& j : jobs) EXPECT_TRUE(j.error.ok()) << j.source;
}

TEST(PlanTest, BadEntriesFailAloneWithAReason) {
  FakeRegistry f;
  PlanOptions o;
  o.images = {"BAD:REF", "team/app:v1", "other.example.com/team/app:v1", "ghost:ALL_TAGS"};
  o.source_host = "127.0.0.1:5000";
  auto jobs = Plan(o, f);
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[0].error.code(), Code::kInvalidArgument);
  EXPECT_NE(jobs[0].error.message().find("BAD:REF"), std::string::npos);
  EXPECT_TRUE(jobs[1].error.ok());
  EXPECT_NE(jobs[2].error.message().find("names registry other.example.com"), std::string::npos);
  EXPECT_EQ(jobs[3].error.code(), Code::kNotFound);
  EXPECT_NE(jobs[3].error.message().find("cannot list the tags of ghost"), std::string::npos);
}

TEST(PlanTest, AllTagsWithIncludeAndExclude) {
  FakeRegistry f;
  PlanOptions o;
  o.images = {"team/app:ALL_TAGS"};
  o.include_tags = *CompileTagFilter("^v", "--include-tags");
  o.exclude_tags = *CompileTagFilter("-rc$", "--exclude-tags");
  auto jobs = Plan(o, f);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].source, "team/app:v1");
  EXPECT_EQ(jobs[1].source, "team/app:v2");
  // An explicitly named tag is kept whatever the filters say.
  o.images = {"team/app:latest"};
  EXPECT_EQ(Plan(o, f).size(), 1u);
}

TEST(PlanTest, AllModeWalksTheCatalog) {
  FakeRegistry f;
  PlanOptions o;
  o.all = true;
  o.destination_prefix = "dr";
  auto jobs = Plan(o, f);
  ASSERT_EQ(jobs.size(), 5u);  // base:1 + team/app x4; "other" has no tags
  EXPECT_EQ(jobs[0].destination(), "dr/base:1");
  EXPECT_EQ(jobs[1].destination(), "dr/team/app:latest");
  // A catalog entry whose tags are NAME_UNKNOWN (only mounted blobs) has nothing to copy.
  RepositoryLister with_ghost = []() -> Result<std::vector<std::string>> {
    return std::vector<std::string>{"base", "blobs-only"};
  };
  auto tolerant = PlanImages(o, with_ghost, f.Tags());
  ASSERT_TRUE(tolerant.ok());
  ASSERT_EQ(tolerant->size(), 1u);
  EXPECT_TRUE((*tolerant)[0].error.ok());
  RepositoryLister broken = []() -> Result<std::vector<std::string>> {
    return Status(Code::kPermissionDenied, "UNAUTHORIZED");
  };
  auto failed = PlanImages(o, broken, f.Tags());
  EXPECT_EQ(failed.status().code(), Code::kPermissionDenied);
  EXPECT_NE(failed.status().message().find("catalog"), std::string::npos);
}

TEST(PlanTest, PrefixAndFilters) {
  EXPECT_EQ(ApplyPrefix("", "a/b"), "a/b");
  EXPECT_EQ(ApplyPrefix("m", "a/b"), "m/a/b");
  EXPECT_EQ(ApplyPrefix("/m/", "a"), "m/a");
  EXPECT_EQ(CompileTagFilter("(", "--include-tags").status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(CompileTagFilter("", "--include-tags")->has_value());
  FakeRegistry f;
  PlanOptions o;
  o.images = {"team/app:v1"};
  o.destination_prefix = "Bad Prefix";
  auto jobs = Plan(o, f);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_NE(jobs[0].error.message().find("destination prefix"), std::string::npos);
}

}  // namespace
}  // namespace dth::imagesync
