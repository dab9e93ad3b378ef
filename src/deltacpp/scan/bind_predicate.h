#pragma once

// Binding checks a predicate against a table schema and makes it ready to evaluate, both
// on file statistics (data_skipping.h) and on rows (row_filter.h).

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"

namespace deltacpp {

/// The bound form of `predicate` over `schema` (a table's logical schema):
/// - every column is found (top-level by name, then into structs) and carries its type;
/// - every literal carries a value of the type of the column it meets (a number for a
///   numeric or decimal column, a string for any column whose values can be written as
///   text: strings, dates, timestamps, numbers; TRUE/FALSE for a boolean one);
/// - NOT is pushed down to the leaves (three-valued logic is kept: NOT (a < 1) is
///   a >= 1), so only AND, OR and leaf conditions remain, with the column first;
/// - a bare boolean column c becomes c = TRUE.
/// Fails with kInvalidArgument for an unknown column (naming the columns there are), a
/// literal that is not a value of its column's type, two columns of different types, a
/// comparison without a column, or a non-boolean condition.
DELTACPP_EXPORT Result<PredicatePtr> BindPredicate(const PredicatePtr& predicate,
                                                   const arrow::Schema& schema);

/// The columns a bound predicate reads, each once, in order of appearance.
DELTACPP_EXPORT std::vector<PredicatePtr> ReferencedColumns(const PredicatePtr& bound);

}  // namespace deltacpp
