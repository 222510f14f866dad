// control/notify/notifier: the hub's notifications. When a task's run ends, OnRunEnded
// reads the task's notification parameters (notify_settings) and, when they ask for it,
// queues a webhook POST and an e-mail; one thread of its own sends them, so the task
// runner never waits on the network. Each delivery has timeouts and bounded retries
// (what a retry can cure: network failures, 5xx, 429, SMTP 4xx); its outcome — sent, or
// failed with the reason — goes to the task's log through `log`. A notification never
// changes a task's status. URLs in log lines are redacted (no credentials, no path:
// a webhook's path is often its key).
// Given a store, the queue is also kept there (its outbox, ControlStore notifications):
// each delivery is written before it is queued and removed once sent or failed for
// good, and the deliveries a killed process left are queued again when the next
// notifier starts (oldest first). One that Stop interrupts while a retry could still
// cure it stays for the next start.
// Owns: the queue and the sending thread (joined by Stop / the destructor).
// Thread-safety: thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/notify/notify_message.h"
#include "control/store/control_store.h"
#include "core/retry.h"
#include "http/http_client.h"

namespace dth::control::notify {

struct NotifierOptions {
  std::string smtp_url;          // "" = no e-mail (tasks asking for it get a log line)
  std::string smtp_from;         // required with smtp_url
  bool smtp_starttls = false;    // smtp://: require STARTTLS
  bool verify_tls = true;
  std::string public_url;        // "" = links are paths ("/tasks/<id>")
  RetryPolicy retry{3, std::chrono::seconds(2), std::chrono::seconds(30)};
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::seconds timeout{30};  // webhook: no byte for this long; e-mail: the whole send
  size_t max_queued = 1000;          // deliveries waiting; more are dropped (and logged)
};

// Checks the server's options (the --smtp URL, --smtp-from, --public-url); errors name
// the option.
Status CheckNotifierOptions(const NotifierOptions& options);

// Writes a line to a task's log: (task id, run id, level, message).
using NotifyLog = std::function<void(const std::string&, int64_t, LogLevel, const std::string&)>;

class Notifier {
 public:
  // store: the outbox (nullptr: the queue lives in memory only); must outlive this.
  Notifier(NotifierOptions options, NotifyLog log, ControlStore* store = nullptr);
  ~Notifier();  // Stop
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // A run of `task` ended; task.status is how it left the task (DONE, ERROR, STOPPED).
  // Queues what the task's parameters ask for; returns at once.
  void OnRunEnded(const TaskRecord& task, const RunRecord& run);

  // Stops taking work; what is queued gets one attempt each (no retry waits), then the
  // thread ends.
  void Stop();

  // Blocks until nothing is queued or being sent (tests).
  void Drain();

 private:
  struct Delivery {
    enum Kind { kWebhook, kEmail } kind = kWebhook;
    std::string task_id;
    int64_t run_id = 0;
    std::string target;  // the webhook URL, or the addresses joined by ", "
    std::vector<std::string> to;
    std::string payload;  // JSON, or the whole message
    int64_t stored_id = 0;  // its outbox record (0: none)
  };
  void Enqueue(Delivery d);
  void Loop();
  // Sends with retries; false when Stop interrupted it while a retry could still cure it.
  bool Deliver(const Delivery& d);
  // Queues what the outbox holds (a previous process's deliveries).
  void Recover();
  Status Attempt(const Delivery& d);
  // Waits up to `d`; false when Stop interrupted the wait.
  bool Pause(std::chrono::milliseconds d);

  NotifierOptions options_;
  NotifyLog log_;
  ControlStore* store_;
  std::shared_ptr<HttpClient> http_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Delivery> queue_;  // guarded by mu_
  bool busy_ = false;           // guarded by mu_: a delivery is being sent
  bool stopping_ = false;       // guarded by mu_
  std::thread thread_;
};

}  // namespace dth::control::notify
