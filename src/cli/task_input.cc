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

Result<json> BuildDefinition(const std::string& file, const TaskFlags& flags) {
  json def = json::object();
  if (!file.empty()) {
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
    DTH_ASSIGN_OR_RETURN(def, ParseDefinition(text, file == "-" ? "stdin" : file));
  } else if (flags.type.empty()) {
    return InvalidArgument("give --file FILE (or - for stdin), or --type s3|image with --param KEY=VALUE");
  }
  if (!flags.type.empty()) def["type"] = flags.type;
  if (!flags.schedule.empty()) def["schedule"] = flags.schedule;
  if (!flags.description.empty()) def["description"] = flags.description;
  if (!flags.params.empty()) {
    if (!def.contains("parameters")) def["parameters"] = json::object();
    if (!def["parameters"].is_object())
      return InvalidArgument("--param: the file's parameters are a list; edit the file instead");
    for (const std::string& p : flags.params) {
      const size_t eq = p.find('=');
      if (eq == std::string::npos || eq == 0)
        return InvalidArgument("--param: expected KEY=VALUE, not '" + p + "'");
      def["parameters"][p.substr(0, eq)] = p.substr(eq + 1);
    }
  }
  if (file.empty() && !def.contains("schedule")) def["schedule"] = "once";
  return def;
}

}  // namespace dth::cli
