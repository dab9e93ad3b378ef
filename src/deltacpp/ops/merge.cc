#include "deltacpp/ops/merge.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <set>

#include <arrow/array.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/array/concatenate.h>
#include <arrow/array/util.h>
#include <arrow/compute/api_aggregate.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/exec.h>
#include <arrow/compute/row/grouper.h>
#include <arrow/scalar.h>
#include <arrow/table.h>
#include <arrow/type.h>

#include "deltacpp/common/ids.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/ops/change_data_writer.h"
#include "deltacpp/ops/commit_parts.h"
#include "deltacpp/ops/write_constraints.h"
#include "deltacpp/ops/write_schema.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/change_data.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/scan/row_filter.h"
#include "deltacpp/scan/scan.h"

namespace deltacpp {

namespace cp = arrow::compute;
using internal::JsonString;
using internal::JsonStringArray;
using internal::RemovalOf;

// ---------------------------------------------------------------------------------------
// Clauses

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

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& column : columns) out += (out.empty() ? "" : ", ") + column;
  return out;
}

}  // namespace

std::string MergeClause::ToString(std::string_view when) const {
  std::string out = "WHEN " + std::string(when);
  if (condition != nullptr) out += " AND " + condition->ToString();
  out += " THEN ";
  if (action == MergeAction::kDelete) return out + "DELETE";
  const bool insert = action == MergeAction::kInsert;
  out += insert ? "INSERT" : "UPDATE SET";
  if (all_columns) {
    out += " *";
    if (!except_columns.empty()) out += " EXCEPT (" + ColumnList(except_columns) + ")";
    if (assignments.empty()) return out;
    out += ",";
  }
  if (insert) {
    std::vector<std::string> names, values;
    for (const auto& [name, value] : assignments) {
      names.push_back(name);
      values.push_back(value->ToString());
    }
    return out + " (" + ColumnList(names) + ") VALUES (" + ColumnList(values) + ")";
  }
  std::string sets;
  for (const auto& [name, value] : assignments) {
    sets += (sets.empty() ? " " : ", ") + name + " = " + value->ToString();
  }
  return out + sets;
}

// ---------------------------------------------------------------------------------------
// Parsing clauses

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Scans SQL text outside quotes, backquotes, parentheses and CASE ... END, calling
// `visit(position)` at each position there; stops when visit returns true.
template <typename Visit>
std::optional<size_t> ScanTopLevel(std::string_view text, Visit visit) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'' || c == '`' || c == '"') {
      for (++i; i < text.size(); ++i) {
        if (text[i] == '\\' && c != '`') {
          ++i;
        } else if (text[i] == c) {
          // '' inside a string is a quote.
          if (i + 1 < text.size() && text[i + 1] == c) {
            ++i;
          } else {
            break;
          }
        }
      }
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')') --depth;
    const bool word_start = IsWordChar(c) && (i == 0 || !IsWordChar(text[i - 1]));
    if (word_start) {
      size_t end = i;
      while (end < text.size() && IsWordChar(text[end])) ++end;
      const std::string_view word = text.substr(i, end - i);
      if (EqualsIgnoreCase(word, "case")) ++depth;
      if (EqualsIgnoreCase(word, "end")) --depth;
    }
    if (depth == 0 && visit(i)) return i;
  }
  return std::nullopt;
}

// The position of keyword `word` at the top level of `text`, as a whole word.
std::optional<size_t> FindKeyword(std::string_view text, std::string_view word) {
  return ScanTopLevel(text, [&](size_t i) {
    if (i + word.size() > text.size()) return false;
    if (i > 0 && IsWordChar(text[i - 1])) return false;
    if (i + word.size() < text.size() && IsWordChar(text[i + word.size()])) return false;
    return EqualsIgnoreCase(text.substr(i, word.size()), word);
  });
}

std::vector<std::string_view> SplitTopLevel(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  ScanTopLevel(text, [&](size_t i) {
    if (text[i] == separator) {
      parts.push_back(Trim(text.substr(start, i - start)));
      start = i + 1;
    }
    return false;
  });
  parts.push_back(Trim(text.substr(start)));
  return parts;
}

// Takes keyword `word` off the front of `text` (whole word, any case).
bool ConsumeKeyword(std::string_view& text, std::string_view word) {
  text = Trim(text);
  if (text.size() < word.size() || !EqualsIgnoreCase(text.substr(0, word.size()), word)) {
    return false;
  }
  if (text.size() > word.size() && IsWordChar(text[word.size()])) return false;
  text.remove_prefix(word.size());
  text = Trim(text);
  return true;
}

Status ClauseError(std::string_view clause, std::string_view expected) {
  return DeltaError(DeltaErrorCode::kInvalidArgument, "merge clause '", clause,
                    "': expected ", expected);
}

// "(a, b, c)" -> names; `text` starts at the parenthesis.
Result<std::vector<std::string>> ParseNameList(std::string_view& text,
                                               std::string_view clause) {
  text = Trim(text);
  if (text.empty() || text.front() != '(') return ClauseError(clause, "'(' and names");
  auto close = ScanTopLevel(text, [&](size_t i) { return i > 0 && text[i] == ')'; });
  // ScanTopLevel sees the closing parenthesis at depth 0 once the opening one is left.
  if (!close) return ClauseError(clause, "a closing ')'");
  std::vector<std::string> names;
  for (auto part : SplitTopLevel(text.substr(1, *close - 1), ',')) {
    DELTACPP_ASSIGN_OR_RAISE(auto column, ParseExpression(part));
    if (column->op != PredicateOp::kColumn) {
      return ClauseError(clause,
                         "column names in the list, not '" + std::string(part) + "'");
    }
    std::string dotted;
    for (const auto& name : column->column) dotted += (dotted.empty() ? "" : ".") + name;
    names.push_back(dotted);
  }
  text.remove_prefix(*close + 1);
  return names;
}

// "* [EXCEPT (a, b)]" for UPDATE SET * and INSERT *.
Status ParseStar(std::string_view& text, std::string_view clause, MergeClause& out) {
  text = Trim(text);
  if (text.empty() || text.front() != '*') return Status::OK();
  text.remove_prefix(1);
  out.all_columns = true;
  if (ConsumeKeyword(text, "except")) {
    DELTACPP_ASSIGN_OR_RAISE(out.except_columns, ParseNameList(text, clause));
  }
  text = Trim(text);
  return Status::OK();
}

}  // namespace

Result<std::vector<std::pair<std::string, PredicatePtr>>> ParseAssignments(
    std::string_view text) {
  std::vector<std::pair<std::string, PredicatePtr>> assignments;
  for (auto part : SplitTopLevel(text, ',')) {
    auto equals = ScanTopLevel(part, [&](size_t i) { return part[i] == '='; });
    if (!equals || Trim(part.substr(0, *equals)).empty()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument,
                        "expected column = value, not '", part, "'");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto value, ParseExpression(part.substr(*equals + 1)));
    assignments.emplace_back(std::string(Trim(part.substr(0, *equals))),
                             std::move(value));
  }
  return assignments;
}

