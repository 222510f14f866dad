// control/auth/auth_service: the hub's local users and bearer tokens. A user signs in
// with a password (Argon2id-hashed) and gets a session token (12 h by default); API
// tokens are named, long-lived and revocable. Only SHA-256 hashes of tokens are stored:
// a token is shown once, when made. On first start with no users, `admin` is created
// with DTH_ADMIN_PASSWORD or a generated password (printed once by the caller).
// Thread-safety: thread-safe (as the ControlStore).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "control/store/control_store.h"

namespace dth::control {

struct Identity {
  std::string username;
  std::string role;
  std::string token_id;  // the token this request came with
};

struct IssuedToken {
  std::string token;  // shown once
  TokenRecord record;
};

class AuthService {
 public:
  explicit AuthService(ControlStore& store, Clock* clock = nullptr,
                       std::chrono::hours session_lifetime = std::chrono::hours(12));

  // Creates user admin when there is no user. password "" = generate one; the password
  // actually set is returned ("" when users existed already).
  Result<std::string> EnsureAdmin(const std::string& password);

  // kPermissionDenied (one message for a wrong user or a wrong password).
  Result<IssuedToken> Login(const std::string& username, const std::string& password);
  // A bearer token -> who it is; kPermissionDenied when unknown or expired.
  Result<Identity> Authenticate(const std::string& token);
  Status Logout(const std::string& token_id);

  // Named API tokens (lifetime 0 = never expires).
  Result<IssuedToken> CreateToken(const std::string& username, const std::string& name,
                                  std::chrono::hours lifetime);
  Result<std::vector<TokenRecord>> ListTokens(const std::string& username);
  Status DeleteToken(const std::string& username, const std::string& id);

  // Users.
  Status CreateUser(const std::string& username, const std::string& password,
                    const std::string& role);
  Status SetPassword(const std::string& username, const std::string& password);
  Status DeleteUser(const std::string& username);
  Result<std::vector<UserRecord>> ListUsers();  // hashes cleared

 private:
  Result<IssuedToken> Issue(const std::string& username, const std::string& name,
                            std::chrono::hours lifetime);
  TimePoint Now() const { return clock_->Now(); }

  ControlStore& store_;
  Clock* clock_;
  std::chrono::hours session_lifetime_;
};

// [a-z0-9._-]{1,64}
bool ValidUsername(const std::string& name);

}  // namespace dth::control
