#include "control/tasks/task_definition.h"

#include <gtest/gtest.h>

namespace dth::control {
namespace {

Status ErrorOf(const std::string& body) { return ParseTaskDefinition(body).status(); }

void ExpectField(const std::string& body, const std::string& field, const std::string& words = "") {
  Status st = ErrorOf(body);
  EXPECT_EQ(st.code(), Code::kInvalidArgument) << body;
  EXPECT_EQ(st.field(), field) << body << " -> " << st.ToString();
  if (!words.empty()) {
    EXPECT_NE(st.message().find(words), std::string::npos) << st.message();
  }
}

TEST(TaskDefinitionTest, TheHubsOwnForm) {
  auto d = ParseTaskDefinition(R"J({"type": "s3", "description": "nightly",
      "schedule": " rate(5 minutes) ", "parameters": {"srcBucket": "src-b", "srcPrefix": "data",
      "destBucket": "dst-b", "workerNumber": 8, "includeMetadata": false, "include": ["*.csv"]}})J");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->type, "s3");
  EXPECT_EQ(d->description, "nightly");
  EXPECT_EQ(d->schedule, "rate(5 minutes)");
  auto spec = S3Spec(d->parameters);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->source, "s3://src-b/data");
  EXPECT_EQ(spec->destination, "s3://dst-b/");
  EXPECT_EQ(spec->workers, 8);
  EXPECT_FALSE(spec->include_metadata);
  EXPECT_EQ(spec->include, std::vector<std::string>{"*.csv"});
  auto defaulted = ParseTaskDefinition(
      R"J({"type": "s3", "parameters": {"source": "s3://a-b/", "destination": "s3://c-d/x/"}})J");
  ASSERT_TRUE(defaulted.ok()) << defaulted.status().ToString();
  EXPECT_EQ(defaulted->schedule, "once");
}

TEST(TaskDefinitionTest, TheOriginalsCreateTaskInputImports) {
  auto d = ParseTaskDefinition(R"J({"type": "S3EC2", "description": "from DTH",
      "scheduleType": "FIXED_RATE", "parameters": [
        {"ParameterKey": "srcType", "ParameterValue": "Amazon_S3"},
        {"ParameterKey": "srcBucket", "ParameterValue": "old-src"},
        {"ParameterKey": "srcPrefix", "ParameterValue": ""},
        {"ParameterKey": "destBucket", "ParameterValue": "old-dst"},
        {"ParameterKey": "destStorageClass", "ParameterValue": "STANDARD_IA"},
        {"ParameterKey": "includeMetadata", "ParameterValue": "true"},
        {"ParameterKey": "srcSkipCompare", "ParameterValue": "false"},
        {"ParameterKey": "srcEvent", "ParameterValue": "No"},
        {"ParameterKey": "finderNumber", "ParameterValue": "4"},
        {"ParameterKey": "maxCapacity", "ParameterValue": "20"},
        {"ParameterKey": "alarmEmail", "ParameterValue": "ops@example.com"}]})J");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->type, "s3");
  EXPECT_EQ(d->schedule, "rate(1 hour)");
  EXPECT_EQ(d->warnings, (std::vector<std::string>{"parameters.maxCapacity is ignored by dth"}))
      << "alarmEmail is the hub's notification list, not an ignored setting";
  EXPECT_EQ(d->parameters.value("alarmEmail", ""), "ops@example.com");
  auto spec = S3Spec(d->parameters);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->storage_class, "STANDARD_IA");
  EXPECT_EQ(spec->finder_number, 4);
  auto ecr = ParseTaskDefinition(R"J({"type": "ECR", "scheduleType": "ONE_TIME", "parameters": [
        {"ParameterKey": "sourceType", "ParameterValue": "Amazon_ECR"},
        {"ParameterKey": "srcAccountId", "ParameterValue": "123456789012"},
        {"ParameterKey": "srcRegion", "ParameterValue": "cn-north-1"},
        {"ParameterKey": "srcList", "ParameterValue": "SELECTED"},
        {"ParameterKey": "srcImageList", "ParameterValue": "ubuntu:20.04, nginx:ALL_TAGS"},
        {"ParameterKey": "destAccountId", "ParameterValue": "210987654321"},
        {"ParameterKey": "destRegion", "ParameterValue": "us-west-2"},
        {"ParameterKey": "destPrefix", "ParameterValue": "mirror"},
        {"ParameterKey": "includeUntagged", "ParameterValue": "false"}]})J");
  ASSERT_TRUE(ecr.ok()) << ecr.status().ToString();
  EXPECT_EQ(ecr->type, "image");
  EXPECT_EQ(ecr->schedule, "once");
  auto image = ImageSpec(ecr->parameters);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->source_registry, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(image->destination_registry, "210987654321.dkr.ecr.us-west-2.amazonaws.com");
  EXPECT_EQ(image->images, (std::vector<std::string>{"ubuntu:20.04", "nginx:ALL_TAGS"}));
  EXPECT_EQ(image->destination_prefix, "mirror");
}

