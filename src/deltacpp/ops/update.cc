#include "deltacpp/ops/update.h"

#include <string>
#include <utility>
#include <vector>

#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "deltacpp/ops/commit_parts.h"
#include "deltacpp/ops/merge.h"
#include "deltacpp/ops/merge_rewrite.h"

namespace deltacpp {

using internal::JsonStringArray;

namespace {

Operation UpdateOperation(const PredicatePtr& predicate, const MergeResult& result) {
  Operation operation;
  operation.name = "UPDATE";
  operation.parameters = {
      {"predicate",
       JsonStringArray({predicate != nullptr ? predicate->ToString() : "true"})}};
  auto metric = [&](const char* name, int64_t value) {
    operation.metrics[name] = std::to_string(value);
  };
  metric("numUpdatedRows", result.num_target_rows_updated);
  metric("numCopiedRows", result.num_target_rows_copied);
  metric("numAddedFiles", result.num_target_files_added);
  metric("numRemovedFiles", result.num_target_files_removed);
  metric("numAddedBytes", result.num_target_bytes_added);
  metric("numRemovedBytes", result.num_target_bytes_removed);
  metric("numAddedChangeFiles", result.num_target_change_files_added);
  metric("executionTimeMs", result.execution_time_ms);
  metric("scanTimeMs", result.scan_time_ms);
  metric("rewriteTimeMs", result.rewrite_time_ms);
  return operation;
}

}  // namespace

Result<UpdateResult> UpdateRows(
    const std::string& table_uri, const PredicatePtr& predicate,
    std::vector<std::pair<std::string, PredicatePtr>> assignments,
    const UpdateOptions& options) {
  if (assignments.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "an update needs at least one column to set");
  }
  MergeOptions merge;
  merge.target_alias.clear();
  merge.source_alias.clear();
  merge.when_not_matched_by_source.push_back(
      MergeClause::Update(std::move(assignments), predicate));
  merge.data_files = options.data_files;
  merge.app_transactions = options.app_transactions;
  merge.commit = options.commit;
  auto no_rows = arrow::RecordBatchReader::Make({}, arrow::schema({}));
  if (!no_rows.ok()) return no_rows.status();
  DELTACPP_ASSIGN_OR_RAISE(
      auto merged,
      internal::RunMerge(table_uri, **no_rows, Literal(false), merge,
                         {"UPDATE", "UPDATE", [&](const MergeResult& result) {
                            return UpdateOperation(predicate, result);
                          }}));
  UpdateResult result;
  result.version = merged.version;
  result.committed = merged.committed;
  result.num_updated_rows = merged.num_target_rows_updated;
  result.num_copied_rows = merged.num_target_rows_copied;
  result.num_added_files = merged.num_target_files_added;
  result.num_removed_files = merged.num_target_files_removed;
  result.num_added_bytes = merged.num_target_bytes_added;
  result.num_removed_bytes = merged.num_target_bytes_removed;
  result.num_added_change_files = merged.num_target_change_files_added;
  result.execution_time_ms = merged.execution_time_ms;
  result.scan_time_ms = merged.scan_time_ms;
  result.rewrite_time_ms = merged.rewrite_time_ms;
  return result;
}

}  // namespace deltacpp
