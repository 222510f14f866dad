#include "core/status.h"

namespace dth {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kNotFound: return "NotFound";
    case Code::kPermissionDenied: return "PermissionDenied";
    case Code::kPreconditionFailed: return "PreconditionFailed";
    case Code::kNotSupported: return "NotSupported";
    case Code::kPermanent: return "Permanent";
    case Code::kCorruption: return "Corruption";
    case Code::kIo: return "IoError";
    case Code::kCancelled: return "Cancelled";
    case Code::kInternal: return "Internal";
    case Code::kThrottled: return "Throttled";
    case Code::kServerError: return "ServerError";
    case Code::kTransient: return "Transient";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return message_;
}

}  // namespace dth
