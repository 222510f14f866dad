#include "sync/sync_task.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "core/hash.h"

namespace dth {
namespace {

std::string ProviderFromType(const std::string& type) {
  static const std::map<std::string, std::string> kTypes = {
      {"Amazon_S3", "aws"}, {"Aliyun_OSS", "aliyun"}, {"Qiniu_Kodo", "qiniu"},
      {"Tencent_COS", "tencent"}, {"Google_GCS", "s3"}};
  auto it = kTypes.find(type);
  return it == kTypes.end() ? type : it->second;
}

Result<std::string> SseFromType(const std::string& type) {
  if (type.empty() || type == "None" || type == "none") return std::string();
  if (type == "AES256") return std::string("AES256");
  if (type == "AWS_KMS" || type == "aws:kms") return std::string("aws:kms");
  return InvalidArgument("destPutObjectSSEType must be None, AES256 or AWS_KMS, not '" + type + "'");
}

class Reader {
 public:
  explicit Reader(const std::string& name) : name_(name) {}

  Status Bad(const std::string& key, const std::string& why) const {
    return InvalidArgument(name_ + ": " + key + ": " + why).WithField(key);
  }
  Result<std::string> Text(const std::string& key, const YAML::Node& v) const {
    if (!v.IsScalar()) return Bad(key, "expected a string");
    return v.Scalar();
  }
  Result<bool> Bool(const std::string& key, const YAML::Node& v) const {
    if (!v.IsScalar()) return Bad(key, "expected true or false");
    std::string s = v.Scalar();
    if (s == "true" || s == "True" || s == "yes") return true;
    if (s == "false" || s == "False" || s == "no") return false;
    return Bad(key, "expected true or false, not '" + s + "'");
  }
  Result<int64_t> Int(const std::string& key, const YAML::Node& v, int64_t lo, int64_t hi) const {
    if (!v.IsScalar()) return Bad(key, "expected a number");
    const std::string& s = v.Scalar();
    size_t used = 0;
    int64_t n = 0;
    try {
      n = std::stoll(s, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != s.size()) return Bad(key, "expected a whole number, not '" + s + "'");
    if (n < lo || n > hi)
      return Bad(key, std::to_string(n) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return n;
  }
  Result<std::vector<std::string>> List(const std::string& key, const YAML::Node& v) const {
    std::vector<std::string> out;
    if (v.IsScalar()) {
      std::stringstream in(v.Scalar());  // comma-separated, as the original's lists
      std::string item;
      while (std::getline(in, item, ',')) {
        if (!item.empty()) out.push_back(item);
      }
      return out;
    }
    if (!v.IsSequence()) return Bad(key, "expected a list of strings");
    for (const auto& item : v) {
      if (!item.IsScalar()) return Bad(key, "expected a list of strings");
      out.push_back(item.Scalar());
    }
    return out;
  }

 private:
  const std::string name_;
};

}  // namespace

namespace {

// label: how errors name the input ("task file X", "parameters").
Result<SyncTaskSpec> ParseSpec(const std::string& content, const std::string& label,
                               const std::vector<std::string>& ignored) {
  YAML::Node root;
  try {
    root = YAML::Load(content);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(label + ": not YAML or JSON: " + e.msg + " (line " +
                           std::to_string(e.mark.line + 1) + ")");
  }
  if (!root.IsMap()) return InvalidArgument(label + ": expected a map of parameters");
  Reader r(label);
  SyncTaskSpec spec;
  std::string src_bucket, src_prefix, dst_bucket, dst_prefix;
  bool src_bucket_set = false, dst_bucket_set = false;
  using Setter = std::function<Status(const std::string&, const YAML::Node&)>;
  auto text = [&](std::string* field) -> Setter {
    return [&r, field](const std::string& k, const YAML::Node& v) -> Status {
      DTH_ASSIGN_OR_RETURN(*field, r.Text(k, v));
      return Status::Ok();
    };
  };
  auto flag = [&](bool* field) -> Setter {
    return [&r, field](const std::string& k, const YAML::Node& v) -> Status {
      DTH_ASSIGN_OR_RETURN(*field, r.Bool(k, v));
      return Status::Ok();
    };
  };
  auto number = [&](auto* field, int64_t lo, int64_t hi) -> Setter {
    return [&r, field, lo, hi](const std::string& k, const YAML::Node& v) -> Status {
      DTH_ASSIGN_OR_RETURN(int64_t n, r.Int(k, v, lo, hi));
      *field = static_cast<std::remove_pointer_t<decltype(field)>>(n);
      return Status::Ok();
    };
  };
  auto list = [&](std::vector<std::string>* field) -> Setter {
    return [&r, field](const std::string& k, const YAML::Node& v) -> Status {
      DTH_ASSIGN_OR_RETURN(*field, r.List(k, v));
      return Status::Ok();
    };
  };
  auto provider = [&](std::string* field) -> Setter {
    return [&r, field](const std::string& k, const YAML::Node& v) -> Status {
      DTH_ASSIGN_OR_RETURN(std::string type, r.Text(k, v));
      *field = ProviderFromType(type);
      return Status::Ok();
    };
  };
  const std::map<std::string, Setter> setters = {
      {"srcType", provider(&spec.source_connection.provider)},
      {"srcBucket", [&](const std::string& k, const YAML::Node& v) -> Status {
         src_bucket_set = true;
         DTH_ASSIGN_OR_RETURN(src_bucket, r.Text(k, v));
         return Status::Ok();
       }},
      {"srcPrefix", text(&src_prefix)},
      {"source", text(&spec.source)},
      {"srcRegion", text(&spec.source_connection.region)},
      {"srcEndpoint", text(&spec.source_connection.endpoint)},
      {"srcCredentials", text(&spec.source_connection.profile)},
      {"srcPrefixsListFile", text(&spec.prefix_list_file)},
      {"destType", provider(&spec.destination_connection.provider)},
      {"destBucket", [&](const std::string& k, const YAML::Node& v) -> Status {
         dst_bucket_set = true;
         DTH_ASSIGN_OR_RETURN(dst_bucket, r.Text(k, v));
         return Status::Ok();
       }},
      {"destPrefix", text(&dst_prefix)},
      {"destination", text(&spec.destination)},
      {"destRegion", text(&spec.destination_connection.region)},
      {"destEndpoint", text(&spec.destination_connection.endpoint)},
      {"destCredentials", text(&spec.destination_connection.profile)},
      {"destStorageClass", text(&spec.storage_class)},
      {"destAcl", text(&spec.acl)},
      {"destPutObjectSSEType", [&](const std::string& k, const YAML::Node& v) -> Status {
         DTH_ASSIGN_OR_RETURN(std::string type, r.Text(k, v));
         auto sse = SseFromType(type);
         if (!sse.ok()) return r.Bad(k, sse.status().message());
         spec.sse = *sse;
         return Status::Ok();
       }},
      {"destPutObjectSSEKmsKeyId", text(&spec.sse_kms_key_id)},
      {"includeMetadata", flag(&spec.include_metadata)},
      {"finderDepth", number(&spec.finder_depth, 0, 32)},
      {"finderNumber", number(&spec.finder_number, 1, 256)},
      {"workerNumber", number(&spec.workers, 1, 1024)},
      {"multipartThreshold", number(&spec.multipart_threshold_mib, 5, 5 * 1024)},
      {"chunkSize", number(&spec.part_size_mib, 5, 5 * 1024)},
      {"skipCompare", flag(&spec.skip_compare)},
      {"srcSkipCompare", flag(&spec.skip_compare)},
      {"srcEvent", [&](const std::string& k, const YAML::Node& v) -> Status {
         DTH_ASSIGN_OR_RETURN(std::string event, r.Text(k, v));
         if (event == "No" || event == "no" || event.empty()) return Status::Ok();
         return r.Bad(k, "S3 event triggers ('" + event + "') are not supported yet: use No");
       }},
      {"taskId", text(&spec.task_id)},
      {"statePath", text(&spec.state_path)},
      {"include", list(&spec.include)},
      {"exclude", list(&spec.exclude)},
      {"delete", flag(&spec.delete_extra)},
      {"maxDelete", number(&spec.max_delete, 0, int64_t{1} << 50)},
      {"newer", flag(&spec.newer)},
      {"checksum", flag(&spec.checksum)},
      {"giantThreshold", number(&spec.giant_threshold_mib, 5, 5 * 1024 * 1024)},
      {"partConcurrency", number(&spec.part_concurrency, 1, 64)},
      {"memoryLimit", number(&spec.memory_mib, 64, 1024 * 1024)},
      {"retryDelay", number(&spec.retry_delay_seconds, 0, 3600)},
      {"leaseSeconds", number(&spec.lease_seconds, 3, 12 * 3600)},
      {"copyTags", flag(&spec.copy_tags)},
      {"deleteDuring", flag(&spec.delete_during)},
  };
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) return InvalidArgument(label + ": a key is not a string");
    const std::string key = entry.first.Scalar();
    auto it = setters.find(key);
    if (it == setters.end()) {
      if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) continue;
      return InvalidArgument(label + ": unknown parameter '" + key + "'").WithField(key);
    }
    if (entry.second.IsNull()) continue;  // "key:" with no value keeps the default
    DTH_RETURN_IF_ERROR(it->second(key, entry.second));
  }
  auto compose = [&](bool set, const std::string& bucket, const std::string& prefix,
                     std::string* location, const char* what) -> Status {
    if (!set) {
      if (!prefix.empty() && location->empty())
        return InvalidArgument(label + ": " + what + "Prefix without " + what + "Bucket")
            .WithField(std::string(what) + "Bucket");
      return Status::Ok();
    }
    if (!location->empty())
      return InvalidArgument(label + ": give " + what + "Bucket or " +
                             (std::string(what) == "src" ? "source" : "destination") + ", not both");
    if (bucket.empty()) {
      return InvalidArgument(label + ": " + what + "Bucket is empty")
          .WithField(std::string(what) + "Bucket");
    }
    *location = "s3://" + bucket + "/" + prefix;
    return Status::Ok();
  };
  DTH_RETURN_IF_ERROR(compose(src_bucket_set, src_bucket, src_prefix, &spec.source, "src"));
  DTH_RETURN_IF_ERROR(compose(dst_bucket_set, dst_bucket, dst_prefix, &spec.destination, "dest"));
  return spec;
}

}  // namespace

