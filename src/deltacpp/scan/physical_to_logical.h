#pragma once

// From the columns a data file stores to the table's logical columns: column mapping
// (physical names, Parquet field ids), nested fields the file lacks (null), and types
// the file stores narrower or differently (cast), all the way down nested types.

#include <memory>

#include <arrow/array.h>
#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/schema/column_mapping.h"

namespace deltacpp {

/// The index in `physical_fields` (a file's fields, or a stored struct's children) of the
/// field storing `logical`, or -1 when the file lacks it. In id mode the Parquet field
/// id decides and the physical name is the fallback. Fails with the errors of
/// GetPhysicalColumn.
DELTACPP_EXPORT Result<int> FindPhysicalField(const arrow::FieldVector& physical_fields,
                                              const arrow::Field& logical,
                                              ColumnMappingMode mode);

/// `physical` (a column as read from a data file) as a column of `logical`'s type and
/// field names. Fails with kCorruptLog when a stored type cannot become the logical one.
/// REQUIRES: arrow::compute::Initialize() has run.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Array>> PhysicalToLogical(
    const std::shared_ptr<arrow::Array>& physical, const arrow::Field& logical,
    ColumnMappingMode mode);

}  // namespace deltacpp
