#include "control/tasks/task_definition.h"

#include <algorithm>
#include <set>

#include "control/notify/notify_settings.h"
#include "control/schedule/schedule.h"
#include "store/location.h"

namespace dth::control {
namespace {

using json = nlohmann::json;

Status Bad(const std::string& field, const std::string& why) {
  return InvalidArgument(field + ": " + why).WithField(field);
}

// The original's settings of its AWS infrastructure (ECS, EC2, alarms): meaningless for
// one process, accepted so that old definitions import, and reported as ignored.
const std::vector<std::string>& IgnoredOriginalKeys() {
  static const std::vector<std::string> keys = {
      "srcInCurrentAccount", "destInCurrentAccount", "maxCapacity",    "minCapacity",
      "desiredCapacity",     "finderEc2Memory",      "ecsVpcId",       "ecsClusterName",
      "ecsSubnets",          "ecsCronExpression",    "isPayerRequest",
      "finderMemory",        "srcRegionName",        "destRegionName", "ec2CronExpression"};
  return keys;
}

// Parameter values in the original's list form are all strings; ours may be JSON values.
Result<json> ParametersFromList(const json& list) {
  json out = json::object();
  for (size_t i = 0; i < list.size(); ++i) {
    const json& item = list[i];
    const std::string at = "parameters[" + std::to_string(i) + "]";
    if (!item.is_object()) return Bad(at, "expected {\"ParameterKey\", \"ParameterValue\"}");
    auto key = item.find("ParameterKey");
    auto value = item.find("ParameterValue");
    if (key == item.end() || !key->is_string() || key->get<std::string>().empty())
      return Bad(at + ".ParameterKey", "expected a non-empty string");
    if (value == item.end() || !(value->is_string() || value->is_number() || value->is_boolean()))
      return Bad(at + ".ParameterValue", "expected a string");
    for (const auto& [member, unused] : item.items()) {
      if (member != "ParameterKey" && member != "ParameterValue")
        return Bad(at + "." + member, "unknown member");
    }
    const std::string name = key->get<std::string>();
    if (out.contains(name)) return Bad("parameters." + name, "given twice");
    out[name] = *value;
  }
  return out;
}

// A parameter as text (the original's values are strings: "true", "4", "a,b").
std::string Text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_null()) return "";
  return value.dump();
}

Result<std::string> NormaliseSchedule(const std::string& text) {
  auto schedule = ParseSchedule(text);
  if (!schedule.ok()) return Bad("schedule", schedule.status().message());
  return schedule->ToString();
}

// The members of the hub's form; anything else is an error (a misspelt member must not
// be dropped silently).
Status CheckMembers(const json& body, const std::set<std::string>& known) {
  for (const auto& [member, unused] : body.items()) {
    if (!known.count(member)) return Bad(member, "unknown member");
  }
  return Status::Ok();
}

Result<std::string> StringMember(const json& body, const char* name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return Bad(name, "missing");
    return std::string();
  }
  if (!it->is_string()) return Bad(name, "expected a string");
  return it->get<std::string>();
}

Result<TaskDefinition> FromJson(const json& body, bool partial) {
  if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  TaskDefinition d;
  const bool original = body.contains("scheduleType") ||
                        (body.contains("parameters") && body["parameters"].is_array());
  if (original) {
    DTH_RETURN_IF_ERROR(CheckMembers(body, {"type", "description", "scheduleType", "parameters"}));
    DTH_ASSIGN_OR_RETURN(std::string type, StringMember(body, "type", !partial));
    if (type == "S3EC2" || type == "S3" || type == "s3") {
      d.type = "s3";
    } else if (type == "ECR" || type == "image") {
      d.type = "image";
    } else if (!type.empty()) {
      return Bad("type", "expected S3EC2 or ECR, not '" + type + "'");
    }
    DTH_ASSIGN_OR_RETURN(d.description, StringMember(body, "description", false));
    DTH_ASSIGN_OR_RETURN(std::string schedule_type, StringMember(body, "scheduleType", false));
    if (body.contains("parameters")) {
      if (!body["parameters"].is_array()) return Bad("parameters", "expected a list of parameters");
      DTH_ASSIGN_OR_RETURN(d.parameters, ParametersFromList(body["parameters"]));
    }
    if (schedule_type.empty() || schedule_type == "ONE_TIME") {
      d.schedule = "once";
    } else if (schedule_type == "FIXED_RATE") {
      // The original ran a fixed-rate task hourly unless its cron parameter said otherwise.
      auto cron = d.parameters.find("ecsCronExpression");
      d.schedule = cron != d.parameters.end() && !Text(*cron).empty()
                       ? "cron(" + Text(*cron) + ")"
                       : "rate(1 hour)";
    } else {
      return Bad("scheduleType", "expected ONE_TIME or FIXED_RATE, not '" + schedule_type + "'");
    }
    return d;
  }
  DTH_RETURN_IF_ERROR(CheckMembers(body, {"type", "description", "schedule", "parameters"}));
  DTH_ASSIGN_OR_RETURN(d.type, StringMember(body, "type", !partial));
  if (!d.type.empty() && d.type != "s3" && d.type != "image")
    return Bad("type", "expected \"s3\" or \"image\", not '" + d.type + "'");
  DTH_ASSIGN_OR_RETURN(d.description, StringMember(body, "description", false));
  DTH_ASSIGN_OR_RETURN(d.schedule, StringMember(body, "schedule", false));
  if (body.contains("parameters") && !body["parameters"].is_null()) {
    if (!body["parameters"].is_object()) return Bad("parameters", "expected a JSON object");
    d.parameters = body["parameters"];
  } else if (!partial) {
    return Bad("parameters", "missing");
  }
  return d;
}

