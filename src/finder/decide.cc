#include "finder/decide.h"

#include <cctype>

#include "providers/provider.h"

namespace dth {

const char* ActionName(Action action) {
  switch (action) {
    case Action::kCopy: return "copy";
    case Action::kSkip: return "skip";
    case Action::kDelete: return "delete";
  }
  return "?";
}

const char* ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kMissing: return "missing";
    case Reason::kSizeDiffers: return "size-differs";
    case Reason::kSourceChanged: return "source-changed";
    case Reason::kUnfinished: return "unfinished";
    case Reason::kNewer: return "newer";
    case Reason::kChecksumDiffers: return "checksum-differs";
    case Reason::kSkipCompare: return "skip-compare";
    case Reason::kUnchanged: return "unchanged";
    case Reason::kArchive: return "archive";
    case Reason::kExcluded: return "excluded";
    case Reason::kDestinationOnly: return "destination-only";
    case Reason::kDeleteDestinationOnly: return "destination-only";
  }
  return "?";
}

std::string SourceVersion(const ObjectInfo& source) {
  if (!source.etag.empty()) return source.etag;
  if (source.last_modified == TimePoint{}) return "";
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      source.last_modified.time_since_epoch());
  return "mtime:" + std::to_string(ms.count());
}

namespace {

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Decision Make(const JoinedPair& pair, Action action, Reason reason) {
  return Decision{action, reason, pair.source, pair.destination};
}

}  // namespace

Decision Decide(const JoinedPair& pair, const DecideOptions& options) {
  if (options.filter != nullptr && !options.filter->Allows(pair.key())) {
    return Make(pair, Action::kSkip, Reason::kExcluded);  // never copied, never deleted
  }
  const ObjectInfo* src = pair.source;
  const ObjectInfo* dst = pair.destination;
  if (src == nullptr) {
    return options.delete_extra ? Make(pair, Action::kDelete, Reason::kDeleteDestinationOnly)
                                : Make(pair, Action::kSkip, Reason::kDestinationOnly);
  }
  if (IsArchiveStorageClass(src->storage_class)) {
    return Make(pair, Action::kSkip, Reason::kArchive);
  }
  if (options.skip_compare) return Make(pair, Action::kCopy, Reason::kSkipCompare);
  if (dst == nullptr) return Make(pair, Action::kCopy, Reason::kMissing);
  if (src->size != dst->size) return Make(pair, Action::kCopy, Reason::kSizeDiffers);
  std::optional<RecordedTransfer> recorded;
  if (options.recorded_etag) recorded = options.recorded_etag(src->key);
  if (recorded) {
    if (!recorded->finished) return Make(pair, Action::kCopy, Reason::kUnfinished);
    // A source whose version cannot be told never counts as changed.
    const std::string version = SourceVersion(*src);
    if (!version.empty() && recorded->source_etag != version) {
      return Make(pair, Action::kCopy, Reason::kSourceChanged);
    }
  } else if (options.compare_md5_without_record && IsPlainMd5Etag(src->etag) &&
             IsPlainMd5Etag(dst->etag) && !EqualsIgnoreCase(src->etag, dst->etag)) {
    return Make(pair, Action::kCopy, Reason::kChecksumDiffers);
  }
  if (options.newer && src->last_modified > dst->last_modified) {
    return Make(pair, Action::kCopy, Reason::kNewer);
  }
  if (options.checksum && IsPlainMd5Etag(src->etag) && IsPlainMd5Etag(dst->etag) &&
      !EqualsIgnoreCase(src->etag, dst->etag)) {
    return Make(pair, Action::kCopy, Reason::kChecksumDiffers);
  }
  return Make(pair, Action::kSkip, Reason::kUnchanged);
}

}  // namespace dth
