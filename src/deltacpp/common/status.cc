#include "deltacpp/common/status.h"

namespace deltacpp {

const char* DeltaErrorCodeName(DeltaErrorCode code) {
  switch (code) {
    case DeltaErrorCode::kTableNotFound:
      return "TableNotFound";
    case DeltaErrorCode::kVersionNotFound:
      return "VersionNotFound";
    case DeltaErrorCode::kCorruptLog:
      return "CorruptLog";
    case DeltaErrorCode::kUnsupportedFeature:
      return "UnsupportedFeature";
    case DeltaErrorCode::kFileNotFound:
      return "FileNotFound";
    case DeltaErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case DeltaErrorCode::kConflict:
      return "Conflict";
    case DeltaErrorCode::kIOError:
      return "IOError";
    case DeltaErrorCode::kSchemaMismatch:
      return "SchemaMismatch";
  }
  return "Unknown";
}

namespace {

arrow::StatusCode ArrowCodeFor(DeltaErrorCode code) {
  switch (code) {
    case DeltaErrorCode::kTableNotFound:
    case DeltaErrorCode::kFileNotFound:
    case DeltaErrorCode::kIOError:
      return arrow::StatusCode::IOError;
    case DeltaErrorCode::kVersionNotFound:
      return arrow::StatusCode::KeyError;
    case DeltaErrorCode::kUnsupportedFeature:
      return arrow::StatusCode::NotImplemented;
    case DeltaErrorCode::kCorruptLog:
    case DeltaErrorCode::kInvalidArgument:
    case DeltaErrorCode::kSchemaMismatch:
      return arrow::StatusCode::Invalid;
    case DeltaErrorCode::kConflict:
      return arrow::StatusCode::AlreadyExists;
  }
  return arrow::StatusCode::UnknownError;
}

}  // namespace

Status MakeDeltaError(DeltaErrorCode code, std::string message) {
  return Status(ArrowCodeFor(code), std::move(message),
                std::make_shared<DeltaErrorDetail>(code));
}

std::optional<DeltaErrorCode> GetDeltaErrorCode(const Status& status) {
  const auto& detail = status.detail();
  if (detail == nullptr ||
      std::string_view(detail->type_id()) != DeltaErrorDetail::kTypeId) {
    return std::nullopt;
  }
  return static_cast<const DeltaErrorDetail&>(*detail).code();
}

}  // namespace deltacpp
