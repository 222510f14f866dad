#include "cli/task_input.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace dth::cli {
namespace {

using json = nlohmann::json;

json FromYaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = FromYaml(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(FromYaml(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return node.Scalar();
    default:
      return nullptr;
  }
}

}  // namespace

Result<json> ParseDefinition(const std::string& text, const std::string& name) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return InvalidArgument(name + ": empty task definition");
  json out;
  if (text[first] == '{' || text[first] == '[') {
    try {
      out = json::parse(text);
    } catch (const json::parse_error& e) {
      std::string why = e.what();
      for (char& ch : why) {
        if (ch == '\n') ch = ' ';
      }
      return InvalidArgument(name + ": not valid JSON: " + why);
    }
  } else {
    try {
      out = FromYaml(YAML::Load(text));
    } catch (const YAML::Exception& e) {
      return InvalidArgument(name + ": not valid YAML: " + e.what());
    }
  }
  if (!out.is_object()) return InvalidArgument(name + ": a task definition is a JSON or YAML object");
  return out;
}

namespace {

// The definition in a file ("-" = stdin).
Result<json> ReadDefinition(const std::string& file) {
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return InvalidArgument(file + ": cannot read the file");
    std::ostringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  return ParseDefinition(text, file == "-" ? "stdin" : file);
}

// --param KEY=VALUE into parameters (an object).
Status SetParams(json& parameters, const std::vector<std::string>& params) {
  for (const std::string& p : params) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument("--param: expected KEY=VALUE, not '" + p + "'");
    parameters[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return Status::Ok();
}

}  // namespace

Result<json> BuildDefinition(const std::string& file, const TaskFlags& flags) {
  json def = json::object();
  if (!file.empty()) {
    DTH_ASSIGN_OR_RETURN(def, ReadDefinition(file));
  } else if (flags.type.empty()) {
    return InvalidArgument("give --file FILE (or - for stdin), or --type s3|image with --param KEY=VALUE");
  }
  if (!flags.type.empty()) def["type"] = flags.type;
  if (!flags.schedule.empty()) def["schedule"] = flags.schedule;
  if (flags.description) def["description"] = *flags.description;
  if (!flags.params.empty()) {
    if (!def.contains("parameters")) def["parameters"] = json::object();
    if (!def["parameters"].is_object())
      return InvalidArgument("--param: the file's parameters are a list; edit the file instead");
    DTH_RETURN_IF_ERROR(SetParams(def["parameters"], flags.params));
  }
  if (file.empty() && !def.contains("schedule")) def["schedule"] = "once";
  return def;
}

Result<json> BuildEdit(const json& current, const std::string& file, const TaskFlags& flags,
                       const std::vector<std::string>& unset) {
  if (file.empty() && flags.type.empty() && flags.schedule.empty() && !flags.description &&
      flags.params.empty() && unset.empty()) {
    return InvalidArgument("nothing to change: give --file, --schedule, --description, --param or --unset");
  }
  if (!current.is_object() || !current.contains("parameters") || !current["parameters"].is_object())
    return InvalidArgument("the hub answered a task without parameters");
  json edited = {{"type", current.value("type", "")},
                 {"description", current.value("description", "")},
                 {"schedule", current.value("schedule", "")},
                 {"parameters", current["parameters"]}};
  if (!file.empty()) {
    DTH_ASSIGN_OR_RETURN(json def, ReadDefinition(file));
    for (const auto& [name, value] : def.items()) {
      if (name != "type" && name != "description" && name != "schedule" && name != "parameters")
        return InvalidArgument("--file: '" + name + "' cannot be edited (type, description, schedule, parameters)");
      edited[name] = value;
    }
    if (!edited["parameters"].is_object())
      return InvalidArgument("--file: give parameters as an object (KEY: VALUE), as `dth task get --json` shows them");
  }
  if (!flags.type.empty()) edited["type"] = flags.type;
  if (!flags.schedule.empty()) edited["schedule"] = flags.schedule;
  if (flags.description) edited["description"] = *flags.description;
  DTH_RETURN_IF_ERROR(SetParams(edited["parameters"], flags.params));
  for (const std::string& key : unset) {
    if (!edited["parameters"].contains(key))
      return InvalidArgument("--unset: the task has no parameter '" + key + "'");
    edited["parameters"].erase(key);
  }
  // Only what changes.
  json patch = json::object();
  for (const char* name : {"type", "description", "schedule", "parameters"}) {
    const json before = name == std::string("parameters") ? current["parameters"] : json(current.value(name, ""));
    if (edited[name] != before) patch[name] = edited[name];
  }
  return patch;
}

}  // namespace dth::cli
