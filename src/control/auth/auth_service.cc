#include "control/auth/auth_service.h"

#include "control/auth/password.h"

namespace dth::control {
namespace {

// The same answer for every way a sign-in fails: nothing tells which part was wrong.
Status Denied() { return Status(Code::kPermissionDenied, "wrong username or password"); }

}  // namespace

bool ValidUsername(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

AuthService::AuthService(ControlStore& store, Clock* clock, std::chrono::hours session_lifetime)
    : store_(store), clock_(clock ? clock : SystemClock()), session_lifetime_(session_lifetime) {}

Result<std::string> AuthService::EnsureAdmin(const std::string& password) {
  DTH_ASSIGN_OR_RETURN(int64_t users, store_.CountUsers());
  if (users > 0) return std::string();
  const std::string chosen = password.empty() ? RandomToken(18) : password;
  Status created = CreateUser("admin", chosen, "admin");
  if (!created.ok()) return created.Prefix("creating user admin");
  return chosen;
}

Result<IssuedToken> AuthService::Issue(const std::string& username, const std::string& name,
                                       std::chrono::hours lifetime) {
  IssuedToken issued;
  issued.token = "dth_" + RandomToken(32);
  issued.record.id = "tok-" + RandomToken(9);
  issued.record.username = username;
  issued.record.token_hash = TokenHash(issued.token);
  issued.record.name = name;
  issued.record.created_at = Now();
  issued.record.expires_at = lifetime.count() > 0 ? Now() + lifetime : TimePoint{};
  DTH_RETURN_IF_ERROR(store_.CreateToken(issued.record));
  return issued;
}

Result<IssuedToken> AuthService::Login(const std::string& username, const std::string& password) {
  auto user = store_.GetUser(username);
  if (!user.ok()) {
    if (user.status().code() != Code::kNotFound) return user.status();
    // Spend the time a check would, so a wrong name cannot be told from a wrong password.
    static const std::string dummy = [] {
      auto hash = HashPassword("not a password");
      return hash.ok() ? *hash : std::string();
    }();
    (void)VerifyPassword(password, dummy);
    return Denied();
  }
  if (!VerifyPassword(password, user->password_hash)) return Denied();
  (void)store_.DeleteExpiredTokens(Now());
  return Issue(username, "session", session_lifetime_);
}

Result<Identity> AuthService::Authenticate(const std::string& token) {
  if (token.empty() || token.size() > 256) return Status(Code::kPermissionDenied, "invalid token");
  auto record = store_.FindToken(TokenHash(token), Now());
  if (!record.ok()) {
    if (record.status().code() == Code::kNotFound)
      return Status(Code::kPermissionDenied, "invalid or expired token");
    return record.status();
  }
  auto user = store_.GetUser(record->username);
  if (!user.ok()) return Status(Code::kPermissionDenied, "invalid or expired token");
  (void)store_.TouchToken(record->id, Now());
  return Identity{user->username, user->role, record->id};
}

Status AuthService::Logout(const std::string& token_id) { return store_.DeleteToken(token_id); }

Result<IssuedToken> AuthService::CreateToken(const std::string& username, const std::string& name,
                                             std::chrono::hours lifetime) {
  if (name.empty() || name.size() > 128 || name == "session") {
    return InvalidArgument("name: use 1-128 characters (not \"session\")").WithField("name");
  }
  if (lifetime.count() < 0) return InvalidArgument("expires_in_days: cannot be negative").WithField("expires_in_days");
  return Issue(username, name, lifetime);
}

Result<std::vector<TokenRecord>> AuthService::ListTokens(const std::string& username) {
  DTH_ASSIGN_OR_RETURN(std::vector<TokenRecord> tokens, store_.ListTokens(username));
  for (TokenRecord& t : tokens) t.token_hash.clear();
  return tokens;
}

Status AuthService::DeleteToken(const std::string& username, const std::string& id) {
  DTH_ASSIGN_OR_RETURN(std::vector<TokenRecord> tokens, store_.ListTokens(username));
  for (const TokenRecord& t : tokens) {
    if (t.id == id) return store_.DeleteToken(id);
  }
  return NotFound("no token " + id);
}

Status AuthService::CreateUser(const std::string& username, const std::string& password,
                               const std::string& role) {
  if (!ValidUsername(username))
    return InvalidArgument("username: use 1-64 of a-z, 0-9, '.', '_' and '-'").WithField("username");
  if (password.size() < 8) return InvalidArgument("password: at least 8 characters").WithField("password");
  if (role != "admin") return InvalidArgument("role: only \"admin\" exists for now").WithField("role");
  DTH_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  return store_.CreateUser(UserRecord{username, hash, role, Now()});
}

Status AuthService::SetPassword(const std::string& username, const std::string& password) {
  if (password.size() < 8) return InvalidArgument("password: at least 8 characters").WithField("password");
  DTH_ASSIGN_OR_RETURN(UserRecord user, store_.GetUser(username));
  DTH_ASSIGN_OR_RETURN(user.password_hash, HashPassword(password));
  return store_.UpdateUser(user);
}

Status AuthService::DeleteUser(const std::string& username) {
  DTH_ASSIGN_OR_RETURN(int64_t users, store_.CountUsers());
  DTH_RETURN_IF_ERROR(store_.GetUser(username).status());
  if (users <= 1) return Status(Code::kPreconditionFailed, "the last user cannot be deleted");
  return store_.DeleteUser(username);
}

Result<std::vector<UserRecord>> AuthService::ListUsers() {
  DTH_ASSIGN_OR_RETURN(std::vector<UserRecord> users, store_.ListUsers());
  for (UserRecord& u : users) u.password_hash.clear();
  return users;
}

}  // namespace dth::control
