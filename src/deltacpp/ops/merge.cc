#include "deltacpp/ops/merge.h"

#include <string>
#include <utility>
#include <vector>

#include <arrow/util/string.h>

#include "deltacpp/ops/commit_parts.h"
#include "deltacpp/ops/merge_rewrite.h"

namespace deltacpp {

using arrow::internal::AsciiEqualsCaseInsensitive;
using internal::JsonString;
using internal::JsonStringArray;

MergeClause MergeClause::UpdateAll(PredicatePtr condition) {
  MergeClause clause;
  clause.action = MergeAction::kUpdate;
  clause.condition = std::move(condition);
  clause.all_columns = true;
  return clause;
}

MergeClause MergeClause::InsertAll(PredicatePtr condition) {
  MergeClause clause = UpdateAll(std::move(condition));
  clause.action = MergeAction::kInsert;
  return clause;
}

MergeClause MergeClause::Delete(PredicatePtr condition) {
  MergeClause clause;
  clause.action = MergeAction::kDelete;
  clause.condition = std::move(condition);
  return clause;
}

MergeClause MergeClause::Update(
    std::vector<std::pair<std::string, PredicatePtr>> assignments,
    PredicatePtr condition) {
  MergeClause clause;
  clause.action = MergeAction::kUpdate;
  clause.condition = std::move(condition);
  clause.assignments = std::move(assignments);
  return clause;
}

MergeClause MergeClause::Insert(
    std::vector<std::pair<std::string, PredicatePtr>> assignments,
    PredicatePtr condition) {
  MergeClause clause = Update(std::move(assignments), std::move(condition));
  clause.action = MergeAction::kInsert;
  return clause;
}

namespace {

std::string ClausesJson(const std::vector<MergeClause>& clauses) {
  std::string out = "[";
  for (const auto& clause : clauses) {
    if (out.size() > 1) out += ",";
    const char* action = clause.action == MergeAction::kDelete   ? "delete"
                         : clause.action == MergeAction::kInsert ? "insert"
                                                                 : "update";
    out += std::string("{\"actionType\":\"") + action + "\"";
    if (clause.condition != nullptr) {
      out += ",\"predicate\":" + JsonString(clause.condition->ToString());
    }
    out += "}";
  }
  return out + "]";
}

Operation MergeOperation(const PredicatePtr& on, const MergeOptions& options,
                         const MergeResult& result) {
  Operation operation;
  operation.name = "MERGE";
  operation.parameters = {
      {"predicate", JsonStringArray({on->ToString()})},
      {"matchedPredicates", ClausesJson(options.when_matched)},
      {"notMatchedPredicates", ClausesJson(options.when_not_matched)},
      {"notMatchedBySourcePredicates", ClausesJson(options.when_not_matched_by_source)}};
  auto metric = [&](const char* name, int64_t value) {
    operation.metrics[name] = std::to_string(value);
  };
  metric("numSourceRows", result.num_source_rows);
  metric("numTargetRowsInserted", result.num_target_rows_inserted);
  metric("numTargetRowsUpdated", result.num_target_rows_updated);
  metric("numTargetRowsMatchedUpdated", result.num_target_rows_matched_updated);
  metric("numTargetRowsNotMatchedBySourceUpdated",
         result.num_target_rows_not_matched_by_source_updated);
  metric("numTargetRowsDeleted", result.num_target_rows_deleted);
  metric("numTargetRowsMatchedDeleted", result.num_target_rows_matched_deleted);
  metric("numTargetRowsNotMatchedBySourceDeleted",
         result.num_target_rows_not_matched_by_source_deleted);
  metric("numTargetRowsCopied", result.num_target_rows_copied);
  metric("numOutputRows", result.num_output_rows);
  metric("numTargetFilesAdded", result.num_target_files_added);
  metric("numTargetFilesRemoved", result.num_target_files_removed);
  metric("numTargetBytesAdded", result.num_target_bytes_added);
  metric("numTargetBytesRemoved", result.num_target_bytes_removed);
  metric("numTargetChangeFilesAdded", result.num_target_change_files_added);
  metric("executionTimeMs", result.execution_time_ms);
  metric("scanTimeMs", result.scan_time_ms);
  metric("rewriteTimeMs", result.rewrite_time_ms);
  return operation;
}

}  // namespace

Result<MergeResult> MergeIntoTable(const std::string& table_uri,
                                   arrow::RecordBatchReader& source,
                                   const PredicatePtr& on, const MergeOptions& options) {
  if (on == nullptr) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "a merge needs a condition");
  }
  if (!options.source_alias.empty() &&
      AsciiEqualsCaseInsensitive(options.source_alias, options.target_alias)) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "the source and the target of a merge need different aliases, not "
                      "both '",
                      options.source_alias, "'");
  }
  if (options.when_matched.empty() && options.when_not_matched.empty() &&
      options.when_not_matched_by_source.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "a merge needs at least one WHEN clause");
  }
  return internal::RunMerge(
      table_uri, source, on, options,
      {"MERGE", "WHEN NOT MATCHED BY SOURCE",
       [&](const MergeResult& result) { return MergeOperation(on, options, result); }});
}

}  // namespace deltacpp
