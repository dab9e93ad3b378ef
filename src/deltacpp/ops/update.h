#pragma once

// UPDATE, as Delta Spark's: set columns of the rows where a predicate holds, rewriting
// the files that hold such rows (copy on write). It runs on MERGE's machinery as a merge
// of no source rows whose one WHEN NOT MATCHED BY SOURCE clause is the update
// (merge_rewrite.h), so the two write, count and fail alike.
//
// Tested by: ops/merge_test.cc and ops/merge_edge_test.cc (the UpdateRows tests).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/ops/partitioned_writer.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {

struct UpdateOptions {
  /// The files written (statistics follow the table's configuration).
  DataFileOptions data_files;
  std::vector<SetTransaction> app_transactions;
  CommitOptions commit;
};

/// What an update did; the names of Delta Spark's UPDATE metrics.
struct UpdateResult {
  /// The version committed; the table's when no row matched (`committed` false).
  int64_t version = 0;
  bool committed = false;
  int64_t num_updated_rows = 0;
  /// Rows of rewritten files written again unchanged.
  int64_t num_copied_rows = 0;
  int64_t num_added_files = 0;
  int64_t num_removed_files = 0;
  int64_t num_added_bytes = 0;
  int64_t num_removed_bytes = 0;
  int64_t num_added_change_files = 0;
  int64_t execution_time_ms = 0;
  int64_t scan_time_ms = 0;
  int64_t rewrite_time_ms = 0;
};

/// UPDATE: sets the columns of `assignments` (column -> expression over the row's
/// columns) in the rows of the table at `table_uri` where `predicate` holds (every row
/// when null), as Delta Spark's UPDATE: files the predicate's partition values or
/// statistics rule out are not read, files without a matching row are kept, the others
/// written again. Generated columns are computed again from the new values. Commits
/// operation UPDATE with Spark's metrics (numUpdatedRows, numCopiedRows, ...), nothing
/// when no row matches. Fails, committing nothing, with kTableNotFound, kInvalidArgument
/// (no assignment, an unknown column, a value that does not fit, a broken constraint),
/// kUnsupportedFeature (column mapping) and kConflict, as MergeIntoTable (merge.h); on a
/// table with the change data feed, writes each updated row's pre- and post-image to
/// change data files.
DELTACPP_EXPORT Result<UpdateResult> UpdateRows(
    const std::string& table_uri, const PredicatePtr& predicate,
    std::vector<std::pair<std::string, PredicatePtr>> assignments,
    const UpdateOptions& options);

}  // namespace deltacpp
