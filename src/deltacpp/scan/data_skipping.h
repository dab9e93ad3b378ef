#pragma once

// Data skipping: deciding from the log alone, before any data file is opened, which files
// cannot hold a row that satisfies a predicate. Partition columns are judged by the
// file's partition values, other columns by its statistics (PROTOCOL.md, "Per-file
// Statistics": minValues, maxValues, nullCount, numRecords, tightBounds).

#include <memory>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/kernel/snapshot.h"

namespace deltacpp {

class DELTACPP_EXPORT DataSkipping {
 public:
  /// `bound`: a predicate bound to the snapshot's schema (bind_predicate.h). Fails with
  /// the errors of GetPhysicalColumn for a column mapping the metadata lacks.
  static Result<std::shared_ptr<const DataSkipping>> Make(PredicatePtr bound,
                                                          const Snapshot& snapshot);

  /// False only when the file's partition values and statistics prove that none of its
  /// rows satisfies the predicate. Missing, partial or unreadable statistics prove
  /// nothing, and so do conditions other than a column compared with a literal or a
  /// column, IS [NOT] NULL of a column and IN of a column with literals (arithmetic,
  /// functions, casts, LIKE, <=>), alone or under NOT. Bounds are used as bounds: wide
  /// bounds (tightBounds false) still prune, null counts only when they say "none" or
  /// "all"; timestamp maxima, which writers truncate to milliseconds, are widened by the
  /// truncated part.
  bool MayMatch(const AddFile& file) const;

  /// What the statistics say about one column of one file.
  struct ColumnStats {
    std::shared_ptr<arrow::Scalar> min;  // null when unknown
    std::shared_ptr<arrow::Scalar> max;
    bool all_null = false;
    bool none_null = false;
  };

 private:
  struct Column {
    std::vector<std::string> logical_path;
    std::vector<std::string> physical_path;
    std::shared_ptr<arrow::DataType> type;
    bool is_partition = false;
  };

  DataSkipping() = default;
  std::vector<ColumnStats> ReadStats(const AddFile& file) const;
  bool MayMatch(const Predicate& node, const std::vector<ColumnStats>& stats) const;
  const ColumnStats& StatsOf(const Predicate& column,
                             const std::vector<ColumnStats>& stats) const;

  PredicatePtr predicate_;
  std::vector<Column> columns_;
};

}  // namespace deltacpp
