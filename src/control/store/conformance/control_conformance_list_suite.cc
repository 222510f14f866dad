// ControlConformance: listing tasks — newest first, filters, cursor paging while tasks
// are added, text search with LIKE wildcards in it, bad cursors and limits.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "control/store/conformance/control_conformance.h"

namespace dth::control {
namespace {

using std::chrono::milliseconds;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Matches(const TaskRecord& t, const TaskQuery& q) {
  if (q.status && t.status != *q.status) return false;
  if (!q.type.empty() && t.type != q.type) return false;
  if (q.text.empty()) return true;
  const std::string text = Lower(q.text);
  return Lower(t.id).find(text) != std::string::npos ||
         Lower(t.description).find(text) != std::string::npos;
}

bool NewerFirst(const TaskRecord& a, const TaskRecord& b) {
  return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
}

const TaskStatus kStatuses[] = {TaskStatus::kStarting, TaskStatus::kInProgress,
                                TaskStatus::kDone,     TaskStatus::kError,
                                TaskStatus::kStopping, TaskStatus::kStopped};

}  // namespace

TEST_P(ControlConformance, ListTasksIsNewestFirstWithTiesByIdDescending) {
  std::vector<TaskRecord> made;
  for (int i = 0; i < 12; ++i) {
    made.push_back(MustCreate(Task("task " + std::to_string(i))));
    if (i % 4 == 3) clock_.Advance(milliseconds(1));  // three ties per millisecond
  }
  std::sort(made.begin(), made.end(), NewerFirst);
  TaskQuery query;
  query.limit = 5;
  std::vector<TaskRecord> listed = ListAll(query);
  EXPECT_EQ(Ids(listed), Ids(made));
  EXPECT_EQ(listed, made);  // whole records

  TaskQuery none;
  none.type = "no-such-type";
  auto empty = store().ListTasks(none);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->tasks.empty());
  EXPECT_EQ(empty->next_cursor, "");
  query.limit = 12;  // exactly one full page: no cursor to an empty page
  auto one = store().ListTasks(query);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->tasks.size(), 12u);
  EXPECT_EQ(one->next_cursor, "");
}

TEST_P(ControlConformance, PagingThroughEveryFilterWhileTasksAreAdded) {
  const char* kDescriptions[] = {"Nightly backup", "NIGHTLY mirror of logs", "images to ECR",
                                 "100% of the bucket", "a_b copy"};
  std::vector<TaskRecord> all;
  for (int i = 0; i < 2500; ++i) {
    TaskRecord t = Task(std::string(kDescriptions[i % 5]) + " #" + std::to_string(i),
                        i % 3 == 0 ? "image" : "s3", kStatuses[(i / 2) % 6]);
    all.push_back(MustCreate(t));
    if (i % 3 == 2) clock_.Advance(milliseconds(1));
  }
  ASSERT_EQ(all.size(), 2500u);
  int combo = 0;
  for (int s = -1; s < 6; ++s) {
    for (const char* type : {"", "s3", "image"}) {
      for (const char* text : {"", "nightly"}) {
        TaskQuery query;
        if (s >= 0) query.status = kStatuses[s];
        query.type = type;
        query.text = text;
        query.limit = s < 0 ? (combo % 2 == 0 ? 97 : 1000) : 7;
        ++combo;
        std::vector<TaskRecord> expected;
        for (const TaskRecord& t : all) {
          if (Matches(t, query)) expected.push_back(t);
        }
        std::sort(expected.begin(), expected.end(), NewerFirst);
        const std::set<std::string> before = [&] {
          std::set<std::string> ids;
          for (const TaskRecord& t : all) ids.insert(t.id);
          return ids;
        }();

        // Page by hand, adding a matching task between pages (half of them in the same
        // millisecond as the newest tasks, so they tie with them).
        std::vector<TaskRecord> listed;
        TaskQuery q = query;
        for (int pages = 0;; ++pages) {
          ASSERT_LT(pages, 3000);
          auto page = (pages % 2 == 0 ? store() : peer()).ListTasks(q);
          ASSERT_TRUE(page.ok()) << page.status().ToString();
          listed.insert(listed.end(), page->tasks.begin(), page->tasks.end());
          if (page->next_cursor.empty()) break;
          ASSERT_EQ(static_cast<int>(page->tasks.size()), q.limit);
          q.cursor = page->next_cursor;
          if (pages % 2 == 1) clock_.Advance(milliseconds(1));
          TaskRecord extra = Task("added NIGHTLY while paging", query.type.empty() ? "s3" : query.type,
                                  query.status.value_or(TaskStatus::kDone));
          all.push_back(MustCreate(extra));
        }
        SCOPED_TRACE("status " + std::string(s < 0 ? "any" : TaskStatusName(kStatuses[s])) +
                     ", type '" + type + "', text '" + text + "'");
        // In order, without duplicates; of the tasks there before, exactly the matching ones.
        EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end(), NewerFirst) &&
                    std::adjacent_find(listed.begin(), listed.end(),
                                       [](const TaskRecord& a, const TaskRecord& b) {
                                         return a.id == b.id;
                                       }) == listed.end());
        std::vector<TaskRecord> old;
        for (const TaskRecord& t : listed) {
          EXPECT_TRUE(Matches(t, query)) << t.id << " " << t.description;
          if (before.count(t.id) != 0) old.push_back(t);
        }
        EXPECT_EQ(Ids(old), Ids(expected));
      }
    }
  }
}

