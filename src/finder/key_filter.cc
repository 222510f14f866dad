#include "finder/key_filter.h"

namespace dth {

GlobPattern::GlobPattern(std::string_view pattern) : text_(pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      tokens_.push_back({Kind::kLiteral, pattern[++i]});
    } else if (c == '?') {
      tokens_.push_back({Kind::kOne, 0});
    } else if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == '/') {
        ++i;
        tokens_.push_back({Kind::kDirs, 0});
      } else {
        tokens_.push_back({Kind::kDoubleStar, 0});
      }
    } else if (c == '*') {
      tokens_.push_back({Kind::kStar, 0});
    } else {
      tokens_.push_back({Kind::kLiteral, c});
    }
  }
}

bool GlobPattern::Matches(std::string_view key) const {
  // next[j]: tokens after the current one match key[j..]. Built from the last token back.
  const size_t n = key.size();
  std::vector<char> next(n + 1, 0), cur(n + 1, 0);
  next[n] = 1;
  for (size_t t = tokens_.size(); t-- > 0;) {
    const Token& token = tokens_[t];
    char slash_then_rest = 0;  // for kDirs: some key[k] == '/' with k >= j and next[k + 1]
    for (size_t j = n + 1; j-- > 0;) {
      bool has = j < n;
      switch (token.kind) {
        case Kind::kLiteral:
          cur[j] = has && key[j] == token.literal && next[j + 1];
          break;
        case Kind::kOne:
          cur[j] = has && key[j] != '/' && next[j + 1];
          break;
        case Kind::kStar:
          cur[j] = next[j] || (has && key[j] != '/' && cur[j + 1]);
          break;
        case Kind::kDoubleStar:
          cur[j] = next[j] || (has && cur[j + 1]);
          break;
        case Kind::kDirs:
          if (has && key[j] == '/' && next[j + 1]) slash_then_rest = 1;
          cur[j] = next[j] || slash_then_rest;
          break;
      }
    }
    next.swap(cur);
  }
  return next[0] != 0;
}

KeyFilter::KeyFilter(const std::vector<std::string>& include,
                     const std::vector<std::string>& exclude) {
  for (const std::string& p : include) include_.emplace_back(p);
  for (const std::string& p : exclude) exclude_.emplace_back(p);
}

bool KeyFilter::Allows(std::string_view relative_key) const {
  for (const GlobPattern& p : exclude_) {
    if (p.Matches(relative_key)) return false;
  }
  if (include_.empty()) return true;
  for (const GlobPattern& p : include_) {
    if (p.Matches(relative_key)) return true;
  }
  return false;
}

}  // namespace dth
