#include "deltacpp/python/arrow_capsule.h"

#include <arrow/c/abi.h>
#include <arrow/c/bridge.h>

#include "deltacpp/python/errors.h"

namespace nb = nanobind;

namespace deltacpp::python {

namespace {

constexpr const char* kStreamCapsule = "arrow_array_stream";
constexpr const char* kSchemaCapsule = "arrow_schema";

void* CapsulePointer(nb::handle capsule, const char* name) {
  if (!PyCapsule_IsValid(capsule.ptr(), name)) {
    throw nb::value_error(
        (std::string("expected a PyCapsule named '") + name + "'").c_str());
  }
  return PyCapsule_GetPointer(capsule.ptr(), name);
}

}  // namespace

nb::capsule ExportStream(std::shared_ptr<arrow::RecordBatchReader> reader) {
  auto stream = std::make_unique<ArrowArrayStream>();
  ThrowIfError(arrow::ExportRecordBatchReader(std::move(reader), stream.get()));
  return nb::capsule(stream.release(), kStreamCapsule, [](void* pointer) noexcept {
    auto* owned = static_cast<ArrowArrayStream*>(pointer);
    if (owned->release != nullptr) owned->release(owned);
    delete owned;
  });
}

std::shared_ptr<arrow::RecordBatchReader> ImportStream(nb::handle capsule) {
  auto* stream = static_cast<ArrowArrayStream*>(CapsulePointer(capsule, kStreamCapsule));
  if (stream->release == nullptr) {
    throw nb::value_error("the Arrow stream was consumed already");
  }
  return ValueOrThrow(arrow::ImportRecordBatchReader(stream));
}

nb::capsule ExportSchema(const arrow::Schema& schema) {
  auto exported = std::make_unique<ArrowSchema>();
  ThrowIfError(arrow::ExportSchema(schema, exported.get()));
  return nb::capsule(exported.release(), kSchemaCapsule, [](void* pointer) noexcept {
    auto* owned = static_cast<ArrowSchema*>(pointer);
    if (owned->release != nullptr) owned->release(owned);
    delete owned;
  });
}

std::shared_ptr<arrow::Schema> ImportSchema(nb::handle capsule) {
  auto* schema = static_cast<ArrowSchema*>(CapsulePointer(capsule, kSchemaCapsule));
  // Moves the schema out: producers hand a fresh capsule to every __arrow_c_schema__.
  return ValueOrThrow(arrow::ImportSchema(schema));
}

}  // namespace deltacpp::python
