#pragma once

// Expressions and predicates from SQL text: the CLI's --where, CHECK constraints, column
// invariants and generation expressions as Delta Spark stores them in the log. A subset
// of Spark SQL's expression grammar:
//
//   id > 10 AND (name = 'it''s' OR name IS NULL)
//   `a column`.field IN (1, 2, 3) AND NOT flag
//   day BETWEEN '2024-01-01' AND '2024-01-31'
//   price * quantity - discount <= 100.5 AND a <=> b AND name LIKE 'x%'
//   CAST(ts AS DATE)   year(ts)   concat(a, '-', b)   a || b   DATE '2024-01-01'
//   CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END
//
// Columns are names ([A-Za-z_][A-Za-z0-9_]*) or `backquoted` names, dotted into structs.
// Literals: numbers (with Spark's suffixes 1L, 1S, 1Y, 1.5D, 1.5F, 1BD), 'strings' (''
// is a quote), TRUE, FALSE, NULL, and typed DATE '...', TIMESTAMP '...',
// TIMESTAMP_NTZ '...'. Operators, tightest first: unary minus; * / %; + - ||; the
// conditions = == != <> < <= > >= <=>, IS [NOT] NULL, [NOT] IN (...), [NOT] BETWEEN ..
// AND .., [NOT] LIKE; NOT; AND; OR. Function calls name(args) (any name: binding decides
// which exist), CAST(x AS type) with Spark SQL type names, CASE (read as nested if()).
// Keywords and function names in any case. A bare column is a condition when it is a
// boolean (binding makes it `column = TRUE`).

#include <cstdint>
#include <string_view>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"

namespace deltacpp {

/// How deeply an expression may nest: parentheses, NOT, signs, calls and CASE inside one
/// another, and the tree they make (a long chain of + or || nests one level per
/// operator; a chain of AND or OR is grouped as a balanced tree and nests little). The
/// parser and every reader of the tree (binding, evaluation, ToString) recurse once per
/// level, so text must not choose the depth. Real predicates nest a few levels, generated
/// ones (a CASE of many branches) rarely a hundred; a level of parentheses takes the
/// parser about 15 KB of stack with AddressSanitizer (and a CASE branch binding 11 KB),
/// so 256 levels stay within half of an 8 MB stack there, and far within it otherwise.
inline constexpr int kMaxPredicateDepth = 256;

/// How many nodes an expression may grow to, an operand that BETWEEN or CASE repeats
/// counted each time: nested BETWEENs double it at every level, and every reader of the
/// tree takes time in proportion. An IN list of 20,000 values is 20,002 nodes. (Arrow
/// binds and evaluates some 50,000 nodes a second under AddressSanitizer: 16 nested <=>,
/// half a million nodes, took 10 s in the predicate fuzzer.)
inline constexpr int64_t kMaxPredicateSize = 100'000;

/// Parses a predicate (the same grammar as ParseExpression; binding checks that it is a
/// condition). Fails with kInvalidArgument naming the position and what was expected
/// there, or naming kMaxPredicateDepth or kMaxPredicateSize for text beyond them.
DELTACPP_EXPORT Result<PredicatePtr> ParsePredicate(std::string_view text);

/// Parses an expression of any type, e.g. a generated column's `CAST(ts AS DATE)`.
/// Fails with kInvalidArgument naming the position and what was expected there, or
/// naming kMaxPredicateDepth or kMaxPredicateSize for text beyond them.
DELTACPP_EXPORT Result<PredicatePtr> ParseExpression(std::string_view text);

}  // namespace deltacpp
