// TaskRunner::CheckConnection (task_runner.h): the console's "test connection" — each side
// of a task opened as a run opens it, a few keys listed, nothing written.
#include <chrono>
#include <thread>
#include <tuple>

#include "control/tasks/task_definition.h"
#include "control/tasks/task_runner.h"
#include "registry/reference.h"
#include "sync/open_task.h"

namespace dth::control {
namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t MillisSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
}

// A one-line reason: the first line of the status's text.
std::string OneLine(const Status& st) {
  std::string text = st.ToString();
  if (size_t nl = text.find_first_of("\r\n"); nl != std::string::npos) text.resize(nl);
  return text;
}

// A credential the hub does not have (or of the wrong kind) is the caller's mistake: a
// 400 naming the parameter, as task creation names its fields.
Status CredentialProblem(const Status& st, const char* parameter) {
  Status out = st;
  if (out.code() == Code::kInvalidArgument) out.WithField(std::string("parameters.") + parameter);
  return out;
}

TaskRunner::SideCheck ListSample(const OpenTaskInput& in, bool source, int max_sample) {
  TaskRunner::SideCheck check;
  const auto start = SteadyClock::now();
  auto opened = OpenTaskSide(in, source);
  if (!opened.ok()) {
    check.error = OneLine(opened.status());
  } else if (opened->store == nullptr) {
    check.ok = true;  // a local destination the task would create
  } else {
    ListOptions options;
    options.prefix = opened->prefix;
    options.page_size = max_sample;
    auto lister = opened->store->List(options);
    ListPage page;
    auto more = lister->Next(&page);
    if (!more.ok()) {
      check.error = OneLine(more.status());
    } else {
      check.ok = true;
      for (const ObjectInfo& object : page.objects) {
        if (static_cast<int>(check.sample.size()) >= max_sample) break;
        check.sample.push_back(object.key);
      }
    }
  }
  check.elapsed_ms = MillisSince(start);
  return check;
}

}  // namespace

Status TaskRunner::CheckCredentials(const std::string& type, const nlohmann::json& parameters) {
  if (type == "image") {
    DTH_ASSIGN_OR_RETURN(ImageTaskSpec spec, ImageSpec(parameters));
    for (const auto& [address, credential, field] :
         {std::tuple{spec.source_registry, spec.source_credential, "srcCredential"},
          std::tuple{spec.destination_registry, spec.destination_credential, "destCredential"}}) {
      if (credential.empty()) continue;
      auto endpoint = registry::ParseRegistryEndpoint(address);
      // Amazon ECR signs with AWS keys (an s3 credential); other registries log in.
      Status st = endpoint.ok() && registry::ParseEcrHost(endpoint->host)
                      ? secrets_.S3Credentials(credential).status()
                      : secrets_.Registry(credential).status();
      if (!st.ok()) return CredentialProblem(st, field);
    }
    return Status::Ok();
  }
  DTH_ASSIGN_OR_RETURN(SyncTaskSpec spec, S3Spec(parameters));
  if (const std::string& name = spec.source_connection.profile; !name.empty()) {
    if (auto keys = secrets_.S3Credentials(name); !keys.ok()) return CredentialProblem(keys.status(), "srcCredentials");
  }
  if (const std::string& name = spec.destination_connection.profile; !name.empty()) {
    if (auto keys = secrets_.S3Credentials(name); !keys.ok()) return CredentialProblem(keys.status(), "destCredentials");
  }
  return Status::Ok();
}

Result<TaskRunner::ConnectionCheck> TaskRunner::CheckConnection(const std::string& type,
                                                                const nlohmann::json& parameters,
                                                                int max_sample) {
  ConnectionCheck result;
  // Named credentials first: an unknown name is a 400 before anything is contacted.
  DTH_RETURN_IF_ERROR(CheckCredentials(type, parameters));
  if (type == "image") {
    DTH_ASSIGN_OR_RETURN(ImageTaskSpec spec, ImageSpec(parameters));
    // ECR's token request too goes through the check's client (its 5 s bound).
    auto src = OpenRegistry(spec.source_registry, spec.source_credential, check_http_);
    auto dst = OpenRegistry(spec.destination_registry, spec.destination_credential, check_http_);
    // Source: the first selected image's tags (or the catalog), a few of them.
    {
      SideCheck& check = result.source;
      const auto start = SteadyClock::now();
      if (!src.ok()) {
        check.error = OneLine(src.status());
      } else {
        src->config.retry.max_attempts = 1;
        registry::RegistryClient client(src->config, check_http_);
        Result<std::vector<std::string>> names = std::vector<std::string>();
        std::string repository;
        if (spec.all) {
          names = client.Catalog(max_sample);
        } else {
          auto ref = registry::ParseImageRef(spec.images.front());
          if (!ref.ok()) {
            names = ref.status();
          } else {
            repository = ref->repository;
            names = client.Tags(repository, max_sample);
          }
        }
        if (!names.ok()) {
          check.error = OneLine(names.status());
        } else {
          check.ok = true;
          for (const std::string& name : *names) {
            if (static_cast<int>(check.sample.size()) >= max_sample) break;
            check.sample.push_back(repository.empty() ? name : repository + ":" + name);
          }
        }
      }
      check.elapsed_ms = MillisSince(start);
    }
    // Destination: the registry answers /v2/ with these credentials.
    {
      SideCheck& check = result.destination;
      const auto start = SteadyClock::now();
      if (!dst.ok()) {
        check.error = OneLine(dst.status());
      } else {
        dst->config.retry.max_attempts = 1;
        registry::RegistryClient client(dst->config, check_http_);
        Status st = client.CheckVersion();
        check.ok = st.ok();
        if (!st.ok()) check.error = OneLine(st);
      }
      check.elapsed_ms = MillisSince(start);
    }
    return result;
  }

  DTH_ASSIGN_OR_RETURN(SyncTaskSpec spec, S3Spec(parameters));
  auto src_conn = Connect(spec.source_connection, nullptr, 1);
  if (!src_conn.ok()) return CredentialProblem(src_conn.status(), "srcCredentials");
  const TaskConnection dst_side = DestinationConnection(spec);
  const char* dst_field = spec.destination_connection.profile.empty() ? "srcCredentials" : "destCredentials";
  auto dst_conn = Connect(dst_side, nullptr, 1);
  if (!dst_conn.ok()) return CredentialProblem(dst_conn.status(), dst_field);

  OpenTaskInput in;
  in.spec = spec;
  in.source_connection = *src_conn;
  in.destination_connection = *dst_conn;
  in.http = check_http_;
  in.restrict_local = true;
  in.allowed_local_roots = options_.allowed_local_roots;
  // Both sides at once: an unreachable one costs its connect timeout only once.
  std::thread destination([&] { result.destination = ListSample(in, /*source=*/false, max_sample); });
  result.source = ListSample(in, /*source=*/true, max_sample);
  destination.join();
  return result;
}

}  // namespace dth::control
