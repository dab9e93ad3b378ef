#pragma once

// MERGE INTO: upserts and more, as Delta Spark's MERGE. Rows of a source are joined to
// the table's rows on a condition; each target row matched by a source row may be
// updated or deleted, each source row that matches none may be inserted, and each
// target row no source row matches may be updated or deleted, by the first clause of
// its kind whose condition holds:
//
//   MergeOptions options;
//   options.when_matched.push_back(MergeClause::UpdateAll());
//   options.when_not_matched.push_back(MergeClause::InsertAll());
//   DELTACPP_ASSIGN_OR_RAISE(auto on, ParsePredicate("target.id = source.id"));
//   DELTACPP_ASSIGN_OR_RAISE(auto result,
//                            MergeIntoTable("/data/events", *updates, on, options));
//
// Expressions name columns as alias.column (target.id, source.id) or by a name only one
// side has. The join uses the condition's equalities of a target and a source
// expression as a hash join key (without one every target row meets every source row);
// target files that the source's key values (or the condition's target-only terms) rule
// out by partition values or statistics are not read. Data files where no row changes
// are kept; the others are written again (copy on write).
//
// Where each step lives: merge_clause_text.h (clauses as the CLI writes them),
// merge_plan.h (the two sides as one schema; the condition and clauses bound to it),
// merge_join.h (the source's rows by join key; the target files that can match) and
// merge_rewrite.h (each target file merged and written again, and the commit). UPDATE
// (update.h) runs as a merge of no source rows.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/ops/partitioned_writer.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {

enum class MergeAction { kUpdate, kDelete, kInsert };

/// One WHEN clause.
struct DELTACPP_EXPORT MergeClause {
  MergeAction action = MergeAction::kUpdate;
  /// The clause applies only to rows where this holds (null: to all). For matched rows
  /// it may name both sides; for rows not matched, the source only; for rows not
  /// matched by the source, the target only.
  PredicatePtr condition;
  /// kUpdate and kInsert: target column -> its new value. An update leaves the columns it
  /// does not name as they are; an insert makes them null (generated columns are
  /// computed).
  std::vector<std::pair<std::string, PredicatePtr>> assignments;
  /// kUpdate and kInsert: also every target column the source has a column of the same
  /// name for (Spark's UPDATE SET * and INSERT *), but those in `except_columns`;
  /// `assignments` go over these. An except column may name either side.
  bool all_columns = false;
  std::vector<std::string> except_columns;

  static MergeClause UpdateAll(PredicatePtr condition = nullptr);
  static MergeClause InsertAll(PredicatePtr condition = nullptr);
  static MergeClause Delete(PredicatePtr condition = nullptr);
  static MergeClause Update(std::vector<std::pair<std::string, PredicatePtr>> assignments,
                            PredicatePtr condition = nullptr);
  static MergeClause Insert(std::vector<std::pair<std::string, PredicatePtr>> assignments,
                            PredicatePtr condition = nullptr);

  /// SQL-like text, e.g. "WHEN MATCHED AND source.x > 1 THEN UPDATE SET *", that
  /// ParseMergeClause (merge_clause_text.h) reads back.
  std::string ToString(std::string_view when) const;
};

struct MergeOptions {
  /// How the expressions name the two sides; empty: that side's columns only by name.
  std::string source_alias = "source";
  std::string target_alias = "target";
  /// Actions kUpdate or kDelete, in the order they are tried.
  std::vector<MergeClause> when_matched;
  /// Actions kInsert.
  std::vector<MergeClause> when_not_matched;
  /// Actions kUpdate or kDelete.
  std::vector<MergeClause> when_not_matched_by_source;
  /// Schema evolution: the source's columns the table lacks that an UPDATE SET * or
  /// INSERT * clause takes are added to the table (nullable, after its columns; null in
  /// the rows already there), as Delta Spark's autoMerge.
  bool merge_schema = false;
  /// The files written (statistics follow the table's configuration).
  DataFileOptions data_files;
  std::vector<SetTransaction> app_transactions;
  CommitOptions commit;
};

/// What a merge did; the names of Delta Spark's operation metrics.
struct MergeResult {
  /// The version committed; the table's when nothing changed (`committed` false).
  int64_t version = 0;
  bool committed = false;
  int64_t num_source_rows = 0;
  int64_t num_target_rows_inserted = 0;
  int64_t num_target_rows_updated = 0;  // matched and not matched by source
  int64_t num_target_rows_matched_updated = 0;
  int64_t num_target_rows_not_matched_by_source_updated = 0;
  int64_t num_target_rows_deleted = 0;
  int64_t num_target_rows_matched_deleted = 0;
  int64_t num_target_rows_not_matched_by_source_deleted = 0;
  /// Rows of rewritten files written again unchanged.
  int64_t num_target_rows_copied = 0;
  int64_t num_output_rows = 0;
  int64_t num_target_files_scanned = 0;
  int64_t num_target_files_skipped = 0;
  int64_t num_target_files_added = 0;
  int64_t num_target_files_removed = 0;
  int64_t num_target_bytes_added = 0;
  int64_t num_target_bytes_removed = 0;
  /// Change data files written (tables with the change data feed).
  int64_t num_target_change_files_added = 0;
  int64_t execution_time_ms = 0;
  int64_t scan_time_ms = 0;
  int64_t rewrite_time_ms = 0;
};

/// Merges `source` into the table at `table_uri` on condition `on` as `options` say, in
/// one transaction, and commits operation MERGE with Delta Spark's parameters and
/// metrics (nothing when no row changes). The source is read into memory; its columns
/// of a target column's name and a narrower type (int for long, ...) are widened to the
/// target's type. The join keys (the condition's equalities of a target and a source
/// expression) compare as Spark's =: 0.0 matches -0.0, NaN matches NaN, null matches
/// nothing. Fails, committing nothing, with kTableNotFound when there is no table;
/// kInvalidArgument for a condition or expression that does not parse or bind (an
/// unknown column, a column both sides have and the expression does not qualify, a
/// target column in an insert), the same alias for both sides, an assignment to a
/// column the target lacks, a value that does not fit its column (decimals are rounded
/// half away from zero to the column's scale first; a struct value must have the
/// column's fields, by name: one the column lacks is never dropped, one the value lacks
/// is null only with `merge_schema`), a clause of the wrong action for its WHEN, no
/// clause at all, a target row that more than one source row matches when there are
/// WHEN MATCHED clauses other than one unconditional DELETE (Spark's rule: the result
/// would depend on order), or a row that breaks a constraint; kUnsupportedFeature for
/// column mapping; kConflict when a concurrent commit conflicts. On a table with the
/// change data feed every row changed or inserted is also written to change data files
/// (change_data_writer.h).
DELTACPP_EXPORT Result<MergeResult> MergeIntoTable(const std::string& table_uri,
                                                   arrow::RecordBatchReader& source,
                                                   const PredicatePtr& on,
                                                   const MergeOptions& options);

}  // namespace deltacpp