TEST_P(ControlConformance, TextSearchIsACaseInsensitiveSubstringWithWildcardsLiteral) {
  std::map<std::string, std::string> descriptions;  // id -> description
  auto id_of = [&](const std::string& description) {
    const std::string id = MustCreate(Task(description)).id;
    descriptions[id] = description;
    return id;
  };
  const std::string percent = id_of("100% done");
  const std::string hundred = id_of("100 done");
  const std::string underscore = id_of("file_name.txt");
  const std::string x = id_of("fileXname.txt");
  const std::string backslash = id_of(R"(C:\data\in)");
  const std::string mixed = id_of("Weekly MiXeD Case");
  id_of("plain");
  auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  auto search_all = [&](const std::string& text) {
    TaskQuery q;
    q.text = text;
    q.limit = 100;
    std::vector<std::string> ids = Ids(ListAll(q));
    return std::set<std::string>(ids.begin(), ids.end());
  };
  // Matches by description: a random id that happens to hold the text (hex digits, as
  // "100" in t-f0571008836e) is a match by id, checked apart below.
  auto search = [&](const std::string& text) {
    std::set<std::string> found = search_all(text);
    for (auto it = found.begin(); it != found.end();) {
      const bool by_id_only = it->find(lower(text)) != std::string::npos &&
                              lower(descriptions[*it]).find(lower(text)) == std::string::npos;
      it = by_id_only ? found.erase(it) : std::next(it);
    }
    return found;
  };
  using Set = std::set<std::string>;
  EXPECT_EQ(search("%"), Set{percent});
  EXPECT_EQ(search("0%"), Set{percent});
  EXPECT_EQ(search("100"), (Set{percent, hundred}));
  EXPECT_EQ(search("_"), Set{underscore});
  EXPECT_EQ(search("e_n"), Set{underscore});
  EXPECT_EQ(search("file"), (Set{underscore, x}));
  EXPECT_EQ(search("\\"), Set{backslash});
  EXPECT_EQ(search("\\data"), Set{backslash});
  EXPECT_EQ(search("mixed case"), Set{mixed});
  EXPECT_EQ(search("WEEKLY"), Set{mixed});
  EXPECT_EQ(search("%%"), Set{});
  EXPECT_EQ(search("'; DROP TABLE tasks; --"), Set{});
  EXPECT_EQ(search("\" OR 1=1 --"), Set{});
  // The id is searched too, whatever its case.
  std::string upper = mixed.substr(2);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(search_all(upper), Set{mixed});
  EXPECT_EQ(search_all(mixed), Set{mixed});
  EXPECT_EQ(search_all("t-").size(), 7u);
  TaskQuery long_text;
  long_text.text.assign(5000, 'a');
  EXPECT_EQ(store().ListTasks(long_text).status().code(), Code::kInvalidArgument);
}

TEST_P(ControlConformance, ListTasksRejectsBadCursorsAndLimits) {
  for (int i = 0; i < 5; ++i) MustCreate(Task("t"));
  TaskQuery q;
  q.limit = 2;
  auto first = store().ListTasks(q);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_cursor.empty());
  const std::string good = first->next_cursor;
  for (const std::string& bad :
       {std::string("!!!"), std::string("' OR 1=1 --"), std::string("abc"), std::string("a"),
        std::string("====="), good + "%", good + "A", good.substr(0, good.size() - 1),
        std::string(5000, 'A'), std::string("\0\1\2", 3), std::string("dGFzaw")}) {
    q.cursor = bad;
    auto page = store().ListTasks(q);
    EXPECT_EQ(page.status().code(), Code::kInvalidArgument) << "cursor '" << bad << "'";
  }
  // A cursor is a position: it works on the other handle and with other filters.
  q.cursor = good;
  auto second = peer().ListTasks(q);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->tasks.size(), 2u);
  q.type = "s3";
  EXPECT_TRUE(store().ListTasks(q).ok());
  for (int limit : {0, -1, 1001}) {
    TaskQuery bad_limit;
    bad_limit.limit = limit;
    EXPECT_EQ(store().ListTasks(bad_limit).status().code(), Code::kInvalidArgument) << limit;
  }
  TaskQuery max;
  max.limit = 1000;
  EXPECT_EQ(store().ListTasks(max)->tasks.size(), 5u);
}

}  // namespace dth::control
