#pragma once

// How the schema of data being written meets the schema of the table it goes to: the
// types Delta stores, the schema modes (reject a mismatch, merge new columns in, or
// overwrite the schema), and rows shaped to the table's schema.
//
// Tested by: ops/write_table_test.cc (schema modes, evolution and casts on write).

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "deltacpp/common/status.h"

namespace deltacpp {

enum class SchemaMode {
  /// The data's columns must be the table's, of the same types; nullable columns
  /// (and nested fields) the data lacks are written as nulls, as Delta Spark does.
  kReject,
  /// As kReject, and columns (or nested fields) the table lacks are added to it as
  /// nullable; data of a narrower type (int into long, float into double, date into
  /// timestamp_ntz, decimal into a wider decimal) is widened to the table's type.
  kMerge,
  /// The table takes the data's schema (only when overwriting the table).
  kOverwrite,
};

/// "reject" (also "" and "none"), "merge" or "overwrite".
DELTACPP_EXPORT Result<SchemaMode> ParseSchemaMode(std::string_view text);

/// `data` with the types Delta stores: timestamps in microseconds (UTC or without a
/// zone), large and view strings, binaries and lists as their plain kinds, dictionaries
/// as their values, no field metadata. Fails with kInvalidArgument naming a column whose
/// type Delta cannot store.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Schema>> StorageSchema(
    const arrow::Schema& data);

/// The table schema after writing data of `data_schema` (a StorageSchema) under `mode`
/// to a table of `table_schema`: `table_schema` itself unless kMerge adds fields or
/// kOverwrite replaces it. Columns in `may_omit` (generated columns) may be missing even
/// when NOT NULL. Fails with kInvalidArgument naming the first column (as a dotted path)
/// whose type differs, that the table lacks (under kReject), or that is NOT NULL and
/// missing.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Schema>> ResolveWriteSchema(
    const std::shared_ptr<arrow::Schema>& table_schema,
    const std::shared_ptr<arrow::Schema>& data_schema, SchemaMode mode,
    const std::set<std::string>& may_omit, const std::string& table_uri);

/// `batch` shaped to `target` (a schema ResolveWriteSchema returned for it): columns
/// and nested fields matched by name and put in the target's order, cast to the
/// target's types, missing ones filled with nulls; top-level columns in `leave_out` that
/// the batch lacks are left out of the result.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::RecordBatch>> ConformBatch(
    const arrow::RecordBatch& batch, const arrow::Schema& target,
    const std::set<std::string>& leave_out);

}  // namespace deltacpp
