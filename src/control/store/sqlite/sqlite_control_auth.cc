// SqliteControlStore: users, API tokens and sessions, named credentials (secrets).
#include "control/store/sqlite/sqlite_control_schema.h"
#include "control/store/sqlite/sqlite_control_store.h"
#include "control/store/store_support.h"

namespace dth::control {
namespace {

constexpr char kUserColumns[] = "username, password_hash, role, created_at";
constexpr char kTokenColumns[] =
    "id, username, token_hash, name, created_at, expires_at, last_used_at";
constexpr char kSecretColumns[] = "name, kind, description, value, created_at, updated_at";

UserRecord ReadUser(const SqliteStatement& row) {
  return UserRecord{row.Text(0), row.Text(1), row.Text(2), FromUnixMs(row.Int(3))};
}

TokenRecord ReadToken(const SqliteStatement& row) {
  return TokenRecord{row.Text(0), row.Text(1), row.Text(2), row.Text(3),
                     FromUnixMs(row.Int(4)), FromUnixMs(row.Int(5)), FromUnixMs(row.Int(6))};
}

SecretRecord ReadSecret(const SqliteStatement& row) {
  return SecretRecord{row.Text(0), row.Text(1), row.Text(2), row.Text(3),
                      FromUnixMs(row.Int(4)), FromUnixMs(row.Int(5))};
}

template <typename T, typename Read>
Result<std::vector<T>> ReadAll(SqliteStatement& select, Read read) {
  std::vector<T> out;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    out.push_back(read(select));
  }
}

}  // namespace

Status SqliteControlStore::CreateUser(const UserRecord& user) {
  DTH_RETURN_IF_ERROR(CheckUsername(user.username));
  static const std::string sql = std::string("INSERT INTO control_users (") + kUserColumns +
                                 ") VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto insert, db_->Prepare(sql.c_str()));
  insert.Bind(1, user.username).Bind(2, user.password_hash).Bind(3, user.role).Bind(4, NowMs());
  DTH_RETURN_IF_ERROR(insert.Run());
  if (db_->Changes() == 0) {
    return Status(Code::kPreconditionFailed, "user " + user.username + " already exists");
  }
  return Status::Ok();
}

Result<UserRecord> SqliteControlStore::GetUser(const std::string& username) {
  static const std::string sql =
      std::string("SELECT ") + kUserColumns + " FROM control_users WHERE username = ?";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, username);
  DTH_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("user " + username + " not found");
  return ReadUser(select);
}

Result<std::vector<UserRecord>> SqliteControlStore::ListUsers() {
  static const std::string sql =
      std::string("SELECT ") + kUserColumns + " FROM control_users ORDER BY username";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  return ReadAll<UserRecord>(select, ReadUser);
}

Status SqliteControlStore::UpdateUser(const UserRecord& user) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto update, db_->Prepare(
      "UPDATE control_users SET password_hash = ?, role = ? WHERE username = ?"));
  DTH_RETURN_IF_ERROR(
      update.Bind(1, user.password_hash).Bind(2, user.role).Bind(3, user.username).Run());
  if (db_->Changes() == 0) return NotFound("user " + user.username + " not found");
  return Status::Ok();
}

Status SqliteControlStore::DeleteUser(const std::string& username) {
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  {
    DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM control_users WHERE username = ?"));
    DTH_RETURN_IF_ERROR(del.Bind(1, username).Run());
    if (db_->Changes() == 0) return NotFound("user " + username + " not found");
  }
  {
    DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM control_tokens WHERE username = ?"));
    DTH_RETURN_IF_ERROR(del.Bind(1, username).Run());
  }
  return txn.Commit();
}

Result<int64_t> SqliteControlStore::CountUsers() {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT COUNT(*) FROM control_users"));
  DTH_ASSIGN_OR_RETURN(bool row, select.Step());
  return row ? select.Int(0) : 0;
}

Status SqliteControlStore::CreateToken(const TokenRecord& token) {
  if (token.id.empty() || token.token_hash.empty()) {
    return InvalidArgument("create token: empty id or hash");
  }
  static const std::string sql = std::string("INSERT INTO control_tokens (") + kTokenColumns +
                                 ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
  std::lock_guard lock(mu_);
  SqliteTransaction txn(*db_);
  DTH_RETURN_IF_ERROR(txn.Begin());
  {
    // A token never outlives its user, even when DeleteUser races with a login.
    DTH_ASSIGN_OR_RETURN(auto select,
                         db_->Prepare("SELECT 1 FROM control_users WHERE username = ?"));
    select.Bind(1, token.username);
    DTH_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return NotFound("create token: user " + token.username + " not found");
  }
  {
    DTH_ASSIGN_OR_RETURN(auto insert, db_->Prepare(sql.c_str()));
    insert.Bind(1, token.id).Bind(2, token.username).Bind(3, token.token_hash);
    insert.Bind(4, token.name).Bind(5, NowMs()).Bind(6, ToUnixMs(token.expires_at));
    insert.Bind(7, ToUnixMs(token.last_used_at));
    DTH_RETURN_IF_ERROR(insert.Run());
    if (db_->Changes() == 0) {
      return Status(Code::kPreconditionFailed, "create token: token " + token.id + " exists");
    }
  }
  return txn.Commit();
}

