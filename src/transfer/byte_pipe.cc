#include "transfer/byte_pipe.h"

#include <algorithm>

#include "transfer/buffer_pool.h"

namespace dth {

BytePipe::BytePipe(size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity), ring_(BufferPool::Shared().Take(capacity_)) {}

BytePipe::~BytePipe() { BufferPool::Shared().Give(std::move(ring_)); }

Status BytePipe::Write(std::string_view data) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!data.empty()) {
    if (!read_closed_ && buffered_ >= capacity_) {
      writer_waiting_ = true;
      writable_.wait(lock, [&] { return read_closed_ || buffered_ < capacity_; });
      writer_waiting_ = false;
    }
    if (read_closed_) return Status(Code::kCancelled, "the reading side of the transfer stopped");
    size_t take = std::min(data.size(), capacity_ - buffered_);
    size_t tail = (head_ + buffered_) % capacity_;
    size_t first = std::min(take, capacity_ - tail);
    // The ring grows as it is first filled (only the pages used are touched): up to
    // then the free space is at its end, so tail <= ring_.size().
    size_t over = std::min(first, ring_.size() - tail);
    std::copy_n(data.data(), over, ring_.data() + tail);
    ring_.append(data.data() + over, first - over);
    std::copy_n(data.data() + first, take - first, ring_.data());
    buffered_ += take;
    data.remove_prefix(take);
    if (reader_wants_ != 0 && buffered_ >= reader_wants_) readable_.notify_one();
  }
  return Status::Ok();
}

void BytePipe::CloseWrite(Status final) {
  std::lock_guard<std::mutex> lock(mu_);
  write_closed_ = true;
  write_status_ = std::move(final);
  readable_.notify_all();
}

Result<size_t> BytePipe::Read(char* buf, size_t n) {
  std::unique_lock<std::mutex> lock(mu_);
  const size_t want = std::max<size_t>(1, std::min(n, wake_bytes()));
  if (!write_closed_ && buffered_ < want) {
    reader_wants_ = want;
    readable_.wait(lock, [&] { return write_closed_ || buffered_ >= want; });
    reader_wants_ = 0;
  }
  if (buffered_ == 0) {
    if (!write_status_.ok()) return write_status_;
    return size_t{0};
  }
  const size_t done = std::min(n, buffered_);
  const size_t first = std::min(done, capacity_ - head_);
  std::copy_n(ring_.data() + head_, first, buf);
  std::copy_n(ring_.data(), done - first, buf + first);
  head_ = (head_ + done) % capacity_;
  buffered_ -= done;
  if (writer_waiting_ && capacity_ - buffered_ >= wake_bytes()) writable_.notify_one();
  return done;
}

void BytePipe::CloseRead() {
  std::lock_guard<std::mutex> lock(mu_);
  read_closed_ = true;
  writable_.notify_all();
}

Status BytePipe::WaitEnd(size_t remaining) {
  std::unique_lock<std::mutex> lock(mu_);
  reader_wants_ = remaining + 1;  // the writer wakes us once more than that is here
  readable_.wait(lock, [&] { return write_closed_ || buffered_ > remaining; });
  reader_wants_ = 0;
  if (write_closed_ && !write_status_.ok()) return write_status_;
  if (buffered_ > remaining) return Corruption("the source sent more than the bytes expected");
  return Status::Ok();
}

Status BytePipe::WaitReadable() {
  std::unique_lock<std::mutex> lock(mu_);
  reader_wants_ = 1;
  readable_.wait(lock, [&] { return write_closed_ || buffered_ > 0; });
  reader_wants_ = 0;
  if (buffered_ == 0 && write_closed_) return write_status_;
  return Status::Ok();
}

Result<size_t> PipeSource::Read(char* buf, size_t n) {
  const uint64_t left = size_ > read_ ? size_ - read_ : 0;
  if (left > 0 && n >= left) {
    if (left < pipe_.capacity()) {  // the last bytes: only once the download ended well
      n = static_cast<size_t>(left);
      DTH_RETURN_IF_ERROR(pipe_.WaitEnd(n));
    } else {
      n = pipe_.capacity() / 2;  // more than the pipe holds is left: not the end yet
    }
  }
  DTH_ASSIGN_OR_RETURN(size_t got, pipe_.Read(buf, n));
  read_ += got;
  if (got == 0 && read_ != size_)
    return Corruption("the source ended after " + std::to_string(read_) + " of " +
                      std::to_string(size_) + " bytes");
  if (read_ > size_) return Corruption("the source sent more than its " + std::to_string(size_) + " bytes");
  return got;
}

Status PipeSource::Rewind() {
  if (read_ == 0) return Status::Ok();
  return Status(Code::kNotSupported, "a streamed body cannot be read twice");
}

}  // namespace dth
