// One connection of the HTTP server: reads requests with Beast's parser, hands each to a
// handler thread, writes the answer, and runs event streams. The only file that
// includes Beast. Everything of one connection runs on its strand.
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <limits>
#include <optional>

#include "server/exchange.h"
#include "server/server_context.h"
#include "server/sse_stream.h"

namespace dth::server {
namespace {

namespace http = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 4096;
constexpr size_t kMaxDrainBytes = 1 << 20;  // read and dropped before a close
constexpr std::chrono::milliseconds kLinger{2000};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

class Session : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerContext& ctx)
      : ctx_(ctx),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        keepalive_timer_(socket_.get_executor()),
        buffer_(ctx.options.max_header_bytes + 64 * 1024) {
    error_code ec;
    tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) {
      remote_address_ = peer.address().to_string();
      remote_port_ = peer.port();
    }
  }
  ~Session() override {
    if (stream_) EndStream();
    ctx_.Unregister(this);
  }

  void Start() override {
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->ReadNext(); });
  }
  void Shutdown() override {
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->OnShutdown(); });
  }
  void ForceClose() override { CloseSocket(); }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kStreaming, kClosing, kClosed };

  // ---- timers ----
  void Arm(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this(), gen = ++timer_gen_](error_code ec) {
      if (!ec && gen == self->timer_gen_) self->OnTimeout();
    });
  }
  void Disarm() {
    ++timer_gen_;
    timer_.cancel();
  }
  void OnTimeout() {
    switch (phase_) {
      case Phase::kReading:  // answer 408 once the read is cancelled
        timed_out_ = true;
        socket_.cancel();
        return;
      case Phase::kHandling:
        return;
      default:  // idle keep-alive, a stuck write, a lingering close
        CloseSocket();
    }
  }

  // ---- reading a request ----
  void ReadNext() {
    if (phase_ == Phase::kClosed) return;
    if (ctx_.stopping || shutdown_) return CloseSocket();
    timed_out_ = false;
    head_only_ = false;
    method_.clear();
    target_.clear();
    pattern_.clear();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(ctx_.options.max_header_bytes));
    // No limit until the route is known (checked then). Not boost::none: Beast 1.74
    // compares a Content-Length with an empty limit as over it.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request
    phase_ = Phase::kIdle;
    Arm(ctx_.options.idle_timeout);
    socket_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->OnReadError(ec);
                              if (self->phase_ == Phase::kClosed) return;
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    phase_ = Phase::kReading;
    started_ = Clock::now();
    Arm(ctx_.options.read_timeout);
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) return OnReadError(ec);
    auto& msg = parser_->get();
    method_ = std::string(msg.method_string());
    target_ = std::string(msg.target());
    http10_ = msg.version() < 11;
    keep_alive_ = msg.keep_alive();
    head_only_ = method_ == "HEAD";
    auto parsed = ParseTarget(target_);
    if (!parsed.ok()) return Fail(400, "invalid_target", parsed.status().message());
    parsed_ = std::move(parsed).value();
    match_ = ctx_.router.Match(method_, parsed_.segments);
    pattern_ = match_.pattern;
    size_t limit = ctx_.options.max_body_bytes;
    if (match_.result == RouteMatch::kFound && match_.max_body_bytes > 0) limit = match_.max_body_bytes;
    if (auto length = parser_->content_length(); length && *length > limit)
      return Fail(413, "body_too_large", "the body is over " + std::to_string(limit) + " bytes");
    parser_->body_limit(limit);
    if (parser_->is_done()) return OnBody({});
    auto expect = msg.find(http::field::expect);
    if (expect != msg.end() && !http10_ &&
        EqualsIgnoreCase(std::string_view(expect->value().data(), expect->value().size()), "100-continue")) {
      net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](error_code wec, size_t) {
                         if (wec) return self->CloseSocket();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (phase_ == Phase::kClosed) return;
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) return OnReadError(ec);
    Disarm();
    phase_ = Phase::kHandling;
    auto& msg = parser_->get();
    Request request;
    request.method = method_;
    request.target = target_;
    request.path = std::move(parsed_.path);
    request.query = std::move(parsed_.query);
    for (const auto& field : msg) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(msg.body());
    request.remote_address = remote_address_;
    request.remote_port = remote_port_;
    parser_.reset();
    net::post(ctx_.handlers, [self = shared_from_this(), request = std::move(request),
                              match = std::move(match_)]() mutable {
      Response response = Handle(self->ctx_.options.before, request, match);
      if (response.is_stream() && !self->head_only_) return self->BeginStream(std::move(response));
      net::post(self->socket_.get_executor(), [self, response = std::move(response)]() mutable {
        self->WriteResponse(std::move(response));
      });
    });
  }

  void OnReadError(error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (timed_out_) {
      timed_out_ = false;
      if (phase_ == Phase::kReading)
        return Fail(408, "request_timeout", "the request did not arrive in time");
      return CloseSocket();
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
      return Fail(431, "headers_too_large",
                  "the request head is over " + std::to_string(ctx_.options.max_header_bytes) + " bytes");
    if (ec == http::error::body_limit) return Fail(413, "body_too_large", "the body is over the limit");
    bool http_error = &ec.category() == &http::make_error_code(http::error::end_of_stream).category();
    if (http_error && ec != http::error::end_of_stream && ec != http::error::partial_message)
      return Fail(400, "malformed_request", "malformed HTTP request: " + ec.message());
    CloseSocket();  // the client went away (EOF, reset) or we are closing
  }

  // ---- writing an answer ----
  void Fail(int status, std::string_view code, const std::string& detail) {
    keep_alive_ = false;
    linger_ = true;  // the request may be partly unread
    if (method_.empty()) method_ = "-";
    WriteResponse(ServerProblem(status, code, detail));
  }

  void WriteResponse(Response response) {
    if (phase_ == Phase::kClosed) return;
    status_ = response.status;
    ++ctx_.requests;
    bool keep = keep_alive_ && !ctx_.stopping && !shutdown_;
    out_ = SerializeResponse(response, {head_only_, keep, http10_});
    phase_ = Phase::kWriting;
    Arm(ctx_.options.write_timeout);
    net::async_write(socket_, net::buffer(out_), [self = shared_from_this(), keep](error_code ec, size_t) {
      self->OnWritten(ec, keep);
    });
  }

  void OnWritten(error_code ec, bool keep) {
    if (phase_ == Phase::kClosed) return;
    Disarm();
    LogAccess(method_, std::string_view(target_).substr(0, target_.find('?')), status_,
              Clock::now() - started_);
    out_.clear();
    if (ec) return CloseSocket();
    if (!keep) return linger_ ? LingeringClose() : CloseSocket();
    ReadNext();
  }

  // After an answer to a request that was not read whole: stops sending, then reads (and
  // drops) what the client still sends for a moment, so the unread bytes do not turn the
  // close into a reset that loses the answer.
  void LingeringClose() {
    phase_ = Phase::kClosing;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    Arm(std::min(kLinger, ctx_.options.write_timeout));
    if (!reading_drain_) Drain();
  }
  void Drain() {
    reading_drain_ = true;
    socket_.async_read_some(net::buffer(drain_), [self = shared_from_this()](error_code ec, size_t n) {
      self->reading_drain_ = false;
      self->drained_ += n;
      if (self->phase_ == Phase::kClosed) return;
      if (ec || self->drained_ > kMaxDrainBytes) return self->CloseSocket();
      self->Drain();
    });
  }

  void CloseSocket() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    Disarm();
    keepalive_timer_.cancel();
    if (stream_) EndStream();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  void OnShutdown() {
    shutdown_ = true;
    if (phase_ == Phase::kIdle || phase_ == Phase::kClosing) return CloseSocket();
    if (phase_ == Phase::kStreaming && stream_) stream_->Close();
  }

  // ---- event streams ----
  // On a handler thread: the sink exists before the start function runs; its events
  // queue behind the response head until the connection attaches it.
  void BeginStream(Response response) {
    auto stream = std::make_shared<SseStream>(ctx_.options.sse_queue_bytes, !http10_);
    ctx_.RegisterStream(stream);
    status_ = response.status;
    stream->QueueHead(SerializeResponse(response, {false, false, http10_}));
    std::weak_ptr<Session> weak = shared_from_this();
    stream->SetWake([weak] {
      if (auto self = weak.lock())
        net::post(self->socket_.get_executor(), [self] { self->PumpStream(); });
    });
    net::post(socket_.get_executor(), [self = shared_from_this(), stream] { self->AttachStream(stream); });
    try {
      response.stream(stream);
    } catch (const std::exception& e) {
      spdlog::error("http {} {}: the event stream's start function threw: {}", method_,
                    pattern_, e.what());
      stream->Close();
    }
  }

  void AttachStream(std::shared_ptr<SseStream> stream) {
    if (phase_ == Phase::kClosed) {
      stream->End();
      return;
    }
    phase_ = Phase::kStreaming;
    stream_ = std::move(stream);
    ++ctx_.streams_open;
    ++ctx_.requests;
    LogAccess(method_, std::string_view(target_).substr(0, target_.find('?')), status_,
              Clock::now() - started_);
    if (shutdown_) stream_->Close();
    WatchPeer();
    ArmKeepAlive();
    PumpStream();
  }

  // A read that is always pending while streaming: it sees the client go away.
  void WatchPeer() {
    reading_drain_ = true;
    socket_.async_read_some(net::buffer(drain_), [self = shared_from_this()](error_code ec, size_t) {
      self->reading_drain_ = false;
      if (self->phase_ == Phase::kClosed) return;
      if (ec) return self->CloseSocket();
      self->WatchPeer();  // a client has nothing to say on an event stream; drop it
    });
  }

  void ArmKeepAlive() {
    keepalive_timer_.expires_after(ctx_.options.sse_keepalive);
    keepalive_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->phase_ != Phase::kStreaming || !self->stream_) return;
      self->stream_->KeepAlive();
      self->ArmKeepAlive();
    });
  }

  void PumpStream() {
    if (phase_ != Phase::kStreaming || !stream_) return;
    if (stream_->overflowed()) return DropSlowReader();
    if (writing_) return;
    switch (stream_->Drain(&out_)) {
      case SseStream::Next::kIdle:
        return;
      case SseStream::Next::kAbort:
        return DropSlowReader();
      case SseStream::Next::kFinish:
        out_ = http10_ ? std::string() : std::string(kLastChunk);
        return WriteStream(true);
      case SseStream::Next::kWrite:
        return WriteStream(false);
    }
  }

  void WriteStream(bool last) {
    writing_ = true;
    Arm(ctx_.options.write_timeout);
    net::async_write(socket_, net::buffer(out_), [self = shared_from_this(), last](error_code ec, size_t) {
      self->writing_ = false;
      if (self->phase_ != Phase::kStreaming) return;
      self->Disarm();
      if (ec) return self->CloseSocket();
      self->out_.clear();
      if (!last) return self->PumpStream();
      // The stream is complete (its last chunk is out): end it and close.
      self->CloseSocket();
    });
  }

  void DropSlowReader() {
    spdlog::warn("http {} {}: event stream client {} too slow; disconnected", method_,
                 pattern_, remote_address_);
    CloseSocket();
  }

  void EndStream() {
    auto stream = std::move(stream_);
    stream_.reset();
    keepalive_timer_.cancel();
    // Counted before the on-close callbacks run, so they see the server's new state.
    --ctx_.streams_open;
    if (stream->overflowed()) ++ctx_.streams_dropped;
    stream->End();
  }

  ServerContext& ctx_;
  tcp::socket socket_;
  net::steady_timer timer_;
  net::steady_timer keepalive_timer_;
  uint64_t timer_gen_ = 0;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 1024> drain_{};
  size_t drained_ = 0;
  bool reading_drain_ = false;

  Phase phase_ = Phase::kIdle;
  bool timed_out_ = false;
  bool linger_ = false;
  bool shutdown_ = false;
  bool writing_ = false;

  // The request in hand.
  std::string method_, target_, pattern_;
  ParsedTarget parsed_;
  RouteMatch match_;
  bool http10_ = false, keep_alive_ = true, head_only_ = false;
  int status_ = 0;
  Clock::time_point started_{};
  std::string out_;

  std::shared_ptr<SseStream> stream_;
  std::string remote_address_;
  int remote_port_ = 0;
};

}  // namespace

std::shared_ptr<Connection> MakeConnection(tcp::socket socket, ServerContext& ctx) {
  auto session = std::make_shared<Session>(std::move(socket), ctx);
  ctx.Register(session);
  return session;
}

}  // namespace dth::server
