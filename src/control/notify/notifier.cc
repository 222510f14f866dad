#include "control/notify/notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <random>

#include "control/notify/notify_settings.h"
#include "control/notify/smtp_client.h"
#include "core/bytes.h"
#include "core/hash.h"

namespace dth::control::notify {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string MessageId(const RunRecord& run, const std::string& from) {
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  const std::string nonce = HexEncode(Sha256(std::to_string(rd()) + "/" + std::to_string(rd()) + "/" +
                                             std::to_string(counter++)))
                                .substr(0, 16);
  const size_t at = from.rfind('@');
  const std::string domain = at == std::string::npos ? "dth.invalid" : from.substr(at + 1);
  return "<dth." + run.task_id + "." + std::to_string(run.id) + "." + nonce + "@" + domain + ">";
}

}  // namespace

Status CheckNotifierOptions(const NotifierOptions& o) {
  if (!o.smtp_url.empty()) {
    if (std::string why = CheckSmtpUrl(o.smtp_url); !why.empty())
      return InvalidArgument("--smtp " + RedactUrl(o.smtp_url) + ": " + why);
    if (o.smtp_from.empty()) return InvalidArgument("--smtp-from: give the sender's address with --smtp");
  }
  if (!o.smtp_from.empty()) {
    if (std::string why = CheckEmailAddress(o.smtp_from); !why.empty())
      return InvalidArgument("--smtp-from: '" + o.smtp_from.substr(0, 80) + "' is not an e-mail address: " + why);
    if (o.smtp_url.empty()) return InvalidArgument("--smtp-from: give the SMTP server with --smtp");
  }
  if (o.smtp_starttls && o.smtp_url.rfind("smtp://", 0) != 0)
    return InvalidArgument("--smtp-starttls: only with an smtp:// URL (smtps:// is TLS from the start)");
  if (!o.public_url.empty()) {
    if (std::string why = CheckWebhookUrl(o.public_url); !why.empty())
      return InvalidArgument("--public-url: " + why);
  }
  return Status::Ok();
}

Notifier::Notifier(NotifierOptions options, NotifyLog log, ControlStore* store)
    : options_(std::move(options)), log_(std::move(log)), store_(store) {
  HttpClientOptions http;
  http.connect_timeout = options_.connect_timeout;
  http.stall_timeout = options_.timeout;
  http.tls_verify = options_.verify_tls;
  http.max_connections = 4;
  http_ = std::make_shared<HttpClient>(http);
  Recover();
  thread_ = std::thread([this] { Loop(); });
}

void Notifier::Recover() {
  if (store_ == nullptr) return;
  auto pending = store_->ListNotifications(static_cast<int>(std::min<size_t>(options_.max_queued, 1000)));
  if (!pending.ok()) {
    spdlog::warn("notifications: cannot read the outbox: {}", pending.status().ToString());
    return;
  }
  std::lock_guard lock(mu_);
  for (NotificationRecord& n : *pending) {
    Delivery d;
    d.kind = n.kind == "email" ? Delivery::kEmail : Delivery::kWebhook;
    d.task_id = std::move(n.task_id);
    d.run_id = n.run_id;
    d.target = std::move(n.target);
    d.to = std::move(n.to);
    d.payload = std::move(n.payload);
    d.stored_id = n.id;
    queue_.push_back(std::move(d));
  }
}

Notifier::~Notifier() { Stop(); }

void Notifier::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Notifier::Drain() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void Notifier::OnRunEnded(const TaskRecord& task, const RunRecord& run) {
  const auto parameters = nlohmann::json::parse(task.parameters, nullptr, false);
  auto settings = ParseNotifySettings(parameters);
  if (!settings.ok()) {
    // Checked when the task was stored; a damaged record says so instead of failing.
    log_(task.id, run.id, LogLevel::kWarn, "no notification: " + settings.status().message());
    return;
  }
  if (!ShouldNotify(*settings, task.status)) return;
  RunNotice notice;
  notice.task_id = task.id;
  notice.description = task.description;
  notice.type = task.type;
  notice.schedule = task.schedule;
  notice.status = TaskStatusName(task.status);
  notice.run_id = run.id;
  notice.trigger = run.trigger;
  notice.started_at = run.started_at;
  notice.ended_at = run.finished_at == TimePoint{} ? std::chrono::system_clock::now() : run.finished_at;
  notice.totals = run.totals;
  notice.error = task.status == TaskStatus::kError ? (run.error.empty() ? task.error : run.error) : "";
  notice.link = TaskLink(options_.public_url, task.id);
  if (!settings->webhook.empty()) {
    Enqueue(Delivery{Delivery::kWebhook, task.id, run.id, settings->webhook, {}, WebhookBody(notice)});
  }
  if (!settings->emails.empty()) {
    if (options_.smtp_url.empty()) {
      log_(task.id, run.id, LogLevel::kWarn,
           "notification not sent: e-mail to " + Join(settings->emails) +
               ": this server has no SMTP server configured (dth serve --smtp URL --smtp-from ADDRESS)");
    } else {
      const auto now = std::chrono::system_clock::now();
      Enqueue(Delivery{Delivery::kEmail, task.id, run.id, Join(settings->emails), settings->emails,
                       MailMessage(notice, options_.smtp_from, settings->emails, now,
                                   MessageId(run, options_.smtp_from))});
    }
  }
}

