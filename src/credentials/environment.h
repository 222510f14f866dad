// credentials/environment: the process environment as an injectable interface
// (environment variables and the home directory), so credential resolution can
// be tested without touching the real environment.
// Thread-safety: implementations must be safe for concurrent reads.
// ProcessEnvironment reads getenv(); it is safe as long as nothing calls
// setenv() concurrently.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace dth {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value; nullopt when unset. An empty value is returned as "".
  virtual std::optional<std::string> Get(std::string_view name) const = 0;
  // The user's home directory without a trailing '/', or "" when unknown.
  virtual std::string HomeDir() const = 0;

  // Get(), with unset and empty both returned as "" ("not given").
  std::string GetOrEmpty(std::string_view name) const {
    std::optional<std::string> v = Get(name);
    return v ? *v : std::string();
  }
};

// The real environment: getenv(), and $HOME (falling back to the passwd entry).
class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(std::string_view name) const override;
  std::string HomeDir() const override;
};

// A process-wide ProcessEnvironment, for callers that want the real one.
const Environment& DefaultEnvironment();

// A fixed environment for tests and embedding.
class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  MapEnvironment(std::map<std::string, std::string, std::less<>> vars, std::string home)
      : vars_(std::move(vars)), home_(std::move(home)) {}

  void Set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }
  void Unset(std::string_view name) {
    auto it = vars_.find(name);
    if (it != vars_.end()) vars_.erase(it);
  }
  void SetHome(std::string home) { home_ = std::move(home); }

  std::optional<std::string> Get(std::string_view name) const override {
    auto it = vars_.find(name);
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }
  std::string HomeDir() const override { return home_; }

 private:
  std::map<std::string, std::string, std::less<>> vars_;
  std::string home_;
};

}  // namespace dth
