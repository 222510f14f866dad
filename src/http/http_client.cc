#include "http/http_client.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>
#include <vector>

namespace dth {
namespace {

std::once_flag g_curl_init;

// Everything one transfer's callbacks need.
struct Transfer {
  CURL* easy = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  Status body_error;  // from the source or sink
  bool started = false;  // on_response_start called
};

// Tells the caller a 2xx answer is starting; false aborts the transfer.
bool StartResponse(Transfer* t, long code) {
  if (t->started) return true;
  t->started = true;
  if (!t->request->on_response_start) return true;
  Status st = t->request->on_response_start(static_cast<int>(code), t->response->headers);
  if (!st.ok()) t->body_error = st;
  return st.ok();
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();  // a new response (after 100-continue or a redirect)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  t->response->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return n;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  long code = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
  t->response->body_bytes += n;
  if (code >= 200 && code < 300 && !StartResponse(t, code)) return 0;
  if (t->request->sink != nullptr && code >= 200 && code < 300) {
    Status st = t->request->sink->Write(std::string_view(data, n));
    if (!st.ok()) {
      t->body_error = st;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    return n;
  }
  size_t cap = t->request->max_body;
  if (cap > 0 && t->response->body.size() + n > cap) {
    if (code >= 200 && code < 300) {
      t->body_error = Status(Code::kCorruption, "the answer is larger than the " + std::to_string(cap) +
                                                    " bytes expected at most");
    } else {
      t->response->body.append(data, cap - t->response->body.size());
      t->response->body_truncated = true;  // the status still says what went wrong
    }
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR); the connection is not reused
  }
  t->response->body.append(data, n);
  return n;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  auto got = t->request->body->Read(buffer, size * count);
  if (!got.ok()) {
    t->body_error = got.status();
    return CURL_READFUNC_ABORT;
  }
  return *got;
}

int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset != 0) return CURL_SEEKFUNC_CANTSEEK;
  return t->request->body->Rewind().ok() ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

Status TransportError(CURLcode rc, const char* detail, const std::string& url) {
  // The URL may carry a presigned signature in its query: print only scheme://host/path.
  std::string where = url.substr(0, url.find('?'));
  std::string what = detail[0] != '\0' ? detail : curl_easy_strerror(rc);
  Code code = Code::kTransient;
  switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      code = Code::kInvalidArgument;
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      code = Code::kPermissionDenied;  // retrying will not fix a certificate
      what += " (use --no-verify-tls only for a test endpoint)";
      break;
    default:
      break;
  }
  return Status(code, what + " (" + where + ")");
}

}  // namespace

// Socket reads and writes of 128 KiB, not curl's 16 KiB down and 64 KiB up: a body
// streamed from a GET into a PUT crosses the client in fewer receive and send calls,
// sink writes and thread wake-ups. Each pooled handle keeps its buffers (256 KiB).
constexpr long kReceiveBufferBytes = 128 * 1024;
constexpr long kSendBufferBytes = 128 * 1024;

// The share handle (connections, DNS, TLS sessions) and the pool of easy handles.
struct HttpClient::Shared {
  CURLSH* share = nullptr;
  std::mutex locks[CURL_LOCK_DATA_LAST];
  std::mutex pool_mu;
  std::vector<CURL*> pool;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Shared*>(user)->locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Shared*>(user)->locks[data].unlock();
  }

  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!pool.empty()) {
        CURL* easy = pool.back();
        pool.pop_back();
        return easy;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* easy) {
    curl_easy_reset(easy);
    std::lock_guard<std::mutex> lock(pool_mu);
    pool.push_back(easy);
  }
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), shared_(std::make_unique<Shared>()) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  shared_->share = curl_share_init();
  curl_share_setopt(shared_->share, CURLSHOPT_LOCKFUNC, &Shared::Lock);
  curl_share_setopt(shared_->share, CURLSHOPT_UNLOCKFUNC, &Shared::Unlock);
  curl_share_setopt(shared_->share, CURLSHOPT_USERDATA, shared_.get());
  curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
}

HttpClient::~HttpClient() {
  for (CURL* easy : shared_->pool) curl_easy_cleanup(easy);
  curl_share_cleanup(shared_->share);
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  CURL* easy = shared_->Acquire();
  if (easy == nullptr) return Status(Code::kIo, "cannot create an HTTP handle");
  HttpResponse response;
  Transfer t{easy, &request, &response, Status::Ok()};
  char error[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(easy, CURLOPT_SHARE, shared_->share);
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  // Object keys may contain "." and ".." segments: send the path exactly as built.
  curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
  curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, kSendBufferBytes);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXCONNECTS, options_.max_connections);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options_.tls_verify ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options_.tls_verify ? 2L : 0L);
  if (!options_.ca_bundle.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  // No automatic decompression: bytes are copied as stored (Content-Encoding is metadata).
  curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);

  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) {
    std::string line = v.empty() ? k + ";" : k + ": " + v;
    headers = curl_slist_append(headers, line.c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  if (request.body == nullptr && (request.method == "PUT" || request.method == "POST")) {
    headers = curl_slist_append(headers, "Content-Length: 0");
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);

  if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    // A body streamed into a sink (a download) is read in larger pieces: fewer recv,
    // poll and sink calls per byte than curl's 16 KiB (a 1 GiB download: 65,000 -> ~4,000).
    if (request.sink != nullptr) curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 256L << 10);
  } else if (request.body != nullptr) {
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &OnRead);
    curl_easy_setopt(easy, CURLOPT_READDATA, &t);
    curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, &OnSeek);
    curl_easy_setopt(easy, CURLOPT_SEEKDATA, &t);
    if (request.method != "PUT") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    Status rewound = request.body->Rewind();
    if (!rewound.ok()) {
      curl_slist_free_all(headers);
      shared_->Release(easy);
      return rewound;
    }
  } else {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode rc = curl_easy_perform(easy);
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  std::string url_for_error = rc == CURLE_OK ? std::string() : request.url;
  shared_->Release(easy);

  if (!t.body_error.ok()) return t.body_error;
  if (rc == CURLE_WRITE_ERROR && response.body_truncated) {
    response.status = static_cast<int>(code);
    return response;
  }
  if (rc != CURLE_OK) return TransportError(rc, error, url_for_error);
  response.status = static_cast<int>(code);
  if (response.success() && !StartResponse(&t, code)) return t.body_error;
  return response;
}

}  // namespace dth
