#include "cli/task_input.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/task_format.h"

namespace dth::cli {
namespace {

using json = nlohmann::json;

TEST(TaskInputTest, JsonAndYamlGiveTheSameDefinition) {
  auto from_json = ParseDefinition(R"({"type":"s3","schedule":"once","parameters":{"srcBucket":"a","workerNumber":"4"}})",
                                   "t.json");
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  auto from_yaml = ParseDefinition("type: s3\nschedule: once\nparameters:\n  srcBucket: a\n  workerNumber: 4\n",
                                   "t.yaml");
  ASSERT_TRUE(from_yaml.ok()) << from_yaml.status().ToString();
  EXPECT_EQ(*from_json, *from_yaml);
  // The original's list form stays a list.
  auto list = ParseDefinition("type: S3EC2\nparameters:\n  - ParameterKey: srcBucket\n    ParameterValue: a\n", "o.yaml");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE((*list)["parameters"].is_array());
}

TEST(TaskInputTest, BadInputIsOneClearError) {
  for (const char* text : {"", "{not json", "[1, 2]", "- a\n- b\n", "key: [unclosed\n", "just text"}) {
    auto parsed = ParseDefinition(text, "bad.yaml");
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.status().message().find("bad.yaml"), std::string::npos);
      EXPECT_EQ(parsed.status().message().find('\n'), std::string::npos) << parsed.status().message();
    }
  }
}

TEST(TaskInputTest, FlagsAloneOrOverAFile) {
  TaskFlags flags;
  EXPECT_FALSE(BuildDefinition("", flags).ok());  // neither a file nor --type
  flags.type = "s3";
  flags.params = {"srcBucket=photos", "srcPrefix=a=b"};
  auto def = BuildDefinition("", flags);
  ASSERT_TRUE(def.ok());
  EXPECT_EQ((*def)["schedule"], "once");
  EXPECT_EQ((*def)["parameters"]["srcPrefix"], "a=b");
  flags.params = {"novalue"};
  EXPECT_FALSE(BuildDefinition("", flags).ok());

  const auto path = std::filesystem::temp_directory_path() / "dth-task-input-test.yaml";
  std::ofstream(path) << "type: s3\nschedule: rate(1 hour)\nparameters:\n  srcBucket: a\n  destBucket: b\n";
  TaskFlags over;
  over.schedule = "once";
  over.params = {"destBucket=c"};
  auto merged = BuildDefinition(path.string(), over);
  std::filesystem::remove(path);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ((*merged)["schedule"], "once");
  EXPECT_EQ((*merged)["parameters"]["srcBucket"], "a");
  EXPECT_EQ((*merged)["parameters"]["destBucket"], "c");
  EXPECT_FALSE(BuildDefinition("/nonexistent/task.yaml", over).ok());
}

TEST(TaskInputTest, AnEditSendsOnlyWhatChanges) {
  const json task = {{"id", "t-1"}, {"type", "s3"}, {"description", "d"}, {"schedule", "once"},
                     {"parameters", {{"srcBucket", "a"}, {"destBucket", "b"}, {"workerNumber", "4"}}},
                     {"status", "STOPPED"}, {"revision", 3}};
  TaskFlags flags;
  flags.params = {"destBucket=c", "chunkSize=8"};
  auto edit = BuildEdit(task, "", flags, {"workerNumber"});
  ASSERT_TRUE(edit.ok()) << edit.status().ToString();
  EXPECT_EQ(*edit, json({{"parameters", {{"srcBucket", "a"}, {"destBucket", "c"}, {"chunkSize", "8"}}}}));
  flags = {};
  flags.description = "new";
  flags.schedule = "once";  // as it is: not sent
  edit = BuildEdit(task, "", flags, {});
  ASSERT_TRUE(edit.ok());
  EXPECT_EQ(*edit, json({{"description", "new"}}));
  flags.description = "d";
  edit = BuildEdit(task, "", flags, {});
  ASSERT_TRUE(edit.ok());
  EXPECT_TRUE(edit->empty()) << edit->dump();
  flags.description = "";  // --description "" clears it
  edit = BuildEdit(task, "", flags, {});
  ASSERT_TRUE(edit.ok()) << edit.status().ToString();
  EXPECT_EQ(*edit, json({{"description", ""}}));
  EXPECT_FALSE(BuildEdit(task, "", TaskFlags{}, {}).ok()) << "nothing asked";
  EXPECT_FALSE(BuildEdit(task, "", TaskFlags{}, {"nope"}).ok()) << "no such parameter";
  flags = {};
  flags.params = {"=x"};
  EXPECT_FALSE(BuildEdit(task, "", flags, {}).ok());
}

TEST(TaskFormatTest, TablesAlignAndShowProgress) {
  json tasks = json::array({{{"id", "t-1"}, {"type", "s3"}, {"status", "IN_PROGRESS"}, {"schedule", "once"},
                             {"description", "photos"},
                             {"progress", {{"objects_done", 5}, {"objects_planned", 10}, {"planning_done", true},
                                           {"bytes_done", 2048}, {"bytes_planned", 4096}, {"objects_failed", 1}}}},
                            {{"id", "t-22"}, {"type", "image"}, {"status", "DONE"}, {"schedule", "rate(1 hour)"},
                             {"description", ""}, {"progress", nullptr},
                             {"last_run", {{"id", 4}, {"status", "DONE"}, {"objects_done", 1}, {"objects_planned", 1},
                                           {"bytes_done", 8}, {"objects_skipped", 50}}}},
                            {{"id", "t-333"}, {"type", "s3"}, {"status", "STOPPED"}, {"schedule", "once"},
                             {"description", "never run"}, {"progress", nullptr}, {"last_run", nullptr}}});
  const std::string table = FormatTaskList(tasks);
  // A finished task shows its last run's totals (an image task counts images); one never
  // run shows "-".
  EXPECT_NE(table.find("1/1 images, 8 B, 50 skipped"), std::string::npos) << table;
  const std::string never = table.substr(table.find("t-333"));
  EXPECT_NE(never.find("once          -  "), std::string::npos) << table;
  EXPECT_NE(table.find("ID     TYPE"), std::string::npos) << table;
  EXPECT_NE(table.find("5/10 objects, 2.0 KiB/4.0 KiB, 1 failed"), std::string::npos) << table;
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(Cell(nullptr), "-");

  // One task: its time left as people read it, its last run in its own unit.
  json running = tasks[0];
  running["progress"]["eta_seconds"] = 125;
  const std::string shown = FormatTask(running, nullptr);
  EXPECT_NE(shown.find("progress:     5/10 objects, 2.0 KiB/4.0 KiB, 1 failed"), std::string::npos) << shown;
  EXPECT_NE(shown.find("eta:          2m05s\n"), std::string::npos) << shown;
  EXPECT_NE(FormatTask(tasks[1], tasks[1]["last_run"]).find("last run:     #4 DONE, 1/1 images, 8 B"), std::string::npos);
}

}  // namespace
}  // namespace dth::cli
