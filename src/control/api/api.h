// control/api/api: the hub's REST API under /api/v1 (and /metrics), as routes of the
// server's router: every route but health and sign-in requires a bearer token
// (Authorization: Bearer TOKEN; the event streams also take ?access_token=, since a
// browser's EventSource cannot set headers). Handlers turn requests into calls on the
// control services and their results into JSON or RFC 9457 problem details; they never
// see the HTTP library, and no answer or log line carries a secret.
// Thread-safety: the handlers run on the server's handler threads at once; every
// service they call is thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "control/auth/auth_service.h"
#include "control/events/event_hub.h"
#include "control/secrets/secrets.h"
#include "control/store/control_store.h"
#include "control/tasks/task_service.h"
#include "server/router.h"

namespace dth::control::api {

struct ApiServices {
  ControlStore& store;
  TaskService& tasks;
  TaskRunner& runner;
  SecretService& secrets;
  AuthService& auth;
  EventHub& events;
  std::string version;
  // The Prometheus text exposition for /metrics (control/metrics); may be empty.
  std::function<std::string()> prometheus;
  // The OpenAPI document (JSON text) served at /api/v1/openapi.json.
  std::string openapi;
};

// Registers every API route on router.
void AddApiRoutes(server::Router& router, ApiServices& services);

// The before-filter that authenticates: a Response (401 problem) when the request needs
// a token and has none that is valid. Routes it lets through untouched: the health
// check, sign-in, and everything outside /api/ and /metrics (the console's files).
std::optional<server::Response> Authenticate(ApiServices& services, const server::Request& request);

}  // namespace dth::control::api
