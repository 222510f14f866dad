// transfer/byte_pipe: a bounded byte pipe from one writer thread to one reader thread,
// so a download can stream straight into an upload with memory fixed at the capacity.
// PipeSink (writer side) and PipeSource (reader side) adapt it to ByteSink/ByteSource.
// Either side can close early with a Status; the other side then sees that Status
// instead of blocking forever.
// Thread-safety: one writer thread and one reader thread at a time.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>

#include "core/bytes.h"

namespace dth {

class BytePipe {
 public:
  explicit BytePipe(size_t capacity);
  ~BytePipe();
  BytePipe(const BytePipe&) = delete;
  BytePipe& operator=(const BytePipe&) = delete;

  // Blocks while the pipe is full. Fails once the reader has closed.
  Status Write(std::string_view data);
  // The writer is done: OK means end of data, an error is passed on to the reader.
  void CloseWrite(Status final);
  // Blocks while the pipe is empty; 0 at the end of data.
  Result<size_t> Read(char* buf, size_t n);
  // The reader gives up (e.g. the upload failed): unblocks the writer.
  void CloseRead();
  // Blocks until the writer has closed, or until more than `remaining` bytes wait in the
  // pipe (the writer sends more than it should: kCorruption). Returns the writer's final
  // Status (OK at a clean end). Lets a reader hold back the last bytes of a body until
  // the download that feeds it has ended well (a server stores nothing it did not get
  // whole).
  Status WaitEnd(size_t remaining);
  // Blocks until some data can be read or the writer has closed; returns the writer's
  // Status once it closed with nothing left to read, OK otherwise.
  Status WaitReadable();
  size_t capacity() const { return capacity_; }

 private:
  // A waiting side is woken only once the other has made enough progress for it (a
  // reader: the bytes it asked for, up to a quarter of the capacity; a writer: a quarter
  // of the capacity free), not for every small write or read.
  size_t wake_bytes() const { return capacity_ / 4 == 0 ? 1 : capacity_ / 4; }

  std::mutex mu_;
  std::condition_variable readable_;
  std::condition_variable writable_;
  size_t reader_wants_ = 0;  // bytes the waiting reader waits for; 0 = not waiting
  bool writer_waiting_ = false;
  size_t capacity_;
  // A ring of up to capacity_ bytes (grown as first written) from the shared BufferPool,
  // given back when the pipe goes: the data waiting is buffered_ bytes from head_ on
  // (wrapping at capacity_). No allocation per write, and no fresh pages to fault in for
  // each object.
  std::string ring_;
  size_t head_ = 0;
  size_t buffered_ = 0;  // bytes in the ring not yet read
  bool write_closed_ = false;
  Status write_status_;
  bool read_closed_ = false;
};

class PipeSink : public ByteSink {
 public:
  explicit PipeSink(BytePipe& pipe) : pipe_(pipe) {}
  Status Write(std::string_view data) override { return pipe_.Write(data); }

 private:
  BytePipe& pipe_;
};

// A source of `size` bytes read from the pipe. Rewind works only before the first read:
// a pipe cannot be read twice. The read that would hand out the last bytes first waits
// for the writer's end and fails with its error instead, so an upload fed by a download
// that failed at its very end (a short or changed source) never completes.
class PipeSource : public ByteSource {
 public:
  PipeSource(BytePipe& pipe, uint64_t size) : pipe_(pipe), size_(size) {}
  uint64_t size() const override { return size_; }
  Result<size_t> Read(char* buf, size_t n) override;
  Status Rewind() override;
  bool replayable() const override { return false; }

 private:
  BytePipe& pipe_;
  uint64_t size_;
  uint64_t read_ = 0;
};

}  // namespace dth
