// sync/sync_task: a sync task as its user states it — locations, connections and every
// option, in units people use (MiB, seconds) — read from a task file (YAML or JSON,
// with the original Data Transfer Hub's parameter names where they fit) or from
// command-line flags, and turned into SyncOptions.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "sync/sync_options.h"

namespace dth {

struct TaskConnection {
  std::string provider, endpoint, region, profile;
};

struct SyncTaskSpec {
  std::string source;       // s3://bucket/prefix or a local directory
  std::string destination;  // likewise
  TaskConnection source_connection, destination_connection;
  std::string task_id;      // "" = derived from source and destination
  std::string state_path;   // "" = the default under the state directory
  // Finder.
  std::string prefix_list_file;
  std::vector<std::string> include, exclude;
  bool delete_extra = false;
  uint64_t max_delete = 1000;
  bool delete_during = false;  // delete while copying instead of after the copies
  bool skip_compare = false, newer = false, checksum = false;
  int finder_depth = 0, finder_number = 1;
  // Workers.
  int workers = 16;
  uint64_t multipart_threshold_mib = 64;
  uint64_t part_size_mib = 16;
  uint64_t giant_threshold_mib = 1024;
  int part_concurrency = 4;
  uint64_t memory_mib = 64;
  int retry_delay_seconds = 1;
  int lease_seconds = 60;
  // How objects are written.
  std::string storage_class, acl, sse, sse_kms_key_id;
  bool include_metadata = true;
  bool copy_tags = false;
};

// Reads a task file. Unknown keys, wrong types and bad values are kInvalidArgument
// naming the file and the key. Keys (original name first, then ours):
//   srcType (Amazon_S3, Aliyun_OSS, Qiniu_Kodo, Tencent_COS, or a provider name),
//   srcBucket + srcPrefix | source, srcRegion, srcEndpoint, srcCredentials (a profile),
//   srcPrefixsListFile, destType, destBucket + destPrefix | destination, destRegion,
//   destEndpoint, destCredentials, destStorageClass, destAcl, destPutObjectSSEType
//   (None, AES256, AWS_KMS), destPutObjectSSEKmsKeyId, includeMetadata, finderDepth,
//   finderNumber, workerNumber, multipartThreshold (MiB), chunkSize (MiB),
//   skipCompare; and taskId, statePath, include, exclude, delete, maxDelete, newer,
//   checksum, giantThreshold (MiB), partConcurrency, memoryLimit (MiB), retryDelay (s),
//   leaseSeconds, copyTags, deleteDuring.
Result<SyncTaskSpec> LoadTaskFile(const std::string& path);
// The same from text; `name` is used in messages.
Result<SyncTaskSpec> ParseTaskFile(const std::string& text, const std::string& name);
// The hub's task parameters (a JSON object with the same names): errors say
// "parameters: KEY: why" and carry the key as Status::field(). Keys in `ignored` (the
// original's infrastructure settings, meaningless here) are accepted and skipped.
Result<SyncTaskSpec> ParseTaskParameters(const std::string& json_object,
                                         const std::vector<std::string>& ignored = {});

// "sync-" + 12 hex digits of a hash of the two locations and where they are (an S3
// location's provider and endpoint: the same bucket name on two servers is two tasks).
std::string DefaultTaskId(const std::string& source, const std::string& source_where,
                          const std::string& destination, const std::string& destination_where);

// Checks ranges and turns the spec into engine options (the locations' prefixes are
// filled in by the caller, which parses the locations).
Result<SyncOptions> ToSyncOptions(const SyncTaskSpec& spec);

}  // namespace dth
