// server/event_sink: one client's server-sent-events stream, as a handler sees it.
// The server owns the connection; the sink is shared between the server and whoever
// feeds it (a handler's start function, a broadcaster). Events are queued and written
// asynchronously by the server: Send() never blocks on the network. Each stream's queue
// is bounded (HttpServerOptions::sse_queue_bytes): a client too slow to drain it is
// disconnected and Send() returns false from then on, so a slow reader neither blocks
// the sender nor grows memory. The server adds a ": keep-alive" comment when the stream
// was quiet for HttpServerOptions::sse_keepalive (15 s by default).
// The stream ends when the client disconnects, the queue overflows, a write fails or
// times out, Close() is called, or the server stops; then closed() is true and every
// on-close callback runs once (on a server thread, or at once in OnClose() when the
// stream already ended). Callbacks must not block.
// Thread-safety: every method may be called from any thread at any time.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace dth::server {

class EventSink {
 public:
  virtual ~EventSink() = default;

  // Queues one event ("event:", "id:" and one "data:" line per line of `data`; an empty
  // event or id is left out). CR and LF in `event` and `id` are dropped. False when the
  // stream has ended, or when this event overflowed its queue (the client is dropped).
  virtual bool Send(std::string_view event, std::string_view data, std::string_view id = {}) = 0;
  virtual bool closed() const = 0;
  // Runs `callback` once when the stream ends (at once if it already has).
  virtual void OnClose(std::function<void()> callback) = 0;
  // Ends the stream after the events already queued are written.
  virtual void Close() = 0;
};

// The wire form of one event, per the HTML living standard's text/event-stream
// ("event: E\nid: I\ndata: line1\ndata: line2\n\n"); lines of `data` may end with
// LF, CRLF or CR.
std::string FormatEvent(std::string_view event, std::string_view data, std::string_view id);

}  // namespace dth::server
