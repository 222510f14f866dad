// server/sse_stream (private to src/server): the EventSink the server hands to an
// event-stream handler. It holds the stream's queue of framed bytes (bounded) and its
// end state; the connection (http_session.cc) drains the queue onto the socket. No
// network code here, so the queue rules are tested alone.
// The connection registers a wake function, called (under the stream's lock, so it must
// only post work, never block or call back) when the queue goes from idle to having work.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "server/event_sink.h"

namespace dth::server {

class SseStream : public EventSink {
 public:
  // chunked: frame every write as an HTTP/1.1 chunk (the connection adds the last chunk).
  SseStream(size_t queue_limit, bool chunked) : limit_(queue_limit), chunked_(chunked) {}
  ~SseStream() override { End(); }

  bool Send(std::string_view event, std::string_view data, std::string_view id) override;
  bool closed() const override;
  void OnClose(std::function<void()> callback) override;
  void Close() override;

  // ---- the connection's side ----
  // Queued before the first event: the response head (not framed, not counted).
  void QueueHead(std::string head);
  void SetWake(std::function<void()> wake);
  enum class Next {
    kWrite,   // *out holds bytes to write
    kIdle,    // nothing to do until the next wake
    kFinish,  // Close() was called and everything queued was taken: end the stream
    kAbort,   // the queue overflowed: drop the client
  };
  // Takes everything queued; also re-arms the wake.
  Next Drain(std::string* out);
  // The queue overflowed (the wake is called at once then, even during a write).
  bool overflowed() const;
  // Queues ": keep-alive" unless something was queued since the last call.
  void KeepAlive();
  // The stream is over (for whatever reason): Send() fails from now on, the wake is
  // dropped, and the on-close callbacks run here, once. True if it overflowed.
  bool End();

 private:
  bool Enqueue(std::string_view text);  // under mu_
  void WakeLocked();

  const size_t limit_;
  const bool chunked_;
  mutable std::mutex mu_;
  std::string queue_;
  bool closed_ = false;           // Send() refused
  bool close_requested_ = false;  // Close(): finish after the queue
  bool overflowed_ = false;
  bool ended_ = false;
  bool wake_armed_ = true;        // the next enqueue calls wake_
  bool active_ = false;           // something was queued since the last KeepAlive()
  std::function<void()> wake_;
  std::vector<std::function<void()>> on_close_;
};

}  // namespace dth::server
