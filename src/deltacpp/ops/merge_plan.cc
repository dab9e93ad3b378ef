#include "deltacpp/ops/merge_plan.h"

#include <algorithm>
#include <set>
#include <utility>

#include <arrow/array/util.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/cast.h>
#include <arrow/util/string.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/ops/merge_clause_text.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/row_filter.h"

namespace deltacpp::internal {

namespace cp = arrow::compute;
using arrow::internal::AsciiEqualsCaseInsensitive;

namespace {

std::vector<PredicatePtr> Conjuncts(const PredicatePtr& predicate) {
  if (predicate->op != PredicateOp::kAnd) return {predicate};
  auto left = Conjuncts(predicate->children[0]);
  auto right = Conjuncts(predicate->children[1]);
  left.insert(left.end(), right.begin(), right.end());
  return left;
}

}  // namespace

Sides Sides::Make(const MergeOptions& options, std::shared_ptr<arrow::Schema> target,
                  std::shared_ptr<arrow::Schema> source) {
  Sides sides;
  sides.target_alias = options.target_alias;
  sides.source_alias = options.source_alias;
  sides.target_name = options.target_alias.empty() ? "target" : options.target_alias;
  sides.source_name = options.source_alias.empty() ? "source" : options.source_alias;
  if (AsciiEqualsCaseInsensitive(sides.target_name, sides.source_name)) {
    sides.target_name = "__merge_target";
    sides.source_name = "__merge_source";
  }
  sides.target = std::move(target);
  sides.source = std::move(source);
  sides.joined = arrow::schema(
      {arrow::field(sides.target_name, arrow::struct_(sides.target->fields())),
       arrow::field(sides.source_name, arrow::struct_(sides.source->fields()))});
  return sides;
}

std::shared_ptr<arrow::Field> Sides::Find(const arrow::Schema& schema,
                                          const std::string& name) {
  if (auto exact = schema.GetFieldByName(name)) return exact;
  std::shared_ptr<arrow::Field> found;
  for (const auto& field : schema.fields()) {
    if (AsciiEqualsCaseInsensitive(field->name(), name)) {
      if (found != nullptr) return nullptr;
      found = field;
    }
  }
  return found;
}

Result<PredicatePtr> Sides::Qualify(const PredicatePtr& expression, int visible,
                                    const std::string& what) const {
  if (expression == nullptr) return expression;
  auto copy = std::make_shared<Predicate>(*expression);
  for (auto& child : copy->children) {
    DELTACPP_ASSIGN_OR_RAISE(child, Qualify(child, visible, what));
  }
  if (copy->op != PredicateOp::kColumn) return copy;
  const auto& path = copy->column;
  std::string side_name;
  std::vector<std::string> rest(path.begin(), path.end());
  int side = 0;
  if (path.size() >= 2 && !target_alias.empty() &&
      AsciiEqualsCaseInsensitive(path[0], target_alias)) {
    side = kTargetSide;
  } else if (path.size() >= 2 && !source_alias.empty() &&
             AsciiEqualsCaseInsensitive(path[0], source_alias)) {
    side = kSourceSide;
  }
  if (side != 0) {
    rest.erase(rest.begin());
    const auto& schema = side == kTargetSide ? *target : *source;
    if (Find(schema, rest[0]) == nullptr) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, what, ": no column '", rest[0],
                        "' in the ", Describe(side));
    }
  } else {
    const bool in_target = Find(*target, path[0]) != nullptr;
    const bool in_source = Find(*source, path[0]) != nullptr;
    const bool target_seen = in_target && (visible & kTargetSide) != 0;
    const bool source_seen = in_source && (visible & kSourceSide) != 0;
    if (target_seen && source_seen) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, what, ": column '", path[0],
                        "' is in both the target and the source; name it as ",
                        target_alias.empty() ? "<target alias>" : target_alias, ".",
                        path[0], " or ",
                        source_alias.empty() ? "<source alias>" : source_alias, ".",
                        path[0], " (give the merge aliases)");
    }
    if (!target_seen && !source_seen) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, what, ": no column '", path[0],
                        "' in the ", Describe(visible));
    }
    side = target_seen ? kTargetSide : kSourceSide;
  }
  if ((visible & side) == 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, what, " cannot name the ",
                      side == kTargetSide ? "target" : "source", " (column ",
                      copy->ToString(), "): it sees only the ", Describe(visible));
  }
  copy->column = {side == kTargetSide ? target_name : source_name};
  copy->column.insert(copy->column.end(), rest.begin(), rest.end());
  return copy;
}

