// The OpenAPI document (src/control/openapi.json) against the hub it describes, so the
// two cannot drift:
//  - the document is valid OpenAPI 3.1 (tools/openapi/check.mjs document: the official
//    schema, $refs, strict JSON Schema 2020-12);
//  - every route the hub's router registers under /api/ and /metrics is documented, and
//    every documented operation is registered;
//  - a real hub (in-process, over real HTTP on 127.0.0.1) answers a broad set of
//    requests — every route, successes and errors — and each answer's status, media
//    type and body are checked against the document (check.mjs answers: Ajv), which also
//    fails when a documented operation got no 2xx answer. Copies of real answers with a
//    member added, renamed or mistyped are checked too and must be rejected: the proof
//    that a change in api_json.cc without the document fails this test;
//  - the server-sent events of the streams (status, progress, log), recorded over a
//    whole task's life, each match the schema the document names for its type
//    (x-dth-events), and drifted copies (a Unix-ms time, eta -1, a member added) fail.
// The checks run on Node with the npm packages of tools/openapi (scripts/setup.sh).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "control/docs/docs_assets.h"
#include "control/hub.h"
#include "control/openapi.h"
#include "server/server_test_util.h"
#include "store/local/local_test_util.h"

namespace dth::control {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const std::string kSourceDir = DTH_SOURCE_DIR;
const std::string kToolsDir = kSourceDir + "/tools/openapi";
const std::string kDocument = kSourceDir + "/src/control/openapi.json";
const char kPassword[] = "conformance-password";

struct Answer {
  int status = 0;
  std::string content_type;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One HTTP/1.1 exchange over a fresh connection (Connection: close). For an event
// stream, reads the head, then hangs up. A Content-Length given in `headers` is sent as
// it is (a head that announces more than the server takes, without the bytes).
Answer Exchange(int port, const std::string& method, const std::string& target,
                const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  Answer a;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return a;
  }
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
  bool has_length = false;
  for (const auto& h : headers) has_length |= h.first == "Content-Length";
  if (!has_length && (!body.empty() || method == "POST" || method == "PATCH"))
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string in;
  char buf[65536];
  while (true) {
    size_t head_end = in.find("\r\n\r\n");
    if (head_end != std::string::npos && in.find("text/event-stream") < head_end)
      break;  // an event stream stays open: its head is the answer checked
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos || in.compare(0, 9, "HTTP/1.1 ") != 0) return a;
  a.status = std::stoi(in.substr(9, 3));
  size_t line = in.find("\r\n") + 2;
  while (line < head_end) {
    size_t eol = in.find("\r\n", line);
    std::string field = in.substr(line, eol - line);
    size_t colon = field.find(':');
    if (colon != std::string::npos) {
      std::string name = field.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value = field.find_first_not_of(' ', colon + 1);
      a.headers[name] = value == std::string::npos ? "" : field.substr(value);
    }
    line = eol + 2;
  }
  a.content_type = a.headers.count("content-type") ? a.headers["content-type"] : "";
  a.body = in.substr(head_end + 4);
  if (a.content_type.rfind("text/event-stream", 0) == 0) a.body.clear();  // checked by type
  return a;
}

// Runs a command; its exit status and output (stdout and stderr).
std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// The check.mjs tools need Node and tools/openapi/node_modules (scripts/setup.sh).
std::string ToolsMissing() {
  if (RunCommand("node --version").first != 0) return "node is not installed (scripts/setup.sh installs it)";
  if (!fs::exists(kToolsDir + "/node_modules/ajv"))
    return kToolsDir + "/node_modules is missing: run scripts/setup.sh (npm ci there)";
  return "";
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// The events of a recorded HTTP/1.0 event stream (head, then "event: T\ndata: D\n\n"
// frames; comments skipped): (type, data) pairs.
std::vector<std::pair<std::string, std::string>> ParseEvents(const std::string& received) {
  std::vector<std::pair<std::string, std::string>> events;
  size_t at = received.find("\r\n\r\n");
  if (at == std::string::npos) return events;
  at += 4;
  for (size_t end; (end = received.find("\n\n", at)) != std::string::npos; at = end + 2) {
    std::string type, data;
    size_t line = at;
    while (line < end) {
      size_t eol = std::min(received.find('\n', line), end);
      const std::string text = received.substr(line, eol - line);
      if (text.rfind("event: ", 0) == 0) type = text.substr(7);
      if (text.rfind("data: ", 0) == 0) data += (data.empty() ? "" : "\n") + text.substr(6);
      line = eol + 1;
    }
    if (!type.empty()) events.emplace_back(type, data);
  }
  return events;
}

class ApiConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = local_test::MakeTempDir();
    fs::create_directories(root_ + "/src/sub");
    fs::create_directories(root_ + "/dst");
    std::ofstream(root_ + "/src/a.txt") << "alpha";
    std::ofstream(root_ + "/src/sub/b.txt") << "bravo";
    HubConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = root_ + "/data";
    config.allowed_local_roots = {root_};
    config.admin_password = kPassword;
    config.retries = 0;
    config.http_threads = 2;
    config.tick = std::chrono::milliseconds(50);
    auto hub = Hub::Start(config);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(*hub);
  }
  void TearDown() override {
    if (hub_) hub_->Stop();
    hub_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Sends a request as `route` (the documented path it exercises) and records the answer.
  Answer Call(const std::string& label, const std::string& method, const std::string& route,
              const std::string& target, const json& body = nullptr, bool auth = true,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::string text;
    if (!body.is_null()) {
      text = body.is_string() ? body.get<std::string>() : body.dump();
      bool has_type = false;
      for (const auto& h : headers) has_type |= h.first == "Content-Type";
      if (!has_type) headers.emplace_back("Content-Type", "application/json");
    }
    if (auth && !token_.empty()) headers.emplace_back("Authorization", "Bearer " + token_);
    Answer a = Exchange(hub_->port(), method, target, headers, text);
    EXPECT_NE(a.status, 0) << label << ": no answer";
    answers_.push_back({{"label", label}, {"method", method}, {"route", route}, {"status", a.status},
                        {"content_type", a.content_type}, {"body", a.body}});
    return a;
  }
  static json Body(const Answer& a) {
    json j = json::parse(a.body, nullptr, false);
    return j.is_discarded() ? json() : j;
  }
  // Polls the task until it is neither STARTING nor IN_PROGRESS nor STOPPING.
  json Settle(const std::string& id) {
    json task;
    for (int i = 0; i < 3000; ++i) {
      Answer a = Exchange(hub_->port(), "GET", "/api/v1/tasks/" + id, {{"Authorization", "Bearer " + token_}}, "");
      task = Body(a);
      const std::string status = task.value("status", "");
      if (status != "STARTING" && status != "IN_PROGRESS" && status != "STOPPING") return task;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "task " << id << " did not settle: " << task.dump();
    return task;
  }
  json LocalTask(const std::string& dst) const {
    return {{"type", "s3"},
            {"description", "conformance"},
            {"schedule", "once"},
            {"parameters", {{"source", root_ + "/src"}, {"destination", root_ + "/" + dst}}}};
  }
  void SignIn() {
    Answer a = Call("sign in", "POST", "/api/v1/auth/token", "/api/v1/auth/token",
                    {{"username", "admin"}, {"password", kPassword}}, false);
    ASSERT_EQ(a.status, 200) << a.body;
    token_ = Body(a)["token"];
  }

  std::string root_;
  std::unique_ptr<Hub> hub_;
  std::string token_;
  std::vector<json> answers_;
};

TEST(OpenApiDocument, IsValidOpenApi31) {
  const std::string missing = ToolsMissing();
  ASSERT_TRUE(missing.empty()) << missing;
  auto [status, output] = RunCommand("cd " + Quote(kToolsDir) + " && node check.mjs document " + Quote(kDocument));
  if (status != 0) ADD_FAILURE() << output;
  else std::printf("%s", output.c_str());
}

TEST(OpenApiDocument, IsTheOneEmbedded) {
  std::ifstream in(kDocument, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(std::string(OpenApiDocument()), text) << "rebuild: the binary embeds another document";
}

TEST_F(ApiConformanceTest, EveryRouteIsDocumentedAndEveryOperationRegistered) {
  const json doc = json::parse(std::string(OpenApiDocument()));
  std::set<std::pair<std::string, std::string>> documented, registered;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      std::string m = method;
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert({m, path});
    }
  }
  for (const server::RouteInfo& r : hub_->routes()) {
    // The API and /metrics are the contract; /docs and the console are pages.
    if (r.pattern.rfind("/api/", 0) == 0 || r.pattern == "/metrics") registered.insert({r.method, r.pattern});
  }
  for (const auto& [method, path] : registered)
    EXPECT_TRUE(documented.count({method, path})) << method << " " << path << " is served but not in openapi.json";
  for (const auto& [method, path] : documented)
    EXPECT_TRUE(registered.count({method, path})) << method << " " << path << " is in openapi.json but not served";
  EXPECT_GE(registered.size(), 30u);
}

TEST_F(ApiConformanceTest, TheBrowsableDocsNeedNoToken) {
  Answer page = Exchange(hub_->port(), "GET", "/docs/", {}, "");
  Answer document = Exchange(hub_->port(), "GET", "/docs/openapi.json", {}, "");
  EXPECT_EQ(document.status, 200);
  EXPECT_EQ(document.content_type, "application/json");
  EXPECT_EQ(document.body, std::string(OpenApiDocument()));
  Answer redirect = Exchange(hub_->port(), "GET", "/docs", {}, "");
  EXPECT_EQ(redirect.status, 308);
  EXPECT_EQ(redirect.headers["location"], "/docs/");
  if (DocsAssets().empty()) {
    EXPECT_EQ(page.status, 404) << "a build without swagger-ui-dist says so";
    return;
  }
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("swagger-ui-bundle.js"), std::string::npos);
  Answer bundle = Exchange(hub_->port(), "GET", "/docs/swagger-ui-bundle.js", {}, "");
  EXPECT_EQ(bundle.status, 200);
  EXPECT_EQ(bundle.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(bundle.headers["x-content-type-options"], "nosniff");
  EXPECT_GT(bundle.body.size(), 100000u);
  Answer init = Exchange(hub_->port(), "GET", "/docs/docs-init.js", {}, "");
  EXPECT_NE(init.body.find("openapi.json"), std::string::npos);
}

TEST_F(ApiConformanceTest, ConnectionTestSamplesEachSideAndWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(SignIn());
  // Good local sides: the source's keys; a destination that does not exist yet is fine
  // and is not created.
  Answer a = Call("test", "POST", "/api/v1/connections/test", "/api/v1/connections/test", LocalTask("new-dst"));
  ASSERT_EQ(a.status, 200) << a.body;
  json j = Body(a);
  EXPECT_EQ(j["source"]["ok"], true) << a.body;
  EXPECT_TRUE(j["source"]["error"].is_null());
  EXPECT_EQ(j["source"]["sample"], json::array({"a.txt", "sub/b.txt"}));
  EXPECT_GE(j["source"]["elapsed_ms"].get<int64_t>(), 0);
  EXPECT_EQ(j["destination"]["ok"], true) << a.body;
  EXPECT_EQ(j["destination"]["sample"], json::array());
  EXPECT_FALSE(fs::exists(root_ + "/new-dst"));
  // At most 5 keys.
  for (int i = 0; i < 8; ++i) std::ofstream(root_ + "/src/k" + std::to_string(i)) << i;
  a = Call("test, many keys", "POST", "/api/v1/connections/test", "/api/v1/connections/test", LocalTask("dst"));
  EXPECT_EQ(Body(a)["source"]["sample"].size(), 5u) << a.body;
  // A side outside --allow-local-root: that side fails with the reason, the other is ok.
  a = Call("test, outside", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
           {{"type", "s3"}, {"parameters", {{"source", root_ + "/src"}, {"destination", "/var/dth-nowhere"}}}});
  ASSERT_EQ(a.status, 200) << a.body;
  j = Body(a);
  EXPECT_EQ(j["source"]["ok"], true);
  EXPECT_EQ(j["destination"]["ok"], false);
  EXPECT_NE(j["destination"]["error"].get<std::string>().find("--allow-local-root"), std::string::npos) << a.body;
  // A missing source directory.
  a = Call("test, no source", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
           {{"type", "s3"}, {"parameters", {{"source", root_ + "/none"}, {"destination", root_ + "/dst"}}}});
  j = Body(a);
  EXPECT_EQ(j["source"]["ok"], false) << a.body;
  EXPECT_EQ(j["destination"]["ok"], true) << a.body;
  // An unknown credential: 400 naming the parameter; a bad field: 400 naming it.
  a = Call("test, unknown credential", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
           {{"type", "s3"}, {"parameters", {{"srcBucket", "src-bucket"}, {"destBucket", "dst-bucket"},
                                            {"destCredentials", "no-such-credential"}}}});
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_EQ(Body(a).value("field", ""), "parameters.destCredentials") << a.body;
  a = Call("test, bad bucket", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
           {{"type", "s3"}, {"parameters", {{"srcBucket", "b"}, {"destBucket", "dst-bucket"}}}});
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_EQ(Body(a).value("field", ""), "parameters.srcBucket") << a.body;
  // An image task against a port nobody listens on: both sides fail, each with a reason.
  a = Call("test, image", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
           {{"type", "image"}, {"parameters", {{"srcRegistry", "127.0.0.1:1"}, {"destRegistry", "127.0.0.1:1"},
                                               {"srcImageList", "app:1"}}}});
  ASSERT_EQ(a.status, 200) << a.body;
  j = Body(a);
  EXPECT_EQ(j["source"]["ok"], false);
  EXPECT_FALSE(j["source"]["error"].get<std::string>().empty());
  EXPECT_EQ(j["destination"]["ok"], false);
  // Nothing was saved.
  a = Call("tasks", "GET", "/api/v1/tasks", "/api/v1/tasks");
  EXPECT_EQ(Body(a)["tasks"].size(), 0u) << a.body;
}

TEST_F(ApiConformanceTest, EveryAnswerMatchesTheDocument) {
  const std::string missing = ToolsMissing();
  ASSERT_TRUE(missing.empty()) << missing;

  // Service and sign-in.
  Call("health", "GET", "/api/v1/health", "/api/v1/health", nullptr, false);
  Call("no token", "GET", "/api/v1/tasks", "/api/v1/tasks", nullptr, false);
  Call("no token: metrics", "GET", "/metrics", "/metrics", nullptr, false);
  Call("no token: document", "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", nullptr, false);
  Call("bad token", "GET", "/api/v1/me", "/api/v1/me", nullptr, false, {{"Authorization", "Bearer nope"}});
  Call("wrong password", "POST", "/api/v1/auth/token", "/api/v1/auth/token",
       {{"username", "admin"}, {"password", "wrong-password"}}, false);
  Call("sign in without username", "POST", "/api/v1/auth/token", "/api/v1/auth/token", {{"password", "x"}}, false);
  Call("sign in, malformed JSON", "POST", "/api/v1/auth/token", "/api/v1/auth/token", json("{\"username\":"), false);
  Call("sign in as text", "POST", "/api/v1/auth/token", "/api/v1/auth/token", json("username=admin"), false,
       {{"Content-Type", "text/plain"}});
  Call("sign in, 2 MiB announced", "POST", "/api/v1/auth/token", "/api/v1/auth/token", nullptr, false,
       {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(2 << 20)}});
  // Every operation of the document: 401 without a token (but health and sign-in), and
  // with one, 413 for a body over the limit and 415 for a body that is not JSON.
  const json doc = json::parse(std::string(OpenApiDocument()));
  std::vector<std::tuple<std::string, std::string, std::string, bool>> operations;  // method, route, target, body
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!op.is_object() || !op.contains("responses")) continue;
      std::string target = path, m = method;
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (size_t at; (at = target.find('{')) != std::string::npos;)
        target.replace(at, target.find('}', at) - at + 1, target.compare(at, 5, "{run}") == 0 ? "1" : "none");
      operations.emplace_back(m, path, target, op.contains("requestBody"));
    }
  }
  for (const auto& [method, route, target, has_body] : operations) {
    if (route == "/api/v1/health" || route == "/api/v1/auth/token") continue;
    Call("no token: " + method + " " + route, method, route, target, has_body ? json::object() : json(), false);
  }
  ASSERT_NO_FATAL_FAILURE(SignIn());
  for (const auto& [method, route, target, has_body] : operations) {
    if (!has_body) continue;
    Call("2 MiB announced: " + method + " " + route, method, route, target, nullptr, true,
         {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(2 << 20)}});
    Call("as text: " + method + " " + route, method, route, target, json("{}"), true,
         {{"Content-Type", "text/plain"}});
  }
  Call("health with a token", "GET", "/api/v1/health", "/api/v1/health");
  Call("me", "GET", "/api/v1/me", "/api/v1/me");
  Answer document = Call("document", "GET", "/api/v1/openapi.json", "/api/v1/openapi.json");
  EXPECT_EQ(document.body, std::string(OpenApiDocument()));
  Answer metrics = Call("metrics", "GET", "/metrics", "/metrics");
  EXPECT_NE(metrics.body.find("dth_"), std::string::npos);
  Call("unknown route", "GET", "", "/api/v1/nothing-here");
  Call("method not allowed", "PUT", "", "/api/v1/tasks", json::object());

  // API tokens.
  Answer token = Call("create token", "POST", "/api/v1/tokens", "/api/v1/tokens",
                      {{"name", "ci"}, {"expires_in_days", 30}});
  Call("create token, never expires", "POST", "/api/v1/tokens", "/api/v1/tokens", {{"name", "forever"}});
  Call("create token, bad expiry", "POST", "/api/v1/tokens", "/api/v1/tokens", {{"name", "x"}, {"expires_in_days", -1}});
  Call("create token as text", "POST", "/api/v1/tokens", "/api/v1/tokens", json("name=x"), true,
       {{"Content-Type", "text/plain"}});
  Call("list tokens", "GET", "/api/v1/tokens", "/api/v1/tokens");
  const std::string token_id = Body(token).value("id", "");
  Call("delete token", "DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/" + token_id);
  Call("delete token again", "DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/" + token_id);

  // Users.
  Call("create user", "POST", "/api/v1/users", "/api/v1/users", {{"username", "ops"}, {"password", "ops-password"}});
  Call("create user again", "POST", "/api/v1/users", "/api/v1/users", {{"username", "ops"}, {"password", "ops-password"}});
  Call("create user, unknown member", "POST", "/api/v1/users", "/api/v1/users",
       {{"username", "x"}, {"password", "password-x"}, {"email", "x@example.com"}});
  Call("create user, short password", "POST", "/api/v1/users", "/api/v1/users", {{"username", "y"}, {"password", "short"}});
  Call("list users", "GET", "/api/v1/users", "/api/v1/users");
  Call("set password", "PATCH", "/api/v1/users/{username}", "/api/v1/users/ops", {{"password", "new-password"}});
  Call("set password, extra member", "PATCH", "/api/v1/users/{username}", "/api/v1/users/ops",
       {{"password", "new-password"}, {"role", "admin"}});
  Call("set password of nobody", "PATCH", "/api/v1/users/{username}", "/api/v1/users/nobody", {{"password", "new-password"}});
  Call("set password as text", "PATCH", "/api/v1/users/{username}", "/api/v1/users/ops", json("x"), true,
       {{"Content-Type", "text/plain"}});
  Call("delete user", "DELETE", "/api/v1/users/{username}", "/api/v1/users/ops");
  Call("delete nobody", "DELETE", "/api/v1/users/{username}", "/api/v1/users/nobody");
  Call("delete the last user", "DELETE", "/api/v1/users/{username}", "/api/v1/users/admin");

  // Credentials.
  Call("create s3 credential", "POST", "/api/v1/credentials", "/api/v1/credentials",
       {{"name", "keys"}, {"kind", "s3"}, {"description", "test keys"},
        {"value", {{"access_key_id", "AKIDEXAMPLE"}, {"secret_access_key", "conformance-secret"}}}});
  Call("create registry credential", "POST", "/api/v1/credentials", "/api/v1/credentials",
       {{"name", "hub"}, {"kind", "registry"}, {"value", {{"token", "conformance-token"}}}});
  Call("create credential again", "POST", "/api/v1/credentials", "/api/v1/credentials",
       {{"name", "hub"}, {"kind", "registry"}, {"value", {{"token", "conformance-token"}}}});
  Call("create credential, bad kind", "POST", "/api/v1/credentials", "/api/v1/credentials",
       {{"name", "z"}, {"kind", "ftp"}, {"value", json::object()}});
  Call("create credential as text", "POST", "/api/v1/credentials", "/api/v1/credentials", json("x"), true,
       {{"Content-Type", "text/plain"}});
  Call("list credentials", "GET", "/api/v1/credentials", "/api/v1/credentials");
  Call("get credential", "GET", "/api/v1/credentials/{name}", "/api/v1/credentials/keys");
  Call("get missing credential", "GET", "/api/v1/credentials/{name}", "/api/v1/credentials/none");
  Call("update credential", "PATCH", "/api/v1/credentials/{name}", "/api/v1/credentials/keys", {{"description", "new"}});
  Call("update credential, name", "PATCH", "/api/v1/credentials/{name}", "/api/v1/credentials/keys", {{"name", "other"}});
  Call("update missing credential", "PATCH", "/api/v1/credentials/{name}", "/api/v1/credentials/none", {{"description", "x"}});
  Call("delete credential", "DELETE", "/api/v1/credentials/{name}", "/api/v1/credentials/hub");
  Call("delete missing credential", "DELETE", "/api/v1/credentials/{name}", "/api/v1/credentials/hub");

  // Every task's events, recorded from before the first task to after its deletion.
  auto open_stream = [&](const std::string& target) {
    auto c = std::make_unique<server::testing::RawClient>(hub_->port());
    EXPECT_TRUE(c->connected());
    c->Send("GET " + target + " HTTP/1.0\r\nAuthorization: Bearer " + token_ + "\r\n\r\n");
    EXPECT_TRUE(c->ReadUntil("\r\n\r\n")) << target << ": " << c->received();
    return c;
  };
  auto all_events = open_stream("/api/v1/events");

  // Tasks: a one-time copy between local directories, run to the end.
  Answer created = Call("create task", "POST", "/api/v1/tasks", "/api/v1/tasks", LocalTask("dst"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = Body(created)["id"];
  const std::string task = "/api/v1/tasks/" + id;
  auto task_events = open_stream(task + "/events");
  EXPECT_TRUE(task_events->ReadUntil("event: status")) << task_events->received();
  Call("create task, original form", "POST", "/api/v1/tasks", "/api/v1/tasks?start=false",
       {{"type", "S3EC2"},
        {"scheduleType", "FIXED_RATE"},
        {"parameters", json::array({{{"ParameterKey", "srcBucket"}, {"ParameterValue", "src-bucket"}},
                                    {{"ParameterKey", "destBucket"}, {"ParameterValue", "dst-bucket"}},
                                    {{"ParameterKey", "maxCapacity"}, {"ParameterValue", "20"}}})}});
  Answer image = Call("create image task", "POST", "/api/v1/tasks", "/api/v1/tasks",
                      {{"type", "image"},
                       {"schedule", "rate(1 day)"},
                       {"parameters", {{"srcRegistry", "127.0.0.1:1"}, {"destRegistry", "127.0.0.1:1"},
                                       {"srcImageList", "app:1"}}}});
  Call("create task, bad schedule", "POST", "/api/v1/tasks", "/api/v1/tasks",
       {{"type", "s3"}, {"schedule", "rate(0 minutes)"}, {"parameters", LocalTask("dst")["parameters"]}});
  Call("create task, unknown member", "POST", "/api/v1/tasks", "/api/v1/tasks",
       {{"type", "s3"}, {"color", "red"}, {"parameters", json::object()}});
  Call("create task, bad bucket", "POST", "/api/v1/tasks", "/api/v1/tasks",
       {{"type", "s3"}, {"parameters", {{"srcBucket", "No_Such..Bucket"}, {"destBucket", "b"}}}});
  Call("create task, bad start", "POST", "/api/v1/tasks", "/api/v1/tasks?start=maybe", LocalTask("dst"));
  Call("create task as text", "POST", "/api/v1/tasks", "/api/v1/tasks", json("x"), true, {{"Content-Type", "text/plain"}});
  Call("create task, array body", "POST", "/api/v1/tasks", "/api/v1/tasks", json::array());
  // The connection test: each side reached and sampled, or why not; bad input is a 400.
  Call("test connection", "POST", "/api/v1/connections/test", "/api/v1/connections/test", LocalTask("dst"));
  Call("test connection, outside the roots", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
       {{"type", "s3"}, {"parameters", {{"source", root_ + "/src"}, {"destination", "/proc/dth-nowhere"}}}});
  Call("test connection, unknown credential", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
       {{"type", "s3"}, {"parameters", {{"srcBucket", "src-bucket"}, {"destBucket", "dst-bucket"},
                                        {"srcCredentials", "no-such-credential"}}}});
  Call("test connection, image", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
       {{"type", "image"}, {"parameters", {{"srcRegistry", "127.0.0.1:1"}, {"destRegistry", "127.0.0.1:1"},
                                           {"srcImageList", "app:1"}}}});
  Call("test connection, bad bucket", "POST", "/api/v1/connections/test", "/api/v1/connections/test",
       {{"type", "s3"}, {"parameters", {{"srcBucket", "No_Such..Bucket"}, {"destBucket", "b"}}}});
  const json done = Settle(id);
  EXPECT_EQ(done.value("status", ""), "DONE") << done.dump();
  if (image.status == 201) Settle(Body(image)["id"]);

  Call("list tasks", "GET", "/api/v1/tasks", "/api/v1/tasks");
  Answer page = Call("list tasks, one a page", "GET", "/api/v1/tasks", "/api/v1/tasks?limit=1&type=s3");
  const json next = Body(page).value("next_cursor", json());
  if (next.is_string()) Call("list tasks, next page", "GET", "/api/v1/tasks", "/api/v1/tasks?limit=1&cursor=" + next.get<std::string>());
  Call("list tasks, DONE", "GET", "/api/v1/tasks", "/api/v1/tasks?status=DONE&q=conformance");
  Call("list tasks, bad status", "GET", "/api/v1/tasks", "/api/v1/tasks?status=FINISHED");
  Call("list tasks, bad limit", "GET", "/api/v1/tasks", "/api/v1/tasks?limit=0");
  Answer task_answer = Call("get task", "GET", "/api/v1/tasks/{id}", task);
  Call("get missing task", "GET", "/api/v1/tasks/{id}", "/api/v1/tasks/t-none");
  // A finished task carries its newest run's totals (what the console's list shows for
  // it), a task that never ran a null last_run.
  const json last = Body(task_answer).value("last_run", json());
  ASSERT_TRUE(last.is_object()) << task_answer.body;
  EXPECT_EQ(last.value("status", ""), "DONE");
  EXPECT_GT(last.value("objects_done", 0), 0) << task_answer.body;
  EXPECT_EQ(last.value("objects_done", 0), last.value("objects_planned", -1)) << task_answer.body;
  Answer listed = Call("list tasks, with their last runs", "GET", "/api/v1/tasks", "/api/v1/tasks?limit=1000");
  int finished = 0, never_ran = 0;
  for (const json& t : Body(listed).value("tasks", json::array())) {
    ASSERT_TRUE(t.contains("last_run")) << t.dump();
    if (t.value("id", "") == id) {
      EXPECT_EQ(t["last_run"], last);
      ++finished;
    }
    if (t["last_run"].is_null()) ++never_ran;  // the original form, created with start=false
  }
  EXPECT_EQ(finished, 1);
  EXPECT_GE(never_ran, 1);

  // What the task did.
  Answer runs = Call("list runs", "GET", "/api/v1/tasks/{id}/runs", task + "/runs");
  Call("list runs, paged", "GET", "/api/v1/tasks/{id}/runs", task + "/runs?limit=1");
  Call("list runs, bad before", "GET", "/api/v1/tasks/{id}/runs", task + "/runs?before=-1");
  Call("list runs of nothing", "GET", "/api/v1/tasks/{id}/runs", "/api/v1/tasks/t-none/runs");
  const json run_list = Body(runs).value("runs", json::array());
  const std::string run_id = run_list.empty() ? "1" : std::to_string(run_list[0].value("id", 1));
  Call("get run", "GET", "/api/v1/tasks/{id}/runs/{run}", task + "/runs/" + run_id);
  Call("get run, not a number", "GET", "/api/v1/tasks/{id}/runs/{run}", task + "/runs/latest");
  Call("get missing run", "GET", "/api/v1/tasks/{id}/runs/{run}", task + "/runs/99999");
  Answer objects = Call("list objects", "GET", "/api/v1/tasks/{id}/objects", task + "/objects");
  Answer one = Call("list objects, one a page", "GET", "/api/v1/tasks/{id}/objects", task + "/objects?limit=1&status=done");
  const json cursor = Body(one).value("next_cursor", json());
  if (cursor.is_string())
    Call("list objects, next page", "GET", "/api/v1/tasks/{id}/objects", task + "/objects?limit=1&cursor=" + cursor.get<std::string>());
  Call("list objects, prefix", "GET", "/api/v1/tasks/{id}/objects", task + "/objects?prefix=sub/");
  Call("list objects, bad status", "GET", "/api/v1/tasks/{id}/objects", task + "/objects?status=lost");
  Call("list objects, bad cursor", "GET", "/api/v1/tasks/{id}/objects", task + "/objects?cursor=%25%25");
  Call("list objects of nothing", "GET", "/api/v1/tasks/{id}/objects", "/api/v1/tasks/t-none/objects");
  Call("object summary", "GET", "/api/v1/tasks/{id}/objects/summary", task + "/objects/summary");
  Call("object summary of nothing", "GET", "/api/v1/tasks/{id}/objects/summary", "/api/v1/tasks/t-none/objects/summary");
  Call("images of an s3 task", "GET", "/api/v1/tasks/{id}/images", task + "/images");
  if (image.status == 201)
    Call("images of an image task", "GET", "/api/v1/tasks/{id}/images", "/api/v1/tasks/" + Body(image)["id"].get<std::string>() + "/images");
  Call("images of nothing", "GET", "/api/v1/tasks/{id}/images", "/api/v1/tasks/t-none/images");
  Answer logs = Call("logs", "GET", "/api/v1/tasks/{id}/logs", task + "/logs");
  Call("logs, filtered", "GET", "/api/v1/tasks/{id}/logs", task + "/logs?level=info&run=" + run_id + "&after=0&limit=5&q=run");
  Call("logs, bad level", "GET", "/api/v1/tasks/{id}/logs", task + "/logs?level=loud");
  Call("logs of nothing", "GET", "/api/v1/tasks/{id}/logs", "/api/v1/tasks/t-none/logs");
  Call("metrics", "GET", "/api/v1/tasks/{id}/metrics", task + "/metrics");
  Call("metrics, 1d", "GET", "/api/v1/tasks/{id}/metrics", task + "/metrics?range=1d");
  Call("metrics, from/to", "GET", "/api/v1/tasks/{id}/metrics", task + "/metrics?from=2026-01-01T00:00:00Z&to=2026-01-01T06:00:00Z&step=600");
  Call("metrics, bad range", "GET", "/api/v1/tasks/{id}/metrics", task + "/metrics?range=2h");
  Call("metrics, bad step", "GET", "/api/v1/tasks/{id}/metrics", task + "/metrics?step=90");
  Call("metrics of nothing", "GET", "/api/v1/tasks/{id}/metrics", "/api/v1/tasks/t-none/metrics");
  Call("task events", "GET", "/api/v1/tasks/{id}/events", task + "/events");
  Call("task events, token as parameter", "GET", "/api/v1/tasks/{id}/events", task + "/events?access_token=" + token_, nullptr, false);
  Call("events of nothing", "GET", "/api/v1/tasks/{id}/events", "/api/v1/tasks/t-none/events");
  Call("all events", "GET", "/api/v1/events", "/api/v1/events");
  Call("all events without a token", "GET", "/api/v1/events", "/api/v1/events", nullptr, false);

  // Lifecycle.
  Call("retry objects", "POST", "/api/v1/tasks/{id}/objects/retry", task + "/objects/retry", {{"keys", {"a.txt"}}});
  Settle(id);
  Call("retry every failed object", "POST", "/api/v1/tasks/{id}/objects/retry", task + "/objects/retry", json::object());
  Settle(id);
  Call("retry, unknown key", "POST", "/api/v1/tasks/{id}/objects/retry", task + "/objects/retry", {{"keys", {"no/such/key"}}});
  Call("retry, unknown member", "POST", "/api/v1/tasks/{id}/objects/retry", task + "/objects/retry", {{"key", "a.txt"}});
  Call("retry as text", "POST", "/api/v1/tasks/{id}/objects/retry", task + "/objects/retry", json("x"), true,
       {{"Content-Type", "text/plain"}});
  Call("retry in nothing", "POST", "/api/v1/tasks/{id}/objects/retry", "/api/v1/tasks/t-none/objects/retry", json::object());
  Settle(id);
  Answer got = Call("get task before editing", "GET", "/api/v1/tasks/{id}", task);
  const int64_t revision = Body(got).value("revision", int64_t{1});
  Call("edit task", "PATCH", "/api/v1/tasks/{id}", task, {{"description", "edited"}}, true,
       {{"If-Match", "\"" + std::to_string(revision) + "\""}});
  Call("edit task, stale revision", "PATCH", "/api/v1/tasks/{id}", task, {{"description", "again"}}, true,
       {{"If-Match", std::to_string(revision)}});
  Call("edit task, bad If-Match", "PATCH", "/api/v1/tasks/{id}", task, {{"description", "again"}}, true,
       {{"If-Match", "latest"}});
  Call("edit task, unknown member", "PATCH", "/api/v1/tasks/{id}", task, {{"colour", "red"}});
  Call("edit task, bad cron", "PATCH", "/api/v1/tasks/{id}", task, {{"schedule", "cron(61 * * * ? *)"}});
  Call("edit task as text", "PATCH", "/api/v1/tasks/{id}", task, json("x"), true, {{"Content-Type", "text/plain"}});
  Call("edit missing task", "PATCH", "/api/v1/tasks/{id}", "/api/v1/tasks/t-none", {{"description", "x"}});
  Call("start task", "POST", "/api/v1/tasks/{id}/start", task + "/start");
  Call("start running task", "POST", "/api/v1/tasks/{id}/start", task + "/start");
  Call("stop task", "POST", "/api/v1/tasks/{id}/stop", task + "/stop");
  Settle(id);
  Call("start missing task", "POST", "/api/v1/tasks/{id}/start", "/api/v1/tasks/t-none/start");
  Call("stop missing task", "POST", "/api/v1/tasks/{id}/stop", "/api/v1/tasks/t-none/stop");
  Answer clone = Call("clone task", "POST", "/api/v1/tasks/{id}/clone", task + "/clone");
  Call("clone missing task", "POST", "/api/v1/tasks/{id}/clone", "/api/v1/tasks/t-none/clone");
  if (clone.status == 201) Call("delete clone", "DELETE", "/api/v1/tasks/{id}", "/api/v1/tasks/" + Body(clone)["id"].get<std::string>());
  Call("delete task", "DELETE", "/api/v1/tasks/{id}", task);
  EXPECT_TRUE(all_events->ReadUntil("\"DELETED\"", std::chrono::seconds(30))) << all_events->received();
  EXPECT_TRUE(task_events->ReadUntil("\"DELETED\"", std::chrono::seconds(30))) << task_events->received();
  Call("delete task again", "DELETE", "/api/v1/tasks/{id}", task);
  Call("sign out", "POST", "/api/v1/auth/logout", "/api/v1/auth/logout");
  Call("signed out", "GET", "/api/v1/me", "/api/v1/me");

  // Drift: real answers with a member added, renamed, mistyped or out of its enum must
  // fail the document (this is what a change in api_json.cc alone looks like).
  std::vector<json> drifted;
  auto drift = [&](const std::string& label, const std::string& route, const std::function<void(json&)>& change) {
    for (const json& a : answers_) {
      if (a["route"] != route || a["method"] != "GET" || a["status"] != 200) continue;
      json body = json::parse(a["body"].get<std::string>(), nullptr, false);
      if (body.is_discarded()) continue;
      change(body);
      json d = a;
      d["label"] = "drift: " + label;
      d["body"] = body.dump();
      d["expect"] = "reject";
      drifted.push_back(d);
      return;
    }
    ADD_FAILURE() << "no answer of " << route << " to drift";
  };
  drift("a task member added", "/api/v1/tasks/{id}", [](json& t) { t["owner"] = "admin"; });
  drift("a task member renamed", "/api/v1/tasks/{id}", [](json& t) {
    t["state"] = t["status"];
    t.erase("status");
  });
  drift("a task status outside the enum", "/api/v1/tasks/{id}", [](json& t) { t["status"] = "FINISHED"; });
  drift("a count as text", "/api/v1/tasks/{id}/runs/{run}", [](json& r) { r["objects_done"] = "2"; });
  drift("an object member added", "/api/v1/tasks/{id}/objects", [](json& o) { o["objects"][0]["etag"] = "x"; });
  drift("a log time not RFC 3339", "/api/v1/tasks/{id}/logs", [](json& l) { l["logs"][0]["time"] = "yesterday"; });
  drift("a credential value leaked", "/api/v1/credentials/{name}", [](json& c) { c["value"] = "secret"; });
  drift("health without version", "/api/v1/health", [](json& h) { h.erase("version"); });
  // The events recorded, and drifted copies of the first of each type.
  std::vector<json> events;
  std::map<std::string, int> seen;
  for (const auto& [route, stream] : {std::pair{std::string("/api/v1/events"), all_events.get()},
                                      std::pair{std::string("/api/v1/tasks/{id}/events"), task_events.get()}}) {
    for (const auto& [type, data] : ParseEvents(stream->received())) {
      ++seen[type];
      events.push_back({{"label", "event " + type + " of " + route}, {"method", "GET"}, {"route", route},
                        {"event", type}, {"data", data}});
    }
  }
  for (const char* type : {"status", "progress", "log"}) EXPECT_GT(seen[type], 0) << "no " << type << " event seen";
  auto drift_event = [&](const std::string& label, const std::string& type, const std::function<void(json&)>& change) {
    for (const json& e : events) {
      if (e["event"] != type) continue;
      json data = json::parse(e["data"].get<std::string>(), nullptr, false);
      if (!data.is_object()) continue;
      change(data);
      json d = e;
      d["label"] = "drift: " + label;
      d["data"] = data.dump();
      d["expect"] = "reject";
      drifted.push_back(d);
      return;
    }
    ADD_FAILURE() << "no " << type << " event to drift";
  };
  drift_event("a log event's time in Unix milliseconds", "log", [](json& l) { l["time"] = 1764669600000; });
  drift_event("an unknown eta as -1", "progress", [](json& p) { p["eta_seconds"] = -1; });
  drift_event("a status event as the whole task", "status", [](json& s) { s["type"] = "s3"; });
  drift_event("a status event without its revision", "status", [](json& s) { s.erase("revision"); });

  EXPECT_FALSE(Body(objects).value("objects", json::array()).empty());
  EXPECT_FALSE(Body(logs).value("logs", json::array()).empty());

  // No secret that went in comes out.
  for (const json& a : answers_) {
    const std::string body = a["body"];
    for (const char* secret : {"conformance-secret", "conformance-token", kPassword, "ops-password", "new-password"})
      EXPECT_EQ(body.find(secret), std::string::npos) << a["label"] << " shows a secret: " << body;
  }
  for (const json& e : events) {
    const std::string body = e["data"];
    for (const char* secret : {"conformance-secret", "conformance-token", kPassword, "ops-password", "new-password"})
      EXPECT_EQ(body.find(secret), std::string::npos) << e["label"] << " shows a secret: " << body;
  }

  const std::string file = root_ + "/answers.jsonl";
  {
    std::ofstream out(file);
    for (const json& a : answers_) out << a.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    for (const json& e : events) out << e.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    for (const json& d : drifted) out << d.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  // How many answers carried a running task's live progress (its schema is checked only
  // through them; a run this small may finish before an answer shows it).
  int with_progress = 0;
  for (const json& a : answers_) {
    json body = json::parse(a["body"].get<std::string>(), nullptr, false);
    if (body.is_object() && body.contains("progress") && body["progress"].is_object()) ++with_progress;
  }
  std::printf("%d answers carried live progress\n", with_progress);
  auto [status, output] =
      RunCommand("cd " + Quote(kToolsDir) + " && node check.mjs answers " + Quote(kDocument) + " " + Quote(file));
  if (status != 0) ADD_FAILURE() << output;
  else std::printf("%s", output.c_str());
}

}  // namespace
}  // namespace dth::control
