// control/api/api_routes: what the API's route files share (internal to control/api):
// request parsing helpers and the route groups each file registers.
// Thread-safety: pure helpers; see api.h for the handlers.
#pragma once

#include <optional>
#include <string>

#include "control/api/api.h"
#include "control/api/api_json.h"

namespace dth::control::api {

// The request's JSON body as an object; kInvalidArgument (a 400 problem) otherwise, and
// for a Content-Type that is not JSON kInvalidArgument on the field "Content-Type" (415).
Result<json> BodyObject(const server::Request& request);
// An integer query parameter within [lo, hi]; `fallback` when absent.
Result<int64_t> IntParam(const server::Request& request, const char* name, int64_t fallback,
                         int64_t lo, int64_t hi);
std::string TextParam(const server::Request& request, const char* name);
// Opaque cursors over arbitrary key bytes: URL-safe base64.
std::string EncodeCursor(const std::string& raw);
Result<std::string> DecodeCursor(const std::string& cursor, const char* field);

void AddTaskRoutes(server::Router& router, ApiServices& services);
void AddTaskDetailRoutes(server::Router& router, ApiServices& services);
void AddConnectionRoutes(server::Router& router, ApiServices& services);
void AddAdminRoutes(server::Router& router, ApiServices& services);

}  // namespace dth::control::api
