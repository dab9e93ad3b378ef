#pragma once

// A merge run: the source read into memory, the plan and the join index made, each
// target file that can match read and merged row by row, files with a changed row
// written again (copy on write), the unmatched source rows inserted, and one commit.
// MERGE and UPDATE both run here. Internal to ops/: never included from a public header.
//
// Tested by: ops/merge_test.cc and ops/merge_edge_test.cc (every MERGE and UPDATE they
// run).

#include <functional>
#include <string>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/ops/merge.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp::internal {

// How an operation built on the merge's machinery is told apart: MERGE itself, or an
// UPDATE (a merge of no source rows whose one WHEN NOT MATCHED BY SOURCE clause is the
// update).
struct OperationKind {
  std::string name;       // "MERGE" or "UPDATE"
  std::string by_source;  // how errors name the WHEN NOT MATCHED BY SOURCE clauses
  // The commit's operation, with its parameters and the metrics of `result`; each
  // operation names them as Delta Spark does.
  std::function<Operation(const MergeResult& result)> operation;
};

// Merges `source` into the table at `table_uri` on `on` as `options` say and commits
// `kind`'s operation (nothing when no row changes); the errors of MergeIntoTable. The
// caller has checked `on` and `options` as its operation requires.
Result<MergeResult> RunMerge(const std::string& table_uri,
                             arrow::RecordBatchReader& source, const PredicatePtr& on,
                             const MergeOptions& options, const OperationKind& kind);

}  // namespace deltacpp::internal
