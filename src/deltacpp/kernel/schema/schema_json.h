#pragma once

// The table schema: Delta's schema JSON (PROTOCOL.md, "Schema Serialization Format") read
// into an arrow::Schema, which is delta-cpp's one in-memory schema model.
//
// Mapping: string->utf8, long->int64, integer->int32, short->int16, byte->int8,
// float->float32, double->float64, boolean->bool, binary->binary, date->date32,
// timestamp->timestamp(us, "UTC"), timestamp_ntz->timestamp(us),
// decimal(p,s)->decimal128, struct->struct, array->list<element>, map->map<key, value>,
// variant->struct<metadata: binary not null, value: binary not null> (its Parquet form:
// the binary variant encoding, unshredded).
// Field nullability is kept; each Delta field metadata entry becomes an Arrow field
// metadata entry whose value is the entry's JSON text (so `"comment": "x"` is kept as
// `"x"` with quotes and numbers stay numbers), which round-trips exactly.

#include <memory>
#include <string>
#include <string_view>

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"

namespace deltacpp {

/// How many complex types (struct, array, map) may nest inside one another in a column,
/// e.g. 3 in struct<a: array<map<string, long>>>. Parsing, Arrow and Parquet all recurse
/// once per level, so a schema from a table or a user must not choose the depth. Real
/// schemas nest tens of levels; Arrow's Parquet reader reads files of at most 100 levels
/// (kDefaultSchemaDepthLimit, where a list takes two), so no table nests deeper in
/// practice.
inline constexpr int kMaxTypeNesting = 100;

/// The most digits a Delta decimal holds (PROTOCOL.md, "Primitive Types"), as Spark's.
inline constexpr int kMaxDecimalPrecision = 38;

/// Parses a schema string (the metaData action's schemaString). Fails with
/// DeltaErrorCode::kCorruptLog for JSON that is not a Delta struct schema, naming the
/// field and what is wrong (also for JSON nested deeper than 1000 levels and for types
/// nested deeper than kMaxTypeNesting), and with kUnsupportedFeature for a type delta-cpp
/// does not read yet.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Schema>> ParseSchemaJson(
    std::string_view schema_string);

/// The schema string of `schema` (the inverse of ParseSchemaJson: field metadata values
/// are JSON text and are written back as such). Fails with kInvalidArgument for a type
/// with no Delta counterpart, naming it.
DELTACPP_EXPORT Result<std::string> SchemaToJson(const arrow::Schema& schema);

/// The Delta name of an Arrow type as used for the table schema, nested types spelled out
/// ("long", "decimal(10,2)", "array<string>", "struct<a: long, b: map<string, int>>").
/// Types with no Delta counterpart are named by Arrow's name in angle brackets.
DELTACPP_EXPORT std::string DeltaTypeString(const arrow::DataType& type);

/// The Arrow type of a variant column: struct<metadata: binary not null, value: binary
/// not null>. DeltaTypeString names exactly this type "variant".
DELTACPP_EXPORT const std::shared_ptr<arrow::DataType>& VariantStorageType();

/// Parses a primitive Delta type name ("long", "decimal(10,2)", ...). Fails with
/// kCorruptLog for a name the protocol does not define.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::DataType>> ParsePrimitiveType(
    std::string_view name);

/// The Delta name of a SQL primitive type name, case-insensitive: Delta's own names and
/// Spark SQL's aliases (bigint, int, smallint, tinyint, bool, real, varchar, char,
/// timestamp_ltz; decimal, dec and numeric give "decimal", without precision and scale).
/// Null for a name that is neither. Used wherever people write types: CAST, typed
/// literals, `create --schema`.
DELTACPP_EXPORT const char* DeltaNameOfSqlType(std::string_view name);

}  // namespace deltacpp
