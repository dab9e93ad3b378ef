#pragma once

// A table schema written as SQL-like column definitions, for people (the CLI's
// `create --schema`): the inverse of DeltaTypeString for whole schemas.
//
//   id long NOT NULL, name string, price decimal(10,2), tags array<string>,
//   attrs map<string, int>, address struct<city: string, zip: int NOT NULL>
//
// Types are Delta's names (schema_json.h) plus the SQL aliases bigint, int, smallint,
// tinyint, bool and numeric; `backquote` names with other characters. A field may end
// with COMMENT 'text'.

#include <memory>
#include <string_view>

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"

namespace deltacpp {

/// The Arrow schema (as ParseSchemaJson would return it) of `ddl`. Fails with
/// kInvalidArgument naming the position and what was expected, an unknown type, or a
/// repeated column name.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Schema>> ParseSchemaDdl(
    std::string_view ddl);

}  // namespace deltacpp
