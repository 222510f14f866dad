#include "credentials/ini_file.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace dth {
namespace {

constexpr size_t kMaxFileBytes = 4 << 20;  // far above any real config file

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

size_t IndentOf(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && IsSpace(line[n])) ++n;
  return n;
}

// Cuts an inline comment: '#' or ';' that follows whitespace.
std::string_view StripInlineComment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && IsSpace(value[i - 1])) {
      return Trim(value.substr(0, i));
    }
  }
  return value;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status LineError(std::string_view source, int line, std::string_view what) {
  return InvalidArgument(std::string(source) + ":" + std::to_string(line) + ": " +
                         std::string(what));
}

}  // namespace

const std::string* IniSection::Find(std::string_view key) const {
  auto it = values.find(key);
  return it == values.end() ? nullptr : &it->second;
}

const IniSection* IniFile::Find(std::string_view name) const {
  for (const IniSection& s : sections) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Result<IniFile> ParseIni(std::string_view text, std::string_view source) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  IniFile file;
  IniSection* current = nullptr;
  bool have_key = false;    // a key was seen in the current section
  size_t key_indent = 0;    // indentation of that key's line
  bool in_nested = false;   // inside "key =" (empty value) + indented lines
  size_t nested_indent = 0;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);

    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    size_t indent = IndentOf(raw);

    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) {
        return LineError(source, line_no, "section header is missing ']'");
      }
      std::string_view after = Trim(line.substr(close + 1));
      if (!after.empty() && after.front() != '#' && after.front() != ';') {
        return LineError(source, line_no, "unexpected text after section header");
      }
      std::string_view name = Trim(line.substr(1, close - 1));
      if (name.empty()) return LineError(source, line_no, "empty section name");
      if (name.find('[') != std::string_view::npos) {
        return LineError(source, line_no, "section name contains '['");
      }
      current = nullptr;
      for (IniSection& s : file.sections) {
        if (s.name == name) current = &s;
      }
      if (current == nullptr) {
        file.sections.push_back(IniSection{std::string(name), line_no, {}});
        current = &file.sections.back();
      }
      have_key = false;
      in_nested = false;
      continue;
    }

    // Entries of a nested sub-section ("s3 =" then deeper-indented lines)
    // hold service settings dth does not use: skipped.
    if (in_nested && indent > nested_indent) continue;
    in_nested = false;

    size_t delim = line.find_first_of("=:");
    // An indented line without a delimiter continues the previous value:
    // skipped. (An indented "key = value" is read as a key, so a stray indent
    // cannot hide aws_secret_access_key inside the line above.)
    if (delim == std::string_view::npos && have_key && indent > key_indent) continue;
    if (delim == std::string_view::npos) {
      return LineError(source, line_no, "expected 'key = value' or '[section]'");
    }
    std::string_view key = Trim(line.substr(0, delim));
    if (key.empty()) return LineError(source, line_no, "missing key before '='");
    if (current == nullptr) {
      return LineError(source, line_no, "'key = value' before any [section] header");
    }
    std::string_view value = StripInlineComment(Trim(line.substr(delim + 1)));
    current->values[Lower(key)] = std::string(value);
    have_key = true;
    key_indent = indent;
    if (value.empty()) {
      in_nested = true;
      nested_indent = indent;
    }
  }
  return file;
}

Result<IniFile> ReadIniFile(const std::string& path, std::string_view display) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) {
    if (!ec || ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return NotFound(std::string(display) + ": no such file");
    }
    return IoError(std::string(display) + ": cannot read: " + ec.message());
  }
  if (fs::is_directory(st)) return IoError(std::string(display) + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(std::string(display) + ": cannot open for reading");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return IoError(std::string(display) + ": read failed");
  std::string text = std::move(buf).str();
  if (text.size() > kMaxFileBytes) {
    return InvalidArgument(std::string(display) + ": too large to be an AWS config file");
  }
  return ParseIni(text, display);
}

}  // namespace dth
