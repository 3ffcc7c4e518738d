// Result<T>: the error-as-value type used at every boundary (parsers, loaders,
// policy calls). C++17 has no std::expected; this is the small subset we need.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "harness/check.h"

namespace gauntlet {

// An error message meant for a person: what was wrong, where (file, line,
// field) and, where possible, what to do about it.
struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}      // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    GAUNTLET_CHECK(ok(), "Result::value() on an error: " + error().message);
    return std::get<T>(v_);
  }
  T& value() & {
    GAUNTLET_CHECK(ok(), "Result::value() on an error: " + error().message);
    return std::get<T>(v_);
  }
  T&& value() && {
    GAUNTLET_CHECK(ok(), "Result::value() on an error: " + error().message);
    return std::get<T>(std::move(v_));
  }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error.message)), failed_(true) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return error_; }

 private:
  std::string error_;
  bool failed_ = false;
};

}  // namespace gauntlet
