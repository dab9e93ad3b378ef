#pragma once

// What a table demands of every row written to it, enforced on each batch before it is
// written: NOT NULL columns (nested struct fields too), column invariants, CHECK
// constraints and generated columns (PROTOCOL.md, "Column Invariants", "CHECK
// Constraints", "Generated Columns"). Expressions are the SQL Delta Spark keeps in the
// log, read by kernel/expressions/predicate_parser.h and evaluated with Spark's semantics
// by scan/row_filter.h (ANSI mode, UTC session time zone).
//
// Where Delta Spark keeps them:
// - NOT NULL: a field's "nullable": false. As Delta Spark does, a NOT NULL field of a
//   struct is violated by a null struct too, and fields inside arrays and maps are not
//   checked (Spark refuses to create such constraints unless told to leave them
//   unenforced).
// - an invariant: field metadata "delta.invariants" = {"expression": {"expression":
//   "x > 3"}} (as JSON text), on a top-level or struct field.
// - a CHECK constraint: metaData.configuration "delta.constraints.<name>" = SQL text.
// - a generated column: field metadata "delta.generationExpression" = SQL text, on a
//   top-level column; it may not refer to itself or to another generated column.
//
// The rule for a violation: a row violates an invariant or a CHECK constraint when the
// expression is false or null (PROTOCOL.md: writers "MUST abort any transaction that
// adds a row to the table, where an invariant evaluates to false or null"; a CHECK
// constraint "must return true"; Delta Spark's CheckDeltaInvariant fails on a null or
// false result for both), and a generated column when `(value <=> expression)` is not
// true (PROTOCOL.md, "Generated Columns").

#include <memory>
#include <string>
#include <vector>

#include <arrow/compute/expression.h>
#include <arrow/record_batch.h>
#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp {

class DELTACPP_EXPORT WriteConstraints {
 public:
  /// From the table's Arrow schema (as ParseSchemaJson returns it, with Delta field
  /// metadata) and its metadata configuration. Fails with kInvalidArgument naming a
  /// constraint or generated column whose expression does not parse or bind (or, for a
  /// generated column, refers to a generated column or gives a type that cannot be
  /// stored in the column), or kUnsupportedFeature for a function delta-cpp does not
  /// implement (naming it) or a generated field inside a struct.
  static Result<WriteConstraints> Make(std::shared_ptr<arrow::Schema> table_schema,
                                       const StringMap& configuration);

  /// True when top-level column `name` is generated, so the data may omit it.
  bool IsGenerated(const std::string& name) const;

  /// True when the table has no rule beyond its schema's types: no NOT NULL field, no
  /// invariant, no CHECK constraint, no generated column.
  bool empty() const {
    return not_null_.empty() && checks_.empty() && generated_.empty();
  }

  /// `batch` holds some of the table's top-level columns (by name, already of the
  /// table's types, any order): every non-generated column, and generated ones
  /// optionally. Returns the batch with all the table's columns in table order:
  /// generated columns the data omitted computed, those it has checked to equal their
  /// expression (null-safe); then NOT NULL, invariants and CHECK constraints checked. A
  /// violation fails with kInvalidArgument naming the constraint (e.g. "CHECK constraint
  /// positive_id (id > 0) violated by row {id: -1, name: 'x'}") and one sample row's
  /// values; so do a missing or unknown column, one of another type, and an expression
  /// that cannot be evaluated on a row (an overflow, a division by zero).
  Result<std::shared_ptr<arrow::RecordBatch>> Apply(
      const std::shared_ptr<arrow::RecordBatch>& batch) const;

 private:
  struct NotNull {
    std::vector<int> path;  // field indices from the top-level column down
    std::string name;       // dotted
  };
  struct Check {
    std::string description;  // "CHECK constraint positive (id > 0)"
    arrow::compute::Expression condition;
  };
  struct Generated {
    int index = 0;  // in the table schema
    std::string text;
    arrow::compute::Expression value;      // already of the column's type
    arrow::compute::Expression unchanged;  // column <=> value
  };

  WriteConstraints() = default;
  Status CheckNotNull(const arrow::RecordBatch& batch, const NotNull& rule) const;
  Status CheckRows(const arrow::RecordBatch& batch,
                   const arrow::compute::Expression& condition,
                   const std::string& description, const Generated* generated) const;

  std::shared_ptr<arrow::Schema> schema_;
  std::vector<NotNull> not_null_;
  std::vector<Check> checks_;
  std::vector<Generated> generated_;
};

}  // namespace deltacpp
