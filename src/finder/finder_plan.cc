#include "finder/finder_plan.h"

#include <algorithm>
#include <utility>

namespace dth {

std::vector<FinderUnit> RangeUnits(std::vector<std::string> split_keys) {
  std::sort(split_keys.begin(), split_keys.end());
  split_keys.erase(std::unique(split_keys.begin(), split_keys.end()), split_keys.end());
  split_keys.erase(std::remove(split_keys.begin(), split_keys.end(), std::string()), split_keys.end());
  std::vector<FinderUnit> units;
  std::string after;
  for (const std::string& key : split_keys) {
    units.push_back(FinderUnit{"", true, after, key, false});
    after = key;
  }
  units.push_back(FinderUnit{"", true, after, "", false});
  return units;
}

std::vector<std::string> NormalizePrefixList(std::vector<std::string> prefixes) {
  if (prefixes.empty()) return {""};
  std::sort(prefixes.begin(), prefixes.end());
  std::vector<std::string> kept;
  for (std::string& p : prefixes) {
    // Sorted order puts a covering prefix right before the prefixes it covers.
    if (!kept.empty() && p.compare(0, kept.back().size(), kept.back()) == 0) continue;
    kept.push_back(std::move(p));
  }
  return kept;
}

std::vector<std::string> ParsePrefixList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    out.emplace_back(line);
  }
  return out;
}

namespace {

// Appends the common prefixes (delimiter "/") under prefix + rel, made relative again.
Status CollectCommonPrefixes(ObjectStore& store, const std::string& prefix, const std::string& rel,
                             int page_size, std::vector<std::string>* out) {
  ListOptions options;
  options.prefix = prefix + rel;
  options.delimiter = "/";
  options.page_size = page_size;
  std::unique_ptr<ObjectLister> lister = store.List(options);
  ListPage page;
  while (true) {
    page.objects.clear();
    page.common_prefixes.clear();
    Result<bool> more = lister->Next(&page);
    if (!more.ok()) {
      Status status = more.status();
      return status.Prefix("listing prefixes of " + store.Describe() + " \"" + options.prefix +
                           "\"");
    }
    for (std::string& common : page.common_prefixes) {
      if (common.compare(0, prefix.size(), prefix) != 0) {
        return Corruption("listing " + store.Describe() + " returned prefix \"" + common +
                          "\" outside \"" + prefix + "\"");
      }
      out->push_back(common.substr(prefix.size()));
    }
    if (!*more) return Status::Ok();
  }
}

struct Planner {
  ObjectStore& source;
  const std::string& source_prefix;
  ObjectStore& destination;
  const std::string& destination_prefix;
  int page_size;
  std::vector<FinderUnit> units;

  Status Expand(const std::string& rel, int depth) {
    if (depth <= 0) {
      units.push_back({rel, true, "", "", false});
      return Status::Ok();
    }
    units.push_back({rel, false, "", "", false});
    std::vector<std::string> children;
    DTH_RETURN_IF_ERROR(CollectCommonPrefixes(source, source_prefix, rel, page_size, &children));
    DTH_RETURN_IF_ERROR(
        CollectCommonPrefixes(destination, destination_prefix, rel, page_size, &children));
    std::sort(children.begin(), children.end());
    children.erase(std::unique(children.begin(), children.end()), children.end());
    for (const std::string& child : children) {
      if (child.size() <= rel.size()) continue;  // defensive: must go deeper
      DTH_RETURN_IF_ERROR(Expand(child, depth - 1));
    }
    return Status::Ok();
  }
};

}  // namespace

Result<std::vector<FinderUnit>> PlanUnits(ObjectStore& source, const std::string& source_prefix,
                                          ObjectStore& destination,
                                          const std::string& destination_prefix,
                                          const std::vector<std::string>& roots, int depth,
                                          int page_size) {
  Planner planner{source, source_prefix, destination, destination_prefix, page_size, {}};
  for (const std::string& root : roots) {
    DTH_RETURN_IF_ERROR(planner.Expand(root, depth));
  }
  return std::move(planner.units);
}

}  // namespace dth