void Notifier::Enqueue(Delivery d) {
  std::string why;
  {
    std::lock_guard lock(mu_);
    if (!stopping_ && queue_.size() < options_.max_queued) {
      if (store_ != nullptr) {
        NotificationRecord n{0, d.task_id, d.run_id, d.kind == Delivery::kEmail ? "email" : "webhook",
                             d.target, d.to, d.payload, TimePoint{}};
        auto id = store_->AddNotification(n);
        if (id.ok()) d.stored_id = *id;
        else spdlog::warn("notifications: cannot keep one in the outbox: {}", id.status().ToString());
      }
      queue_.push_back(std::move(d));
      cv_.notify_all();
      return;
    }
    why = stopping_ ? "the server is stopping"
                    : "more than " + std::to_string(options_.max_queued) + " notifications waiting";
  }
  const std::string what = d.kind == Delivery::kWebhook ? "webhook " + RedactUrl(d.target) : "e-mail to " + d.target;
  log_(d.task_id, d.run_id, LogLevel::kWarn, "notification not sent: " + what + ": " + why);
}

void Notifier::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left
    Delivery d = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    const bool finished = Deliver(d);
    if (finished && store_ != nullptr && d.stored_id != 0) {
      if (Status st = store_->DeleteNotification(d.stored_id); !st.ok() && st.code() != Code::kNotFound)
        spdlog::warn("notifications: cannot clear one from the outbox: {}", st.ToString());
    }
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

bool Notifier::Pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

Status Notifier::Attempt(const Delivery& d) {
  if (d.kind == Delivery::kEmail) {
    SmtpConfig smtp;
    smtp.url = options_.smtp_url;
    smtp.from = options_.smtp_from;
    smtp.require_starttls = options_.smtp_starttls;
    smtp.verify_tls = options_.verify_tls;
    smtp.connect_timeout = options_.connect_timeout;
    smtp.timeout = options_.timeout;
    return SendMail(smtp, d.to, d.payload);
  }
  StringViewSource body(d.payload);
  HttpRequest req;
  req.method = "POST";
  req.url = d.target;
  req.headers = {{"Content-Type", "application/json"}};
  req.body = &body;
  req.max_body = 64 * 1024;
  auto answer = http_->Send(req);
  if (!answer.ok()) {
    // HttpClient quotes the URL (without its query) in transport errors.
    return Status(answer.status().code(), ScrubUrl(answer.status().message(), d.target));
  }
  if (answer->success()) return Status::Ok();
  return Status(ClassifyHttpStatus(answer->status, ""), "answered HTTP " + std::to_string(answer->status));
}

bool Notifier::Deliver(const Delivery& d) {
  const std::string what = d.kind == Delivery::kWebhook ? "webhook " + RedactUrl(d.target) : "e-mail to " + d.target;
  Status st;
  int attempts = 0;
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  bool interrupted = false;
  while (true) {
    ++attempts;
    st = Attempt(d);
    if (st.ok() || !options_.retry.ShouldRetry(st, attempts)) break;
    bool stopping = false;
    {
      std::lock_guard lock(mu_);
      stopping = stopping_;
    }
    if (stopping || !Pause(options_.retry.Delay(attempts, st, uniform(rng)))) {
      interrupted = true;
      break;
    }
  }
  if (st.ok()) {
    log_(d.task_id, d.run_id, LogLevel::kInfo, "notification sent: " + what);
    return true;
  }
  std::string why = d.kind == Delivery::kWebhook ? ScrubUrl(st.message(), d.target) : st.message();
  log_(d.task_id, d.run_id, LogLevel::kWarn,
       "notification failed: " + what + ": " + why + " (" + CodeName(st.code()) + ", " +
           std::to_string(attempts) + (attempts == 1 ? " attempt)" : " attempts)") +
           (interrupted && store_ != nullptr ? "; the server is stopping: tried again at its next start" : ""));
  return !interrupted || store_ == nullptr;
}

}  // namespace dth::control::notify
