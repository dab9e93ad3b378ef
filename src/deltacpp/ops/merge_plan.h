#pragma once

// What a merge decides before it reads a target row: the two sides as one schema, the
// condition split into join keys and the rest, and each clause bound to the joined rows
// with the row it writes. Internal to ops/ (merge and update): never included from a
// public header.
//
// Tested by: ops/merge_test.cc and ops/merge_edge_test.cc (binding the condition and
// clauses of every MERGE they run).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/compute/expression.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/ops/merge.h"
#include "deltacpp/ops/write_constraints.h"

namespace deltacpp::internal {

// Which sides of the merge an expression may name.
enum Side : int { kTargetSide = 1, kSourceSide = 2, kBothSides = 3 };

// The two sides as one schema: the target's row as struct column target_name, the
// source's as source_name. Expressions are rewritten to name every column through one
// of them, then bound to this schema.
struct Sides {
  std::string target_alias, source_alias;  // as the expressions say (may be empty)
  std::string target_name, source_name;    // the struct columns
  std::shared_ptr<arrow::Schema> target, source;
  std::shared_ptr<arrow::Schema> joined;

  static Sides Make(const MergeOptions& options, std::shared_ptr<arrow::Schema> target,
                    std::shared_ptr<arrow::Schema> source);

  // The field of `schema` named `name`: exactly, else the one that differs in case.
  static std::shared_ptr<arrow::Field> Find(const arrow::Schema& schema,
                                            const std::string& name);

  // `expression` with every column named through the side it belongs to. `visible`
  // says which sides the expression may name; `what` names it in errors.
  Result<PredicatePtr> Qualify(const PredicatePtr& expression, int visible,
                               const std::string& what) const;

  // The sides `visible` names, with their columns, as errors list them.
  std::string Describe(int visible) const;

  // Which sides a qualified expression names.
  int SidesOf(const PredicatePtr& qualified) const;

  // A qualified expression of the target alone as an expression of the table.
  PredicatePtr Unqualified(const PredicatePtr& qualified) const;

  // One joined batch: target rows (null when absent) beside source rows.
  Result<std::shared_ptr<arrow::RecordBatch>> Join(
      std::shared_ptr<arrow::Array> target_rows,
      std::shared_ptr<arrow::Array> source_rows, int64_t rows) const;
};

// Why a value of type `from` cannot be written to a column of type `to` (`path`) as Delta
// Spark's MERGE and UPDATE cast by name: a struct field the column lacks would be
// dropped, and one the value lacks made null (allowed with schema evolution,
// `allow_missing`). Empty when the nested fields agree (names in any case and order).
std::string NestedFieldMismatch(const arrow::DataType& from, const arrow::DataType& to,
                                bool allow_missing, const std::string& path);

// How one clause computes the row it writes: one bound expression per column of the
// batch it makes (the table's columns but generated ones it leaves to be computed).
struct RowMaker {
  std::shared_ptr<arrow::Schema> schema;           // of the rows made
  std::vector<arrow::compute::Expression> values;  // bound to the joined schema
};

struct BoundClause {
  MergeClause clause;
  std::optional<arrow::compute::Expression> condition;  // bound to the joined schema
  std::optional<RowMaker> row;                          // kUpdate and kInsert
};

// Everything one merge decides before it reads the target.
class MergePlan {
 public:
  // `by_source_label` names the WHEN NOT MATCHED BY SOURCE clauses in errors.
  static Result<MergePlan> Make(const Sides& sides, const PredicatePtr& on,
                                const MergeOptions& options,
                                const WriteConstraints& rules,
                                const std::string& by_source_label);

  struct Key {
    PredicatePtr target, source;  // bound, of one type
    PredicatePtr target_column;   // the table's column when the target side is one
    arrow::compute::Expression target_value, source_value;
  };

  const std::vector<Key>& keys() const { return keys_; }
  const std::optional<arrow::compute::Expression>& residual() const { return residual_; }
  const std::vector<PredicatePtr>& target_terms() const { return target_terms_; }
  // The conditions of the WHEN NOT MATCHED BY SOURCE clauses, of the table's columns;
  // by_source_everywhere() when one has none (it may change a row of any file).
  const std::vector<PredicatePtr>& by_source_terms() const { return by_source_terms_; }
  bool by_source_everywhere() const { return by_source_everywhere_; }
  const std::vector<BoundClause>& matched() const { return matched_; }
  const std::vector<BoundClause>& not_matched() const { return not_matched_; }
  const std::vector<BoundClause>& not_matched_by_source() const {
    return not_matched_by_source_;
  }
  // Whether target rows may change (else the target is read only to find matches).
  bool RewritesTarget() const {
    return !matched_.empty() || !not_matched_by_source_.empty();
  }
  // Whether a target row may match more than one source row: when no WHEN MATCHED
  // clause could pick one of them, or when the only one is an unconditional DELETE,
  // which deletes the row whichever matches (Delta Spark's rule).
  bool AllowsMultipleMatches() const {
    return matched_.empty() ||
           (matched_.size() == 1 && matched_[0].clause.action == MergeAction::kDelete &&
            matched_[0].clause.condition == nullptr);
  }

 private:
  Status BindClauses(const std::vector<MergeClause>& clauses, const std::string& when,
                     int visible, const WriteConstraints& rules,
                     std::vector<BoundClause>& out);

  Result<RowMaker> MakeRow(const MergeClause& clause, const std::string& when,
                           int visible, const WriteConstraints& rules) const;

  const Sides* sides_ = nullptr;
  bool allow_missing_fields_ = false;  // schema evolution: missing nested fields are null
  std::vector<Key> keys_;
  std::optional<arrow::compute::Expression> residual_;
  std::vector<PredicatePtr> target_terms_;  // of the table's columns
  std::vector<PredicatePtr> by_source_terms_;
  bool by_source_everywhere_ = false;
  std::vector<BoundClause> matched_, not_matched_, not_matched_by_source_;
};

}  // namespace deltacpp::internal
