#pragma once

// Arrow data across the Python boundary without copies: the Arrow PyCapsule interface
// ("arrow_array_stream" and "arrow_schema" capsules holding C data interface structs).

#include <memory>

#include <arrow/record_batch.h>
#include <arrow/type_fwd.h>
#include <nanobind/nanobind.h>

namespace deltacpp::python {

/// A capsule owning a C stream of `reader`'s batches; the stream is released when the
/// capsule dies unless a consumer moved it out first.
nanobind::capsule ExportStream(std::shared_ptr<arrow::RecordBatchReader> reader);

/// The reader of a stream capsule; moves the stream out of the capsule, which stays
/// valid but released. Throws ValueError for anything else.
std::shared_ptr<arrow::RecordBatchReader> ImportStream(nanobind::handle capsule);

nanobind::capsule ExportSchema(const arrow::Schema& schema);
std::shared_ptr<arrow::Schema> ImportSchema(nanobind::handle capsule);

}  // namespace deltacpp::python
