// The SMTP client (control/notify/smtp_client) against a real SMTP server
// (python3-aiosmtpd): STARTTLS when required — and a refusal when the server offers
// none, or its certificate does not verify — and a refused login, each classified so
// that the notifier does not retry what cannot succeed; no password in any error.
#include "control/notify/smtp_client.h"

#include <gtest/gtest.h>

#include "control/notify/notify_message.h"
#include "integration/smtp_sink.h"
#include "run_process.h"
#include "sync_fixture.h"

namespace dth::control::notify {
namespace {

namespace fs = std::filesystem;

class SmtpClientTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = sync_it::MakeTempDir("dth-smtp"); }
  void TearDown() override {
    sink_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  bool StartSink(const std::string& auth, bool tls) {
    std::string cert, key;
    if (tls) {
      cert = (dir_ / "cert.pem").string();
      key = (dir_ / "key.pem").string();
      testing::ProcessResult r = testing::RunProcess(
          "/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                               "-subj", "/CN=127.0.0.1", "-days", "1"});
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    sink_ = std::make_unique<testing::SmtpSink>((dir_ / "mail").string(), auth, cert, key);
    return sink_->Start();
  }
  SmtpConfig Config(const std::string& userinfo = "") const {
    SmtpConfig c;
    c.url = "smtp://" + userinfo + "127.0.0.1:" + std::to_string(sink_->port());
    c.from = "dth@example.com";
    return c;
  }
  static std::string Message() {
    RunNotice n;
    n.task_id = "t-000000000001";
    n.status = "ERROR";
    n.run_id = 1;
    n.error = "a reason";
    n.link = "/tasks/t-000000000001";
    return MailMessage(n, "dth@example.com", {"ops@example.com"}, std::chrono::system_clock::now(), "<m.1@example.com>");
  }

  fs::path dir_;
  std::unique_ptr<testing::SmtpSink> sink_;
};

TEST_F(SmtpClientTest, StartTlsIsUsedWhenRequiredAndTheServerInsistsOnIt) {
  if (!StartSink("", /*tls=*/true)) GTEST_SKIP() << "python3-aiosmtpd not available";
  SmtpConfig plain = Config();
  Status refused = SendMail(plain, {"ops@example.com"}, Message());
  EXPECT_EQ(refused.code(), Code::kPermanent) << refused.ToString();
  EXPECT_NE(refused.message().find("SMTP 530"), std::string::npos) << refused.ToString();
  SmtpConfig tls = Config();
  tls.require_starttls = true;
  tls.verify_tls = false;  // a self-signed certificate
  Status sent = SendMail(tls, {"ops@example.com"}, Message());
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  auto mails = sink_->WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["subject"], "[dth] t-000000000001 ERROR (run 1)");
  EXPECT_NE(mails[0]["body"].get<std::string>().find("Reason:     a reason"), std::string::npos);
  tls.verify_tls = true;
  Status unverified = SendMail(tls, {"ops@example.com"}, Message());
  EXPECT_EQ(unverified.code(), Code::kPermissionDenied) << unverified.ToString();
  EXPECT_FALSE(unverified.retryable());
  EXPECT_EQ(sink_->Messages().size(), 1u);
}

TEST_F(SmtpClientTest, RequiredStartTlsThatTheServerDoesNotOfferSendsNothing) {
  if (!StartSink("", /*tls=*/false)) GTEST_SKIP() << "python3-aiosmtpd not available";
  SmtpConfig c = Config();
  c.require_starttls = true;
  Status st = SendMail(c, {"ops@example.com"}, Message());
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(st.retryable()) << st.ToString();
  EXPECT_TRUE(SendMail(Config(), {"ops@example.com"}, Message()).ok()) << "plain SMTP works there";
  EXPECT_EQ(sink_->WaitFor(1).size(), 1u);
}

TEST_F(SmtpClientTest, ARefusedLoginIsNotRetriedAndItsPasswordIsNotShown) {
  if (!StartSink("mailer:right-pa55word", /*tls=*/false)) GTEST_SKIP() << "python3-aiosmtpd not available";
  Status wrong = SendMail(Config("mailer:wrong-pa55word@"), {"ops@example.com"}, Message());
  EXPECT_EQ(wrong.code(), Code::kPermissionDenied) << wrong.ToString();
  EXPECT_EQ(wrong.message().find("pa55word"), std::string::npos) << wrong.ToString();
  EXPECT_EQ(wrong.message().find("mailer"), std::string::npos) << wrong.ToString();
  Status none = SendMail(Config(), {"ops@example.com"}, Message());
  EXPECT_FALSE(none.ok());
  EXPECT_FALSE(none.retryable()) << "530 authentication required: " << none.ToString();
  Status right = SendMail(Config("mailer:right-pa55word@"), {"ops@example.com", "dev@example.org"}, Message());
  ASSERT_TRUE(right.ok()) << right.ToString();
  auto mails = sink_->WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["rcpt_tos"], nlohmann::json::array({"ops@example.com", "dev@example.org"}));
  EXPECT_EQ(mails[0]["mail_from"], "dth@example.com");
}

}  // namespace
}  // namespace dth::control::notify
