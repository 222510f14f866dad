// control/docs/docs_assets: the files of the browsable API docs at /docs — swagger-ui-dist
// (npm, tools/openapi) and our page around it (index.html, docs-init.js) — embedded in
// the binary at build time (CMakeLists.txt, from docs_assets.cc.in). A build made before
// `npm ci` in tools/openapi has none (DocsAssets() is empty) and /docs says so.
// Thread-safety: constants.
#pragma once

#include <span>
#include <string_view>

namespace dth::control {

struct DocsAsset {
  std::string_view name;  // "swagger-ui-bundle.js": the path under /docs/
  std::string_view data;
};

std::span<const DocsAsset> DocsAssets();
// The swagger-ui-dist version embedded ("" when none).
std::string_view SwaggerUiVersion();

}  // namespace dth::control
