#pragma once

// Errors are values: every fallible function returns Status or Result<T>. Failures that
// callers branch on (a missing table, a missing version, an unsupported feature) carry a
// DeltaErrorCode in a StatusDetail, so that retry loops, Python and HTTP front ends test
// a code, never the text.

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include <arrow/result.h>
#include <arrow/status.h>

#include "deltacpp/common/visibility.h"

namespace deltacpp {

using Status = arrow::Status;
template <typename T>
using Result = arrow::Result<T>;

/// What went wrong, in terms of the Delta protocol. Stable: front ends map these to
/// exception types and HTTP status codes.
enum class DeltaErrorCode {
  /// No Delta table at the location (no `_delta_log/` or no commit in it).
  kTableNotFound,
  /// The requested version is past the newest one, or its log files were cleaned up.
  kVersionNotFound,
  /// The log contradicts the protocol: a missing version, a malformed action, a bad
  /// schema.
  kCorruptLog,
  /// The table needs a reader or writer feature (or protocol version) we do not support.
  kUnsupportedFeature,
  /// A data or log file named by the log cannot be read.
  kFileNotFound,
  /// The caller asked for something that does not fit the table (an unknown column, ...).
  kInvalidArgument,
  /// A commit lost to a concurrent one it conflicts with, or a path to be created
  /// atomically exists already.
  kConflict,
  /// Storage failed to create, write, flush, link or rename a file (disk full, no
  /// permission, ...): the operation may succeed when tried again.
  kIOError,
  kSchemaMismatch,
};

/// The name of a code as it appears in messages ("TableNotFound").
DELTACPP_EXPORT const char* DeltaErrorCodeName(DeltaErrorCode code);

class DELTACPP_EXPORT DeltaErrorDetail : public arrow::StatusDetail {
 public:
  explicit DeltaErrorDetail(DeltaErrorCode code) : code_(code) {}
  static constexpr const char* kTypeId = "deltacpp::DeltaErrorDetail";
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override { return DeltaErrorCodeName(code_); }
  DeltaErrorCode code() const { return code_; }

 private:
  DeltaErrorCode code_;
};

/// A Status carrying `code`, with the Arrow StatusCode that fits it.
DELTACPP_EXPORT Status MakeDeltaError(DeltaErrorCode code, std::string message);

/// The DeltaErrorCode of `status`, or nullopt for OK and for errors without one.
DELTACPP_EXPORT std::optional<DeltaErrorCode> GetDeltaErrorCode(const Status& status);

namespace internal {
template <typename... Args>
std::string ConcatMessage(Args&&... args) {
  std::ostringstream message;
  (message << ... << std::forward<Args>(args));
  return message.str();
}
}  // namespace internal

/// A Status carrying `code`, its message the pieces streamed one after another (as
/// Arrow's Status::Invalid(...) does).
template <typename... Args>
Status DeltaError(DeltaErrorCode code, Args&&... args) {
  return MakeDeltaError(code, internal::ConcatMessage(std::forward<Args>(args)...));
}

}  // namespace deltacpp

#define DELTACPP_RETURN_NOT_OK(expr) ARROW_RETURN_NOT_OK(expr)
#define DELTACPP_ASSIGN_OR_RAISE(lhs, rexpr) ARROW_ASSIGN_OR_RAISE(lhs, rexpr)
