#include "server/sse_stream.h"

#include <spdlog/spdlog.h>

#include "server/exchange.h"

namespace dth::server {

bool SseStream::Send(std::string_view event, std::string_view data, std::string_view id) {
  std::string text = FormatEvent(event, data, id);
  std::lock_guard lock(mu_);
  return Enqueue(text);
}

bool SseStream::Enqueue(std::string_view text) {
  if (closed_) return false;
  std::string framed = chunked_ ? Chunk(text) : std::string(text);
  if (queue_.size() + framed.size() > limit_) {
    // A client this far behind is dropped rather than buffered without bound.
    closed_ = true;
    overflowed_ = true;
    queue_.clear();
    if (wake_) wake_();  // even mid-write: the connection drops the client at once
    return false;
  }
  queue_ += framed;
  active_ = true;
  WakeLocked();
  return true;
}

void SseStream::WakeLocked() {
  if (!wake_armed_ || !wake_) return;
  wake_armed_ = false;
  wake_();
}

bool SseStream::overflowed() const {
  std::lock_guard lock(mu_);
  return overflowed_;
}

bool SseStream::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void SseStream::OnClose(std::function<void()> callback) {
  {
    std::lock_guard lock(mu_);
    if (!ended_) {
      on_close_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void SseStream::Close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  close_requested_ = true;
  WakeLocked();
}

void SseStream::QueueHead(std::string head) {
  std::lock_guard lock(mu_);
  queue_.insert(0, head);
}

void SseStream::SetWake(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  if (ended_) return;
  wake_ = std::move(wake);
  wake_armed_ = true;
}

SseStream::Next SseStream::Drain(std::string* out) {
  std::lock_guard lock(mu_);
  wake_armed_ = true;
  if (overflowed_) return Next::kAbort;
  if (!queue_.empty()) {
    out->swap(queue_);
    queue_.clear();
    wake_armed_ = false;  // the connection drains again when its write completes
    return Next::kWrite;
  }
  return close_requested_ ? Next::kFinish : Next::kIdle;
}

void SseStream::KeepAlive() {
  std::lock_guard lock(mu_);
  if (!active_) Enqueue(": keep-alive\n\n");
  active_ = false;
}

bool SseStream::End() {
  std::vector<std::function<void()>> callbacks;
  bool overflowed;
  {
    std::lock_guard lock(mu_);
    if (ended_) return false;
    ended_ = true;
    closed_ = true;
    wake_ = nullptr;
    queue_.clear();
    callbacks.swap(on_close_);
    overflowed = overflowed_;
  }
  for (auto& callback : callbacks) {
    try {
      callback();
    } catch (const std::exception& e) {
      spdlog::error("http: an event stream's on-close callback threw: {}", e.what());
    }
  }
  return overflowed;
}

}  // namespace dth::server
