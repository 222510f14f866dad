#include "finder/merge_join.h"

#include <utility>

namespace dth {

MergeJoin::MergeJoin(KeyStream source, KeyStream destination)
    : source_(std::move(source)), destination_(std::move(destination)) {}

Result<bool> MergeJoin::Next(JoinedPair* out) {
  if (advance_s_) {
    DTH_ASSIGN_OR_RETURN(s_, source_.Next());
    advance_s_ = false;
  }
  if (advance_d_) {
    DTH_ASSIGN_OR_RETURN(d_, destination_.Next());
    advance_d_ = false;
  }
  *out = JoinedPair{};
  if (s_ == nullptr && d_ == nullptr) return false;
  int order = s_ == nullptr ? 1 : d_ == nullptr ? -1 : s_->key.compare(d_->key);
  if (order <= 0) {
    out->source = s_;
    advance_s_ = true;
  }
  if (order >= 0) {
    out->destination = d_;
    advance_d_ = true;
  }
  return true;
}

}  // namespace dth
