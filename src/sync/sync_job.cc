#include "sync/sync_job.h"

#include <nlohmann/json.hpp>

#include "core/hash.h"

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

bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

Result<std::string> FromHex(const std::string& hex) {
  if (hex.size() % 2 != 0) return Corruption("odd length");
  std::string out;
  out.reserve(hex.size() / 2);
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return Corruption("not lower-case hex");
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace

std::string EncodeSyncJob(const SyncJob& job) {
  nlohmann::json j;
  j["t"] = KindName(job.kind);
  // Keys are arbitrary bytes; JSON strings are UTF-8. A key that is not valid UTF-8 goes
  // as hex, byte for byte (a dropped or replaced byte would name another object).
  if (IsValidUtf8(job.key)) {
    j["key"] = job.key;
  } else {
    j["key_hex"] = HexEncode(job.key);
  }
  j["size"] = job.size;
  if (!job.etag.empty()) j["etag"] = job.etag;
  if (!job.version.empty()) j["version"] = job.version;
  if (!job.pin.empty()) j["pin"] = job.pin;
  if (job.kind == SyncJobKind::kPart) {
    j["upload"] = job.upload_id;
    j["part"] = job.part_number;
  }
  // The other strings are a server's ETag or a version, ASCII in practice: a byte that is
  // not UTF-8 is replaced, and the If-Match it feeds then fails cleanly.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
  auto key_hex = j.find("key_hex");
  if (t == j.end() || !t->is_string()) return bad("no kind");
  if (key != j.end() && key->is_string()) {
    job.key = key->get<std::string>();
  } else if (key_hex != j.end() && key_hex->is_string()) {
    auto raw = FromHex(key_hex->get<std::string>());
    if (!raw.ok()) return bad("key_hex: " + raw.status().message());
    job.key = std::move(*raw);
  }
  if (job.key.empty()) return bad("no key");
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
  auto pin = j.find("pin");
  if (pin != j.end()) {
    if (!pin->is_string()) return bad("pin is not a string");
    job.pin = pin->get<std::string>();
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
