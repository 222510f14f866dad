// control/docs/docs: the browsable API docs — GET /docs (a redirect to /docs/), and under
// /docs/ Swagger UI's page and files (docs_assets.h) plus the OpenAPI document as
// /docs/openapi.json. They need no token, like any page a browser loads before signing
// in (the API behind them does). A build without swagger-ui-dist answers /docs with a
// plain 404 that says how to get it.
// Thread-safety: the handlers only read constants.
#pragma once

#include <span>
#include <string>

#include "control/docs/docs_assets.h"
#include "server/router.h"

namespace dth::control {

// `assets`: the files to serve (the embedded ones; tests give others, or none).
void AddDocsRoutes(server::Router& router, std::string openapi_document,
                   std::span<const DocsAsset> assets = DocsAssets());

}  // namespace dth::control
