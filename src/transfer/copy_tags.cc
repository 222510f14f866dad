#include "transfer/copy_tags.h"

namespace dth {
namespace {

// PutTagging after the write; a failure says the object is there without its tags.
Status SetTags(ObjectStore& destination, const std::string& key, const Tags& tags) {
  if (tags.empty()) return Status::Ok();
  Status st = destination.PutTagging(key, tags);
  if (!st.ok()) st.Prefix("the object was written but its tags could not be set");
  return st;
}

}  // namespace

Status CheckTagSupport(const ObjectStore& source, const ObjectStore& destination,
                       const CopyOptions& options) {
  if (!options.copy_tags) return Status::Ok();
  if (!source.Features().tagging)
    return NotSupported("--copy-tags: " + source.Describe() +
                        " keeps no object tags (or its server does not report them)");
  if (!destination.Features().tagging)
    return NotSupported("--copy-tags: " + destination.Describe() +
                        " keeps no object tags; they would be lost");
  return Status::Ok();
}

bool CarriesTags(const ObjectStore& source, const ObjectStore& destination,
                 const CopyOptions& options) {
  return options.copy_tags ||
         (options.server_side && source.Features().tagging && destination.Features().tagging);
}

Result<Tags> TagsToCarry(ObjectStore& source, const std::string& source_key,
                         const ObjectStore& destination, const CopyOptions& options) {
  DTH_RETURN_IF_ERROR(CheckTagSupport(source, destination, options));
  if (!CarriesTags(source, destination, options)) return Tags{};
  return source.GetTagging(source_key);
}

Status TagsAfterMultipart(ObjectStore& destination, const std::string& key, const Tags& tags) {
  if (destination.Features().tags_on_create_multipart) return Status::Ok();
  return SetTags(destination, key, tags);
}

Status CarryTagsAfterMultipart(ObjectStore& source, const std::string& source_key,
                               ObjectStore& destination, const std::string& destination_key,
                               const CopyOptions& options) {
  if (destination.Features().tags_on_create_multipart) return Status::Ok();
  DTH_ASSIGN_OR_RETURN(Tags tags, TagsToCarry(source, source_key, destination, options));
  return SetTags(destination, destination_key, tags);
}

Status CarryTagsAfterCopy(ObjectStore& source, const std::string& source_key,
                          ObjectStore& destination, const std::string& destination_key,
                          bool replaced_metadata, const CopyOptions& options) {
  const StoreFeatures& f = destination.Features();
  if (replaced_metadata ? f.copy_replace_keeps_tags : f.copy_keeps_tags) return Status::Ok();
  DTH_ASSIGN_OR_RETURN(Tags tags, TagsToCarry(source, source_key, destination, options));
  return SetTags(destination, destination_key, tags);
}

}  // namespace dth
