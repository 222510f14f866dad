// transfer/copy_tags: which tags a copy carries, and setting them after the write where
// the destination drops them on the way (a declared StoreFeatures, never a provider's
// name: Ceph RGW drops x-amz-tagging on CreateMultipartUpload and a CopyObject that
// replaces the metadata loses the source's tags there).
// A copy carries the source's tags with CopyOptions::copy_tags, and a server-side copy
// always does when both stores keep tags (S3 keeps them on CopyObject). A copy asked to
// carry tags that cannot is refused with the reason (kNotSupported), before any
// request; one whose tags cannot be set after the write fails saying so: never a
// success without its tags.
// Thread-safety: stateless functions; the stores must be thread-safe.
#pragma once

#include <string>

#include "store/object_store.h"
#include "transfer/object_copy.h"

namespace dth {

// kNotSupported when options.copy_tags asks for tags and the source or the destination
// keeps none (Features().tagging). No request.
Status CheckTagSupport(const ObjectStore& source, const ObjectStore& destination,
                       const CopyOptions& options);

// Whether a copy between these stores carries the source's tags.
bool CarriesTags(const ObjectStore& source, const ObjectStore& destination,
                 const CopyOptions& options);

// The tags to give the destination: the source's (GetTagging) when CarriesTags, else {}
// without a request. CheckTagSupport first.
Result<Tags> TagsToCarry(ObjectStore& source, const std::string& source_key,
                         const ObjectStore& destination, const CopyOptions& options);

// After a multipart upload created with these tags completed: sets them with
// PutTagging where the destination's CreateMultipartUpload drops them
// (!Features().tags_on_create_multipart). No request for no tags.
Status TagsAfterMultipart(ObjectStore& destination, const std::string& key, const Tags& tags);

// The same for a multipart copy completed elsewhere, without the tags at hand (the sync
// engine's giant objects: call it after CompleteMultipartUpload succeeds). Reads the
// source's tags again, only where the destination drops them.
Status CarryTagsAfterMultipart(ObjectStore& source, const std::string& source_key,
                               ObjectStore& destination, const std::string& destination_key,
                               const CopyOptions& options);

// After a server-side CopyObject (sent with tagging directive COPY): where the
// destination's CopyObject drops the source's tags (Features().copy_keeps_tags, or
// copy_replace_keeps_tags when it replaced the metadata), reads them and sets them.
Status CarryTagsAfterCopy(ObjectStore& source, const std::string& source_key,
                          ObjectStore& destination, const std::string& destination_key,
                          bool replaced_metadata, const CopyOptions& options);

}  // namespace dth