Result<SyncTaskSpec> ParseTaskFile(const std::string& content, const std::string& name) {
  return ParseSpec(content, "task file " + name, {});
}

Result<SyncTaskSpec> ParseTaskParameters(const std::string& json_object,
                                         const std::vector<std::string>& ignored) {
  return ParseSpec(json_object, "parameters", ignored);
}

Result<SyncTaskSpec> LoadTaskFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read task file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseTaskFile(text.str(), path);
}

std::string DefaultTaskId(const std::string& source, const std::string& source_where,
                          const std::string& destination, const std::string& destination_where) {
  std::string digest =
      Sha256(source + "\n" + source_where + "\n" + destination + "\n" + destination_where);
  return "sync-" + HexEncode(digest).substr(0, 12);
}

Result<SyncOptions> ToSyncOptions(const SyncTaskSpec& spec) {
  auto bad = [](const std::string& m) { return InvalidArgument(m); };
  if (spec.workers < 1 || spec.workers > 1024) return bad("workers must be 1..1024");
  if (spec.part_concurrency < 1 || spec.part_concurrency > 64) return bad("part concurrency must be 1..64");
  if (spec.finder_number < 1 || spec.finder_number > 256) return bad("finder number must be 1..256");
  if (spec.finder_depth < 0 || spec.finder_depth > 32) return bad("finder depth must be 0..32");
  if (spec.part_size_mib < 5 || spec.part_size_mib > 5 * 1024) return bad("part size must be 5..5120 MiB");
  if (spec.multipart_threshold_mib < 5) return bad("the multipart threshold must be at least 5 MiB");
  if (spec.giant_threshold_mib < spec.part_size_mib)
    return bad("the giant-object threshold must be at least one part");
  if (spec.memory_mib < 16) return bad("the memory limit must be at least 16 MiB");
  if (spec.retry_delay_seconds < 0) return bad("the retry delay cannot be negative");
  if (spec.lease_seconds < 3) return bad("the lease must be at least 3 s");
  DTH_ASSIGN_OR_RETURN(ServerSideEncryption sse, ParseServerSideEncryption(spec.sse));
  if (!spec.sse_kms_key_id.empty() && sse != ServerSideEncryption::kKms)
    return bad("an SSE KMS key id needs --sse aws:kms");
  SyncOptions o;
  o.task_id = spec.task_id;
  o.finder.include = spec.include;
  o.finder.exclude = spec.exclude;
  o.finder.delete_extra = spec.delete_extra;
  o.max_deletes = spec.max_delete;
  o.delete_during = spec.delete_during;
  o.finder.skip_compare = spec.skip_compare;
  o.finder.newer = spec.newer;
  o.finder.checksum = spec.checksum;
  o.finder.finder_depth = spec.finder_depth;
  o.finder.finder_number = spec.finder_number;
  o.workers = spec.workers;
  o.giant_threshold = spec.giant_threshold_mib << 20;
  o.memory_budget = spec.memory_mib << 20;
  o.retry_delay = std::chrono::seconds(spec.retry_delay_seconds);
  o.visibility = std::chrono::seconds(spec.lease_seconds);
  o.copy.multipart_threshold = spec.multipart_threshold_mib << 20;
  o.copy.part_size = spec.part_size_mib << 20;
  o.copy.part_concurrency = spec.part_concurrency;
  o.copy.copy_tags = spec.copy_tags;
  o.copy.copy_metadata = spec.include_metadata;
  o.copy.storage_class = spec.storage_class;
  o.copy.acl = spec.acl;
  o.copy.sse = sse;
  o.copy.sse_kms_key_id = spec.sse_kms_key_id;
  return o;
}

}  // namespace dth
