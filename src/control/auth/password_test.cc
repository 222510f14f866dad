#include "control/auth/password.h"

#include <gtest/gtest.h>

#include <set>

namespace dth::control {
namespace {

TEST(PasswordTest, HashesWithArgon2idAndVerifies) {
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword("correct horse", *hash));
  EXPECT_FALSE(VerifyPassword("correct horsf", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
  auto again = HashPassword("correct horse");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *hash) << "a fresh salt each time";
}

TEST(PasswordTest, BadInputIsRefusedNotCrashed) {
  EXPECT_EQ(HashPassword("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string(2000, 'x')).status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(VerifyPassword("x", ""));
  EXPECT_FALSE(VerifyPassword("x", "not a hash"));
  EXPECT_FALSE(VerifyPassword("x", "$argon2id$garbage"));
  EXPECT_FALSE(VerifyPassword("x", std::string(500, '$')));
}

TEST(PasswordTest, TokensAreRandomUrlSafeAndHashedToHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = RandomToken(32);
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace dth::control