std::string Sides::Describe(int visible) const {
  auto columns = [](const arrow::Schema& schema) {
    std::vector<std::string> names;
    for (const auto& field : schema.fields()) names.push_back(field->name());
    return ColumnList(names);
  };
  std::string out;
  if (visible & kTargetSide) out += "target (columns " + columns(*target) + ")";
  if (visible == kBothSides) out += " and the ";
  if (visible & kSourceSide) out += "source (columns " + columns(*source) + ")";
  return out;
}

int Sides::SidesOf(const PredicatePtr& qualified) const {
  if (qualified->op == PredicateOp::kColumn) {
    return qualified->column[0] == target_name ? kTargetSide : kSourceSide;
  }
  int sides = 0;
  for (const auto& child : qualified->children) sides |= SidesOf(child);
  return sides;
}

PredicatePtr Sides::Unqualified(const PredicatePtr& qualified) const {
  auto copy = std::make_shared<Predicate>(*qualified);
  for (auto& child : copy->children) child = Unqualified(child);
  if (copy->op == PredicateOp::kColumn) copy->column.erase(copy->column.begin());
  return copy;
}

Result<std::shared_ptr<arrow::RecordBatch>> Sides::Join(
    std::shared_ptr<arrow::Array> target_rows, std::shared_ptr<arrow::Array> source_rows,
    int64_t rows) const {
  if (target_rows == nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(target_rows,
                             arrow::MakeArrayOfNull(joined->field(0)->type(), rows));
  }
  if (source_rows == nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(source_rows,
                             arrow::MakeArrayOfNull(joined->field(1)->type(), rows));
  }
  return arrow::RecordBatch::Make(joined, rows,
                                  {std::move(target_rows), std::move(source_rows)});
}

std::string NestedFieldMismatch(const arrow::DataType& from, const arrow::DataType& to,
                                bool allow_missing, const std::string& path) {
  if (from.id() == arrow::Type::STRUCT && to.id() == arrow::Type::STRUCT) {
    for (const auto& field : from.fields()) {
      std::shared_ptr<arrow::Field> match;
      for (const auto& candidate : to.fields()) {
        if (AsciiEqualsCaseInsensitive(candidate->name(), field->name()))
          match = candidate;
      }
      const std::string name = path + "." + field->name();
      if (match == nullptr) {
        return "the value has field " + name +
               ", which the column lacks (writing it would drop the field; delta-cpp "
               "does not add nested fields)";
      }
      auto inner =
          NestedFieldMismatch(*field->type(), *match->type(), allow_missing, name);
      if (!inner.empty()) return inner;
    }
    if (allow_missing) return "";
    for (const auto& field : to.fields()) {
      const bool given =
          std::any_of(from.fields().begin(), from.fields().end(), [&](const auto& f) {
            return AsciiEqualsCaseInsensitive(f->name(), field->name());
          });
      if (!given) {
        return "the value lacks field " + path + "." + field->name() +
               " of the column (give every field, or merge with schema evolution to make "
               "missing fields null)";
      }
    }
    return "";
  }
  // Lists and maps: their elements, keys and values.
  if (from.id() != arrow::Type::STRUCT && to.id() != arrow::Type::STRUCT &&
      from.num_fields() > 0 && from.num_fields() == to.num_fields()) {
    for (int i = 0; i < from.num_fields(); ++i) {
      auto inner = NestedFieldMismatch(*from.field(i)->type(), *to.field(i)->type(),
                                       allow_missing, path);
      if (!inner.empty()) return inner;
    }
  }
  return "";
}

