// control/openapi: the OpenAPI 3.1 document of the hub's REST API (the contract a test
// holds every route and answer to), embedded at build time from
// src/control/openapi.json.
// Thread-safety: a constant.
#pragma once

#include <string_view>

namespace dth::control {

std::string_view OpenApiDocument();

}  // namespace dth::control
