// finder/key_filter: include/exclude glob filters on keys relative to the source prefix.
// Glob syntax: `*` any run of characters except '/', `?` one character except '/',
// `**` any run including '/', `**/` zero or more whole directories, `\x` a literal x.
// A key passes when it matches some include pattern (or there are none) and matches no
// exclude pattern: exclude wins. Matching is O(pattern x key), no backtracking blow-up.
// Thread-safety: immutable after construction; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dth {

class GlobPattern {
 public:
  explicit GlobPattern(std::string_view pattern);
  bool Matches(std::string_view key) const;
  const std::string& text() const { return text_; }

 private:
  enum class Kind { kLiteral, kOne, kStar, kDoubleStar, kDirs };
  struct Token {
    Kind kind;
    char literal;
  };
  std::string text_;
  std::vector<Token> tokens_;
};

class KeyFilter {
 public:
  KeyFilter() = default;
  KeyFilter(const std::vector<std::string>& include, const std::vector<std::string>& exclude);

  bool Allows(std::string_view relative_key) const;
  bool empty() const { return include_.empty() && exclude_.empty(); }

 private:
  std::vector<GlobPattern> include_;
  std::vector<GlobPattern> exclude_;
};

}  // namespace dth