Result<std::pair<MergeWhen, MergeClause>> ParseMergeClause(std::string_view text) {
  const std::string_view clause = Trim(text);
  std::string_view rest = clause;
  ConsumeKeyword(rest, "when");
  MergeWhen when = MergeWhen::kMatched;
  if (ConsumeKeyword(rest, "not")) {
    if (!ConsumeKeyword(rest, "matched")) return ClauseError(clause, "MATCHED after NOT");
    when = MergeWhen::kNotMatched;
    if (ConsumeKeyword(rest, "by")) {
      if (ConsumeKeyword(rest, "source")) {
        when = MergeWhen::kNotMatchedBySource;
      } else if (!ConsumeKeyword(rest, "target")) {
        return ClauseError(clause, "SOURCE or TARGET after NOT MATCHED BY");
      }
    }
  } else if (!ConsumeKeyword(rest, "matched")) {
    return ClauseError(clause, "MATCHED, NOT MATCHED or NOT MATCHED BY SOURCE");
  }
  MergeClause out;
  auto then = FindKeyword(rest, "then");
  if (!then) return ClauseError(clause, "THEN and an action");
  std::string_view condition = Trim(rest.substr(0, *then));
  rest = Trim(rest.substr(*then + 4));
  if (!condition.empty()) {
    if (!ConsumeKeyword(condition, "and")) {
      return ClauseError(clause, "AND <condition> or THEN after " +
                                     std::string(when == MergeWhen::kMatched ? "MATCHED"
                                                 : when == MergeWhen::kNotMatched
                                                     ? "NOT MATCHED"
                                                     : "NOT MATCHED BY SOURCE"));
    }
    // "AND" with nothing after it must not make the clause unconditional.
    if (Trim(condition).empty()) return ClauseError(clause, "a condition after AND");
    DELTACPP_ASSIGN_OR_RAISE(out.condition, ParsePredicate(condition));
  }
  if (ConsumeKeyword(rest, "delete")) {
    out.action = MergeAction::kDelete;
  } else if (ConsumeKeyword(rest, "update")) {
    out.action = MergeAction::kUpdate;
    if (!ConsumeKeyword(rest, "set")) return ClauseError(clause, "SET after UPDATE");
    DELTACPP_RETURN_NOT_OK(ParseStar(rest, clause, out));
    if (out.all_columns && !rest.empty()) {
      if (rest.front() != ',') return ClauseError(clause, "the end after SET *");
      rest.remove_prefix(1);
      if (Trim(rest).empty()) return ClauseError(clause, "column = value after 'SET *,'");
    }
    if (!out.all_columns || !rest.empty()) {
      auto assignments = ParseAssignments(rest);
      if (!assignments.ok()) {
        return ClauseError(clause, std::string(assignments.status().message()));
      }
      out.assignments = *std::move(assignments);
    }
    rest = {};
  } else if (ConsumeKeyword(rest, "insert")) {
    out.action = MergeAction::kInsert;
    DELTACPP_RETURN_NOT_OK(ParseStar(rest, clause, out));
    if (!out.all_columns) {
      DELTACPP_ASSIGN_OR_RAISE(auto names, ParseNameList(rest, clause));
      if (!ConsumeKeyword(rest, "values")) {
        return ClauseError(clause, "VALUES after the column list");
      }
      rest = Trim(rest);
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
        return ClauseError(clause, "VALUES (...)");
      }
      auto values = SplitTopLevel(rest.substr(1, rest.size() - 2), ',');
      if (values.size() != names.size()) {
        return ClauseError(clause, std::to_string(names.size()) + " values for " +
                                       std::to_string(names.size()) + " columns, not " +
                                       std::to_string(values.size()));
      }
      for (size_t i = 0; i < names.size(); ++i) {
        DELTACPP_ASSIGN_OR_RAISE(auto value, ParseExpression(values[i]));
        out.assignments.emplace_back(names[i], std::move(value));
      }
      rest = {};
    }
  } else {
    return ClauseError(clause, "DELETE, UPDATE SET or INSERT after THEN");
  }
  if (!Trim(rest).empty()) {
    return ClauseError(clause, "the end, not '" + std::string(Trim(rest)) + "'");
  }
  const bool insert = out.action == MergeAction::kInsert;
  if (insert != (when == MergeWhen::kNotMatched)) {
    return ClauseError(clause,
                       when == MergeWhen::kNotMatched
                           ? "INSERT: rows not matched can only be inserted"
                           : "UPDATE or DELETE: only rows not matched are inserted");
  }
  return std::make_pair(when, std::move(out));
}

// ---------------------------------------------------------------------------------------
// Merging

namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)
      .count();
}

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
                    std::shared_ptr<arrow::Schema> source) {
    Sides sides;
    sides.target_alias = options.target_alias;
    sides.source_alias = options.source_alias;
    sides.target_name = options.target_alias.empty() ? "target" : options.target_alias;
    sides.source_name = options.source_alias.empty() ? "source" : options.source_alias;
    if (EqualsIgnoreCase(sides.target_name, sides.source_name)) {
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

  // The field of `schema` named `name`: exactly, else the one that differs in case.
  static std::shared_ptr<arrow::Field> Find(const arrow::Schema& schema,
                                            const std::string& name) {
    if (auto exact = schema.GetFieldByName(name)) return exact;
    std::shared_ptr<arrow::Field> found;
    for (const auto& field : schema.fields()) {
      if (EqualsIgnoreCase(field->name(), name)) {
        if (found != nullptr) return nullptr;
        found = field;
      }
    }
    return found;
  }

  // `expression` with every column named through the side it belongs to. `visible`
  // says which sides the expression may name; `what` names it in errors.
  Result<PredicatePtr> Qualify(const PredicatePtr& expression, int visible,
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
        EqualsIgnoreCase(path[0], target_alias)) {
      side = kTargetSide;
    } else if (path.size() >= 2 && !source_alias.empty() &&
               EqualsIgnoreCase(path[0], source_alias)) {
      side = kSourceSide;
    }
    if (side != 0) {
      rest.erase(rest.begin());
      const auto& schema = side == kTargetSide ? *target : *source;
      if (Find(schema, rest[0]) == nullptr) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, what, ": no column '",
                          rest[0], "' in the ", Describe(side));
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
        return DeltaError(DeltaErrorCode::kInvalidArgument, what, ": no column '",
                          path[0], "' in the ", Describe(visible));
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

  std::string Describe(int visible) const {
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

  // Which sides a qualified expression names.
  int SidesOf(const PredicatePtr& qualified) const {
    if (qualified->op == PredicateOp::kColumn) {
      return qualified->column[0] == target_name ? kTargetSide : kSourceSide;
    }
    int sides = 0;
    for (const auto& child : qualified->children) sides |= SidesOf(child);
    return sides;
  }

  // A qualified expression of the target alone as an expression of the table.
  PredicatePtr Unqualified(const PredicatePtr& qualified) const {
    auto copy = std::make_shared<Predicate>(*qualified);
    for (auto& child : copy->children) child = Unqualified(child);
    if (copy->op == PredicateOp::kColumn) copy->column.erase(copy->column.begin());
    return copy;
  }

  // One joined batch: target rows (null when absent) beside source rows.
  Result<std::shared_ptr<arrow::RecordBatch>> Join(
      std::shared_ptr<arrow::Array> target_rows,
      std::shared_ptr<arrow::Array> source_rows, int64_t rows) const {
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
};

std::vector<PredicatePtr> Conjuncts(const PredicatePtr& predicate) {
  if (predicate->op != PredicateOp::kAnd) return {predicate};
  auto left = Conjuncts(predicate->children[0]);
  auto right = Conjuncts(predicate->children[1]);
  left.insert(left.end(), right.begin(), right.end());
  return left;
}

// The rows of `batch` as one struct array of fields `fields` (the batch's columns).
Result<std::shared_ptr<arrow::Array>> StructOf(const arrow::RecordBatch& batch,
                                               const arrow::FieldVector& fields) {
  if (fields.empty()) {
    // No child to take the length from (an UPDATE's source has no columns).
    return std::make_shared<arrow::StructArray>(arrow::struct_({}), batch.num_rows(),
                                                arrow::ArrayVector{});
  }
  DELTACPP_ASSIGN_OR_RAISE(auto rows, arrow::StructArray::Make(batch.columns(), fields));
  return rows;
}

Result<std::shared_ptr<arrow::Array>> TakeRows(const std::shared_ptr<arrow::Array>& rows,
                                               const std::vector<int64_t>& indices) {
  arrow::Int64Builder builder;
  DELTACPP_RETURN_NOT_OK(builder.AppendValues(indices));
  DELTACPP_ASSIGN_OR_RAISE(auto index_array, builder.Finish());
  DELTACPP_ASSIGN_OR_RAISE(auto taken, cp::Take(rows, index_array));
  return taken.make_array();
}

Result<std::shared_ptr<arrow::RecordBatch>> TakeBatchRows(
    const std::shared_ptr<arrow::RecordBatch>& batch,
    const std::vector<int64_t>& indices) {
  arrow::Int64Builder builder;
  DELTACPP_RETURN_NOT_OK(builder.AppendValues(indices));
  DELTACPP_ASSIGN_OR_RAISE(auto index_array, builder.Finish());
  DELTACPP_ASSIGN_OR_RAISE(auto taken, cp::Take(arrow::Datum(batch), index_array));
  return taken.record_batch();
}

std::vector<int64_t> TrueIndices(const arrow::BooleanArray& mask) {
  std::vector<int64_t> indices;
  indices.reserve(mask.true_count());
  for (int64_t i = 0; i < mask.length(); ++i) {
    if (mask.IsValid(i) && mask.Value(i)) indices.push_back(i);
  }
  return indices;
}

// Why a value of type `from` cannot be written to a column of type `to` (`path`) as Delta
// Spark's MERGE and UPDATE cast by name: a struct field the column lacks would be
// dropped, and one the value lacks made null (allowed with schema evolution,
// `allow_missing`). Empty when the nested fields agree (names in any case and order).
std::string NestedFieldMismatch(const arrow::DataType& from, const arrow::DataType& to,
                                bool allow_missing, const std::string& path) {
  if (from.id() == arrow::Type::STRUCT && to.id() == arrow::Type::STRUCT) {
    for (const auto& field : from.fields()) {
      std::shared_ptr<arrow::Field> match;
      for (const auto& candidate : to.fields()) {
        if (EqualsIgnoreCase(candidate->name(), field->name())) match = candidate;
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
      const bool given = std::any_of(
          from.fields().begin(), from.fields().end(),
          [&](const auto& f) { return EqualsIgnoreCase(f->name(), field->name()); });
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

// How one clause computes the row it writes: one bound expression per column of the
// batch it makes (the table's columns but generated ones it leaves to be computed).
struct RowMaker {
  std::shared_ptr<arrow::Schema> schema;  // of the rows made
  std::vector<cp::Expression> values;     // bound to the joined schema
};

struct BoundClause {
  MergeClause clause;
  std::optional<cp::Expression> condition;  // bound to the joined schema
  std::optional<RowMaker> row;              // kUpdate and kInsert
};

// Everything one merge decides before it reads the target.
class MergePlan {
 public:
  // `by_source_label` names the WHEN NOT MATCHED BY SOURCE clauses in errors.
  static Result<MergePlan> Make(const Sides& sides, const PredicatePtr& on,
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
      DELTACPP_ASSIGN_OR_RAISE(auto bound,
                               BindPredicate(AndAll(residual), *sides.joined));
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

  struct Key {
    PredicatePtr target, source;  // bound, of one type
    PredicatePtr target_column;   // the table's column when the target side is one
    cp::Expression target_value, source_value;
  };

  const std::vector<Key>& keys() const { return keys_; }
  const std::optional<cp::Expression>& residual() const { return residual_; }
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
                     std::vector<BoundClause>& out) {
    for (const auto& clause : clauses) {
      const bool insert_expected = visible == kSourceSide;
      if ((clause.action == MergeAction::kInsert) != insert_expected) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "a ", when,
                          " clause can only ",
                          insert_expected ? "insert" : "update or delete", ": ",
                          clause.ToString(when.substr(5)));
      }
      BoundClause bound{clause, std::nullopt, std::nullopt};
      const std::string what = when + " clause's condition";
      if (clause.condition != nullptr) {
        DELTACPP_ASSIGN_OR_RAISE(auto qualified,
                                 sides_->Qualify(clause.condition, visible, what));
        DELTACPP_ASSIGN_OR_RAISE(auto condition,
                                 BindPredicate(qualified, *sides_->joined));
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

  Result<RowMaker> MakeRow(const MergeClause& clause, const std::string& when,
                           int visible, const WriteConstraints& rules) const {
    const Sides& sides = *sides_;
    const arrow::Schema& target = *sides.target;
    const bool insert = clause.action == MergeAction::kInsert;
    // Column index -> its value's expression, unbound and qualified.
    std::vector<PredicatePtr> values(target.num_fields());
    for (const auto& name : clause.except_columns) {
      if (Sides::Find(target, name) == nullptr &&
          Sides::Find(*sides.source, name) == nullptr) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, when,
                          " clause: EXCEPT names ", name, ", which neither side has (",
                          sides.Describe(kBothSides), ")");
      }
    }
    if (clause.all_columns) {
      for (int i = 0; i < target.num_fields(); ++i) {
        const auto& field = target.field(i);
        const bool excepted =
            std::any_of(clause.except_columns.begin(), clause.except_columns.end(),
                        [&](const std::string& name) {
                          return EqualsIgnoreCase(name, field->name());
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
      std::vector<std::string> path = column->op == PredicateOp::kColumn
                                          ? column->column
                                          : std::vector<std::string>{};
      if (path.size() == 2 && !sides.target_alias.empty() &&
          EqualsIgnoreCase(path[0], sides.target_alias)) {
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
                          ", which the target does not have (",
                          sides.Describe(kTargetSide), ")");
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
        expression = cp::call("cast", {std::move(expression)},
                              cp::CastOptions::Safe(field->type()));
      }
      DELTACPP_ASSIGN_OR_RAISE(expression, expression.Bind(*sides.joined));
      fields.push_back(field);
      row.values.push_back(std::move(expression));
    }
    row.schema = arrow::schema(std::move(fields));
    return row;
  }

  const Sides* sides_ = nullptr;
  bool allow_missing_fields_ = false;  // schema evolution: missing nested fields are null
  std::vector<Key> keys_;
  std::optional<cp::Expression> residual_;
  std::vector<PredicatePtr> target_terms_;  // of the table's columns
  std::vector<PredicatePtr> by_source_terms_;
  bool by_source_everywhere_ = false;
  std::vector<BoundClause> matched_, not_matched_, not_matched_by_source_;
};

// The rows a clause makes from joined rows, as `rules` want them (table order,
// generated columns computed, constraints checked).
Result<std::shared_ptr<arrow::RecordBatch>> MakeRows(const RowMaker& maker,
                                                     const arrow::RecordBatch& joined,
                                                     const WriteConstraints& rules,
                                                     const std::string& when) {
  arrow::ArrayVector columns;
  for (size_t i = 0; i < maker.values.size(); ++i) {
    auto values = EvaluateRows(maker.values[i], joined);
    if (!values.ok()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, when, " clause: the value of ",
                        maker.schema->field(static_cast<int>(i))->name(), ": ",
                        values.status().message());
    }
    columns.push_back(*std::move(values));
  }
  auto batch =
      arrow::RecordBatch::Make(maker.schema, joined.num_rows(), std::move(columns));
  auto checked = rules.Apply(batch);
  if (!checked.ok()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, when,
                      " clause: ", checked.status().message(), "; nothing was committed");
  }
  return checked;
}

// Key values as the join compares them: the hash grouper compares bits, but SQL's =
// holds for 0.0 and -0.0, and Spark's (as deltalake's join) for NaN and NaN, so floating
// keys have -0.0 made 0.0 and every NaN made one NaN.
Result<std::shared_ptr<arrow::Array>> JoinableKey(std::shared_ptr<arrow::Array> values) {
  const auto id = values->type_id();
  if (id != arrow::Type::FLOAT && id != arrow::Type::DOUBLE) return values;
  const bool is_float = id == arrow::Type::FLOAT;
  std::shared_ptr<arrow::Scalar> zero, nan;
  if (is_float) {
    zero = std::make_shared<arrow::FloatScalar>(0.0f);
    nan = std::make_shared<arrow::FloatScalar>(std::numeric_limits<float>::quiet_NaN());
  } else {
    zero = std::make_shared<arrow::DoubleScalar>(0.0);
    nan = std::make_shared<arrow::DoubleScalar>(std::numeric_limits<double>::quiet_NaN());
  }
  // x + 0.0 is 0.0 for -0.0 and x otherwise.
  DELTACPP_ASSIGN_OR_RAISE(auto positive, cp::Add(values, zero));
  DELTACPP_ASSIGN_OR_RAISE(auto is_nan, cp::IsNan(values));
  DELTACPP_ASSIGN_OR_RAISE(auto canonical, cp::IfElse(is_nan, nan, positive));
  return canonical.make_array();
}

// Source rows by join key: the rows of each distinct key (none with a null in it).
class SourceIndex {
 public:
  static Result<SourceIndex> Make(const MergePlan& plan,
                                  const arrow::RecordBatch& joined_source) {
    SourceIndex index;
    const int64_t rows = joined_source.num_rows();
    if (plan.keys().empty()) {
      // No equality to join on: every target row meets every source row.
      index.offsets_ = {0, rows};
      index.rows_.resize(rows);
      for (int64_t i = 0; i < rows; ++i) index.rows_[i] = i;
      return index;
    }
    std::vector<arrow::Datum> keys;
    std::vector<arrow::TypeHolder> types;
    for (const auto& key : plan.keys()) {
      DELTACPP_ASSIGN_OR_RAISE(auto evaluated,
                               EvaluateRows(key.source_value, joined_source));
      DELTACPP_ASSIGN_OR_RAISE(auto values, JoinableKey(std::move(evaluated)));
      types.emplace_back(values->type());
      index.key_values_.push_back(values);
      keys.emplace_back(std::move(values));
    }
    DELTACPP_ASSIGN_OR_RAISE(index.grouper_, cp::Grouper::Make(types));
    cp::ExecBatch batch(std::move(keys), rows);
    DELTACPP_ASSIGN_OR_RAISE(auto ids, index.grouper_->Consume(cp::ExecSpan(batch)));
    // The array must outlive the reference: array_as makes a new one each call.
    const auto group_array = ids.array_as<arrow::UInt32Array>();
    const auto& group_ids = *group_array;
    const uint32_t groups = index.grouper_->num_groups();
    std::vector<int64_t> counts(groups + 1, 0);
    auto has_null_key = [&](int64_t row) {
      return std::any_of(index.key_values_.begin(), index.key_values_.end(),
                         [&](const auto& values) { return values->IsNull(row); });
    };
    std::vector<bool> usable(rows);
    for (int64_t i = 0; i < rows; ++i) {
      // SQL's = never holds for a null: such rows match nothing.
      usable[i] = !has_null_key(i);
      if (usable[i]) ++counts[group_ids.Value(i) + 1];
    }
    for (uint32_t g = 0; g < groups; ++g) counts[g + 1] += counts[g];
    index.offsets_ = counts;
    index.rows_.resize(counts[groups]);
    std::vector<int64_t> next(counts.begin(), counts.end() - 1);
    for (int64_t i = 0; i < rows; ++i) {
      if (usable[i]) index.rows_[next[group_ids.Value(i)]++] = i;
    }
    return index;
  }

  // For each target row, its group (-1 when no source row has its key).
  Result<std::vector<int64_t>> Lookup(const MergePlan& plan,
                                      const arrow::RecordBatch& joined_target) const {
    const int64_t rows = joined_target.num_rows();
    std::vector<int64_t> groups(rows, -1);
    if (plan.keys().empty()) {
      if (!rows_.empty()) std::fill(groups.begin(), groups.end(), 0);
      return groups;
    }
    std::vector<arrow::Datum> keys;
    arrow::ArrayVector arrays;
    for (size_t k = 0; k < plan.keys().size(); ++k) {
      DELTACPP_ASSIGN_OR_RAISE(auto values,
                               EvaluateRows(plan.keys()[k].target_value, joined_target));
      if (!values->type()->Equals(*key_values_[k]->type())) {
        DELTACPP_ASSIGN_OR_RAISE(auto cast, cp::Cast(values, key_values_[k]->type()));
        values = cast.make_array();
      }
      DELTACPP_ASSIGN_OR_RAISE(values, JoinableKey(std::move(values)));
      arrays.push_back(values);
      keys.emplace_back(std::move(values));
    }
    cp::ExecBatch batch(std::move(keys), rows);
    DELTACPP_ASSIGN_OR_RAISE(auto ids, grouper_->Lookup(cp::ExecSpan(batch)));
    // The array must outlive the reference: array_as makes a new one each call.
    const auto group_array = ids.array_as<arrow::UInt32Array>();
    const auto& group_ids = *group_array;
    for (int64_t i = 0; i < rows; ++i) {
      if (group_ids.IsNull(i)) continue;
      if (std::any_of(arrays.begin(), arrays.end(),
                      [&](const auto& values) { return values->IsNull(i); })) {
        continue;
      }
      groups[i] = group_ids.Value(i);
    }
    return groups;
  }

  // The source rows of group `group`.
  std::pair<const int64_t*, const int64_t*> Rows(int64_t group) const {
    return {rows_.data() + offsets_[group], rows_.data() + offsets_[group + 1]};
  }

  // The source's distinct values of key `k` (the first of each group).
  const std::shared_ptr<arrow::Array>& key_values(size_t k) const {
    return key_values_[k];
  }

 private:
  std::unique_ptr<cp::Grouper> grouper_;
  std::vector<std::shared_ptr<arrow::Array>> key_values_;
  std::vector<int64_t> offsets_;  // group g's rows are rows_[offsets_[g], offsets_[g+1])
  std::vector<int64_t> rows_;
};

// A literal of the scalar's value that binding gives the scalar's type back, for the
// types file skipping compares well; nullopt for others.
std::optional<PredicatePtr> LiteralOf(const arrow::Scalar& value) {
  const auto id = value.type->id();
  if (!value.is_valid) return std::nullopt;
  if (id == arrow::Type::STRING) {
    return Literal(std::string(static_cast<const arrow::StringScalar&>(value).view()));
  }
  const bool number = arrow::is_integer(id) || arrow::is_decimal(id);
  if (!number && id != arrow::Type::DATE32) return std::nullopt;
  auto text = arrow::compute::Cast(arrow::Datum(value.GetSharedPtr()), arrow::utf8());
  if (!text.ok()) return std::nullopt;
  const auto& string = text->scalar_as<arrow::StringScalar>();
  LiteralValue literal;
  literal.kind = number ? LiteralValue::Kind::kNumber : LiteralValue::Kind::kString;
  literal.text = std::string(string.view());
  return Literal(std::move(literal));
}

// A filter of the target's files that no row matching a source row fails: the
// condition's target-only terms, and for keys on a target column the source's key
// values (a list when few, else their range). Null when nothing narrows the files.
PredicatePtr MatchFilter(const MergePlan& plan, const SourceIndex& index) {
  constexpr int64_t kMaxListed = 32;
  std::vector<PredicatePtr> terms = plan.target_terms();
  for (size_t k = 0; k < plan.keys().size(); ++k) {
    const auto& key = plan.keys()[k];
    if (key.target_column == nullptr) continue;
    const auto& values = index.key_values(k);
    auto distinct = cp::Unique(values);
    if (!distinct.ok()) continue;
    auto non_null = cp::DropNull(*distinct);
    if (!non_null.ok()) continue;
    const auto keys = non_null->make_array();
    if (keys->length() == 0) return Literal(false);  // no source row can match
    if (keys->length() <= kMaxListed) {
      std::vector<PredicatePtr> literals;
      for (int64_t i = 0; i < keys->length(); ++i) {
        auto scalar = keys->GetScalar(i);
        if (!scalar.ok()) break;
        auto literal = LiteralOf(**scalar);
        if (!literal) break;
        literals.push_back(*literal);
      }
      if (static_cast<int64_t>(literals.size()) == keys->length()) {
        terms.push_back(In(key.target_column, std::move(literals)));
        continue;
      }
    }
    auto min_max = cp::MinMax(keys);
    if (!min_max.ok()) continue;
    const auto& pair = min_max->scalar_as<arrow::StructScalar>();
    auto low = LiteralOf(*pair.value[0]);
    auto high = LiteralOf(*pair.value[1]);
    if (!low || !high) continue;
    terms.push_back(GreaterEqual(key.target_column, *low));
    terms.push_back(LessEqual(key.target_column, *high));
  }
  if (terms.empty()) return nullptr;
  return AndAll(std::move(terms));
}

// A filter of the files that may hold a row the merge changes or needs: one matching a
// source row (MatchFilter), or one a WHEN NOT MATCHED BY SOURCE clause may change. Null
// when every file must be read.
PredicatePtr FileFilter(const MergePlan& plan, const SourceIndex& index,
                        int64_t source_rows) {
  PredicatePtr filter = source_rows == 0 ? Literal(false) : MatchFilter(plan, index);
  if (filter == nullptr || plan.by_source_everywhere()) return nullptr;
  std::vector<PredicatePtr> any = {std::move(filter)};
  for (const auto& term : plan.by_source_terms()) any.push_back(term);
  return OrAll(std::move(any));
}

Status MultipleMatches(const arrow::RecordBatch& target, int64_t row, int64_t matches) {
  std::string sample = "{";
  for (int i = 0; i < target.num_columns() && i < 8; ++i) {
    auto scalar = target.column(i)->GetScalar(row);
    sample += (i == 0 ? "" : ", ") + target.schema()->field(i)->name() + ": " +
              (scalar.ok() ? (*scalar)->ToString() : "?");
  }
  sample += target.num_columns() > 8 ? ", ...}" : "}";
  return DeltaError(DeltaErrorCode::kInvalidArgument, matches,
                    " source rows match the same target row ", sample,
                    ": with WHEN MATCHED clauses (but a lone unconditional DELETE) a "
                    "target row may match at most one source row (make the merge "
                    "condition or the source unique); nothing was committed");
}

// Runs the merge over the target's files, one at a time.
class Merger {
 public:
  // `by_source_label` names the WHEN NOT MATCHED BY SOURCE clauses in errors.
  Merger(const Sides& sides, const MergePlan& plan, const SourceIndex& index,
         const std::shared_ptr<arrow::RecordBatch>& joined_source,
         const WriteConstraints& rules, PartitionedWriter& writer,
         ChangeDataWriter* changes, MergeResult& result, std::string by_source_label)
      : sides_(sides),
        plan_(plan),
        index_(index),
        joined_source_(joined_source),
        source_struct_(joined_source->column(1)),
        rules_(rules),
        writer_(writer),
        changes_(changes),
        result_(result),
        by_source_label_(std::move(by_source_label)),
        source_matched_(joined_source->num_rows(), false) {}

  // Merges the rows of one target file; true when it is written again (and must go).
  Result<bool> MergeFile(arrow::RecordBatchReader& rows) {
    std::vector<std::shared_ptr<arrow::RecordBatch>> output;
    bool changed = false;
    FileCounts counts;
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      DELTACPP_RETURN_NOT_OK(rows.ReadNext(&batch));
      if (batch == nullptr) break;
      if (batch->num_columns() != sides_.target->num_fields()) {
        // Schema evolution: the columns the merge adds are null in existing rows.
        DELTACPP_ASSIGN_OR_RAISE(batch, ConformBatch(*batch, *sides_.target, {}));
      }
      DELTACPP_ASSIGN_OR_RAISE(auto merged, MergeBatch(batch, counts));
      changed = changed || merged.second;
      if (plan_.RewritesTarget()) output.push_back(std::move(merged.first));
    }
    if (!changed) return false;
    result_.num_target_rows_copied += counts.copied;
    for (const auto& batch : output) {
      if (batch->num_rows() > 0) DELTACPP_RETURN_NOT_OK(writer_.Write(batch));
    }
    return true;
  }

  // The source rows no target row matched, through the WHEN NOT MATCHED clauses.
  Status InsertUnmatched() {
    if (plan_.not_matched().empty()) return Status::OK();
    std::vector<int64_t> unmatched;
    for (int64_t i = 0; i < static_cast<int64_t>(source_matched_.size()); ++i) {
      if (!source_matched_[i]) unmatched.push_back(i);
    }
    if (unmatched.empty()) return Status::OK();
    DELTACPP_ASSIGN_OR_RAISE(auto source_rows, TakeRows(source_struct_, unmatched));
    DELTACPP_ASSIGN_OR_RAISE(auto joined,
                             sides_.Join(nullptr, source_rows, source_rows->length()));
    std::vector<int64_t> ignored(joined->num_rows());
    DELTACPP_ASSIGN_OR_RAISE(
        auto made, ApplyClauses(plan_.not_matched(), "WHEN NOT MATCHED", joined, ignored,
                                nullptr, &result_.num_target_rows_inserted, nullptr));
    for (const auto& batch : made) {
      DELTACPP_RETURN_NOT_OK(writer_.Write(batch.rows));
      if (changes_ != nullptr)
        DELTACPP_RETURN_NOT_OK(changes_->Write(batch.rows, "insert"));
    }
    return Status::OK();
  }

 private:
  struct FileCounts {
    int64_t copied = 0;
  };

  // Rows a clause made for some target rows (row i of `rows` replaces target row
  // target_rows[i]).
  struct MadeRows {
    std::shared_ptr<arrow::RecordBatch> rows;
    std::vector<int64_t> target_rows;
  };

  // Tries `clauses` in order on the joined rows; each row takes the first whose
  // condition holds. Rows of updates and inserts are returned; deleted rows get true
  // in `deleted` (by target_row_of). Counts go to *updated, *inserted and *deleted.
  Result<std::vector<MadeRows>> ApplyClauses(
      const std::vector<BoundClause>& clauses, const std::string& when,
      const std::shared_ptr<arrow::RecordBatch>& joined_rows,
      const std::vector<int64_t>& target_row_of, std::vector<bool>* deleted,
      int64_t* made, int64_t* removed) {
    const arrow::RecordBatch& joined = *joined_rows;
    std::vector<MadeRows> out;
    std::vector<bool> taken(joined.num_rows(), false);
    int64_t left = joined.num_rows();
    for (const auto& bound : clauses) {
      if (left == 0) break;
      std::shared_ptr<arrow::BooleanArray> holds;
      if (bound.condition) {
        DELTACPP_ASSIGN_OR_RAISE(holds, TrueRows(*bound.condition, joined));
      }
      std::vector<int64_t> applies;
      for (int64_t i = 0; i < joined.num_rows(); ++i) {
        if (taken[i] || (holds != nullptr && !holds->Value(i))) continue;
        taken[i] = true;
        applies.push_back(i);
      }
      left -= static_cast<int64_t>(applies.size());
      if (applies.empty()) continue;
      if (bound.clause.action == MergeAction::kDelete) {
        for (int64_t i : applies) (*deleted)[target_row_of[i]] = true;
        *removed += static_cast<int64_t>(applies.size());
        continue;
      }
      std::shared_ptr<arrow::RecordBatch> subset;
      if (static_cast<int64_t>(applies.size()) == joined.num_rows()) {
        subset = joined_rows;
      } else {
        DELTACPP_ASSIGN_OR_RAISE(auto target_rows, TakeRows(joined.column(0), applies));
        DELTACPP_ASSIGN_OR_RAISE(auto source_rows, TakeRows(joined.column(1), applies));
        DELTACPP_ASSIGN_OR_RAISE(
            subset,
            sides_.Join(target_rows, source_rows, static_cast<int64_t>(applies.size())));
      }
      DELTACPP_ASSIGN_OR_RAISE(auto rows, MakeRows(*bound.row, *subset, rules_, when));
      MadeRows result{std::move(rows), {}};
      for (int64_t i : applies) result.target_rows.push_back(target_row_of[i]);
      *made += static_cast<int64_t>(applies.size());
      out.push_back(std::move(result));
    }
    return out;
  }

  // The change data of one batch: each updated row before and after, each deleted one.
  Status RecordChanges(const std::shared_ptr<arrow::RecordBatch>& batch,
                       const std::vector<MadeRows>& updates,
                       const std::vector<bool>& deleted) {
    for (const auto& made : updates) {
      DELTACPP_ASSIGN_OR_RAISE(auto before, TakeBatchRows(batch, made.target_rows));
      DELTACPP_RETURN_NOT_OK(changes_->Write(before, "update_preimage"));
      DELTACPP_RETURN_NOT_OK(changes_->Write(made.rows, "update_postimage"));
    }
    std::vector<int64_t> gone;
    for (int64_t i = 0; i < static_cast<int64_t>(deleted.size()); ++i) {
      if (deleted[i]) gone.push_back(i);
    }
    if (gone.empty()) return Status::OK();
    DELTACPP_ASSIGN_OR_RAISE(auto rows, TakeBatchRows(batch, gone));
    return changes_->Write(rows, "delete");
  }

  // One batch of a target file: (its rows after the merge, whether any changed).
  Result<std::pair<std::shared_ptr<arrow::RecordBatch>, bool>> MergeBatch(
      const std::shared_ptr<arrow::RecordBatch>& batch, FileCounts& counts) {
    const int64_t rows = batch->num_rows();
    DELTACPP_ASSIGN_OR_RAISE(auto target_struct,
                             StructOf(*batch, sides_.target->fields()));
    DELTACPP_ASSIGN_OR_RAISE(auto joined_target,
                             sides_.Join(target_struct, nullptr, rows));
    DELTACPP_ASSIGN_OR_RAISE(auto groups, index_.Lookup(plan_, *joined_target));

    // Candidate pairs, cut down by the rest of the condition in chunks.
    constexpr size_t kChunk = size_t{1} << 16;
    std::vector<int64_t> pair_target, pair_source, chunk_target, chunk_source;
    auto flush = [&]() -> Status {
      if (chunk_target.empty()) return Status::OK();
      if (!plan_.residual()) {
        pair_target.insert(pair_target.end(), chunk_target.begin(), chunk_target.end());
        pair_source.insert(pair_source.end(), chunk_source.begin(), chunk_source.end());
      } else {
        DELTACPP_ASSIGN_OR_RAISE(auto t, TakeRows(target_struct, chunk_target));
        DELTACPP_ASSIGN_OR_RAISE(auto s, TakeRows(source_struct_, chunk_source));
        DELTACPP_ASSIGN_OR_RAISE(
            auto pairs, sides_.Join(t, s, static_cast<int64_t>(chunk_target.size())));
        DELTACPP_ASSIGN_OR_RAISE(auto holds, TrueRows(*plan_.residual(), *pairs));
        for (int64_t i : TrueIndices(*holds)) {
          pair_target.push_back(chunk_target[i]);
          pair_source.push_back(chunk_source[i]);
        }
      }
      chunk_target.clear();
      chunk_source.clear();
      return Status::OK();
    };
    for (int64_t i = 0; i < rows; ++i) {
      if (groups[i] < 0) continue;
      auto [begin, end] = index_.Rows(groups[i]);
      for (const int64_t* s = begin; s != end; ++s) {
        chunk_target.push_back(i);
        chunk_source.push_back(*s);
        if (chunk_target.size() >= kChunk) DELTACPP_RETURN_NOT_OK(flush());
      }
    }
    DELTACPP_RETURN_NOT_OK(flush());

    std::vector<int32_t> matches(rows, 0);
    bool multiple = false;
    for (size_t p = 0; p < pair_target.size(); ++p) {
      const int64_t t = pair_target[p];
      if (++matches[t] > 1) {
        multiple = true;
        if (!plan_.AllowsMultipleMatches()) {
          int64_t count = 0;
          for (int64_t other : pair_target) count += other == t ? 1 : 0;
          return MultipleMatches(*batch, t, count);
        }
      }
      source_matched_[pair_source[p]] = true;
    }
    if (!plan_.RewritesTarget()) return std::make_pair(batch, false);
    if (multiple && !plan_.matched().empty()) {
      // One unconditional DELETE: each target row is deleted (and counted) once.
      std::vector<bool> seen(rows, false);
      size_t kept = 0;
      for (size_t p = 0; p < pair_target.size(); ++p) {
        if (seen[pair_target[p]]) continue;
        seen[pair_target[p]] = true;
        pair_target[kept] = pair_target[p];
        pair_source[kept] = pair_source[p];
        ++kept;
      }
      pair_target.resize(kept);
      pair_source.resize(kept);
    }

    std::vector<bool> deleted(rows, false);
    std::vector<MadeRows> updates;
    if (!pair_target.empty() && !plan_.matched().empty()) {
      DELTACPP_ASSIGN_OR_RAISE(auto t, TakeRows(target_struct, pair_target));
      DELTACPP_ASSIGN_OR_RAISE(auto s, TakeRows(source_struct_, pair_source));
      DELTACPP_ASSIGN_OR_RAISE(
          auto pairs, sides_.Join(t, s, static_cast<int64_t>(pair_target.size())));
      DELTACPP_ASSIGN_OR_RAISE(
          updates, ApplyClauses(plan_.matched(), "WHEN MATCHED", pairs, pair_target,
                                &deleted, &result_.num_target_rows_matched_updated,
                                &result_.num_target_rows_matched_deleted));
    }
    if (!plan_.not_matched_by_source().empty()) {
      std::vector<int64_t> unmatched;
      for (int64_t i = 0; i < rows; ++i) {
        if (matches[i] == 0) unmatched.push_back(i);
      }
      if (!unmatched.empty()) {
        DELTACPP_ASSIGN_OR_RAISE(auto t, TakeRows(target_struct, unmatched));
        DELTACPP_ASSIGN_OR_RAISE(auto lone, sides_.Join(t, nullptr, t->length()));
        DELTACPP_ASSIGN_OR_RAISE(
            auto more,
            ApplyClauses(plan_.not_matched_by_source(), by_source_label_, lone, unmatched,
                         &deleted, &result_.num_target_rows_not_matched_by_source_updated,
                         &result_.num_target_rows_not_matched_by_source_deleted));
        for (auto& made : more) updates.push_back(std::move(made));
      }
    }
    const bool any_deleted =
        std::find(deleted.begin(), deleted.end(), true) != deleted.end();
    if (updates.empty() && !any_deleted) {
      counts.copied += rows;
      return std::make_pair(batch, false);
    }
    if (changes_ != nullptr)
      DELTACPP_RETURN_NOT_OK(RecordChanges(batch, updates, deleted));
    // The batch's rows in their order: deleted ones left out, updated ones replaced.
    std::vector<int64_t> replacement(rows, -1);
    arrow::RecordBatchVector parts = {batch};
    int64_t offset = rows;
    for (const auto& made : updates) {
      for (size_t i = 0; i < made.target_rows.size(); ++i) {
        replacement[made.target_rows[i]] = offset + static_cast<int64_t>(i);
      }
      offset += made.rows->num_rows();
      parts.push_back(made.rows);
    }
    std::vector<int64_t> order;
    order.reserve(rows);
    for (int64_t i = 0; i < rows; ++i) {
      if (deleted[i]) continue;
      if (replacement[i] >= 0) {
        order.push_back(replacement[i]);
      } else {
        order.push_back(i);
        ++counts.copied;
      }
    }
    arrow::ArrayVector columns;
    for (int c = 0; c < batch->num_columns(); ++c) {
      arrow::ArrayVector pieces;
      for (const auto& part : parts) pieces.push_back(part->column(c));
      DELTACPP_ASSIGN_OR_RAISE(auto combined, arrow::Concatenate(pieces));
      DELTACPP_ASSIGN_OR_RAISE(auto taken, TakeRows(combined, order));
      columns.push_back(std::move(taken));
    }
    return std::make_pair(
        arrow::RecordBatch::Make(batch->schema(), static_cast<int64_t>(order.size()),
                                 std::move(columns)),
        true);
  }

  const Sides& sides_;
  const MergePlan& plan_;
  const SourceIndex& index_;
  std::shared_ptr<arrow::RecordBatch> joined_source_;
  std::shared_ptr<arrow::Array> source_struct_;
  const WriteConstraints& rules_;
  PartitionedWriter& writer_;
  ChangeDataWriter* changes_;  // null without the change data feed
  MergeResult& result_;
  std::string by_source_label_;
  std::vector<bool> source_matched_;
};

// The source's rows as one batch, with Delta's types; a column named as a target column
// and of a narrower type (that a write would widen) takes the target's type, but for a
// struct that lacks some of the column's fields when `allow_missing` is false (a merge
// sets such a value only with schema evolution: MakeRow says why).
Result<std::shared_ptr<arrow::RecordBatch>> ReadSource(arrow::RecordBatchReader& source,
                                                       const arrow::Schema& target,
                                                       const std::string& table_uri,
                                                       bool allow_missing) {
  DELTACPP_ASSIGN_OR_RAISE(auto storage, StorageSchema(*source.schema()));
  arrow::FieldVector fields;
  for (const auto& field : storage->fields()) {
    auto in_target = Sides::Find(target, field->name());
    if (in_target != nullptr && !in_target->type()->Equals(*field->type())) {
      auto widened = ResolveWriteSchema(
          arrow::schema({in_target}), arrow::schema({field->WithName(in_target->name())}),
          SchemaMode::kReject, {}, table_uri);
      const bool fields_agree = NestedFieldMismatch(*field->type(), *in_target->type(),
                                                    allow_missing, in_target->name())
                                    .empty();
      if (widened.ok() && fields_agree) {
        fields.push_back(field->WithType(in_target->type()));
        continue;
      }
    }
    fields.push_back(field);
  }
  auto schema = arrow::schema(std::move(fields));
  arrow::RecordBatchVector batches;
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    DELTACPP_RETURN_NOT_OK(source.ReadNext(&batch));
    if (batch == nullptr) break;
    DELTACPP_ASSIGN_OR_RAISE(auto conformed, ConformBatch(*batch, *schema, {}));
    batches.push_back(std::move(conformed));
  }
  DELTACPP_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(schema, batches));
  DELTACPP_ASSIGN_OR_RAISE(auto combined, table->CombineChunksToBatch());
  return combined;
}

// The table's schema with the source's columns it lacks that an UPDATE SET * or INSERT *
// clause takes (but its except columns) appended, nullable (schema evolution).
std::shared_ptr<arrow::Schema> EvolvedSchema(const std::shared_ptr<arrow::Schema>& table,
                                             const arrow::Schema& source,
                                             const MergeOptions& options) {
  arrow::FieldVector fields = table->fields();
  auto add_from = [&](const MergeClause& clause) {
    if (!clause.all_columns) return;
    for (const auto& field : source.fields()) {
      const bool excepted = std::any_of(
          clause.except_columns.begin(), clause.except_columns.end(),
          [&](const std::string& name) { return EqualsIgnoreCase(name, field->name()); });
      const bool known = std::any_of(fields.begin(), fields.end(), [&](const auto& have) {
        return EqualsIgnoreCase(have->name(), field->name());
      });
      if (!excepted && !known) fields.push_back(field->WithNullable(true));
    }
  };
  for (const auto& clause : options.when_matched) add_from(clause);
  for (const auto& clause : options.when_not_matched) add_from(clause);
  return arrow::schema(std::move(fields));
}

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

// How an operation built on the merge's machinery is told apart: MERGE itself, or an
// UPDATE (a merge of no source rows whose one WHEN NOT MATCHED BY SOURCE clause is the
// update).
struct OperationKind {
  std::string name;        // "MERGE" or "UPDATE"
  std::string by_source;   // how errors name the WHEN NOT MATCHED BY SOURCE clauses
  PredicatePtr predicate;  // UPDATE's WHERE (null: every row)
};

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

Result<MergeResult> RunMerge(const std::string& table_uri,
                             arrow::RecordBatchReader& source, const PredicatePtr& on,
                             const MergeOptions& options, const OperationKind& kind) {
  const auto started = Clock::now();
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  DELTACPP_RETURN_NOT_OK(ValidateDataFileOptions(options.data_files));
  DELTACPP_ASSIGN_OR_RAISE(
      auto rewrite,
      internal::BeginRewrite(table_uri, kind.name == "MERGE" ? "merge into" : "update"));
  auto& [table, txn] = rewrite;
  const auto& snapshot = txn.read_snapshot();
  const Metadata& metadata = snapshot->metadata();
  DELTACPP_ASSIGN_OR_RAISE(
      auto source_batch,
      ReadSource(source, *snapshot->schema(), table.uri(), options.merge_schema));
  std::shared_ptr<arrow::Schema> schema = snapshot->schema();
  if (options.merge_schema) {
    schema = EvolvedSchema(schema, *source_batch->schema(), options);
    if (schema->num_fields() > snapshot->schema()->num_fields()) {
      Metadata evolved = metadata;
      DELTACPP_ASSIGN_OR_RAISE(evolved.schema_string, SchemaToJson(*schema));
      DELTACPP_RETURN_NOT_OK(
          internal::CheckProtocolCovers(snapshot->protocol(), *schema, evolved));
      txn.SetMetadata(std::move(evolved));
    }
  }
  DELTACPP_ASSIGN_OR_RAISE(auto rules,
                           WriteConstraints::Make(schema, metadata.configuration));
  const Sides sides = Sides::Make(options, schema, source_batch->schema());
  DELTACPP_ASSIGN_OR_RAISE(auto plan,
                           MergePlan::Make(sides, on, options, rules, kind.by_source));
  DELTACPP_ASSIGN_OR_RAISE(auto source_struct,
                           StructOf(*source_batch, sides.source->fields()));
  DELTACPP_ASSIGN_OR_RAISE(auto joined_source,
                           sides.Join(nullptr, source_struct, source_batch->num_rows()));
  DELTACPP_ASSIGN_OR_RAISE(auto index, SourceIndex::Make(plan, *joined_source));

  MergeResult result;
  result.num_source_rows = source_batch->num_rows();
  const PredicatePtr file_filter = FileFilter(plan, index, result.num_source_rows);
  DELTACPP_ASSIGN_OR_RAISE(auto all_files, ScanBuilder(snapshot).Build());
  std::shared_ptr<Scan> candidates = all_files;
  if (file_filter != nullptr) {
    // A filter that does not bind (a literal of the source's type that the target's
    // column cannot take) only costs reading more files.
    auto filtered = ScanBuilder(snapshot).Filter(file_filter).Build();
    if (filtered.ok()) candidates = *std::move(filtered);
  }
  const auto files = candidates->Files();
  result.num_target_files_scanned = static_cast<int64_t>(files.size());
  result.num_target_files_skipped =
      static_cast<int64_t>(snapshot->files().size()) - result.num_target_files_scanned;

  DataFileOptions file_options = options.data_files;
  DELTACPP_ASSIGN_OR_RAISE(file_options.stats_columns,
                           StatsColumns::FromConfiguration(metadata.configuration));
  PartitionedWriter writer(table.store(), schema, snapshot->partition_columns(),
                           std::move(file_options));
  auto cdf = metadata.configuration.find(std::string(kEnableChangeDataFeedKey));
  std::optional<ChangeDataWriter> changes;
  if (cdf != metadata.configuration.end() && cdf->second == "true") {
    changes.emplace(table.store(), schema, snapshot->partition_columns(),
                    options.data_files);
  }
  Merger merger(sides, plan, index, joined_source, rules, writer,
                changes ? &*changes : nullptr, result, kind.by_source);
  // Every row of a file is needed to write it again; only matching it needs the rest.
  DELTACPP_ASSIGN_OR_RAISE(auto reader_scan,
                           ScanBuilder(snapshot).Parallelism(1).Build());
  const int64_t now = NowMillis();
  std::vector<RemoveFile> removed;
  for (const AddFile* file : files) {
    DELTACPP_ASSIGN_OR_RAISE(auto rows, reader_scan->ExecuteFiles({file}));
    DELTACPP_ASSIGN_OR_RAISE(bool rewritten, merger.MergeFile(*rows));
    if (!rewritten) continue;
    removed.push_back(RemovalOf(*file, now));
    result.num_target_bytes_removed += file->size;
  }
  result.scan_time_ms = MillisSince(started);
  const auto rewrite_started = Clock::now();
  DELTACPP_RETURN_NOT_OK(merger.InsertUnmatched());
  DELTACPP_ASSIGN_OR_RAISE(auto added, writer.Close());
  std::vector<AddCdcFile> change_files;
  if (changes) {
    DELTACPP_ASSIGN_OR_RAISE(change_files, changes->Close());
  }
  result.rewrite_time_ms = MillisSince(rewrite_started);
  result.num_target_change_files_added = static_cast<int64_t>(change_files.size());
  result.num_target_rows_updated = result.num_target_rows_matched_updated +
                                   result.num_target_rows_not_matched_by_source_updated;
  result.num_target_rows_deleted = result.num_target_rows_matched_deleted +
                                   result.num_target_rows_not_matched_by_source_deleted;
  result.num_output_rows = result.num_target_rows_copied +
                           result.num_target_rows_updated +
                           result.num_target_rows_inserted;
  result.num_target_files_added = static_cast<int64_t>(added.size());
  result.num_target_files_removed = static_cast<int64_t>(removed.size());
  for (const auto& add : added) result.num_target_bytes_added += add.size;
  if (added.empty() && removed.empty()) {
    result.version = snapshot->version();
    result.execution_time_ms = MillisSince(started);
    return result;
  }
  // What it rewrote was decided from what it read: concurrent changes conflict.
  txn.SetReadsData(true);
  for (auto& remove : removed) txn.Remove(std::move(remove));
  for (auto& add : added) txn.Add(std::move(add));
  for (auto& change : change_files) txn.AddChangeFile(std::move(change));
  for (SetTransaction app : options.app_transactions) {
    if (!app.last_updated) app.last_updated = NowMillis();
    txn.SetAppTransaction(std::move(app));
  }
  result.execution_time_ms = MillisSince(started);
  const Operation operation = kind.name == "MERGE"
                                  ? MergeOperation(on, options, result)
                                  : UpdateOperation(kind.predicate, result);
  DELTACPP_ASSIGN_OR_RAISE(result.version, txn.Commit(operation, options.commit));
  result.committed = true;
  return result;
}

}  // namespace

Result<MergeResult> MergeIntoTable(const std::string& table_uri,
                                   arrow::RecordBatchReader& source,
                                   const PredicatePtr& on, const MergeOptions& options) {
  if (on == nullptr) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "a merge needs a condition");
  }
  if (!options.source_alias.empty() &&
      EqualsIgnoreCase(options.source_alias, options.target_alias)) {
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
  return RunMerge(table_uri, source, on, options,
                  {"MERGE", "WHEN NOT MATCHED BY SOURCE", nullptr});
}

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
  DELTACPP_ASSIGN_OR_RAISE(auto merged, RunMerge(table_uri, **no_rows, Literal(false),
                                                 merge, {"UPDATE", "UPDATE", predicate}));
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
