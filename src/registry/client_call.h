// registry/client_call: the request description RegistryClient's files share (internal).
// Thread-safety: value type.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "registry/registry_client.h"

namespace dth::registry {

struct RegistryClient::Call {
  std::string method = "GET";
  std::string url;  // "/v2/..." or absolute (upload locations)
  HttpHeaders headers;
  ByteSource* body = nullptr;
  ByteSink* sink = nullptr;
  std::vector<std::string> scopes;
  std::string what;         // "GET manifest team/app:v1", for messages
  bool replayable = true;   // may be retried (no sink, body rewindable)
};

}  // namespace dth::registry
