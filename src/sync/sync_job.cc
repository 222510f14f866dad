#include "sync/sync_job.h"

#include <nlohmann/json.hpp>

namespace dth {
namespace {

const char* KindName(SyncJobKind kind) {
  switch (kind) {
    case SyncJobKind::kObject: return "object";
    case SyncJobKind::kPart: return "part";
    case SyncJobKind::kDelete: return "delete";
  }
  return "?";
}

}  // namespace

std::string EncodeSyncJob(const SyncJob& job) {
  nlohmann::json j;
  j["t"] = KindName(job.kind);
  j["key"] = job.key;
  j["size"] = job.size;
  if (!job.etag.empty()) j["etag"] = job.etag;
  if (!job.version.empty()) j["version"] = job.version;
  if (job.kind == SyncJobKind::kPart) {
    j["upload"] = job.upload_id;
    j["part"] = job.part_number;
  }
  // Keys are arbitrary bytes: never fail on invalid UTF-8, keep the bytes as they are.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::ignore);
}

Result<SyncJob> DecodeSyncJob(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    std::string shown = body.size() > 200 ? body.substr(0, 200) + "..." : body;
    return Status(Code::kCorruption, "malformed job (" + why + "): " + shown);
  };
  if (!j.is_object()) return bad("not a JSON object");
  SyncJob job;
  auto t = j.find("t");
  auto key = j.find("key");
  if (t == j.end() || !t->is_string()) return bad("no kind");
  if (key == j.end() || !key->is_string() || key->get<std::string>().empty()) return bad("no key");
  job.key = key->get<std::string>();
  const std::string kind = t->get<std::string>();
  if (kind == "part") {
    job.kind = SyncJobKind::kPart;
    auto upload = j.find("upload");
    auto part = j.find("part");
    if (upload == j.end() || !upload->is_string() || upload->get<std::string>().empty())
      return bad("no upload id");
    if (part == j.end() || !part->is_number_integer() || part->get<int64_t>() < 1 ||
        part->get<int64_t>() > 100000)
      return bad("no part number");
    job.upload_id = upload->get<std::string>();
    job.part_number = part->get<int>();
  } else if (kind == "object") {
    job.kind = SyncJobKind::kObject;
  } else if (kind == "delete") {
    job.kind = SyncJobKind::kDelete;
  } else {
    return bad("unknown kind '" + kind + "'");
  }
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_unsigned()) return bad("no size");
  job.size = size->get<uint64_t>();
  auto version = j.find("version");
  if (version != j.end()) {
    if (!version->is_string()) return bad("version is not a string");
    job.version = version->get<std::string>();
  }
  auto etag = j.find("etag");
  if (etag != j.end()) {
    if (!etag->is_string()) return bad("etag is not a string");
    job.etag = etag->get<std::string>();
  }
  return job;
}

Job ToQueueJob(const std::string& task_id, const SyncJob& job) {
  std::string dedup;
  switch (job.kind) {
    case SyncJobKind::kObject: dedup = "o:" + job.key; break;
    case SyncJobKind::kDelete: dedup = "d:" + job.key; break;
    case SyncJobKind::kPart:
      dedup = "p:" + job.key + "#" + std::to_string(job.part_number) + "@" + job.upload_id;
      break;
  }
  return Job{task_id, std::move(dedup), EncodeSyncJob(job)};
}

}  // namespace dth
