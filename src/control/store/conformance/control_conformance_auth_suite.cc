// ControlConformance: users, API tokens and sessions, named credentials (secrets).
#include "control/store/conformance/control_conformance.h"

namespace dth::control {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

UserRecord User(const std::string& name, const std::string& hash = "$argon2id$v=19$abc") {
  return UserRecord{name, hash, "admin", TimePoint{}};
}

TokenRecord Token(const std::string& id, const std::string& user, TimePoint expires) {
  TokenRecord t;
  t.id = id;
  t.username = user;
  t.token_hash = "hash-of-" + id;
  t.name = "ci pipeline";
  t.expires_at = expires;
  return t;
}

}  // namespace

TEST_P(ControlConformance, UsersRoundTrip) {
  EXPECT_EQ(*store().CountUsers(), 0);
  EXPECT_TRUE(store().ListUsers()->empty());
  ASSERT_TRUE(store().CreateUser(User("zoe")).ok());
  clock_.Advance(seconds(1));
  ASSERT_TRUE(store().CreateUser(User("admin.1")).ok());
  EXPECT_EQ(peer().CreateUser(User("zoe", "other")).code(), Code::kPreconditionFailed);
  EXPECT_EQ(store().GetUser("zoe")->password_hash, "$argon2id$v=19$abc");  // not replaced
  for (const char* bad : {"", "Zoe", "a b", "x/y"}) {
    EXPECT_EQ(store().CreateUser(User(bad)).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(store().CreateUser(User(std::string(65, 'a'))).code(), Code::kInvalidArgument);

  auto zoe = peer().GetUser("zoe");
  ASSERT_TRUE(zoe.ok()) << zoe.status().ToString();
  UserRecord expected = User("zoe");
  expected.created_at = clock_.Now() - seconds(1);
  EXPECT_EQ(*zoe, expected);
  auto users = store().ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].username, "admin.1");
  EXPECT_EQ((*users)[1], expected);
  EXPECT_EQ(*peer().CountUsers(), 2);

  UserRecord changed = expected;
  changed.password_hash = "$argon2id$new";
  changed.role = "viewer";
  changed.created_at = TimePoint{};  // not changed by UpdateUser
  ASSERT_TRUE(store().UpdateUser(changed).ok());
  changed.created_at = expected.created_at;
  EXPECT_EQ(*peer().GetUser("zoe"), changed);
  EXPECT_EQ(store().UpdateUser(User("nobody")).code(), Code::kNotFound);
  EXPECT_EQ(store().GetUser("nobody").status().code(), Code::kNotFound);

  ASSERT_TRUE(store().DeleteUser("zoe").ok());
  EXPECT_EQ(store().GetUser("zoe").status().code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteUser("zoe").code(), Code::kNotFound);
  EXPECT_EQ(*store().CountUsers(), 1);
}

TEST_P(ControlConformance, TokensAreFoundByHashUntilTheyExpire) {
  ASSERT_TRUE(store().CreateUser(User("ann")).ok());
  const TimePoint now = clock_.Now();
  TokenRecord session = Token("tok-1", "ann", now + hours(12));
  session.name = "session";
  TokenRecord api = Token("tok-2", "ann", TimePoint{});  // never expires
  ASSERT_TRUE(store().CreateToken(session).ok());
  clock_.Advance(milliseconds(5));
  ASSERT_TRUE(peer().CreateToken(api).ok());

  auto found = peer().FindToken(session.token_hash, now);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  TokenRecord expected = session;
  expected.created_at = now;
  EXPECT_EQ(*found, expected);
  EXPECT_TRUE(store().FindToken(session.token_hash, now + hours(12) - milliseconds(1)).ok());
  EXPECT_EQ(store().FindToken(session.token_hash, now + hours(12)).status().code(),
            Code::kNotFound);
  EXPECT_TRUE(store().FindToken(api.token_hash, now + hours(24 * 365 * 10)).ok());
  EXPECT_EQ(store().FindToken("no-such-hash", now).status().code(), Code::kNotFound);

  // Taken ids and hashes are refused; tokens belong to users that exist.
  EXPECT_EQ(store().CreateToken(Token("tok-1", "ann", TimePoint{})).code(),
            Code::kPreconditionFailed);
  TokenRecord same_hash = Token("tok-3", "ann", TimePoint{});
  same_hash.token_hash = api.token_hash;
  EXPECT_EQ(store().CreateToken(same_hash).code(), Code::kPreconditionFailed);
  EXPECT_EQ(store().CreateToken(Token("tok-4", "ghost", TimePoint{})).code(), Code::kNotFound);
  EXPECT_EQ(store().CreateToken(Token("", "ann", TimePoint{})).code(), Code::kInvalidArgument);

  ASSERT_TRUE(store().TouchToken("tok-2", now + hours(1)).ok());
  EXPECT_EQ(store().FindToken(api.token_hash, now)->last_used_at, now + hours(1));
  EXPECT_EQ(store().TouchToken("tok-9", now).code(), Code::kNotFound);
  auto listed = peer().ListTokens("ann");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "tok-1");
  EXPECT_EQ((*listed)[1].id, "tok-2");
  EXPECT_EQ((*listed)[1].last_used_at, now + hours(1));
  EXPECT_TRUE(store().ListTokens("nobody")->empty());

  // Retention: only expired tokens go, and only once.
  EXPECT_EQ(*store().DeleteExpiredTokens(now + hours(12) - milliseconds(1)), 0);
  EXPECT_EQ(*store().DeleteExpiredTokens(now + hours(12)), 1);
  EXPECT_EQ(*store().DeleteExpiredTokens(now + hours(100)), 0);
  EXPECT_EQ(store().ListTokens("ann")->size(), 1u);

  ASSERT_TRUE(store().DeleteToken("tok-2").ok());
  EXPECT_EQ(store().DeleteToken("tok-2").code(), Code::kNotFound);
  EXPECT_EQ(store().FindToken(api.token_hash, now).status().code(), Code::kNotFound);
}

