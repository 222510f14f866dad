// What a notification says: the summary line, the webhook's JSON (Slack-compatible
// "text"), the e-mail's headers and quoted-printable body (nothing a user typed can add
// a header), and URLs in logs without credentials or keys.
#include "control/notify/notify_message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dth::control::notify {
namespace {

RunNotice Failed() {
  RunNotice n;
  n.task_id = "t-0123456789ab";
  n.description = "nightly <copy> & more";
  n.type = "s3";
  n.schedule = "rate(1 day)";
  n.status = "ERROR";
  n.run_id = 12;
  n.trigger = "schedule";
  n.started_at = FromUnixMs(1764680700000);  // 2025-12-02T13:05:00Z
  n.ended_at = FromUnixMs(1764680790000);
  n.totals.objects_planned = 13;
  n.totals.objects_done = 10;
  n.totals.bytes_done = 1258291;  // 1.2 MiB
  n.totals.objects_failed = 3;
  n.error = "3 objects failed: a/b.txt: AccessDenied (HTTP 403)";
  n.link = "https://hub.example.com/tasks/t-0123456789ab";
  return n;
}

// The decoded body of a quoted-printable text.
std::string DecodeQp(const std::string& qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '=' && i + 2 < qp.size() && qp[i + 1] == '\r' && qp[i + 2] == '\n') {
      i += 2;
    } else if (qp[i] == '=' && i + 2 < qp.size()) {
      out += static_cast<char>(std::stoi(qp.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (qp[i] == '\r') {
      continue;
    } else {
      out += qp[i];
    }
  }
  return out;
}

TEST(NotifyMessageTest, TheSummaryIsOneLineWithTheNumbersAndTheReason) {
  EXPECT_EQ(Summary(Failed()),
            "dth task t-0123456789ab \"nightly <copy> & more\" ERROR (run 12): 10 objects copied (1.2 MiB), "
            "3 failed: 3 objects failed: a/b.txt: AccessDenied (HTTP 403)");
  RunNotice n = Failed();
  n.description = "two\nlines";
  n.error = "line one\r\nline two";
  EXPECT_EQ(Summary(n).find('\n'), std::string::npos);
  EXPECT_EQ(Summary(n).find('\r'), std::string::npos);
}

TEST(NotifyMessageTest, TheWebhookDocumentCarriesEveryDetailAndASlackText) {
  auto j = nlohmann::json::parse(WebhookBody(Failed()));
  EXPECT_EQ(j["text"], "dth task t-0123456789ab \"nightly &lt;copy&gt; &amp; more\" ERROR (run 12): 10 objects "
                       "copied (1.2 MiB), 3 failed: 3 objects failed: a/b.txt: AccessDenied (HTTP 403)")
      << "Slack reads &, < and > as markup";
  EXPECT_EQ(j["event"], "run.ended");
  EXPECT_EQ(j["task_id"], "t-0123456789ab");
  EXPECT_EQ(j["description"], "nightly <copy> & more");
  EXPECT_EQ(j["type"], "s3");
  EXPECT_EQ(j["schedule"], "rate(1 day)");
  EXPECT_EQ(j["status"], "ERROR");
  EXPECT_EQ(j["run_id"], 12);
  EXPECT_EQ(j["trigger"], "schedule");
  EXPECT_EQ(j["started_at"], "2025-12-02T13:05:00Z");
  EXPECT_EQ(j["ended_at"], "2025-12-02T13:06:30Z");
  EXPECT_EQ(j["duration_seconds"], 90);
  EXPECT_EQ(j["objects_planned"], 13);
  EXPECT_EQ(j["objects_done"], 10);
  EXPECT_EQ(j["objects_failed"], 3);
  EXPECT_EQ(j["objects_skipped"], 0);
  EXPECT_EQ(j["objects_deleted"], 0);
  EXPECT_EQ(j["bytes_done"], 1258291);
  EXPECT_EQ(j["error"], "3 objects failed: a/b.txt: AccessDenied (HTTP 403)");
  EXPECT_EQ(j["link"], "https://hub.example.com/tasks/t-0123456789ab");
  RunNotice bad = Failed();
  bad.description = std::string("broken \xff utf-8");
  EXPECT_TRUE(nlohmann::json::accept(WebhookBody(bad))) << "invalid UTF-8 is replaced, not thrown";
}

TEST(NotifyMessageTest, LinksArePathsOrUnderThePublicUrl) {
  EXPECT_EQ(TaskLink("", "t-1"), "/tasks/t-1");
  EXPECT_EQ(TaskLink("https://hub.example.com/", "t-1"), "https://hub.example.com/tasks/t-1");
}

TEST(NotifyMessageTest, TheMailHasItsHeadersAndAReadableBody) {
  const std::string m = MailMessage(Failed(), "dth@example.com", {"ops@example.com", "dev@example.org"},
                                    FromUnixMs(1764680790000), "<id.1@example.com>");
  const size_t split = m.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  const std::string headers = m.substr(0, split + 2), body = m.substr(split + 4);
  EXPECT_NE(headers.find("From: dth@example.com\r\n"), std::string::npos) << headers;
  EXPECT_NE(headers.find("To: ops@example.com, dev@example.org\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Subject: [dth] t-0123456789ab \"nightly <copy> & more\" ERROR (run 12)\r\n"),
            std::string::npos)
      << headers;
  EXPECT_NE(headers.find("Date: Tue, 02 Dec 2025 13:06:30 +0000\r\n"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Message-ID: <id.1@example.com>\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
  for (size_t at = 0; (at = m.find('\n', at)) != std::string::npos; ++at) {
    ASSERT_GT(at, 0u);
    EXPECT_EQ(m[at - 1], '\r') << "bare LF at " << at;
  }
  const std::string text = DecodeQp(body);
  EXPECT_NE(text.find("Task t-0123456789ab (nightly <copy> & more) ERROR."), std::string::npos) << text;
  EXPECT_NE(text.find("Copied:     10 objects, 1.2 MiB (1258291 bytes)"), std::string::npos) << text;
  EXPECT_NE(text.find("Failed:     3 objects"), std::string::npos);
  EXPECT_NE(text.find("Reason:     3 objects failed: a/b.txt: AccessDenied (HTTP 403)"), std::string::npos);
  EXPECT_NE(text.find("Task:       https://hub.example.com/tasks/t-0123456789ab"), std::string::npos);
}

TEST(NotifyMessageTest, NothingTypedByAUserStartsAHeader) {
  RunNotice n = Failed();
  n.description = "x\r\nBcc: victim@example.com\r\n\r\nforged";
  const std::string m = MailMessage(n, "dth@example.com", {"ops@example.com"}, FromUnixMs(0), "<i@x>");
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos) << m;
  EXPECT_EQ(m.find("\nforged"), std::string::npos);
}

TEST(NotifyMessageTest, NonAsciiSubjectsAreEncodedWords) {
  EXPECT_EQ(EncodeHeaderText("plain"), "plain");
  const std::string encoded = EncodeHeaderText("copie nocturne \xc3\xa9t\xc3\xa9");
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u) << encoded;
  const std::string long_one = EncodeHeaderText(std::string(60, 'a') + "\xc3\xa9" + std::string(60, 'b'));
  for (size_t start = 0, end; start < long_one.size(); start = end + 3) {
    end = long_one.find("\r\n ", start);
    if (end == std::string::npos) end = long_one.size();
    EXPECT_LE(end - start, 75u) << "an encoded word is at most 75 characters";
  }
}

TEST(NotifyMessageTest, QuotedPrintableKeepsLinesShortAndEncodesWhatItMust) {
  EXPECT_EQ(QuotedPrintable("a=b\n"), "a=3Db\r\n");
  EXPECT_EQ(QuotedPrintable("trailing \n"), "trailing=20\r\n");
  EXPECT_EQ(QuotedPrintable("\xc3\xa9"), "=C3=A9\r\n");
  const std::string qp = QuotedPrintable(std::string(300, 'x') + "\n");
  for (size_t start = 0, end; (end = qp.find("\r\n", start)) != std::string::npos; start = end + 2) {
    EXPECT_LE(end - start, 76u);
  }
  EXPECT_EQ(DecodeQp(qp), std::string(300, 'x') + "\n");
}

TEST(NotifyMessageTest, Times) {
  EXPECT_EQ(Rfc3339(FromUnixMs(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Rfc5322Date(FromUnixMs(0)), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(NotifyMessageTest, UrlsInLogsLoseTheirCredentialsPathAndQuery) {
  EXPECT_EQ(RedactUrl("https://hooks.slack.com/services/T0/B0/SECRET"), "https://hooks.slack.com/...");
  EXPECT_EQ(RedactUrl("smtp://user:pa55word@mail.example.com:587"), "smtp://mail.example.com:587");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
  EXPECT_EQ(RedactUrl("http://u:p@[::1]:99?token=x"), "http://[::1]:99/...");
  EXPECT_EQ(RedactUrl("not a url"), "(a URL)");
  const std::string url = "https://u:pa55word@hooks.example.com/services/SECRET?sig=KEY";
  const std::string scrubbed =
      ScrubUrl("Failed to connect (https://u:pa55word@hooks.example.com/services/SECRET); "
               "u:pa55word@hooks.example.com refused /services/SECRET?sig=KEY",
               url);
  EXPECT_EQ(scrubbed.find("pa55word"), std::string::npos) << scrubbed;
  EXPECT_EQ(scrubbed.find("SECRET"), std::string::npos) << scrubbed;
  EXPECT_EQ(scrubbed.find("KEY"), std::string::npos) << scrubbed;
  EXPECT_NE(scrubbed.find("https://hooks.example.com/..."), std::string::npos) << scrubbed;
}

}  // namespace
}  // namespace dth::control::notify
