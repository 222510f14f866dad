#include "credentials/ini_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace dth {
namespace {

IniFile MustParse(std::string_view text) {
  Result<IniFile> r = ParseIni(text, "test.ini");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : IniFile{};
}

std::string Value(const IniFile& f, std::string_view section, std::string_view key) {
  const IniSection* s = f.Find(section);
  if (s == nullptr) return "<no section>";
  const std::string* v = s->Find(key);
  return v ? *v : "<no key>";
}

TEST(IniFileTest, EmptyAndCommentOnlyFiles) {
  EXPECT_TRUE(MustParse("").sections.empty());
  EXPECT_TRUE(MustParse("\n\n  \n").sections.empty());
  EXPECT_TRUE(MustParse("# comment\n; another\n   # indented\n").sections.empty());
}

TEST(IniFileTest, SectionsKeysAndWhitespace) {
  IniFile f = MustParse(
      "[default]\n"
      "aws_access_key_id=AKID\n"
      "  aws_secret_access_key   =   SECRET  \n"
      "\n"
      "[profile dev]\n"
      "region = eu-west-1\n"
      "Output: json\n");
  ASSERT_EQ(f.sections.size(), 2u);
  EXPECT_EQ(f.sections[0].name, "default");
  EXPECT_EQ(f.sections[1].name, "profile dev");
  EXPECT_EQ(f.sections[1].line, 5);
  EXPECT_EQ(Value(f, "default", "aws_access_key_id"), "AKID");
  EXPECT_EQ(Value(f, "default", "aws_secret_access_key"), "SECRET");
  EXPECT_EQ(Value(f, "profile dev", "region"), "eu-west-1");
  EXPECT_EQ(Value(f, "profile dev", "output"), "json");  // keys lower-cased, ':' allowed
}

TEST(IniFileTest, CrlfAndBom) {
  IniFile f = MustParse("\xEF\xBB\xBF[a]\r\nk = v\r\n\r\n[b]\r\nx=y\r\n");
  EXPECT_EQ(Value(f, "a", "k"), "v");
  EXPECT_EQ(Value(f, "b", "x"), "y");
}

TEST(IniFileTest, ValueKeepsEverythingAfterFirstDelimiter) {
  IniFile f = MustParse("[a]\ntoken = abc/def+ghi==\nurl = https://h:9000/x\n");
  EXPECT_EQ(Value(f, "a", "token"), "abc/def+ghi==");
  EXPECT_EQ(Value(f, "a", "url"), "https://h:9000/x");
}

TEST(IniFileTest, CommentsFullLineAndInline) {
  IniFile f = MustParse("[a] # header comment\n# k = no\n;k2 = no\nregion = us-west-2 # prod\nv=a#b\n");
  EXPECT_EQ(Value(f, "a", "k"), "<no key>");
  EXPECT_EQ(Value(f, "a", "region"), "us-west-2");
  EXPECT_EQ(Value(f, "a", "v"), "a#b");  // '#' not after whitespace is data
}

TEST(IniFileTest, NestedSubSectionsAreSkipped) {
  IniFile f = MustParse(
      "[profile dev]\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "  addressing_style = path\n"
      "region = ap-south-1\n");
  EXPECT_EQ(Value(f, "profile dev", "s3"), "");
  EXPECT_EQ(Value(f, "profile dev", "max_concurrent_requests"), "<no key>");
  EXPECT_EQ(Value(f, "profile dev", "region"), "ap-south-1");
}

TEST(IniFileTest, ContinuationLinesAreSkipped) {
  IniFile f = MustParse("[a]\nk = first\n    second line\nj = v\n");
  EXPECT_EQ(Value(f, "a", "k"), "first");
  EXPECT_EQ(Value(f, "a", "j"), "v");
}

TEST(IniFileTest, NestedBlockEndsAtDedent) {
  IniFile f = MustParse("[a]\ns3 =\n  x = 1\n    deeper = 2\ny = 3\n  z = 4\n");
  EXPECT_EQ(Value(f, "a", "x"), "<no key>");
  EXPECT_EQ(Value(f, "a", "deeper"), "<no key>");
  EXPECT_EQ(Value(f, "a", "y"), "3");
  EXPECT_EQ(Value(f, "a", "z"), "4");  // y has a value: z is not nested under it
}

TEST(IniFileTest, IndentedFirstKeyIsAKeyNotAContinuation) {
  IniFile f = MustParse("[a]\n   k = v\n   k2 = v2\n");
  EXPECT_EQ(Value(f, "a", "k"), "v");
  EXPECT_EQ(Value(f, "a", "k2"), "v2");
}

TEST(IniFileTest, RepeatedSectionsMergeLaterWins) {
  IniFile f = MustParse("[a]\nk=1\nj=1\n[b]\n[a]\nk=2\n");
  ASSERT_EQ(f.sections.size(), 2u);
  EXPECT_EQ(Value(f, "a", "k"), "2");
  EXPECT_EQ(Value(f, "a", "j"), "1");
}

TEST(IniFileTest, MalformedLinesReportFileAndLine) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"[a]\nk = v\njustaword\n", "test.ini:3: expected 'key = value' or '[section]'"},
      {"k = v\n", "test.ini:1: 'key = value' before any [section] header"},
      {"[a]\n= v\n", "test.ini:2: missing key before '='"},
      {"[a\n", "test.ini:1: section header is missing ']'"},
      {"[]\n", "test.ini:1: empty section name"},
      {"[a] junk\n", "test.ini:1: unexpected text after section header"},
      {"[a]\r\nk=v\r\nbad\r\n", "test.ini:3: expected 'key = value' or '[section]'"},
  };
  for (const Case& c : cases) {
    Result<IniFile> r = ParseIni(c.text, "test.ini");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

TEST(IniFileTest, ErrorsNeverQuoteTheLine) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  for (std::string text : {"[a]\n" + secret + "\n", secret + " = x\n", "[" + secret + "\n",
                           "[a] " + secret + "\n", "= " + secret + "\n"}) {
    Result<IniFile> r = ParseIni(text, "f");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message().find(secret), std::string::npos) << r.status().message();
  }
}

TEST(IniFileTest, ReadIniFileMissingAndPresent) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("dth_ini_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  Result<IniFile> missing = ReadIniFile((dir / "nope").string(), "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  Result<IniFile> is_dir = ReadIniFile(dir.string(), "dir");
  ASSERT_FALSE(is_dir.ok());
  EXPECT_EQ(is_dir.status().code(), Code::kIo);
  { std::ofstream(dir / "cfg") << "[x]\nk=v\n"; }
  Result<IniFile> ok = ReadIniFile((dir / "cfg").string(), "cfg");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Value(ok.value(), "x", "k"), "v");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dth