Result<MergePlan> MergePlan::Make(const Sides& sides, const PredicatePtr& on,
                                  const MergeOptions& options,
                                  const WriteConstraints& rules,
                                  const std::string& by_source_label) {
  MergePlan plan;
  plan.sides_ = &sides;
  plan.allow_missing_fields_ = options.merge_schema;
  DELTACPP_ASSIGN_OR_RAISE(auto qualified,
                           sides.Qualify(on, kBothSides, "the merge condition"));
  std::vector<PredicatePtr> residual;
  for (const auto& conjunct : Conjuncts(qualified)) {
    const int used = sides.SidesOf(conjunct);
    if (used == kTargetSide) plan.target_terms_.push_back(sides.Unqualified(conjunct));
    if (conjunct->op == PredicateOp::kEqual) {
      const int left = sides.SidesOf(conjunct->children[0]);
      const int right = sides.SidesOf(conjunct->children[1]);
      if ((left == kTargetSide && right == kSourceSide) ||
          (left == kSourceSide && right == kTargetSide)) {
        DELTACPP_ASSIGN_OR_RAISE(auto bound, BindPredicate(conjunct, *sides.joined));
        if (bound->op == PredicateOp::kEqual) {
          const bool target_first = sides.SidesOf(bound->children[0]) == kTargetSide;
          Key key;
          key.target = bound->children[target_first ? 0 : 1];
          key.source = bound->children[target_first ? 1 : 0];
          const auto& unbound_target = conjunct->children[left == kTargetSide ? 0 : 1];
          if (unbound_target->op == PredicateOp::kColumn) {
            key.target_column = sides.Unqualified(unbound_target);
          }
          DELTACPP_ASSIGN_OR_RAISE(key.target_value,
                                   ToArrowExpression(*key.target).Bind(*sides.joined));
          DELTACPP_ASSIGN_OR_RAISE(key.source_value,
                                   ToArrowExpression(*key.source).Bind(*sides.joined));
          plan.keys_.push_back(std::move(key));
          continue;
        }
      }
    }
    residual.push_back(conjunct);
  }
  if (!residual.empty()) {
    // Balanced: binding recurses once per level of a chain of thousands.
    DELTACPP_ASSIGN_OR_RAISE(auto bound, BindPredicate(AndAll(residual), *sides.joined));
    DELTACPP_ASSIGN_OR_RAISE(plan.residual_,
                             ToArrowExpression(*bound).Bind(*sides.joined));
  }
  DELTACPP_RETURN_NOT_OK(plan.BindClauses(options.when_matched, "WHEN MATCHED",
                                          kBothSides, rules, plan.matched_));
  DELTACPP_RETURN_NOT_OK(plan.BindClauses(options.when_not_matched, "WHEN NOT MATCHED",
                                          kSourceSide, rules, plan.not_matched_));
  DELTACPP_RETURN_NOT_OK(plan.BindClauses(options.when_not_matched_by_source,
                                          by_source_label, kTargetSide, rules,
                                          plan.not_matched_by_source_));
  for (const auto& clause : options.when_not_matched_by_source) {
    if (clause.condition == nullptr) {
      plan.by_source_everywhere_ = true;
      continue;
    }
    DELTACPP_ASSIGN_OR_RAISE(
        auto by_source, sides.Qualify(clause.condition, kTargetSide, by_source_label));
    plan.by_source_terms_.push_back(sides.Unqualified(by_source));
  }
  return plan;
}

Status MergePlan::BindClauses(const std::vector<MergeClause>& clauses,
                              const std::string& when, int visible,
                              const WriteConstraints& rules,
                              std::vector<BoundClause>& out) {
  for (const auto& clause : clauses) {
    const bool insert_expected = visible == kSourceSide;
    if ((clause.action == MergeAction::kInsert) != insert_expected) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "a ", when, " clause can only ",
                        insert_expected ? "insert" : "update or delete", ": ",
                        clause.ToString(when.substr(5)));
    }
    // SET * takes the source's columns, which rows not matched by the source do not
    // have: every column would be set to null (Spark's grammar has no * there).
    if (clause.all_columns && visible == kTargetSide) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "a ", when,
                        " clause cannot UPDATE SET *: its rows have no source values; "
                        "name the columns to set: ",
                        clause.ToString(when.substr(5)));
    }
    BoundClause bound{clause, std::nullopt, std::nullopt};
    const std::string what = when + " clause's condition";
    if (clause.condition != nullptr) {
      DELTACPP_ASSIGN_OR_RAISE(auto qualified,
                               sides_->Qualify(clause.condition, visible, what));
      DELTACPP_ASSIGN_OR_RAISE(auto condition, BindPredicate(qualified, *sides_->joined));
      DELTACPP_ASSIGN_OR_RAISE(bound.condition,
                               ToArrowExpression(*condition).Bind(*sides_->joined));
    }
    if (clause.action != MergeAction::kDelete) {
      DELTACPP_ASSIGN_OR_RAISE(bound.row, MakeRow(clause, when, visible, rules));
    }
    out.push_back(std::move(bound));
  }
  return Status::OK();
}

