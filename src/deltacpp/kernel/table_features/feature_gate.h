#pragma once

// The one place that decides whether delta-cpp may read a table. A table whose protocol
// asks for something this reader does not implement is refused with an error naming it,
// never read wrongly.

#include <string_view>

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp {

/// The highest reader protocol version delta-cpp understands (3: table features).
inline constexpr int32_t kMaxSupportedReaderVersion = 3;

/// True when delta-cpp reads tables that list `feature` among their readerFeatures.
DELTACPP_EXPORT bool IsReaderFeatureSupported(std::string_view feature);

/// OK when a table with `protocol` can be read correctly. Otherwise fails with
/// DeltaErrorCode::kUnsupportedFeature naming the reader version or every reader feature
/// that is missing.
DELTACPP_EXPORT Status CheckReadSupported(const Protocol& protocol);

/// OK when delta-cpp may commit to a table with `protocol` and `metadata`: it can read
/// it, every writer feature it lists is one delta-cpp honours, and it uses none of the
/// rules delta-cpp does not enforce yet (identity columns, row tracking). Otherwise fails
/// with kUnsupportedFeature naming each. Column invariants, CHECK constraints and
/// generated columns pass: writers enforce them on every row (ops/write_constraints.h).
DELTACPP_EXPORT Status CheckWriteSupported(const Protocol& protocol,
                                           const Metadata& metadata);

/// The least protocol for a new table of `schema` (its Arrow schema, with Delta field
/// metadata) and `metadata`: reader 1 / writer 2 (which covers column invariants), raised
/// to the legacy versions its properties need (writer 3 for CHECK constraints, writer 4
/// for generated columns or change data feed), or to reader 3 / writer 7 listing just the
/// features it uses (invariants, checkConstraints, generatedColumns, appendOnly,
/// changeDataFeed among them) when one of them has no legacy version (timestamp_ntz,
/// variant, deletion vectors; in-commit timestamps, a writer-only feature, give writer 7
/// and keep reader 1 when no reader feature is needed). Fails like CheckWriteSupported
/// for what delta-cpp cannot honour.
DELTACPP_EXPORT Result<Protocol> ProtocolForNewTable(const arrow::Schema& schema,
                                                     const Metadata& metadata);

}  // namespace deltacpp
