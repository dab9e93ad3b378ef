#pragma once

// Exact evaluation: a bound expression (bind_predicate.h) as an Arrow compute expression
// over the logical columns of a batch. A scan keeps the rows where its predicate is true
// (not false, not null); writes check constraints and compute generated columns with it
// (ops/write_constraints.h).
//
// Semantics are Spark SQL's with ANSI mode on (Spark 4's default; Spark 3 without it
// writes a wrapped or null value instead of failing):
// - three-valued logic: a null operand makes a comparison, arithmetic or function null;
//   AND and OR are Kleene's; a <=> b is never null;
// - integer and decimal overflow, division or remainder by zero, a CAST of a value that
//   does not fit (or a string that is not a value of the type) fail evaluation with an
//   error rather than giving a wrong or null value; a CAST to an integer truncates the
//   fraction;
// - a % b takes the sign of a (Java's remainder);
// - the session time zone is UTC: year(ts), CAST(ts AS DATE), date_format and date_trunc
//   read a timestamp as UTC wall-clock time (Delta Spark writers usually run in UTC;
//   timestamp_ntz values are wall-clock times already);
// - IN is an OR of equalities (x IN (1, NULL) is never false); if(c, a, b) and CASE take
//   b when c is null.
// Known differences: NaN equals nothing (Spark: NaN = NaN); decimal division and
// multiplication give Arrow's precision and scale, which may round differently from
// Spark's in the last digits.

#include <cstdint>
#include <memory>
#include <optional>

#include <arrow/compute/expression.h>
#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"

namespace deltacpp {

/// `bound` (bind_predicate.h) as an Arrow expression; columns are field references by
/// logical name path.
DELTACPP_EXPORT arrow::compute::Expression ToArrowExpression(const Predicate& bound);

/// The value of `expression` (a ToArrowExpression bound to batch's schema) for every row
/// of `batch`, as an array of its rows (a constant is repeated). Fails with the
/// evaluation's error (an overflow, a division by zero, a CAST that does not fit).
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Array>> EvaluateRows(
    const arrow::compute::Expression& expression, const arrow::RecordBatch& batch);

/// For a condition: true for the rows of `batch` where it is true, false where it is
/// false or null (the rows a WHERE keeps). Never null.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::BooleanArray>> TrueRows(
    const arrow::compute::Expression& condition, const arrow::RecordBatch& batch);

/// The rows of `input` where `bound` (bound to input's schema) is true, at most `limit`
/// of them; for readers whose rows cannot be filtered at the source.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::RecordBatchReader>> FilterRows(
    std::shared_ptr<arrow::RecordBatchReader> input, const Predicate& bound,
    std::optional<int64_t> limit);

}  // namespace deltacpp
