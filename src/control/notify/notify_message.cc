#include "control/notify/notify_message.h"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/hash.h"

namespace dth::control::notify {
namespace {

// Control characters (CR, LF, tabs...) become spaces: nothing a user typed can start a
// new header or line.
std::string OneLine(std::string_view s, size_t max_bytes) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  if (out.size() > max_bytes) {
    size_t cut = max_bytes;
    // Do not cut a UTF-8 sequence in half.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::tm Utc(TimePoint t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

std::string SlackEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Time(TimePoint t) { return t == TimePoint{} ? "" : Rfc3339(t); }

int64_t DurationSeconds(const RunNotice& n) {
  if (n.started_at == TimePoint{} || n.ended_at < n.started_at) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(n.ended_at - n.started_at).count();
}

void ReplaceAll(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  size_t at = 0;
  while ((at = text.find(what, at)) != std::string::npos) {
    text.replace(at, what.size(), with);
    at += with.size();
  }
}

}  // namespace

std::string TaskLink(const std::string& public_url, const std::string& task_id) {
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/tasks/" + task_id;
}

std::string Rfc3339(TimePoint t) {
  const std::tm tm = Utc(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Rfc5322Date(TimePoint t) {
  const std::tm tm = Utc(t);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
                months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string Summary(const RunNotice& n) {
  std::string s = "dth task " + n.task_id;
  if (!n.description.empty()) s += " \"" + OneLine(n.description, 100) + "\"";
  s += " " + n.status + " (run " + std::to_string(n.run_id) + "): ";
  s += std::to_string(n.totals.objects_done) + " objects copied (" + HumanBytes(n.totals.bytes_done) + ")";
  s += ", " + std::to_string(n.totals.objects_failed) + " failed";
  if (n.totals.objects_deleted > 0) s += ", " + std::to_string(n.totals.objects_deleted) + " deleted";
  if (!n.error.empty()) s += ": " + OneLine(n.error, 300);
  return s;
}

std::string WebhookBody(const RunNotice& n) {
  nlohmann::json j = {{"text", SlackEscape(Summary(n))},
                      {"event", "run.ended"},
                      {"task_id", n.task_id},
                      {"description", n.description},
                      {"type", n.type},
                      {"schedule", n.schedule},
                      {"status", n.status},
                      {"run_id", n.run_id},
                      {"trigger", n.trigger},
                      {"started_at", Time(n.started_at)},
                      {"ended_at", Time(n.ended_at)},
                      {"duration_seconds", DurationSeconds(n)},
                      {"objects_planned", n.totals.objects_planned},
                      {"objects_done", n.totals.objects_done},
                      {"objects_failed", n.totals.objects_failed},
                      {"objects_skipped", n.totals.objects_skipped},
                      {"objects_deleted", n.totals.objects_deleted},
                      {"bytes_done", n.totals.bytes_done},
                      {"error", n.error},
                      {"link", n.link}};
  // Invalid UTF-8 in a description or a reason is replaced, never an exception.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string MailSubject(const RunNotice& n) {
  std::string s = "[dth] " + n.task_id;
  if (!n.description.empty()) s += " \"" + OneLine(n.description, 80) + "\"";
  return s + " " + n.status + " (run " + std::to_string(n.run_id) + ")";
}

std::string EncodeHeaderText(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  // Encoded words of at most 75 characters, split between UTF-8 sequences, folded.
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = std::min(text.size(), at + 45);
    while (end < text.size() && end > at && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (end == at) end = std::min(text.size(), at + 45);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(text.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string QuotedPrintable(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out, line;
  auto flush = [&](bool soft) {
    out += line;
    out += soft ? "=\r\n" : "\r\n";
    line.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n') {
      // Trailing white space before a line end is encoded (RFC 2045 6.7 (3)).
      if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
        const char last = line.back();
        line.pop_back();
        line += last == ' ' ? "=20" : "=09";
      }
      flush(false);
      continue;
    }
    std::string piece;
    if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') {
      piece = static_cast<char>(c);
    } else {
      piece = {'=', hex[c >> 4], hex[c & 15]};
    }
    // A '.' at the start of a line is left to the SMTP client (dot-stuffing).
    if (line.size() + piece.size() > 75) flush(true);
    line += piece;
  }
  if (!line.empty()) {
    if (line.back() == ' ' || line.back() == '\t') {
      const char last = line.back();
      line.pop_back();
      line += last == ' ' ? "=20" : "=09";
    }
    flush(false);
  }
  return out;
}

std::string MailMessage(const RunNotice& n, const std::string& from, const std::vector<std::string>& to,
                        TimePoint date, const std::string& message_id) {
  std::string to_line;
  for (const std::string& addr : to) to_line += (to_line.empty() ? "" : ", ") + addr;
  std::string body;
  body += "Task " + n.task_id + (n.description.empty() ? "" : " (" + OneLine(n.description, 1024) + ")") +
          " " + n.status + ".\n\n";
  body += "Run:        " + std::to_string(n.run_id) + (n.trigger.empty() ? "" : " (" + n.trigger + ")") + "\n";
  body += "Type:       " + n.type + ", schedule " + n.schedule + "\n";
  body += "Started:    " + Time(n.started_at) + "\n";
  body += "Ended:      " + Time(n.ended_at) + "\n";
  body += "Copied:     " + std::to_string(n.totals.objects_done) + " objects, " +
          HumanBytes(n.totals.bytes_done) + " (" + std::to_string(n.totals.bytes_done) + " bytes)\n";
  body += "Failed:     " + std::to_string(n.totals.objects_failed) + " objects\n";
  body += "Skipped:    " + std::to_string(n.totals.objects_skipped) + " objects (already there)\n";
  if (n.totals.objects_deleted > 0) body += "Deleted:    " + std::to_string(n.totals.objects_deleted) + " objects\n";
  if (!n.error.empty()) body += "Reason:     " + OneLine(n.error, 4096) + "\n";
  body += "Task:       " + n.link + "\n";
  std::string m;
  m += "From: " + from + "\r\n";
  m += "To: " + to_line + "\r\n";
  m += "Subject: " + EncodeHeaderText(MailSubject(n)) + "\r\n";
  m += "Date: " + Rfc5322Date(date) + "\r\n";
  m += "Message-ID: " + message_id + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "X-Dth-Task: " + n.task_id + "\r\n";
  m += "X-Dth-Status: " + n.status + "\r\n";
  m += "\r\n";
  m += QuotedPrintable(body);
  return m;
}

std::string RedactUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "(a URL)";
  const size_t start = scheme_end + 3;
  const size_t end = std::min(url.find_first_of("/?#", start), url.size());
  std::string_view authority = url.substr(start, end - start);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string out = std::string(url.substr(0, start)) + std::string(authority);
  const std::string_view rest = url.substr(end);
  if (!rest.empty() && rest != "/") out += "/...";
  return out;
}

std::string ScrubUrl(std::string text, std::string_view url) {
  if (url.empty()) return text;
  const std::string redacted = RedactUrl(url);
  ReplaceAll(text, url, redacted);
  const std::string_view no_query = url.substr(0, url.find('?'));
  ReplaceAll(text, no_query, redacted);
  const std::string_view no_fragment = url.substr(0, url.find('#'));
  ReplaceAll(text, no_fragment, redacted);
  // The user-info alone (a library may quote "user:password@host"), and the path, which
  // may carry a key, with and without its query.
  const size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    const size_t start = scheme_end + 3;
    const size_t end = std::min(url.find_first_of("/?#", start), url.size());
    const std::string_view authority = url.substr(start, end - start);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      ReplaceAll(text, authority.substr(0, at + 1), "");
    }
    const std::string_view path = url.substr(end);
    if (path.size() > 1) ReplaceAll(text, path, "/...");
    const std::string_view path_only = path.substr(0, path.find_first_of("?#"));
    if (path_only.size() > 1) ReplaceAll(text, path_only, "/...");
  }
  return text;
}

}  // namespace dth::control::notify
