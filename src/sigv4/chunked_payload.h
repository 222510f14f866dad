// sigv4/chunked_payload: the body of a streaming SigV4 upload
// (x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD, Content-Encoding: aws-chunked).
// The request itself is signed with that marker in place of the payload's SHA-256 (the
// seed signature); the body is then sent in chunks, each carrying a signature over its
// own SHA-256 chained to the signature before it, and ends with an empty signed chunk.
// The server checks every chunk, so the bytes are protected as well as by a signed
// payload hash, but the sender never needs to hold or read the whole body twice.
// Thread-safety: a ChunkSigner or AwsChunkedSource is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "sigv4/signer.h"

namespace dth {

inline constexpr char kStreamingPayload[] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr size_t kDefaultChunkSize = 1024 * 1024;  // AWS asks for >= 8 KiB

// Chains the chunk signatures of one request from its seed signature.
class ChunkSigner {
 public:
  // seed: the SignedHeaders of a request signed with payload_hash = kStreamingPayload.
  ChunkSigner(const SigningKeys& keys, const SignerOptions& options, const SignedHeaders& seed);

  // The hex signature of the next chunk; the final chunk is the empty one.
  std::string Sign(std::string_view chunk);
  // Back to the seed, to send the same body again.
  void Reset() { previous_ = seed_; }

 private:
  std::string key_;  // the derived signing key (not the secret)
  std::string prefix_;  // "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n"
  std::string seed_;
  std::string previous_;
};

// Bytes on the wire for payload_size bytes sent in chunks of chunk_size.
uint64_t AwsChunkedLength(uint64_t payload_size, size_t chunk_size = kDefaultChunkSize);

// Frames `payload` as an aws-chunked body. size() is the encoded length (Content-Length);
// payload.size() goes in x-amz-decoded-content-length. A payload that yields fewer or
// more bytes than its size() fails the read, so the server never gets a short body.
class AwsChunkedSource : public ByteSource {
 public:
  AwsChunkedSource(ByteSource& payload, ChunkSigner signer, size_t chunk_size = kDefaultChunkSize);

  uint64_t size() const override { return AwsChunkedLength(payload_.size(), chunk_size_); }
  Result<size_t> Read(char* buf, size_t n) override;
  Status Rewind() override;

 private:
  Status NextChunk();

  ByteSource& payload_;
  ChunkSigner signer_;
  size_t chunk_size_;
  std::string data_;    // the current chunk's payload bytes
  std::string header_;  // "<hex size>;chunk-signature=<sig>\r\n"
  // What is left to send of the current chunk: header_[header_pos_..], data_[data_pos_..],
  // then the closing CRLF (trailer_left_ bytes of it).
  size_t header_pos_ = 0;
  size_t data_pos_ = 0;
  size_t trailer_left_ = 0;
  uint64_t payload_read_ = 0;
  bool finished_ = false;  // the final, empty chunk is framed
};

}  // namespace dth
