#include "registry/registry_client.h"

#include "registry/client_call.h"
#include "registry/json_read.h"
#include "registry/origin.h"

namespace dth::registry {
Result<RegistryEndpoint> ParseRegistryEndpoint(std::string_view text) {
  std::string t(text);
  while (!t.empty() && t.back() == '/') t.pop_back();
  std::string scheme;
  if (t.rfind("http://", 0) == 0) {
    scheme = "http";
    t = t.substr(7);
  } else if (t.rfind("https://", 0) == 0) {
    scheme = "https";
    t = t.substr(8);
  } else if (t.find("://") != std::string::npos) {
    return InvalidArgument("bad registry '" + std::string(text) + "': only http:// and https:// are supported");
  }
  if (t.empty() || t.find('/') != std::string::npos || t.find('@') != std::string::npos ||
      t.find(' ') != std::string::npos) {
    return InvalidArgument("bad registry '" + std::string(text) + "': want host[:port] or http(s)://host[:port]");
  }
  if (scheme.empty()) scheme = IsLoopbackHost(t) ? "http" : "https";
  // Docker Hub is named docker.io but served from registry-1.docker.io.
  if (t == "docker.io" || t == "index.docker.io") return RegistryEndpoint{scheme + "://registry-1.docker.io", t};
  return RegistryEndpoint{scheme + "://" + t, t};
}

RegistryClient::RegistryClient(RegistryConfig config, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), http_(std::move(http)), auth_(config_.auth, http_, config_.clock) {}

Status RegistryClient::CheckVersion() {
  Call c;
  c.url = "/v2/";
  c.what = "GET /v2/ (version check)";
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (!resp.success()) return ErrorFrom(resp, c.what);
  const std::string* v = resp.Header("Docker-Distribution-API-Version");
  if (v != nullptr && v->find("registry/2.0") == std::string::npos) {
    return NotSupported(c.what + " at " + config_.endpoint.host + ": unsupported API version " + *v);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> RegistryClient::ListPages(const std::string& first_path,
                                                           const char* field,
                                                           const std::vector<std::string>& scopes,
                                                           const std::string& what, int max_items) {
  std::vector<std::string> out;
  std::string url = first_path;
  for (int page = 0; !url.empty(); ++page) {
    if (max_items > 0 && page > 0) break;  // a sample: the first page only
    if (page > 100000) return Corruption(what + ": pagination does not end");
    Call c;
    c.url = url;
    c.scopes = scopes;
    c.what = what;
    DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
    if (!resp.success()) return ErrorFrom(resp, what);
    DTH_ASSIGN_OR_RETURN(Json j, ParseJsonObject(resp.body, what + " at " + config_.endpoint.host));
    // "tags": null means none; anything but an array of strings is refused, never
    // read as an empty list (that would skip images silently).
    DTH_ASSIGN_OR_RETURN(const Json* list, JsonArray(j, field, what + " at " + config_.endpoint.host));
    for (const auto& v : *list) {
      if (!v.is_string()) return Corruption(what + " at " + config_.endpoint.host + ": '" + field + "' holds a non-string");
      if (max_items > 0 && static_cast<int>(out.size()) >= max_items) break;
      out.push_back(v.get<std::string>());
    }
    const std::string* link = resp.Header("Link");
    std::string next = link == nullptr ? "" : NextLink(*link, config_.endpoint.base);
    if (!next.empty() && (next == url || next == config_.endpoint.base + url)) {
      return Corruption(what + " at " + config_.endpoint.host + ": the next page is the same page");
    }
    url = std::move(next);
  }
  return out;
}

Result<std::vector<std::string>> RegistryClient::Catalog(int max_items) {
  int n = std::min(std::max(config_.catalog_page_size, 1), 1000);
  if (max_items > 0) n = std::min(n, max_items);
  return ListPages("/v2/_catalog?n=" + std::to_string(n), "repositories", {"registry:catalog:*"},
                   "GET catalog", max_items);
}

Result<std::vector<std::string>> RegistryClient::Tags(const std::string& repository, int max_items) {
  const std::string query = max_items > 0 ? "?n=" + std::to_string(max_items) : "";
  return ListPages("/v2/" + repository + "/tags/list" + query, "tags", {PullScope(repository)},
                   "GET tags of " + repository, max_items);
}

Result<Manifest> RegistryClient::GetManifest(const std::string& repository, const std::string& reference) {
  Call c;
  c.url = "/v2/" + repository + "/manifests/" + reference;
  c.headers = {{"Accept", ManifestAccept()}};
  c.scopes = {PullScope(repository)};
  c.what = "GET manifest " + repository + (reference.rfind("sha256:", 0) == 0 ? "@" : ":") + reference;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (!resp.success()) return ErrorFrom(resp, c.what);
  const std::string* ct = resp.Header("Content-Type");
  auto m = ParseManifest(std::move(resp.body), ct == nullptr ? "" : *ct);
  if (!m.ok()) {
    Status st = m.status();
    return st.Prefix(c.what);
  }
  if (reference.rfind("sha256:", 0) == 0 && m->digest != reference) {
    return Corruption(c.what + ": content digest is " + m->digest);
  }
  const std::string* served = resp.Header("Docker-Content-Digest");
  if (served != nullptr && served->rfind("sha256:", 0) == 0 && *served != m->digest) {
    return Corruption(c.what + ": registry says digest " + *served + " but the bytes hash to " + m->digest);
  }
  return m;
}

Result<std::optional<std::string>> RegistryClient::HeadManifest(const std::string& repository,
                                                                const std::string& reference) {
  Call c;
  c.method = "HEAD";
  c.url = "/v2/" + repository + "/manifests/" + reference;
  c.headers = {{"Accept", ManifestAccept()}};
  c.scopes = {PullScope(repository)};
  c.what = "HEAD manifest " + repository + ":" + reference;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (resp.status == 404) return std::optional<std::string>();
  if (!resp.success()) return ErrorFrom(resp, c.what);
  const std::string* d = resp.Header("Docker-Content-Digest");
  if (d == nullptr || d->empty()) {
    // Some registries omit it on HEAD: fall back to GET and hash.
    DTH_ASSIGN_OR_RETURN(Manifest m, GetManifest(repository, reference));
    return std::optional<std::string>(m.digest);
  }
  return std::optional<std::string>(*d);
}

Result<std::string> RegistryClient::PutManifest(const std::string& repository, const std::string& reference,
                                                const std::string& media_type, const std::string& bytes) {
  StringViewSource body(bytes);
  Call c;
  c.method = "PUT";
  c.url = "/v2/" + repository + "/manifests/" + reference;
  c.headers = {{"Content-Type", media_type}};
  c.body = &body;
  c.scopes = {PushScope(repository)};
  c.what = "PUT manifest " + repository + ":" + reference;
  DTH_ASSIGN_OR_RETURN(HttpResponse resp, Do(c));
  if (!resp.success()) return ErrorFrom(resp, c.what);
  std::string digest = ContentDigest(bytes);
  const std::string* served = resp.Header("Docker-Content-Digest");
  if (served != nullptr && !served->empty() && *served != digest) {
    return Corruption(c.what + ": registry stored digest " + *served + ", expected " + digest);
  }
  return digest;
}

}  // namespace dth::registry
