#pragma once

// Expressions over the columns of a table, in the SQL that Delta keeps in its log and
// that a scan filters by: what data skipping checks file statistics against, what a CHECK
// constraint or column invariant demands of every row, how a generated column is
// computed. An expression is an immutable tree, built with the functions below or parsed
// from text (predicate_parser.h); a predicate is an expression whose value is a boolean:
//
//   auto p = And(Greater(Column("id"), Literal(int64_t{10})), IsNull(Column("a.b")));
//   auto g = Call("year", {Column("ts")});
//
// Binding (scan/bind_predicate.h) types it against a schema; evaluation is Arrow compute
// (scan/row_filter.h), with Spark SQL's semantics (row_filter.h says which).
//
// Tested by: kernel/expressions/predicate_parser_test.cc (trees printed and read back)
// and the predicate fuzzer.

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
  /// a <=> b: true when both are null or both equal, false otherwise (never null).
  kNullSafeEqual,
  /// a LIKE 'pattern' ('%' any characters, '_' one, '\\' escapes).
  kLike,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  /// Unary minus.
  kNegate,
  /// CAST(x AS type): `name` is the target's Delta type name.
  kCast,
  /// name(arguments...): `name` in lower case.
  kFunction,
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
  /// Operands: two for comparisons, arithmetic, AND and OR; one for IS [NOT] NULL, NOT,
  /// unary minus and CAST; the tested expression then the values for IN; the string then
  /// the pattern for LIKE; a function's arguments.
  std::vector<PredicatePtr> children;
  /// kColumn: the logical names from the top-level column down into nested structs.
  std::vector<std::string> column;
  /// kLiteral.
  LiteralValue literal;
  /// kFunction: the function's name, lower case. kCast: the Delta name of the target type
  /// ("long", "date", "decimal(10,2)").
  std::string name;
  /// Set by binding (scan/bind_predicate.h): the type of the node's value (a kColumn's
  /// type, a kCast's target, a function's result), and a kLiteral's typed value.
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
/// The AND (OR) of all `operands` in their order, grouped as a balanced tree: a long list
/// nests about log2(n) levels rather than n, as every reader of a tree recurses once per
/// level. Null for no operands, the operand itself for one.
DELTACPP_EXPORT PredicatePtr AndAll(std::vector<PredicatePtr> operands);
DELTACPP_EXPORT PredicatePtr OrAll(std::vector<PredicatePtr> operands);
DELTACPP_EXPORT PredicatePtr Not(PredicatePtr operand);
DELTACPP_EXPORT PredicatePtr NullSafeEqual(PredicatePtr left, PredicatePtr right);
/// `pattern` is a string literal.
DELTACPP_EXPORT PredicatePtr Like(PredicatePtr operand, PredicatePtr pattern);
/// `op` is one of kAdd, kSubtract, kMultiply, kDivide and kModulo.
DELTACPP_EXPORT PredicatePtr Arithmetic(PredicateOp op, PredicatePtr left,
                                        PredicatePtr right);
DELTACPP_EXPORT PredicatePtr UnaryMinus(PredicatePtr operand);
/// `type_name`: a Delta type name ("long", "decimal(10,2)").
DELTACPP_EXPORT PredicatePtr Cast(PredicatePtr operand, std::string type_name);
/// A function call; the name is kept in lower case.
DELTACPP_EXPORT PredicatePtr Call(std::string name, std::vector<PredicatePtr> arguments);

/// True for =, !=, <, <=, > and >= (not <=>).
DELTACPP_EXPORT bool IsComparison(PredicateOp op);
/// True for +, -, *, / and % (not unary minus).
DELTACPP_EXPORT bool IsArithmetic(PredicateOp op);

}  // namespace deltacpp
