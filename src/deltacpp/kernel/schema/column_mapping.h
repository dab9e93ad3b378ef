#pragma once

// Column mapping (PROTOCOL.md, "Column Mapping"): the names and ids under which logical
// columns are stored in data files, so that columns can be renamed or dropped without
// rewriting data.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/table_configuration.h"

namespace deltacpp {

/// The Arrow field metadata key Parquet C++ uses for a Parquet field id.
inline constexpr std::string_view kParquetFieldIdKey = "PARQUET:field_id";

/// How a logical field is stored in data files.
struct PhysicalColumn {
  std::string name;
  /// The Parquet field id to match first, in id mode.
  std::optional<int64_t> field_id;
};

/// The physical name and id of `logical` (a field of the table schema, as parsed by
/// ParseSchemaJson). In mode none the name is the logical name. Fails with kCorruptLog
/// when the mode needs a physical name or id that the field's metadata lacks or has in
/// the wrong type.
DELTACPP_EXPORT Result<PhysicalColumn> GetPhysicalColumn(const arrow::Field& logical,
                                                         ColumnMappingMode mode);

/// The Parquet field id of a field of a data file's Arrow schema, if it has one.
DELTACPP_EXPORT std::optional<int64_t> GetParquetFieldId(const arrow::Field& field);

}  // namespace deltacpp
