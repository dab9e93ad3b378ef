#pragma once

// Predicates over the columns of a table: what a scan filters rows by and what data
// skipping checks file statistics against. A predicate is an immutable tree, built with
// the functions below or parsed from text (predicate_parser.h):
//
//   auto p = And(Greater(Column("id"), Literal(int64_t{10})), IsNull(Column("a.b")));

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/type_fwd.h>

#include "deltacpp/common/visibility.h"

namespace deltacpp {

enum class PredicateOp {
  kColumn,
  kLiteral,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIsNull,
  kIsNotNull,
  kIn,
  kAnd,
  kOr,
  kNot,
};

/// A constant as written, before it is given the type of the column it meets.
struct LiteralValue {
  enum class Kind { kNull, kBoolean, kNumber, kString };
  Kind kind = Kind::kNull;
  /// The number's digits, the string's characters, or "true"/"false".
  std::string text;
};

struct Predicate;
using PredicatePtr = std::shared_ptr<const Predicate>;

struct DELTACPP_EXPORT Predicate {
  PredicateOp op;
  /// Operands: two for comparisons, AND and OR; one for IS [NOT] NULL and NOT; the
  /// column then the values for IN.
  std::vector<PredicatePtr> children;
  /// kColumn: the logical names from the top-level column down into nested structs.
  std::vector<std::string> column;
  /// kLiteral.
  LiteralValue literal;
  /// Set by binding (scan/bind_predicate.h): a kColumn's type, a kLiteral's typed value.
  std::shared_ptr<arrow::DataType> type;
  std::shared_ptr<arrow::Scalar> value;

  /// SQL-like text that ParsePredicate reads back to the same tree.
  std::string ToString() const;
};

/// A column by its path of names, e.g. {"a", "b"} for field b of struct column a.
DELTACPP_EXPORT PredicatePtr Column(std::vector<std::string> path);
/// A column by a dotted name: "a.b" is field b of struct column a.
DELTACPP_EXPORT PredicatePtr Column(const std::string& dotted_name);
DELTACPP_EXPORT PredicatePtr Literal(int64_t value);
DELTACPP_EXPORT PredicatePtr Literal(double value);
DELTACPP_EXPORT PredicatePtr Literal(bool value);
DELTACPP_EXPORT PredicatePtr Literal(std::string value);
inline PredicatePtr Literal(const char* value) { return Literal(std::string(value)); }
DELTACPP_EXPORT PredicatePtr NullLiteral();
/// A literal of any kind, e.g. a number kept as its exact digits ("12.50").
DELTACPP_EXPORT PredicatePtr Literal(LiteralValue value);

DELTACPP_EXPORT PredicatePtr Compare(PredicateOp op, PredicatePtr left,
                                     PredicatePtr right);
inline PredicatePtr Equal(PredicatePtr l, PredicatePtr r) {
  return Compare(PredicateOp::kEqual, std::move(l), std::move(r));
}
inline PredicatePtr NotEqual(PredicatePtr l, PredicatePtr r) {
  return Compare(PredicateOp::kNotEqual, std::move(l), std::move(r));
}
inline PredicatePtr Less(PredicatePtr l, PredicatePtr r) {
  return Compare(PredicateOp::kLess, std::move(l), std::move(r));
}
inline PredicatePtr LessEqual(PredicatePtr l, PredicatePtr r) {
  return Compare(PredicateOp::kLessEqual, std::move(l), std::move(r));
}
inline PredicatePtr Greater(PredicatePtr l, PredicatePtr r) {
  return Compare(PredicateOp::kGreater, std::move(l), std::move(r));
}
inline PredicatePtr GreaterEqual(PredicatePtr l, PredicatePtr r) {
  return Compare(PredicateOp::kGreaterEqual, std::move(l), std::move(r));
}
DELTACPP_EXPORT PredicatePtr IsNull(PredicatePtr operand);
DELTACPP_EXPORT PredicatePtr IsNotNull(PredicatePtr operand);
DELTACPP_EXPORT PredicatePtr In(PredicatePtr operand, std::vector<PredicatePtr> values);
DELTACPP_EXPORT PredicatePtr And(PredicatePtr left, PredicatePtr right);
DELTACPP_EXPORT PredicatePtr Or(PredicatePtr left, PredicatePtr right);
DELTACPP_EXPORT PredicatePtr Not(PredicatePtr operand);

/// True for =, !=, <, <=, > and >=.
DELTACPP_EXPORT bool IsComparison(PredicateOp op);

}  // namespace deltacpp
