// control/notify/notify_message: what a notification says, built from a run that ended —
// the one-line summary, the webhook's JSON document (Slack-compatible: a top-level
// "text" with the summary, the details as further members) and the e-mail (RFC 5322,
// quoted-printable UTF-8 body, RFC 2047 subject) — and how URLs appear in logs
// (credentials, path and query are never shown: a webhook's path is often its key).
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "control/store/control_store.h"
#include "core/clock.h"
#include "core/human_bytes.h"

namespace dth::control::notify {

struct RunNotice {
  std::string task_id;
  std::string description;
  std::string type;      // "s3" | "image"
  std::string schedule;
  std::string status;    // how the run left the task: "DONE", "ERROR", "STOPPED"
  int64_t run_id = 0;
  std::string trigger;   // "manual", "schedule", "retry", ...
  TimePoint started_at{}, ended_at{};
  RunTotals totals;
  std::string error;     // the reason, when the run failed
  std::string link;      // "/tasks/<id>" (the console's page), absolute with --public-url
};

// "/tasks/<id>", prefixed with public_url (without its trailing '/') when given.
std::string TaskLink(const std::string& public_url, const std::string& task_id);

// One line: `dth task t-... "description" ERROR (run 12): 10 objects copied (1.2 MiB),
// 3 failed: <reason>`.
std::string Summary(const RunNotice& notice);

// The webhook's body: {"text": summary (with Slack's &, <, > escaped), "event":
// "run.ended", "task_id", "description", "type", "schedule", "status", "run_id",
// "trigger", "started_at", "ended_at" (RFC 3339 UTC), "duration_seconds",
// "objects_planned", "objects_done", "objects_failed", "objects_skipped",
// "objects_deleted", "bytes_done", "error", "link"}.
std::string WebhookBody(const RunNotice& notice);

// The whole message, CRLF line ends, ready for SMTP DATA.
std::string MailMessage(const RunNotice& notice, const std::string& from,
                        const std::vector<std::string>& to, TimePoint date,
                        const std::string& message_id);
std::string MailSubject(const RunNotice& notice);  // before RFC 2047 encoding

// Encodings the message uses (exposed for tests).
std::string QuotedPrintable(std::string_view text);   // lines end with CRLF
std::string EncodeHeaderText(std::string_view text);  // as is when ASCII, else =?UTF-8?B?...?=
std::string Rfc3339(TimePoint t);                     // "2026-12-02T13:05:00Z"
std::string Rfc5322Date(TimePoint t);                 // "Wed, 02 Dec 2026 13:05:00 +0000"

// "scheme://host[:port]" plus "/..." when the URL had a path or query: what logs show.
std::string RedactUrl(std::string_view url);
// text with every appearance of url (whole, without its query, and its user-info) replaced
// by RedactUrl(url): for error messages of libraries that quote the URL.
std::string ScrubUrl(std::string text, std::string_view url);

}  // namespace dth::control::notify
