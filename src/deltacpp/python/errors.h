#pragma once

// Failed Statuses become Python exceptions: the classes of deltacpp.exceptions, chosen by
// the DeltaErrorCode (or the Arrow status code), with the Status message as their text.

#include <stdexcept>
#include <string>
#include <utility>

#include "deltacpp/common/status.h"

namespace deltacpp::python {

/// Carries a failed Status out of a binding, to be raised as a Python exception by the
/// translator RegisterErrorTranslator installs.
class StatusError : public std::runtime_error {
 public:
  explicit StatusError(Status status)
      : std::runtime_error(status.message()), status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

inline void ThrowIfError(const Status& status) {
  if (!status.ok()) throw StatusError(status);
}

template <typename T>
T ValueOrThrow(Result<T> result) {
  if (!result.ok()) throw StatusError(result.status());
  return std::move(result).ValueUnsafe();
}

/// Installs the translator; called once at module init.
void RegisterErrorTranslator();

}  // namespace deltacpp::python
