#pragma once

// The keys Delta defines in a field's metadata (the schema's "metadata" object of a
// field), each named once: column mapping (PROTOCOL.md, "Column Mapping"), invariants
// ("Column Invariants"), generated columns ("Generated Columns") and identity columns
// ("Identity Columns"). Table properties are kernel/table_configuration.h's.

#include <string_view>

namespace deltacpp::field_metadata {

inline constexpr std::string_view kColumnMappingId = "delta.columnMapping.id";
inline constexpr std::string_view kColumnMappingPhysicalName =
    "delta.columnMapping.physicalName";
/// {"expression": {"expression": "<SQL condition>"}}, as JSON text.
inline constexpr std::string_view kInvariants = "delta.invariants";
/// The SQL expression a generated column's values must equal.
inline constexpr std::string_view kGenerationExpression = "delta.generationExpression";
/// Present on identity columns (their first value).
inline constexpr std::string_view kIdentityStart = "delta.identity.start";

}  // namespace deltacpp::field_metadata
