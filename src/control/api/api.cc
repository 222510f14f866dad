#include "control/api/api.h"

#include <sodium.h>

#include <cstdlib>

#include "control/api/api_routes.h"

namespace dth::control::api {
namespace {

std::string BearerToken(const server::Request& request) {
  if (const std::string* auth = request.Header("Authorization")) {
    static const std::string kBearer = "Bearer ";
    if (auth->size() > kBearer.size() && strncasecmp(auth->c_str(), kBearer.c_str(), kBearer.size()) == 0) {
      return auth->substr(kBearer.size());
    }
    return "";
  }
  // EventSource cannot send headers: the event streams take the token as a parameter.
  if (request.route.size() >= 7 && request.route.compare(request.route.size() - 7, 7, "/events") == 0) {
    if (const std::string* token = request.Query("access_token")) return *token;
  }
  return "";
}

server::Response Unauthorized(const std::string& detail) {
  return server::Response::Problem(401, "unauthorized", "Sign in first", detail)
      .WithHeader("WWW-Authenticate", "Bearer realm=\"dth\"");
}

}  // namespace

Result<json> BodyObject(const server::Request& request) {
  const std::string* type = request.Header("Content-Type");
  if (type == nullptr || type->find("json") == std::string::npos) {
    return InvalidArgument("send the body as JSON (Content-Type: application/json)").WithField("Content-Type");
  }
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return InvalidArgument("the body is not valid JSON");
  if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  return body;
}

Result<int64_t> IntParam(const server::Request& request, const char* name, int64_t fallback,
                         int64_t lo, int64_t hi) {
  const std::string* text = request.Query(name);
  if (text == nullptr || text->empty()) return fallback;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text->c_str(), &end, 10);
  if (end == text->c_str() || *end != '\0' || errno != 0 || (*text)[0] == ' ' || (*text)[0] == '+' ||
      v < lo || v > hi) {
    return InvalidArgument(std::string(name) + ": expected a whole number " + std::to_string(lo) +
                           ".." + std::to_string(hi))
        .WithField(name);
  }
  return static_cast<int64_t>(v);
}

std::string TextParam(const server::Request& request, const char* name) {
  const std::string* text = request.Query(name);
  return text ? *text : std::string();
}

std::string EncodeCursor(const std::string& raw) {
  if (raw.empty()) return "";
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> DecodeCursor(const std::string& cursor, const char* field) {
  if (cursor.empty()) return std::string();
  std::string out(cursor.size(), '\0');
  size_t len = 0;
  if (cursor.size() > 4096 ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), cursor.c_str(),
                        cursor.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return InvalidArgument(std::string(field) + ": not a cursor this server gave").WithField(field);
  }
  out.resize(len);
  return out;
}

std::optional<server::Response> Authenticate(ApiServices& services, const server::Request& request) {
  const std::string& path = request.path;
  const bool api = path.rfind("/api/", 0) == 0 || path == "/api";
  const bool metrics = path == "/metrics";
  if (!api && !metrics) return std::nullopt;  // the console's files, /docs
  if (path == "/api/v1/health" || path == "/api/v1/auth/token") return std::nullopt;
  const std::string token = BearerToken(request);
  if (token.empty()) return Unauthorized("no bearer token: POST /api/v1/auth/token first");
  auto who = services.auth.Authenticate(token);
  if (!who.ok()) {
    if (who.status().code() == Code::kPermissionDenied) return Unauthorized(who.status().message());
    return Problem(who.status());
  }
  return std::nullopt;
}

namespace {

Result<Identity> Caller(ApiServices& s, const server::Request& request) {
  return s.auth.Authenticate(BearerToken(request));
}

}  // namespace

