// Status and Result<T>: how every runtime function reports failure.
//
// The runtime is built without exceptions (the wasm module must stay small, and a
// kiosk must never abort on a bad file), so errors travel as values:
//
//   Result<Model> r = ReadModel(bytes, size);
//   if (!r.ok()) { std::puts(r.status().message().c_str()); return; }
//   Model model = std::move(r).value();
//
// A Status carries a code (for tests and bindings to branch on) and a message written
// for people: it names what was wrong and where ("tensor lstm0/kernel: ...").
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace shelfcast {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // caller passed something unusable (wrong window length, NaN, ...)
  kInvalidData,       // an input file is malformed (model file, CSV)
  kUnsupported,       // well-formed but not something this build can run
  kLimitExceeded,     // a documented cap was hit (file size, dimensions, rows)
  kIo,                // the operating system refused a read or write
  kInternal,          // a bug in shelfcast: please report
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes context, e.g. Status("bad CRC").WithContext("model.shcf") -> "model.shcf: bad CRC".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// printf into a std::string, any length: messages through one printf-style call rather
// than chains of std::string operator+ (the same text for far fewer wasm bytes: every
// concatenation site inlines allocation code).
std::string StrFormat(const char* format, ...) __attribute__((format(printf, 1, 2)));

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status InvalidData(std::string m) { return {StatusCode::kInvalidData, std::move(m)}; }
inline Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
inline Status LimitExceeded(std::string m) { return {StatusCode::kLimitExceeded, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIo, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {              // NOLINT: implicit by design
    assert(!status_.ok() && "a Result built from a Status must carry an error");
    if (status_.ok()) status_ = Internal("Result built from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  const T& value() const& { assert(ok()); return *value_; }
  T& value() & { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }

  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace shelfcast

// Early-return helpers; keep call sites flat.
#define SHELFCAST_RETURN_IF_ERROR(expr)            \
  do {                                             \
    ::shelfcast::Status shelfcast_status_ = (expr); \
    if (!shelfcast_status_.ok()) return shelfcast_status_; \
  } while (0)

#define SHELFCAST_CONCAT_INNER(a, b) a##b
#define SHELFCAST_CONCAT(a, b) SHELFCAST_CONCAT_INNER(a, b)
#define SHELFCAST_ASSIGN_OR_RETURN(lhs, expr) \
  SHELFCAST_ASSIGN_OR_RETURN_IMPL(SHELFCAST_CONCAT(shelfcast_result_, __LINE__), lhs, expr)
#define SHELFCAST_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
