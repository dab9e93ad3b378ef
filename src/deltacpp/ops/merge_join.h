#pragma once

// The hash join of a merge: the source's rows by the values of the plan's join keys,
// looked up for each batch of target rows, and the filter of the target's files that
// only files that can hold a matching (or otherwise changed) row pass. Internal to ops/
// (merge and update): never included from a public header.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <arrow/array.h>
#include <arrow/compute/row/grouper.h>
#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/ops/merge_plan.h"

namespace deltacpp::internal {

// Source rows by join key: the rows of each distinct key (none with a null in it).
class SourceIndex {
 public:
  static Result<SourceIndex> Make(const MergePlan& plan,
                                  const arrow::RecordBatch& joined_source);

  // For each target row, its group (-1 when no source row has its key).
  Result<std::vector<int64_t>> Lookup(const MergePlan& plan,
                                      const arrow::RecordBatch& joined_target) const;

  // The source rows of group `group`.
  std::pair<const int64_t*, const int64_t*> Rows(int64_t group) const {
    return {rows_.data() + offsets_[group], rows_.data() + offsets_[group + 1]};
  }

  // Key `k` of every source row, by row, as the join compares it (file skipping takes
  // its distinct values).
  const std::shared_ptr<arrow::Array>& key_values(size_t k) const {
    return key_values_[k];
  }

 private:
  std::unique_ptr<arrow::compute::Grouper> grouper_;
  std::vector<std::shared_ptr<arrow::Array>> key_values_;
  std::vector<int64_t> offsets_;  // group g's rows are rows_[offsets_[g], offsets_[g+1])
  std::vector<int64_t> rows_;
};

// A filter of the files that may hold a row the merge changes or needs: one matching a
// source row (MatchFilter), or one a WHEN NOT MATCHED BY SOURCE clause may change. Null
// when every file must be read.
PredicatePtr FileFilter(const MergePlan& plan, const SourceIndex& index,
                        int64_t source_rows);

}  // namespace deltacpp::internal
