#include "control/notify/smtp_client.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "control/notify/notify_message.h"

namespace dth::control::notify {
namespace {

struct Reader {
  const std::string* data;
  size_t at = 0;
};

size_t Read(char* buffer, size_t size, size_t count, void* user) {
  auto* r = static_cast<Reader*>(user);
  const size_t n = std::min(size * count, r->data->size() - r->at);
  std::memcpy(buffer, r->data->data() + r->at, n);
  r->at += n;
  return n;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

struct Slist {
  curl_slist* list = nullptr;
  ~Slist() { curl_slist_free_all(list); }
};

struct UrlHandle {
  CURLU* h = curl_url();
  ~UrlHandle() { curl_url_cleanup(h); }
};

}  // namespace

std::string CheckSmtpUrl(const std::string& url) {
  if (!StartsWith(url, "smtp://") && !StartsWith(url, "smtps://")) return "expected smtp://HOST:PORT or smtps://HOST:PORT";
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return "spaces and control characters are not allowed";
  }
  UrlHandle u;
  if (u.h == nullptr) return "cannot parse URLs (out of memory)";
  if (curl_url_set(u.h, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "not a valid URL";
  char* host = nullptr;
  if (curl_url_get(u.h, CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr || *host == '\0') {
    curl_free(host);
    return "no host";
  }
  curl_free(host);
  char* path = nullptr;
  std::string why;
  // smtp://host/DOMAIN names the EHLO domain; a query or fragment means a mistake.
  if (curl_url_get(u.h, CURLUPART_QUERY, &path, 0) == CURLUE_OK && path != nullptr) why = "a query is not allowed";
  curl_free(path);
  return why;
}

Status SendMail(const SmtpConfig& config, const std::vector<std::string>& to, const std::string& message) {
  if (to.empty()) return InvalidArgument("no recipients");
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return Status(Code::kIo, "cannot create an SMTP handle");
  struct Cleanup {
    CURL* e;
    ~Cleanup() { curl_easy_cleanup(e); }
  } cleanup{easy};
  Slist rcpt;
  for (const std::string& addr : to) rcpt.list = curl_slist_append(rcpt.list, ("<" + addr + ">").c_str());
  const std::string from = "<" + config.from + ">";
  Reader reader{&message};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(easy, CURLOPT_URL, config.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, rcpt.list);
  curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Read);
  curl_easy_setopt(easy, CURLOPT_READDATA, &reader);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(config.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_USE_SSL, config.require_starttls ? static_cast<long>(CURLUSESSL_ALL)
                                                                  : static_cast<long>(CURLUSESSL_NONE));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, config.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, config.verify_tls ? 2L : 0L);
  const CURLcode rc = curl_easy_perform(easy);
  if (rc == CURLE_OK) return Status::Ok();
  long smtp_code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &smtp_code);
  // libcurl's message may quote the URL: show it without credentials, path or query.
  std::string what = ScrubUrl(error[0] != '\0' ? error : curl_easy_strerror(rc), config.url);
  if (smtp_code > 0) what += " (SMTP " + std::to_string(smtp_code) + ")";
  Code code = Code::kPermanent;
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
      code = Code::kTransient;
      break;
    case CURLE_LOGIN_DENIED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
      code = Code::kPermissionDenied;
      break;
    default:
      code = Code::kPermanent;
  }
  // The server's own verdict decides when it gave one: 4xx = try later, 5xx = never.
  if (smtp_code >= 400 && smtp_code < 500) code = Code::kServerError;
  if (smtp_code >= 500 && rc != CURLE_LOGIN_DENIED) code = Code::kPermanent;
  return Status(code, "SMTP to " + RedactUrl(config.url) + ": " + what);
}

}  // namespace dth::control::notify
