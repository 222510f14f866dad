// core/result: Result<T> holds either a value or a non-OK Status.
// Thread-safety: value type.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "core/status.h"

namespace dth {

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok());
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace dth

#define DTH_CONCAT_INNER(a, b) a##b
#define DTH_CONCAT(a, b) DTH_CONCAT_INNER(a, b)
// DTH_ASSIGN_OR_RETURN(auto x, Foo()); returns Foo()'s status on error.
#define DTH_ASSIGN_OR_RETURN(lhs, expr) \
  DTH_ASSIGN_OR_RETURN_IMPL(DTH_CONCAT(_dth_res_, __LINE__), lhs, expr)
#define DTH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
