// The connection test: POST /api/v1/connections/test with a task definition (the same
// form and checks as POST /api/v1/tasks) answers, per side, whether it can be reached
// with the chosen credentials and a few of its keys (image tasks: repositories or
// tags). Nothing is saved or written; no credential value is in the answer.
#include "control/api/api_routes.h"

namespace dth::control::api {
namespace {

json SideJson(const TaskRunner::SideCheck& side) {
  return json{{"ok", side.ok},
              {"error", side.ok ? json(nullptr) : json(side.error)},
              {"sample", side.sample},
              {"elapsed_ms", side.elapsed_ms}};
}

}  // namespace

void AddConnectionRoutes(server::Router& router, ApiServices& s) {
  router.Add("POST", "/api/v1/connections/test", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    auto definition = ParseTaskDefinition(req.body);
    if (!definition.ok()) return Problem(definition.status());
    auto check = s.runner.CheckConnection(definition->type, definition->parameters);
    if (!check.ok()) return Problem(check.status());
    return JsonAnswer(200, json{{"source", SideJson(check->source)},
                                {"destination", SideJson(check->destination)}});
  });
}

}  // namespace dth::control::api
