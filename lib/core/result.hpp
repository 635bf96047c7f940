// Failures that the user can cause (bad scenario files, unreadable reports, refused
// kernel features) travel as values up to the CLI, which prints them and picks the
// exit code. Programming errors are assertions, not Errors.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace velo {

// Where in an input file something went wrong. line/column are 1-based; 0 = unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Error {
  std::string message;
  SourceLocation where;

  // "file:line:column: message", the form compilers use, so editors can jump to it.
  std::string describe() const;
};

template <typename T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  Expected(Error error) : state_(std::move(error)) {}      // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<T>(state_); }
  const T& value() const& { assert(ok()); return std::get<T>(state_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Expected<void>: success or an Error.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(failed_); return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

inline Error make_error(std::string message, SourceLocation where = {}) {
  return Error{std::move(message), std::move(where)};
}

}  // namespace velo