Result<TokenRecord> SqliteControlStore::FindToken(const std::string& token_hash, TimePoint now) {
  static const std::string sql = std::string("SELECT ") + kTokenColumns +
                                 " FROM control_tokens WHERE token_hash = ?"
                                 " AND (expires_at = 0 OR expires_at > ?)";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, token_hash).Bind(2, ToUnixMs(now));
  DTH_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("token not found or expired");  // never echo the hash
  return ReadToken(select);
}

Result<std::vector<TokenRecord>> SqliteControlStore::ListTokens(const std::string& username) {
  static const std::string sql = std::string("SELECT ") + kTokenColumns +
                                 " FROM control_tokens WHERE username = ?"
                                 " ORDER BY created_at, id";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, username);
  return ReadAll<TokenRecord>(select, ReadToken);
}

Status SqliteControlStore::TouchToken(const std::string& id, TimePoint used_at) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto update,
                       db_->Prepare("UPDATE control_tokens SET last_used_at = ? WHERE id = ?"));
  DTH_RETURN_IF_ERROR(update.Bind(1, ToUnixMs(used_at)).Bind(2, id).Run());
  if (db_->Changes() == 0) return NotFound("token " + id + " not found");
  return Status::Ok();
}

Status SqliteControlStore::DeleteToken(const std::string& id) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM control_tokens WHERE id = ?"));
  DTH_RETURN_IF_ERROR(del.Bind(1, id).Run());
  if (db_->Changes() == 0) return NotFound("token " + id + " not found");
  return Status::Ok();
}

Result<int64_t> SqliteControlStore::DeleteExpiredTokens(TimePoint now) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare(
      "DELETE FROM control_tokens WHERE expires_at > 0 AND expires_at <= ?"));
  DTH_RETURN_IF_ERROR(del.Bind(1, ToUnixMs(now)).Run());
  return db_->Changes();
}

Status SqliteControlStore::CreateSecret(const SecretRecord& secret) {
  DTH_RETURN_IF_ERROR(CheckSecretName(secret.name));
  static const std::string sql = std::string("INSERT INTO control_secrets (") + kSecretColumns +
                                 ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
  std::lock_guard lock(mu_);
  const int64_t now = NowMs();
  DTH_ASSIGN_OR_RETURN(auto insert, db_->Prepare(sql.c_str()));
  insert.Bind(1, secret.name).Bind(2, secret.kind).Bind(3, secret.description);
  insert.Bind(4, secret.value).Bind(5, now).Bind(6, now);
  DTH_RETURN_IF_ERROR(insert.Run());
  if (db_->Changes() == 0) {
    return Status(Code::kPreconditionFailed, "secret " + secret.name + " already exists");
  }
  return Status::Ok();
}

Result<SecretRecord> SqliteControlStore::GetSecret(const std::string& name) {
  static const std::string sql =
      std::string("SELECT ") + kSecretColumns + " FROM control_secrets WHERE name = ?";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  select.Bind(1, name);
  DTH_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("secret " + name + " not found");
  return ReadSecret(select);
}

Result<std::vector<SecretRecord>> SqliteControlStore::ListSecrets() {
  static const std::string sql =
      std::string("SELECT ") + kSecretColumns + " FROM control_secrets ORDER BY name";
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
  return ReadAll<SecretRecord>(select, ReadSecret);
}

Status SqliteControlStore::UpdateSecret(const SecretRecord& secret) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto update, db_->Prepare(
      "UPDATE control_secrets SET kind = ?, description = ?, value = ?, updated_at = ?"
      " WHERE name = ?"));
  update.Bind(1, secret.kind).Bind(2, secret.description).Bind(3, secret.value);
  DTH_RETURN_IF_ERROR(update.Bind(4, NowMs()).Bind(5, secret.name).Run());
  if (db_->Changes() == 0) return NotFound("secret " + secret.name + " not found");
  return Status::Ok();
}

Status SqliteControlStore::DeleteSecret(const std::string& name) {
  std::lock_guard lock(mu_);
  DTH_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM control_secrets WHERE name = ?"));
  DTH_RETURN_IF_ERROR(del.Bind(1, name).Run());
  if (db_->Changes() == 0) return NotFound("secret " + name + " not found");
  return Status::Ok();
}

}  // namespace dth::control