Result<json> ParseBody(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InvalidArgument("the body is not valid JSON");
  return parsed;
}

// Parameters the hub decides itself: a client may not set them.
Status RefuseHubOwned(const json& parameters) {
  for (const char* name : {"taskId", "statePath"}) {
    if (parameters.contains(name))
      return Bad(std::string("parameters.") + name, "is set by the server, not by a task");
  }
  return Status::Ok();
}

Status CheckBucket(const json& parameters, const char* name) {
  auto it = parameters.find(name);
  if (it == parameters.end() || it->is_null()) return Status::Ok();
  const std::string bucket = Text(*it);
  if (!IsValidBucketName(bucket))
    return Bad(std::string("parameters.") + name, "'" + bucket + "' is not a valid bucket name");
  return Status::Ok();
}

Status WithParametersField(Status st) {
  if (!st.field().empty()) st.WithField("parameters." + st.field());
  return st;
}

}  // namespace

Result<SyncTaskSpec> S3Spec(const json& parameters) {
  json params = json::object();
  for (const auto& [name, value] : parameters.items()) {
    if (notify::IsNotifyParameter(name)) continue;  // the hub's, not the engine's
    // The task-file reader takes YAML scalars: booleans and numbers as their text.
    params[name] = value.is_string() || value.is_array() ? value : json(Text(value));
  }
  auto spec = ParseTaskParameters(params.dump(), IgnoredOriginalKeys());
  if (!spec.ok()) return WithParametersField(spec.status());
  if (spec->source.empty()) return Bad("parameters.srcBucket", "missing (or give source)");
  if (spec->destination.empty()) return Bad("parameters.destBucket", "missing (or give destination)");
  auto options = ToSyncOptions(*spec);
  if (!options.ok()) return InvalidArgument("parameters: " + options.status().message());
  for (const auto& [text, field] : {std::pair{spec->source, "source"},
                                    std::pair{spec->destination, "destination"}}) {
    auto loc = ParseLocation(text);
    if (!loc.ok()) return Bad(std::string("parameters.") + field, loc.status().message());
  }
  return spec;
}

