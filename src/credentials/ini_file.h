// credentials/ini_file: a parser for the AWS shared config and credentials
// files (~/.aws/config, ~/.aws/credentials), following the AWS CLI's reading:
//   - `[name]` section headers (names kept verbatim, e.g. "profile dev");
//   - `key = value` (or `key: value`); keys are lower-cased, values trimmed;
//     the value is everything after the first delimiter, so tokens ending in
//     "=" survive;
//   - full-line comments starting with '#' or ';'; a '#' or ';' preceded by
//     whitespace in a value also starts a comment (secrets contain neither);
//   - blank lines, leading/trailing whitespace, CRLF line ends, a UTF-8 BOM;
//   - nested sub-sections (`s3 =` followed by lines indented deeper than the
//     key) are skipped, as are indented lines without a delimiter
//     (continuations); an indented `key = value` elsewhere is a plain key;
//   - a section named twice is merged, later keys winning.
// Malformed lines yield InvalidArgument "file:line: <what is wrong>"; the
// message never quotes the line, which may hold a secret.
// Thread-safety: pure functions over values; safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dth {

struct IniSection {
  std::string name;
  int line = 0;  // 1-based line of the (first) header
  std::map<std::string, std::string, std::less<>> values;

  // The value of `key` (lower-case), or nullptr.
  const std::string* Find(std::string_view key) const;
};

struct IniFile {
  std::vector<IniSection> sections;  // in order of first appearance

  const IniSection* Find(std::string_view name) const;
};

// Parses `text`; `source` (a path for people, e.g. "~/.aws/config") prefixes
// error messages.
Result<IniFile> ParseIni(std::string_view text, std::string_view source);

// Reads and parses the file at `path`. A missing file is NotFound, an
// unreadable one IoError; `display` names the file in messages.
Result<IniFile> ReadIniFile(const std::string& path, std::string_view display);

}  // namespace dth
