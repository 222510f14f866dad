#include "cli/task_format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "cli/progress.h"

namespace dth::cli {

using json = nlohmann::json;

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size(), 0);
  auto measure = [&width](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out += '\n';
  };
  emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

std::string Cell(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

namespace {

int64_t Int(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

// What a task's runs count: " images" for an image task, else " objects".
const char* Unit(const json& task) { return task.value("type", "") == "image" ? " images" : " objects"; }

// "120/2000 objects, 1.9 MiB/31.2 MiB, 3 failed" (planned counts once known).
std::string ProgressText(const json& p, const char* unit) {
  if (!p.is_object()) return "-";
  std::string text = std::to_string(Int(p, "objects_done"));
  if (p.value("planning_done", false)) text += "/" + std::to_string(Int(p, "objects_planned"));
  text += unit + (", " + HumanBytes(Int(p, "bytes_done")));
  if (p.value("planning_done", false)) text += "/" + HumanBytes(Int(p, "bytes_planned"));
  if (Int(p, "objects_failed") > 0) text += ", " + std::to_string(Int(p, "objects_failed")) + " failed";
  return text;
}

std::string Field(const json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() ? "-" : Cell(*it);
}

// A finished run: "2/2 objects, 1.2 MiB, 50 skipped, 1 failed".
std::string RunTotalsText(const json& run, const char* unit) {
  std::string text = std::to_string(Int(run, "objects_done")) + "/" + std::to_string(Int(run, "objects_planned")) +
                     unit + ", " + HumanBytes(Int(run, "bytes_done"));
  if (Int(run, "objects_skipped") > 0) text += ", " + std::to_string(Int(run, "objects_skipped")) + " skipped";
  if (Int(run, "objects_failed") > 0) text += ", " + std::to_string(Int(run, "objects_failed")) + " failed";
  if (Int(run, "objects_deleted") > 0) text += ", " + std::to_string(Int(run, "objects_deleted")) + " deleted";
  return text;
}

}  // namespace

std::string FormatTaskList(const json& tasks) {
  std::vector<std::vector<std::string>> rows;
  for (const json& t : tasks) {
    const json progress = t.value("progress", json());
    const json last_run = t.value("last_run", json());
    // Running: live progress; else the last run's totals ("-" for a task never run).
    const std::string shown = progress.is_object() ? ProgressText(progress, Unit(t))
                              : last_run.is_object() ? RunTotalsText(last_run, Unit(t))
                                                     : "-";
    rows.push_back({Field(t, "id"), Field(t, "type"), Field(t, "status"), Field(t, "schedule"), shown,
                    Field(t, "description")});
  }
  return FormatTable({"ID", "TYPE", "STATUS", "SCHEDULE", "PROGRESS", "DESCRIPTION"}, rows);
}

std::string FormatTask(const json& t, const json& last_run) {
  std::vector<std::vector<std::string>> rows = {
      {"id:", Field(t, "id")},
      {"type:", Field(t, "type")},
      {"status:", Field(t, "status")},
      {"schedule:", Field(t, "schedule")},
      {"description:", Field(t, "description")},
  };
  if (t.contains("error") && !t["error"].is_null()) rows.push_back({"error:", Field(t, "error")});
  rows.push_back({"current run:", Field(t, "current_run_id")});
  rows.push_back({"next run at:", Field(t, "next_run_at")});
  rows.push_back({"created at:", Field(t, "created_at")});
  rows.push_back({"updated at:", Field(t, "updated_at")});
  const json progress = t.value("progress", json());
  if (progress.is_object()) {
    rows.push_back({"progress:", ProgressText(progress, Unit(t))});
    rows.push_back({"phase:", Field(progress, "phase")});
    const int64_t rate = Int(progress, "bytes_per_second");
    if (rate > 0) rows.push_back({"rate:", HumanBytes(rate) + "/s"});
    if (progress.contains("eta_seconds") && !progress["eta_seconds"].is_null())
      rows.push_back({"eta:", ProgressLine::FormatEta(static_cast<double>(Int(progress, "eta_seconds")))});
  }
  if (last_run.is_object()) {
    rows.push_back({"last run:", "#" + Field(last_run, "id") + " " + Field(last_run, "status") + ", " +
                                     RunTotalsText(last_run, Unit(t))});
    if (last_run.contains("error") && !last_run["error"].is_null()) rows.push_back({"run error:", Field(last_run, "error")});
  }
  std::string out;
  for (const auto& row : rows) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%-14s", row[0].c_str());
    out += buf + row[1] + "\n";
  }
  const json params = t.value("parameters", json::object());
  if (params.is_object() && !params.empty()) {
    out += "parameters:\n";
    for (const auto& [name, value] : params.items()) out += "  " + name + ": " + Cell(value) + "\n";
  }
  return out;
}

std::string FormatObjects(const json& objects) {
  std::vector<std::vector<std::string>> rows;
  for (const json& o : objects) {
    rows.push_back({Field(o, "status"), std::to_string(Int(o, "size")), std::to_string(Int(o, "attempts")),
                    Field(o, "key"), Field(o, "error")});
  }
  return FormatTable({"STATUS", "SIZE", "ATTEMPTS", "KEY", "ERROR"}, rows);
}

std::string FormatImages(const json& images) {
  std::vector<std::vector<std::string>> rows;
  for (const json& i : images) {
    std::string digest = Field(i, "destination_digest");
    if (digest.empty()) digest = "-";
    rows.push_back({Field(i, "status"), Field(i, "source"), Field(i, "destination"), digest,
                    Field(i, "error")});
  }
  return FormatTable({"STATUS", "SOURCE", "DESTINATION", "DIGEST", "ERROR"}, rows);
}

std::string FormatLogLine(const json& e) {
  std::string level = Field(e, "level");
  for (char& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return Field(e, "time") + "  " + level + "  " + Field(e, "message") + "\n";
}

}  // namespace dth::cli
