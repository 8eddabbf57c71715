#pragma once
// An optional value kept on the heap: one pointer where it is absent, instead of the whole value.
// For the model's rarely given parts (a step's name, retry, cwd, templated durations): a
// std::optional<Template> costs 104 bytes in every step, given or not, and a 20,000-step runbook
// paid 26 MB for its steps. It reads like std::optional (bool test, *, ->, has_value, reset, =
// from a value or an optional), and copies deeply.
#include <memory>
#include <optional>
#include <utility>

namespace rb {

template <class T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}  // NOLINT: converts like std::optional
  Boxed(T value) : p_(std::make_unique<T>(std::move(value))) {}  // NOLINT
  Boxed(std::optional<T> value) {                                // NOLINT
    if (value) p_ = std::make_unique<T>(std::move(*value));
  }
  Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  Boxed& operator=(std::nullopt_t) {
    p_.reset();
    return *this;
  }

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  const T& operator*() const { return *p_; }
  T& operator*() { return *p_; }
  const T* operator->() const { return p_.get(); }
  T* operator->() { return p_.get(); }
  const T& value() const { return *p_; }
  void reset() { p_.reset(); }
  template <class... Args>
  T& emplace(Args&&... args) {
    p_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *p_;
  }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace rb
