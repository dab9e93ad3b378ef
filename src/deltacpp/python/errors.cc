#include "deltacpp/python/errors.h"

#include <nanobind/nanobind.h>

namespace nb = nanobind;

namespace deltacpp::python {

namespace {

// The name in deltacpp.exceptions (or builtins) of the class a failed Status becomes.
const char* ExceptionClassName(const Status& status) {
  if (auto code = GetDeltaErrorCode(status)) {
    switch (*code) {
      case DeltaErrorCode::kTableNotFound:
        return "TableNotFoundError";
      case DeltaErrorCode::kCorruptLog:
      case DeltaErrorCode::kUnsupportedFeature:
        return "DeltaProtocolError";
      case DeltaErrorCode::kConflict:
        return "CommitFailedError";
      case DeltaErrorCode::kSchemaMismatch:
        return "SchemaMismatchError";
      case DeltaErrorCode::kFileNotFound:
        return "FileNotFoundError";
      case DeltaErrorCode::kIOError:
        return "OSError";
      case DeltaErrorCode::kVersionNotFound:
      case DeltaErrorCode::kInvalidArgument:
        return "DeltaError";
    }
  }
  if (status.IsInvalid() || status.IsTypeError()) return "ValueError";
  if (status.IsNotImplemented()) return "NotImplementedError";
  if (status.IsIOError()) return "OSError";
  return "DeltaError";
}

}  // namespace

void RegisterErrorTranslator() {
  nb::register_exception_translator([](const std::exception_ptr& error, void*) {
    try {
      std::rethrow_exception(error);
    } catch (const StatusError& failed) {
      const char* name = ExceptionClassName(failed.status());
      nb::object module = nb::module_::import_("deltacpp.exceptions");
      nb::object type = nb::getattr(module, name, nb::none());
      if (type.is_none()) type = nb::module_::import_("builtins").attr(name);
      PyErr_SetString(type.ptr(), failed.status().message().c_str());
    }
  });
}

}  // namespace deltacpp::python
