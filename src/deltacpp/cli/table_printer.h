#pragma once

// Renders Arrow batches as a plain-text table for the terminal.

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <arrow/array/builder_base.h>
#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"

namespace deltacpp::cli {

/// Prints every row of `reader` under a header of column names, columns padded to their
/// widest value, nulls as "null", then "(N rows)". Fails with the reader's error.
Status PrintTable(arrow::RecordBatchReader& reader, std::ostream& out);

/// Finishes each builder into a column named by its pair and prints them as PrintTable
/// does. REQUIRES: the builders hold the same number of values.
Status PrintColumns(
    const std::vector<std::pair<std::string, arrow::ArrayBuilder*>>& columns,
    std::ostream& out);

}  // namespace deltacpp::cli
