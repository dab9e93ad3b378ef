#pragma once

// Exact row filtering: a bound predicate as an Arrow compute expression over the logical
// columns of a scan's batches, with SQL's three-valued logic (a row is kept only where
// the predicate is true, not null).

#include <arrow/compute/expression.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"

namespace deltacpp {

/// `bound` (bind_predicate.h) as an Arrow expression; columns are field references by
/// logical name path.
DELTACPP_EXPORT arrow::compute::Expression ToArrowExpression(const Predicate& bound);

}  // namespace deltacpp
