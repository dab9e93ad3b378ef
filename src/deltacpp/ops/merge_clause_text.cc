#include "deltacpp/ops/merge_clause_text.h"

#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/util/string.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"

namespace deltacpp {

using arrow::internal::AsciiEqualsCaseInsensitive;

namespace internal {

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& column : columns) out += (out.empty() ? "" : ", ") + column;
  return out;
}

}  // namespace internal

using internal::ColumnList;

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

// Not arrow::internal::TrimString: that copies, and trims spaces and tabs only, where a
// clause may span lines (and positions found in a trimmed view index the clause).
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
      if (AsciiEqualsCaseInsensitive(word, "case")) ++depth;
      if (AsciiEqualsCaseInsensitive(word, "end")) --depth;
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
    return AsciiEqualsCaseInsensitive(text.substr(i, word.size()), word);
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
  if (text.size() < word.size() ||
      !AsciiEqualsCaseInsensitive(text.substr(0, word.size()), word)) {
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

}  // namespace deltacpp