TEST(TaskDefinitionTest, EveryErrorNamesItsField) {
  ExpectField("not json", "");
  ExpectField("[1]", "");
  ExpectField(R"J({"parameters": {}})J", "type", "missing");
  ExpectField(R"J({"type": "ftp", "parameters": {}})J", "type", "ftp");
  ExpectField(R"J({"type": 3, "parameters": {}})J", "type", "string");
  ExpectField(R"J({"type": "s3", "parameters": {}, "colour": "red"})J", "colour", "unknown member");
  ExpectField(R"J({"type": "s3"})J", "parameters", "missing");
  ExpectField(R"J({"type": "s3", "parameters": [1]})J", "parameters[0]");
  ExpectField(R"J({"type": "s3", "parameters": "x"})J", "parameters");
  ExpectField(R"J({"type": "s3", "schedule": "rate(0 minutes)",
      "parameters": {"srcBucket": "a-b", "destBucket": "c-d"}})J", "schedule");
  ExpectField(R"J({"type": "s3", "schedule": "cron(0 12 * * * *)",
      "parameters": {"srcBucket": "a-b", "destBucket": "c-d"}})J", "schedule");
  ExpectField(R"J({"type": "s3", "parameters": {"srcBucket": "a-b", "destBucket": "c-d",
      "wokerNumber": 3}})J", "parameters.wokerNumber", "unknown parameter");
  ExpectField(R"J({"type": "s3", "parameters": {"srcBucket": "a-b", "destBucket": "c-d",
      "workerNumber": "many"}})J", "parameters.workerNumber");
  ExpectField(R"J({"type": "s3", "parameters": {"srcBucket": "a-b", "destBucket": "c-d",
      "workerNumber": 100000}})J", "parameters.workerNumber");
  ExpectField(R"J({"type": "s3", "parameters": {"srcBucket": "Bad Bucket!", "destBucket": "c-d"}})J",
              "parameters.srcBucket", "not a valid bucket name");
  ExpectField(R"J({"type": "s3", "parameters": {"destBucket": "c-d"}})J", "parameters.srcBucket");
  ExpectField(R"J({"type": "s3", "parameters": {"srcBucket": "a-b", "destBucket": "c-d",
      "statePath": "/etc/passwd"}})J", "parameters.statePath", "set by the server");
  ExpectField(R"J({"type": "s3", "parameters": {"srcBucket": "a-b", "destBucket": "c-d",
      "srcEvent": "Create"}})J", "parameters.srcEvent", "not supported");
  ExpectField(R"J({"type": "S3EC2", "scheduleType": "DAILY", "parameters": []})J", "scheduleType");
  ExpectField(R"J({"type": "S3EC2", "parameters": [{"ParameterKey": "srcBucket"}]})J",
              "parameters[0].ParameterValue");
  ExpectField(R"J({"type": "image", "parameters": {"srcList": "SELECTED", "srcImageList": "",
      "destRegistry": "r:5000"}})J", "parameters.srcImageList", "empty");
  ExpectField(R"J({"type": "image", "parameters": {"srcList": "ALL", "sourceType": "Amazon_ECR",
      "srcAccountId": "12", "destRegistry": "r:5000"}})J", "parameters.srcAccountId");
  ExpectField(R"J({"type": "image", "parameters": {"srcList": "ALL", "destRegistry": "r:5000",
      "includeUntagged": "true"}})J", "parameters.includeUntagged");
  ExpectField(R"J({"type": "image", "parameters": {"srcList": "ALL", "destRegistry": "r:5000",
      "concurrency": 0}})J", "parameters.concurrency");
}

TEST(TaskDefinitionTest, EditsReplaceOnlyWhatTheyGive) {
  auto d = ParseTaskDefinition(R"J({"type": "s3", "description": "a", "schedule": "once",
      "parameters": {"srcBucket": "a-b", "destBucket": "c-d"}})J");
  ASSERT_TRUE(d.ok());
  auto edited = MergeTaskDefinition(*d, R"J({"schedule": "cron(0/15 * * * ? *)"})J");
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->description, "a");
  EXPECT_EQ(edited->parameters, d->parameters);
  EXPECT_EQ(edited->schedule, "cron(0/15 * * * ? *)");
  EXPECT_EQ(MergeTaskDefinition(*d, R"J({"type": "image"})J").status().field(), "type");
  EXPECT_EQ(MergeTaskDefinition(*d, R"J({"parameters": {"destBucket": "c-d"}})J").status().field(),
            "parameters.srcBucket");
}

}  // namespace
}  // namespace dth::control
