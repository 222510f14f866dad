#include "sigv4/chunked_payload.h"

#include <algorithm>
#include <cstring>

#include "core/hash.h"
#include "sigv4/signing_key.h"

namespace dth {
namespace {

constexpr char kEmptySha256Hex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr size_t kSignatureHexLength = 64;
constexpr std::string_view kSignatureField = ";chunk-signature=";

std::string Hex(uint64_t n) {
  char buf[24];
  int len = std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(n));
  return std::string(buf, static_cast<size_t>(len));
}

uint64_t FramedLength(uint64_t chunk_payload) {
  return Hex(chunk_payload).size() + kSignatureField.size() + kSignatureHexLength + 2 +
         chunk_payload + 2;
}

}  // namespace

ChunkSigner::ChunkSigner(const SigningKeys& keys, const SignerOptions& options,
                         const SignedHeaders& seed)
    : key_(CachedSigningKey(keys.secret_access_key, seed.amz_date.substr(0, 8), options.region,
                            options.service)),
      prefix_("AWS4-HMAC-SHA256-PAYLOAD\n" + seed.amz_date + "\n" + seed.scope + "\n"),
      seed_(seed.signature),
      previous_(seed.signature) {}

std::string ChunkSigner::Sign(std::string_view chunk) {
  std::string to_sign = prefix_;
  to_sign += previous_;
  to_sign += '\n';
  to_sign += kEmptySha256Hex;
  to_sign += '\n';
  to_sign += HexEncode(Sha256(chunk));
  previous_ = HexEncode(HmacSha256(key_, to_sign));
  return previous_;
}

uint64_t AwsChunkedLength(uint64_t payload_size, size_t chunk_size) {
  const uint64_t full = payload_size / chunk_size;
  const uint64_t rest = payload_size % chunk_size;
  uint64_t total = full * FramedLength(chunk_size) + FramedLength(0);
  if (rest != 0) total += FramedLength(rest);
  return total;
}

AwsChunkedSource::AwsChunkedSource(ByteSource& payload, ChunkSigner signer, size_t chunk_size)
    : payload_(payload), signer_(std::move(signer)), chunk_size_(std::max<size_t>(chunk_size, 1)) {}

Status AwsChunkedSource::Rewind() {
  DTH_RETURN_IF_ERROR(payload_.Rewind());
  signer_.Reset();
  header_.clear();
  data_.clear();
  header_pos_ = data_pos_ = trailer_left_ = 0;
  payload_read_ = 0;
  finished_ = false;
  return Status::Ok();
}

// Reads the next chunk's payload (full chunks until the last) and frames it.
Status AwsChunkedSource::NextChunk() {
  data_.resize(chunk_size_);
  size_t filled = 0;
  while (filled < chunk_size_) {
    DTH_ASSIGN_OR_RETURN(size_t got, payload_.Read(data_.data() + filled, chunk_size_ - filled));
    if (got == 0) break;
    filled += got;
  }
  data_.resize(filled);
  payload_read_ += filled;
  if (filled == 0) {
    if (payload_read_ != payload_.size())
      return Corruption("the body ended after " + std::to_string(payload_read_) + " of " +
                        std::to_string(payload_.size()) + " bytes");
    finished_ = true;
  } else if (payload_read_ > payload_.size()) {
    return Corruption("the body sent more than its " + std::to_string(payload_.size()) + " bytes");
  }
  header_ = Hex(filled);
  header_ += kSignatureField;
  header_ += signer_.Sign(data_);
  header_ += "\r\n";
  header_pos_ = data_pos_ = 0;
  trailer_left_ = 2;
  return Status::Ok();
}

Result<size_t> AwsChunkedSource::Read(char* buf, size_t n) {
  size_t out = 0;
  while (out < n) {
    if (header_pos_ == header_.size() && data_pos_ == data_.size() && trailer_left_ == 0) {
      if (finished_) break;
      if (out > 0) break;  // hand over what is ready before blocking on the payload
      DTH_RETURN_IF_ERROR(NextChunk());
    }
    if (header_pos_ < header_.size()) {
      size_t take = std::min(n - out, header_.size() - header_pos_);
      std::memcpy(buf + out, header_.data() + header_pos_, take);
      header_pos_ += take;
      out += take;
    } else if (data_pos_ < data_.size()) {
      size_t take = std::min(n - out, data_.size() - data_pos_);
      std::memcpy(buf + out, data_.data() + data_pos_, take);
      data_pos_ += take;
      out += take;
    } else {
      size_t take = std::min(n - out, trailer_left_);
      std::memcpy(buf + out, "\r\n" + (2 - trailer_left_), take);
      trailer_left_ -= take;
      out += take;
    }
  }
  return out;
}

}  // namespace dth