Result<RowMaker> MergePlan::MakeRow(const MergeClause& clause, const std::string& when,
                                    int visible, const WriteConstraints& rules) const {
  const Sides& sides = *sides_;
  const arrow::Schema& target = *sides.target;
  const bool insert = clause.action == MergeAction::kInsert;
  // Column index -> its value's expression, unbound and qualified.
  std::vector<PredicatePtr> values(target.num_fields());
  for (const auto& name : clause.except_columns) {
    if (Sides::Find(target, name) == nullptr &&
        Sides::Find(*sides.source, name) == nullptr) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, when, " clause: EXCEPT names ",
                        name, ", which neither side has (", sides.Describe(kBothSides),
                        ")");
    }
  }
  if (clause.all_columns) {
    for (int i = 0; i < target.num_fields(); ++i) {
      const auto& field = target.field(i);
      const bool excepted =
          std::any_of(clause.except_columns.begin(), clause.except_columns.end(),
                      [&](const std::string& name) {
                        return AsciiEqualsCaseInsensitive(name, field->name());
                      });
      auto in_source = Sides::Find(*sides.source, field->name());
      if (!excepted && in_source != nullptr) {
        values[i] =
            Column(std::vector<std::string>{sides.source_name, in_source->name()});
      }
    }
  }
  std::set<int> assigned;
  for (const auto& [name, value] : clause.assignments) {
    DELTACPP_ASSIGN_OR_RAISE(auto column, ParseExpression(name));
    std::vector<std::string> path =
        column->op == PredicateOp::kColumn ? column->column : std::vector<std::string>{};
    if (path.size() == 2 && !sides.target_alias.empty() &&
        AsciiEqualsCaseInsensitive(path[0], sides.target_alias)) {
      path.erase(path.begin());
    }
    if (path.size() != 1) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, when, " clause: '", name,
                        "' is not a column of the target",
                        path.size() > 1 ? " (fields inside structs are set as a whole "
                                          "struct)"
                                        : "");
    }
    auto field = Sides::Find(target, path[0]);
    if (field == nullptr) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, when, " clause sets ", name,
                        ", which the target does not have (", sides.Describe(kTargetSide),
                        ")");
    }
    const int index = target.GetFieldIndex(field->name());
    if (!assigned.insert(index).second) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, when, " clause sets ",
                        field->name(), " twice");
    }
    DELTACPP_ASSIGN_OR_RAISE(
        values[index],
        sides.Qualify(value, visible, when + " clause's value of " + field->name()));
  }
  RowMaker row;
  arrow::FieldVector fields;
  for (int i = 0; i < target.num_fields(); ++i) {
    const auto& field = target.field(i);
    PredicatePtr value = values[i];
    if (value == nullptr) {
      // A generated column no clause sets is computed from the row's new values.
      if (rules.IsGenerated(field->name())) continue;
      if (insert) {
        fields.push_back(field);
        row.values.push_back(cp::literal(arrow::MakeNullScalar(field->type())));
        continue;
      }
      value = Column(std::vector<std::string>{sides.target_name, field->name()});
    }
    DELTACPP_ASSIGN_OR_RAISE(auto bound, BindExpression(value, *sides.joined));
    cp::Expression expression = ToArrowExpression(*bound);
    if (!bound->type->Equals(*field->type())) {
      const std::string mismatch = NestedFieldMismatch(
          *bound->type, *field->type(), allow_missing_fields_, field->name());
      if (!mismatch.empty()) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, when,
                          " clause: the value of ", field->name(), " (",
                          bound->type->ToString(), ") does not fit the column (",
                          field->type()->ToString(), "): ", mismatch);
      }
      if (bound->type->id() == arrow::Type::DECIMAL128 &&
          field->type()->id() == arrow::Type::DECIMAL128) {
        // A decimal of more digits after the point is rounded to the column's scale
        // (half away from zero, as Spark's store assignment); the cast then fails
        // only when the value has too many digits before it.
        const auto& from = static_cast<const arrow::DecimalType&>(*bound->type);
        const auto& to = static_cast<const arrow::DecimalType&>(*field->type());
        if (from.scale() > to.scale()) {
          expression = cp::call(
              "round", {std::move(expression)},
              cp::RoundOptions(to.scale(), cp::RoundMode::HALF_TOWARDS_INFINITY));
        }
      }
      expression =
          cp::call("cast", {std::move(expression)}, cp::CastOptions::Safe(field->type()));
    }
    DELTACPP_ASSIGN_OR_RAISE(expression, expression.Bind(*sides.joined));
    fields.push_back(field);
    row.values.push_back(std::move(expression));
  }
  row.schema = arrow::schema(std::move(fields));
  return row;
}

}  // namespace deltacpp::internal