TEST_P(ControlConformance, DeletingAUserDeletesTheirTokens) {
  ASSERT_TRUE(store().CreateUser(User("ann")).ok());
  ASSERT_TRUE(store().CreateUser(User("bob")).ok());
  ASSERT_TRUE(store().CreateToken(Token("tok-a1", "ann", TimePoint{})).ok());
  ASSERT_TRUE(store().CreateToken(Token("tok-a2", "ann", TimePoint{})).ok());
  ASSERT_TRUE(store().CreateToken(Token("tok-b1", "bob", TimePoint{})).ok());
  ASSERT_TRUE(peer().DeleteUser("ann").ok());
  EXPECT_TRUE(store().ListTokens("ann")->empty());
  EXPECT_EQ(store().FindToken("hash-of-tok-a1", clock_.Now()).status().code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteToken("tok-a2").code(), Code::kNotFound);
  EXPECT_TRUE(store().FindToken("hash-of-tok-b1", clock_.Now()).ok());
  // A user made again under the same name does not inherit old tokens.
  ASSERT_TRUE(store().CreateUser(User("ann")).ok());
  EXPECT_TRUE(store().ListTokens("ann")->empty());
}

TEST_P(ControlConformance, SecretsRoundTripAndUpdate) {
  SecretRecord s3{"prod-s3", "s3", "production bucket", R"({"access_key_id":"AK","secret":"x"})",
                  TimePoint{}, TimePoint{}};
  SecretRecord reg{"Docker.Hub_1", "registry", "", R"({"username":"u","password":"p"})",
                   TimePoint{}, TimePoint{}};
  const TimePoint created = clock_.Now();
  ASSERT_TRUE(store().CreateSecret(s3).ok());
  ASSERT_TRUE(peer().CreateSecret(reg).ok());
  EXPECT_EQ(store().CreateSecret(s3).code(), Code::kPreconditionFailed);
  for (const char* bad : {"", "has space", "a/b"}) {
    SecretRecord b = s3;
    b.name = bad;
    EXPECT_EQ(store().CreateSecret(b).code(), Code::kInvalidArgument) << bad;
  }
  auto got = peer().GetSecret("prod-s3");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  SecretRecord expected = s3;
  expected.created_at = expected.updated_at = created;
  EXPECT_EQ(*got, expected);
  auto all = store().ListSecrets();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "Docker.Hub_1");  // by name, bytewise
  EXPECT_EQ((*all)[1].name, "prod-s3");

  clock_.Advance(seconds(30));
  SecretRecord rotated = s3;
  rotated.kind = "s3";
  rotated.description = "rotated";
  rotated.value = R"({"access_key_id":"AK2","secret":"y"})";
  ASSERT_TRUE(store().UpdateSecret(rotated).ok());
  expected.description = rotated.description;
  expected.value = rotated.value;
  expected.updated_at = clock_.Now();
  EXPECT_EQ(*peer().GetSecret("prod-s3"), expected);
  SecretRecord missing = s3;
  missing.name = "missing";
  EXPECT_EQ(store().UpdateSecret(missing).code(), Code::kNotFound);
  EXPECT_EQ(store().GetSecret("missing").status().code(), Code::kNotFound);

  ASSERT_TRUE(store().DeleteSecret("prod-s3").ok());
  EXPECT_EQ(store().DeleteSecret("prod-s3").code(), Code::kNotFound);
  EXPECT_EQ(store().GetSecret("prod-s3").status().code(), Code::kNotFound);
  EXPECT_EQ(store().ListSecrets()->size(), 1u);
}

}  // namespace dth::control
