#include "imagesync/plan.h"

#include <algorithm>

#include "registry/reference.h"

namespace dth::imagesync {
namespace {

bool KeepTag(const PlanOptions& o, const std::string& tag) {
  if (o.include_tags && !std::regex_search(tag, *o.include_tags)) return false;
  if (o.exclude_tags && std::regex_search(tag, *o.exclude_tags)) return false;
  return true;
}

ImageJob Job(const PlanOptions& o, const std::string& repo, const std::string& tag, const std::string& digest) {
  ImageJob job;
  job.source_repo = repo;
  job.source_ref = digest.empty() ? tag : digest;
  job.source = repo + (tag.empty() ? "" : ":" + tag) + (digest.empty() ? "" : "@" + digest);
  job.destination_repo = ApplyPrefix(o.destination_prefix, repo);
  job.destination_ref = tag.empty() ? digest : tag;
  return job;
}

ImageJob Failed(const std::string& source, Status error) {
  ImageJob job;
  job.source = source;
  job.error = std::move(error);
  return job;
}

// catalog_entry: the repository came from the catalog, where distribution lists
// repositories that hold only mounted blobs but answers NAME_UNKNOWN for their tags:
// those have no images to copy.
void ExpandTags(const PlanOptions& o, const std::string& repo, const std::string& label, const TagLister& tags,
                bool catalog_entry, std::vector<ImageJob>* out) {
  auto listed = tags(repo);
  if (!listed.ok() && catalog_entry && listed.status().code() == Code::kNotFound) return;
  if (!listed.ok()) {
    Status st = listed.status();
    out->push_back(Failed(label, st.Prefix("cannot list the tags of " + repo)));
    return;
  }
  std::vector<std::string> sorted = *listed;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (const std::string& tag : sorted) {
    if (KeepTag(o, tag)) out->push_back(Job(o, repo, tag, ""));
  }
}

}  // namespace

std::string ApplyPrefix(const std::string& prefix, const std::string& repository) {
  std::string p = prefix;
  while (!p.empty() && p.back() == '/') p.pop_back();
  while (!p.empty() && p.front() == '/') p.erase(p.begin());
  return p.empty() ? repository : p + "/" + repository;
}

Result<std::optional<std::regex>> CompileTagFilter(const std::string& pattern, const char* flag) {
  if (pattern.empty()) return std::optional<std::regex>();
  try {
    return std::optional<std::regex>(std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error& e) {
    return InvalidArgument(std::string(flag) + " '" + pattern + "' is not a valid regular expression: " + e.what());
  }
}

Result<std::vector<ImageJob>> PlanImages(const PlanOptions& o, const RepositoryLister& repositories,
                                         const TagLister& tags) {
  std::vector<ImageJob> jobs;
  if (o.all) {
    auto repos = repositories();
    if (!repos.ok()) {
      Status st = repos.status();
      return st.Prefix("cannot list the source catalog");
    }
    std::vector<std::string> sorted = *repos;
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& repo : sorted) ExpandTags(o, repo, repo + ":" + registry::kAllTags, tags, true, &jobs);
    return jobs;
  }
  for (const std::string& entry : o.images) {
    auto ref = registry::ParseImageRef(entry);
    if (!ref.ok()) {
      jobs.push_back(Failed(entry, ref.status()));
      continue;
    }
    if (!ref->registry.empty() && ref->registry != o.source_host) {
      jobs.push_back(Failed(entry, InvalidArgument("image '" + entry + "' names registry " + ref->registry +
                                                   ", not the source " + o.source_host)));
      continue;
    }
    if (!ApplyPrefix(o.destination_prefix, ref->repository).empty() &&
        !registry::IsValidRepository(ApplyPrefix(o.destination_prefix, ref->repository))) {
      jobs.push_back(Failed(entry, InvalidArgument("destination repository '" +
                                                   ApplyPrefix(o.destination_prefix, ref->repository) +
                                                   "' is not valid (check the destination prefix)")));
      continue;
    }
    if (ref->all_tags) {
      ExpandTags(o, ref->repository, entry, tags, false, &jobs);
    } else {
      jobs.push_back(Job(o, ref->repository, ref->tag, ref->digest));
    }
  }
  // The same image listed twice ("app" and "app:latest") is copied once.
  std::vector<ImageJob> unique;
  for (auto& job : jobs) {
    bool dup = std::any_of(unique.begin(), unique.end(), [&](const ImageJob& u) { return u.source == job.source; });
    if (!dup) unique.push_back(std::move(job));
  }
  return unique;
}

}  // namespace dth::imagesync