void AddAdminRoutes(server::Router& router, ApiServices& s) {
  router.Add("GET", "/api/v1/health", [&s](const server::Request&) {
    return JsonAnswer(200, json{{"status", "ok"}, {"version", s.version}});
  });
  router.Add("POST", "/api/v1/auth/token", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    auto user = body->find("username");
    auto password = body->find("password");
    if (user == body->end() || !user->is_string())
      return Problem(InvalidArgument("username: expected a string").WithField("username"));
    if (password == body->end() || !password->is_string())
      return Problem(InvalidArgument("password: expected a string").WithField("password"));
    auto issued = s.auth.Login(user->get<std::string>(), password->get<std::string>());
    if (!issued.ok()) {
      if (issued.status().code() == Code::kPermissionDenied)
        return server::Response::Problem(401, "unauthorized", "Sign-in failed", issued.status().message());
      return Problem(issued.status());
    }
    return JsonAnswer(200, json{{"token", issued->token},
                                {"token_type", "Bearer"},
                                {"expires_at", Time(issued->record.expires_at)},
                                {"username", issued->record.username}});
  });
  router.Add("POST", "/api/v1/auth/logout", [&s](const server::Request& req) {
    auto who = Caller(s, req);
    if (!who.ok()) return Problem(who.status());
    Status st = s.auth.Logout(who->token_id);
    if (!st.ok()) return Problem(st);
    return server::Response{204, {}, "", nullptr};
  });
  router.Add("GET", "/api/v1/me", [&s](const server::Request& req) {
    auto who = Caller(s, req);
    if (!who.ok()) return Problem(who.status());
    return JsonAnswer(200, json{{"username", who->username}, {"role", who->role}});
  });
  router.Add("GET", "/api/v1/openapi.json", [&s](const server::Request&) {
    return server::Response::Json(200, s.openapi);
  });
  router.Add("GET", "/metrics", [&s](const server::Request&) {
    server::Response r = server::Response::Text(200, s.prometheus ? s.prometheus() : "");
    r.WithHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
  });

  // Credentials: values go in, never out.
  router.Add("GET", "/api/v1/credentials", [&s](const server::Request&) {
    auto all = s.secrets.List();
    if (!all.ok()) return Problem(all.status());
    json list = json::array();
    for (const SecretRecord& r : *all) list.push_back(SecretJson(r));
    return JsonAnswer(200, json{{"credentials", list}});
  });
  router.Add("POST", "/api/v1/credentials", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    auto created = s.secrets.Create(req.body);
    if (!created.ok()) return Problem(created.status());
    return JsonAnswer(201, SecretJson(*created));
  });
  router.Add("GET", "/api/v1/credentials/{name}", [&s](const server::Request& req) {
    auto r = s.secrets.Get(req.PathParam("name"));
    if (!r.ok()) return Problem(r.status());
    return JsonAnswer(200, SecretJson(*r));
  });
  router.Add("PATCH", "/api/v1/credentials/{name}", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    auto r = s.secrets.Update(req.PathParam("name"), req.body);
    if (!r.ok()) return Problem(r.status());
    return JsonAnswer(200, SecretJson(*r));
  });
  router.Add("DELETE", "/api/v1/credentials/{name}", [&s](const server::Request& req) {
    Status st = s.secrets.Delete(req.PathParam("name"));
    if (!st.ok()) return Problem(st);
    return server::Response{204, {}, "", nullptr};
  });

  // Users.
  router.Add("GET", "/api/v1/users", [&s](const server::Request&) {
    auto users = s.auth.ListUsers();
    if (!users.ok()) return Problem(users.status());
    json list = json::array();
    for (const UserRecord& u : *users) list.push_back(UserJson(u));
    return JsonAnswer(200, json{{"users", list}});
  });
  router.Add("POST", "/api/v1/users", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    for (const auto& [member, unused] : body->items()) {
      if (member != "username" && member != "password" && member != "role")
        return Problem(InvalidArgument(member + ": unknown member").WithField(member));
    }
    auto text = [&](const char* name, const char* fallback) -> Result<std::string> {
      auto it = body->find(name);
      if (it == body->end()) {
        if (fallback != nullptr) return std::string(fallback);
        return InvalidArgument(std::string(name) + ": missing").WithField(name);
      }
      if (!it->is_string()) return InvalidArgument(std::string(name) + ": expected a string").WithField(name);
      return it->get<std::string>();
    };
    auto username = text("username", nullptr);
    if (!username.ok()) return Problem(username.status());
    auto password = text("password", nullptr);
    if (!password.ok()) return Problem(password.status());
    auto role = text("role", "admin");
    if (!role.ok()) return Problem(role.status());
    Status st = s.auth.CreateUser(*username, *password, *role);
    if (!st.ok()) return Problem(st);
    return JsonAnswer(201, json{{"username", *username}, {"role", *role}});
  });
  router.Add("PATCH", "/api/v1/users/{username}", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    auto password = body->find("password");
    if (password == body->end() || !password->is_string() || body->size() != 1)
      return Problem(InvalidArgument("password: give only the new password").WithField("password"));
    Status st = s.auth.SetPassword(req.PathParam("username"), password->get<std::string>());
    if (!st.ok()) return Problem(st);
    return server::Response{204, {}, "", nullptr};
  });
  router.Add("DELETE", "/api/v1/users/{username}", [&s](const server::Request& req) {
    Status st = s.auth.DeleteUser(req.PathParam("username"));
    if (!st.ok()) return Problem(st);
    return server::Response{204, {}, "", nullptr};
  });

  // API tokens of the caller.
  router.Add("GET", "/api/v1/tokens", [&s](const server::Request& req) {
    auto who = Caller(s, req);
    if (!who.ok()) return Problem(who.status());
    auto tokens = s.auth.ListTokens(who->username);
    if (!tokens.ok()) return Problem(tokens.status());
    json list = json::array();
    for (const TokenRecord& t : *tokens) list.push_back(TokenJson(t));
    return JsonAnswer(200, json{{"tokens", list}});
  });
  router.Add("POST", "/api/v1/tokens", [&s](const server::Request& req) {
    auto who = Caller(s, req);
    if (!who.ok()) return Problem(who.status());
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    auto name = body->find("name");
    if (name == body->end() || !name->is_string())
      return Problem(InvalidArgument("name: expected a string").WithField("name"));
    int64_t days = 0;
    if (auto d = body->find("expires_in_days"); d != body->end()) {
      if (!d->is_number_integer() || d->get<int64_t>() < 0 || d->get<int64_t>() > 3650)
        return Problem(InvalidArgument("expires_in_days: a whole number 0..3650 (0 = never)")
                           .WithField("expires_in_days"));
      days = d->get<int64_t>();
    }
    auto issued = s.auth.CreateToken(who->username, name->get<std::string>(), std::chrono::hours(24 * days));
    if (!issued.ok()) return Problem(issued.status());
    json j = TokenJson(issued->record);
    j["token"] = issued->token;  // shown this once
    return JsonAnswer(201, j);
  });
  router.Add("DELETE", "/api/v1/tokens/{id}", [&s](const server::Request& req) {
    auto who = Caller(s, req);
    if (!who.ok()) return Problem(who.status());
    Status st = s.auth.DeleteToken(who->username, req.PathParam("id"));
    if (!st.ok()) return Problem(st);
    return server::Response{204, {}, "", nullptr};
  });
}

void AddApiRoutes(server::Router& router, ApiServices& services) {
  AddAdminRoutes(router, services);
  AddTaskRoutes(router, services);
  AddTaskDetailRoutes(router, services);
  AddConnectionRoutes(router, services);
}

}  // namespace dth::control::api
