#pragma once

// Binding checks an expression against a table schema, types it and makes it ready to
// evaluate, both on file statistics (data_skipping.h) and on rows (row_filter.h).
//
// Types follow Spark SQL. A literal has its own type (12 an integer, 3000000000 a long,
// 1.5 a decimal(2,1), 1.5e3 a double, 'x' a string), save that in a comparison, IN,
// coalesce or if it takes the type of what it meets when its text is a value of that
// type (id > 10 compares longs when id is a long; day < '2024-03-01' compares dates), so
// that data skipping compares like with like. Numbers of different types meet at the
// wider one (integers < decimals < float < double; an integer with a float is a float);
// arithmetic on decimals has Spark's precision and scale (Arrow's rules agree for + - *);
// `/` divides integers and floats as doubles; a date meets a timestamp as a timestamp.
// Where binding must convert an operand it adds an explicit CAST node, so evaluation
// never converts implicitly.
//
// Functions (names in any case; aliases in parentheses): year, month, day (dayofmonth),
// dayofweek, dayofyear, quarter, weekofyear, hour, minute, second, to_date (date),
// date_format (patterns of y, M, d, H, m, s), date_trunc, trunc, substring (substr),
// concat, concat_ws, lower (lcase), upper (ucase), length (char_length,
// character_length), trim, ltrim, rtrim, abs, coalesce (nvl, ifnull), if.

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"

namespace deltacpp {

/// The bound form of `predicate` over `schema` (a table's logical schema):
/// - every column is found (top-level by name, then into structs; an exact name first,
///   else the one name that differs only in case, as Spark resolves them) and every node
///   carries the type of its value;
/// - every literal carries a typed value (see above);
/// - NOT is pushed down through AND, OR, comparisons, IS [NOT] NULL and IN (three-valued
///   logic is kept: NOT (a < 1) is a >= 1); other conditions keep their NOT;
/// - a comparison with one literal has the literal second (10 < id is id > 10);
/// - a bare boolean column c becomes c = TRUE.
/// Fails with kInvalidArgument for an unknown column (naming the columns there are), a
/// literal that is not a value of the type it meets, operands of types that do not meet
/// (two columns of different types, a string with a number), a comparison of two
/// literals, a function given the wrong number or types of arguments, a non-boolean
/// condition, or one too large to evaluate (more than kMaxPredicateSize nodes for Arrow,
/// an operand that <=> or IN repeats counted each time); with kUnsupportedFeature for a
/// function delta-cpp does not implement (naming it), a CAST it cannot do as Spark does
/// (e.g. double to string), or arithmetic on dates, timestamps or strings.
DELTACPP_EXPORT Result<PredicatePtr> BindPredicate(const PredicatePtr& predicate,
                                                   const arrow::Schema& schema);

/// The bound form of an expression of any type (e.g. a generated column's), with the
/// type of its value in `type`. A literal alone takes its own type (see above). Fails as
/// BindPredicate does, save for the rule that the result is a condition.
DELTACPP_EXPORT Result<PredicatePtr> BindExpression(const PredicatePtr& expression,
                                                    const arrow::Schema& schema);

/// The columns a bound predicate reads, each once, in order of appearance.
DELTACPP_EXPORT std::vector<PredicatePtr> ReferencedColumns(const PredicatePtr& bound);

}  // namespace deltacpp
