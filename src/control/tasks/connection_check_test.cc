// TaskRunner::CheckConnection against scripted servers (testing/fault_server): a source
// registry's catalog is sampled with one short request (srcList ALL never pages the
// whole catalog), and a side that does not answer fails within the check's bound
// instead of holding the request (the hub's default bound is 5 s; 500 ms here).
#include <gtest/gtest.h>

#include <filesystem>

#include "control/store/sqlite/sqlite_control_store.h"
#include "control/tasks/task_runner.h"
#include "store/local/local_test_util.h"
#include "testing/fault_server.h"

namespace dth::control {
namespace {

using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;
using json = nlohmann::json;

FaultRule Answer(const std::string& method, const std::string& target, int status, std::string body,
                 HttpHeaders headers = {}) {
  FaultRule rule;
  rule.method = method;
  rule.target_contains = target;
  rule.times = -1;
  rule.action.status = status;
  rule.action.body = std::move(body);
  rule.action.headers = std::move(headers);
  return rule;
}

// An answer that comes long after the check's bound (the server's destructor ends the wait).
FaultRule Late(const std::string& target) {
  FaultRule rule = Answer("", target, 200, "");
  rule.action.kind = FaultAction::kDelay;
  rule.action.delay = std::chrono::seconds(30);
  return rule;
}

class ConnectionCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = local_test::MakeTempDir();
    auto store = SqliteControlStore::Open(root_ + "/control.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    secrets_ = std::make_unique<SecretService>(*store_);
    HubOptions options;
    options.data_dir = root_;
    options.check_timeout = std::chrono::milliseconds(500);
    runner_ = std::make_unique<TaskRunner>(*store_, *secrets_, events_, nullptr, options);
    auto server = FaultServer::Start();
    ASSERT_TRUE(server.ok());
    server_ = std::move(*server);
  }
  void TearDown() override {
    runner_.reset();
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::string root_;
  EventHub events_;
  std::unique_ptr<ControlStore> store_;
  std::unique_ptr<SecretService> secrets_;
  std::unique_ptr<TaskRunner> runner_;
  std::unique_ptr<FaultServer> server_;
};

const HttpHeaders kV2 = {{"Docker-Distribution-API-Version", "registry/2.0"}};

TEST_F(ConnectionCheckTest, AllImagesIsASampleOfTheCatalogNotEveryPage) {
  // A catalog of many pages: every answer links to a next one.
  server_->AddRule(Answer("GET", "/v2/_catalog", 200, R"({"repositories":["a","b","c","d","e","f","g"]})",
                          {{"Link", "</v2/_catalog?n=7&last=g>; rel=\"next\""}}));
  server_->AddRule(Answer("GET", "/v2/", 200, "{}", kV2));
  const std::string registry = server_->endpoint();
  auto check = runner_->CheckConnection(
      "image", json{{"srcRegistry", registry}, {"destRegistry", registry}, {"srcList", "ALL"}}, 5);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->source.ok) << check->source.error;
  EXPECT_EQ(check->source.sample, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_TRUE(check->destination.ok) << check->destination.error;
  EXPECT_EQ(server_->CountRequests("GET", "/v2/_catalog"), 1);
  EXPECT_EQ(server_->CountRequests("GET", "/v2/_catalog?n=5"), 1) << "asks for the sample's size only";
}

TEST_F(ConnectionCheckTest, ARegistryThatDoesNotAnswerFailsWithinTheBound) {
  server_->AddRule(Answer("GET", "/v2/app/tags/list", 200, R"({"name":"app","tags":["1","2"]})"));
  server_->AddRule(Late("/v2/"));
  const std::string registry = server_->endpoint();
  auto check = runner_->CheckConnection(
      "image", json{{"srcRegistry", registry}, {"destRegistry", registry}, {"srcImageList", "app:1"}}, 5);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->source.ok) << check->source.error;
  EXPECT_EQ(server_->CountRequests("GET", "/v2/app/tags/list?n=5"), 1);
  EXPECT_FALSE(check->destination.ok);
  EXPECT_FALSE(check->destination.error.empty());
  std::printf("destination: %s\n", check->destination.error.c_str());
}

TEST_F(ConnectionCheckTest, AnEcrTokenRequestThatDoesNotAnswerFailsWithinTheBound) {
  // ECR's GetAuthorizationToken goes through the check's client too (before, through the
  // runs' client and its minutes-long timeouts).
  HubOptions options;
  options.data_dir = root_;
  options.check_timeout = std::chrono::milliseconds(500);
  options.ecr_api_endpoint = server_->endpoint();
  runner_ = std::make_unique<TaskRunner>(*store_, *secrets_, events_, nullptr, options);
  ASSERT_TRUE(secrets_->Create(R"({"name": "aws", "kind": "s3", "value": {"access_key_id": "AKID", "secret_access_key": "s"}})").ok());
  server_->AddRule(Late(""));
  const std::string ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  auto check = runner_->CheckConnection(
      "image", json{{"srcRegistry", ecr}, {"srcCredential", "aws"}, {"destRegistry", ecr},
                    {"destCredential", "aws"}, {"srcImageList", "app:1"}}, 5);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_FALSE(check->source.ok);
  EXPECT_FALSE(check->destination.ok);
  EXPECT_GE(server_->CountRequests("POST", "/"), 1) << "the token was asked for";
  // Far below the 30 s the server holds the answer (the bound is 500 ms, one attempt).
  EXPECT_LT(check->source.elapsed_ms, 10000);
  EXPECT_LT(check->destination.elapsed_ms, 10000);
  std::printf("source: %s\n", check->source.error.c_str());
}

TEST_F(ConnectionCheckTest, AnObjectStoreThatDoesNotAnswerFailsWithinTheBound) {
  server_->AddRule(Late(""));
  const json parameters = {{"srcEndpoint", server_->endpoint()}, {"srcBucket", "src-bucket"},
                           {"destEndpoint", server_->endpoint()}, {"destBucket", "dst-bucket"}};
  auto check = runner_->CheckConnection("s3", parameters, 5);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_FALSE(check->source.ok);
  EXPECT_FALSE(check->destination.ok);
  std::printf("source: %s\ndestination: %s\n", check->source.error.c_str(), check->destination.error.c_str());
}

}  // namespace
}  // namespace dth::control
