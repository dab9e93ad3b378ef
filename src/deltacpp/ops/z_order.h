#pragma once

// Z-order (Morton order) keys: rows ordered so that rows close in several columns at once
// stay close, which makes the value ranges of the files cut from them narrow in every one
// of those columns (OPTIMIZE ZORDER BY, ops/optimize.h).
//
// Each column is first mapped to an unsigned 32-bit integer that keeps its order: the
// value's rank among the column's distinct values (nulls first, as the smallest), scaled
// to the whole 32-bit range so that every column weighs the same whatever its number of
// distinct values. The key interleaves those integers bit by bit, most significant bits
// first and the first column first, so that comparing keys as bytes compares rows along
// the Z curve.

#include <cstdint>
#include <memory>
#include <vector>

#include <arrow/array.h>

#include "deltacpp/common/status.h"

namespace deltacpp {

/// The Z-order key of every row of `columns` (all of one length, at least one column),
/// as fixed_size_binary(4 * columns.size()); keys compare bytewise (memcmp). Fails with
/// kInvalidArgument for no column, columns of different lengths, or a column Arrow
/// cannot rank (nested types), naming its type.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::FixedSizeBinaryArray>> ZOrderKeys(
    const std::vector<std::shared_ptr<arrow::Array>>& columns);

/// The row indices of `columns` in ascending Z-order; rows with equal keys keep their
/// order. Fails as ZOrderKeys.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Int64Array>> ZOrderSortIndices(
    const std::vector<std::shared_ptr<arrow::Array>>& columns);

}  // namespace deltacpp
