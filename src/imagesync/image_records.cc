#include "imagesync/image_records.h"

namespace dth::imagesync {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS image_records (
  task_id TEXT NOT NULL,
  source TEXT NOT NULL,
  destination TEXT NOT NULL,
  source_digest TEXT NOT NULL,
  dest_digest TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  blobs_copied INTEGER NOT NULL,
  blobs_mounted INTEGER NOT NULL,
  bytes_copied INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, source)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS image_blob_locations (
  registry TEXT NOT NULL,
  digest TEXT NOT NULL,
  repository TEXT NOT NULL,
  PRIMARY KEY (registry, digest, repository)) WITHOUT ROWID;
)sql";

constexpr char kColumns[] =
    "task_id, source, destination, source_digest, dest_digest, status, error, attempts, blobs_copied,"
    " blobs_mounted, bytes_copied, finished_at";

Result<ImageRecord> ReadRecord(const SqliteStatement& row) {
  ImageRecord r;
  r.task_id = row.Text(0);
  r.source = row.Text(1);
  r.destination = row.Text(2);
  r.source_digest = row.Text(3);
  r.dest_digest = row.Text(4);
  DTH_ASSIGN_OR_RETURN(r.status, ParseImageStatus(row.Text(5)));
  r.error = row.Text(6);
  r.attempts = static_cast<int>(row.Int(7));
  r.blobs_copied = static_cast<int>(row.Int(8));
  r.blobs_mounted = static_cast<int>(row.Int(9));
  r.bytes_copied = static_cast<uint64_t>(row.Int(10));
  r.finished_at = FromUnixMs(row.Int(11));
  return r;
}

}  // namespace

const char* ImageStatusName(ImageStatus status) {
  switch (status) {
    case ImageStatus::kCopied: return "copied";
    case ImageStatus::kUpToDate: return "up-to-date";
    case ImageStatus::kFailed: return "failed";
    case ImageStatus::kWouldCopy: return "would-copy";
  }
  return "failed";
}

Result<ImageStatus> ParseImageStatus(const std::string& name) {
  for (ImageStatus s : {ImageStatus::kCopied, ImageStatus::kUpToDate, ImageStatus::kFailed, ImageStatus::kWouldCopy}) {
    if (name == ImageStatusName(s)) return s;
  }
  return Corruption("image record: unknown status '" + name + "'");
}

Result<std::unique_ptr<ImageRecords>> ImageRecords::Open(const std::string& path) {
  DTH_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(path));
  DTH_RETURN_IF_ERROR(db->EnsureSchema("image_state", 1, kSchema));
  return std::unique_ptr<ImageRecords>(new ImageRecords(std::move(db)));
}

Status ImageRecords::Upsert(const ImageRecord& r) {
  std::lock_guard<std::mutex> lock(mu_);
  static const std::string sql = std::string("INSERT OR REPLACE INTO image_records (") + kColumns +
                                 ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
  DTH_ASSIGN_OR_RETURN(SqliteStatement st, db_->Prepare(sql.c_str()));
  st.Bind(1, r.task_id).Bind(2, r.source).Bind(3, r.destination).Bind(4, r.source_digest).Bind(5, r.dest_digest);
  st.Bind(6, std::string_view(ImageStatusName(r.status))).Bind(7, r.error).Bind(8, int64_t{r.attempts});
  st.Bind(9, int64_t{r.blobs_copied}).Bind(10, int64_t{r.blobs_mounted});
  st.Bind(11, static_cast<int64_t>(r.bytes_copied)).Bind(12, ToUnixMs(r.finished_at));
  return st.Run();
}

Result<ImageRecord> ImageRecords::Get(const std::string& task_id, const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  static const std::string sql =
      std::string("SELECT ") + kColumns + " FROM image_records WHERE task_id = ? AND source = ?";
  DTH_ASSIGN_OR_RETURN(SqliteStatement st, db_->Prepare(sql.c_str()));
  st.Bind(1, task_id).Bind(2, source);
  DTH_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("no image record for " + source);
  return ReadRecord(st);
}

Result<std::vector<ImageRecord>> ImageRecords::List(const std::string& task_id) {
  std::lock_guard<std::mutex> lock(mu_);
  static const std::string sql =
      std::string("SELECT ") + kColumns + " FROM image_records WHERE task_id = ? ORDER BY source";
  DTH_ASSIGN_OR_RETURN(SqliteStatement st, db_->Prepare(sql.c_str()));
  st.Bind(1, task_id);
  std::vector<ImageRecord> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    DTH_ASSIGN_OR_RETURN(ImageRecord r, ReadRecord(st));
    out.push_back(std::move(r));
  }
  return out;
}

Status ImageRecords::AddBlobLocation(const std::string& registry, const std::string& digest,
                                     const std::string& repository) {
  std::lock_guard<std::mutex> lock(mu_);
  DTH_ASSIGN_OR_RETURN(SqliteStatement st,
                       db_->Prepare("INSERT OR IGNORE INTO image_blob_locations (registry, digest, repository)"
                                    " VALUES (?,?,?)"));
  st.Bind(1, registry).Bind(2, digest).Bind(3, repository);
  return st.Run();
}

Result<std::vector<std::pair<std::string, std::string>>> ImageRecords::BlobLocations(const std::string& registry) {
  std::lock_guard<std::mutex> lock(mu_);
  DTH_ASSIGN_OR_RETURN(SqliteStatement st,
                       db_->Prepare("SELECT digest, repository FROM image_blob_locations WHERE registry = ?"));
  st.Bind(1, registry);
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.emplace_back(st.Text(0), st.Text(1));
  }
  return out;
}

}  // namespace dth::imagesync