Result<ImageTaskSpec> ImageSpec(const json& parameters) {
  ImageTaskSpec spec;
  auto field = [](const std::string& name) { return "parameters." + name; };
  std::string source_type = "Public", list = "SELECTED", src_region, src_account, dst_region,
              dst_account, untagged = "false";
  for (const auto& [name, value] : parameters.items()) {
    const std::string text = Text(value);
    if (notify::IsNotifyParameter(name)) {
      continue;  // the hub's, not the engine's
    } else if (name == "sourceType") {
      source_type = text;
    } else if (name == "srcList") {
      list = text;
    } else if (name == "srcImageList") {
      spec.images.clear();
      size_t start = 0;
      while (start <= text.size()) {
        size_t end = text.find_first_of(",\n", start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t\r"));
        item.erase(item.find_last_not_of(" \t\r") + 1);
        if (!item.empty()) spec.images.push_back(item);
        start = end + 1;
      }
    } else if (name == "srcRegion") {
      src_region = text;
    } else if (name == "srcAccountId") {
      src_account = text;
    } else if (name == "srcCredential") {
      spec.source_credential = text;
    } else if (name == "srcRegistry") {
      spec.source_registry = text;
    } else if (name == "destRegion") {
      dst_region = text;
    } else if (name == "destAccountId") {
      dst_account = text;
    } else if (name == "destCredential") {
      spec.destination_credential = text;
    } else if (name == "destRegistry") {
      spec.destination_registry = text;
    } else if (name == "destPrefix") {
      spec.destination_prefix = text;
    } else if (name == "includeUntagged") {
      untagged = text;
    } else if (name == "includeTags") {
      spec.include_tags = text;
    } else if (name == "excludeTags") {
      spec.exclude_tags = text;
    } else if (name == "platforms") {
      spec.platforms.clear();
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) spec.platforms.push_back(text.substr(start, end - start));
        start = end + 1;
      }
    } else if (name == "concurrency") {
      size_t used = 0;
      int n = 0;
      try {
        n = std::stoi(text, &used);
      } catch (...) {
        used = 0;
      }
      if (used == 0 || used != text.size() || n < 1 || n > 256)
        return Bad(field(name), "expected a whole number 1..256, not '" + text + "'");
      spec.concurrency = n;
    } else if (std::find(IgnoredOriginalKeys().begin(), IgnoredOriginalKeys().end(), name) ==
               IgnoredOriginalKeys().end()) {
      return Bad(field(name), "unknown parameter");
    }
  }
  auto ecr_host = [](const std::string& account, const std::string& region) {
    const bool china = region.rfind("cn-", 0) == 0;
    return account + ".dkr.ecr." + region + ".amazonaws.com" + (china ? ".cn" : "");
  };
  auto is_account = [](const std::string& a) {
    return a.size() == 12 && std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (source_type == "Amazon_ECR") {
    if (spec.source_registry.empty()) {
      if (!is_account(src_account)) return Bad(field("srcAccountId"), "expected a 12-digit AWS account id");
      if (src_region.empty()) return Bad(field("srcRegion"), "missing");
      spec.source_registry = ecr_host(src_account, src_region);
    }
  } else if (source_type == "Public") {
    if (spec.source_registry.empty()) spec.source_registry = "registry-1.docker.io";
  } else {
    return Bad(field("sourceType"), "expected Amazon_ECR or Public, not '" + source_type + "'");
  }
  if (spec.destination_registry.empty()) {
    if (!is_account(dst_account))
      return Bad(field("destAccountId"), "expected a 12-digit AWS account id (or give destRegistry)");
    if (dst_region.empty()) return Bad(field("destRegion"), "missing");
    spec.destination_registry = ecr_host(dst_account, dst_region);
  }
  if (list == "ALL") {
    spec.all = true;
    if (!spec.images.empty()) return Bad(field("srcImageList"), "give it only with srcList SELECTED");
  } else if (list == "SELECTED") {
    if (spec.images.empty()) return Bad(field("srcImageList"), "the image list is empty");
  } else {
    return Bad(field("srcList"), "expected ALL or SELECTED, not '" + list + "'");
  }
  if (untagged == "true") {
    return Bad(field("includeUntagged"),
               "untagged images cannot be listed through the registry API; name them as "
               "repo@sha256:... in srcImageList");
  }
  if (untagged != "false" && !untagged.empty())
    return Bad(field("includeUntagged"), "expected true or false, not '" + untagged + "'");
  return spec;
}

Status CheckTaskDefinition(TaskDefinition& d) {
  if (d.type != "s3" && d.type != "image") return Bad("type", "expected \"s3\" or \"image\"");
  if (d.description.size() > 1024) return Bad("description", "longer than 1024 characters");
  DTH_ASSIGN_OR_RETURN(d.schedule, NormaliseSchedule(d.schedule.empty() ? "once" : d.schedule));
  DTH_RETURN_IF_ERROR(RefuseHubOwned(d.parameters));
  DTH_RETURN_IF_ERROR(notify::ParseNotifySettings(d.parameters).status());
  d.warnings.clear();
  for (const std::string& key : IgnoredOriginalKeys()) {
    if (d.parameters.contains(key)) d.warnings.push_back("parameters." + key + " is ignored by dth");
  }
  if (d.type == "s3") {
    DTH_RETURN_IF_ERROR(CheckBucket(d.parameters, "srcBucket"));
    DTH_RETURN_IF_ERROR(CheckBucket(d.parameters, "destBucket"));
    return S3Spec(d.parameters).status();
  }
  return ImageSpec(d.parameters).status();
}

Result<TaskDefinition> ParseTaskDefinition(const std::string& body) {
  DTH_ASSIGN_OR_RETURN(json parsed, ParseBody(body));
  DTH_ASSIGN_OR_RETURN(TaskDefinition d, FromJson(parsed, /*partial=*/false));
  DTH_RETURN_IF_ERROR(CheckTaskDefinition(d));
  return d;
}

Result<TaskDefinition> MergeTaskDefinition(const TaskDefinition& current, const std::string& body) {
  DTH_ASSIGN_OR_RETURN(json parsed, ParseBody(body));
  DTH_ASSIGN_OR_RETURN(TaskDefinition edit, FromJson(parsed, /*partial=*/true));
  TaskDefinition d = current;
  if (!edit.type.empty() && edit.type != current.type)
    return Bad("type", "a task's type cannot change (clone it instead)");
  if (parsed.contains("description")) d.description = edit.description;
  if (!edit.schedule.empty()) d.schedule = edit.schedule;
  if (parsed.contains("parameters")) d.parameters = edit.parameters;
  DTH_RETURN_IF_ERROR(CheckTaskDefinition(d));
  return d;
}

}  // namespace dth::control
