#pragma once

// Predicates from SQL-like text, as the CLI's --where takes them:
//
//   id > 10 AND (name = 'it''s' OR name IS NULL)
//   `a column`.field IN (1, 2, 3) AND NOT flag
//   day BETWEEN '2024-01-01' AND '2024-01-31'
//
// Columns are names ([A-Za-z_][A-Za-z0-9_]*) or `backquoted` names, dotted into structs.
// Literals: numbers, 'strings' ('' is a quote), TRUE, FALSE, NULL. Operators: = == != <>
// < <= > >=, IS [NOT] NULL, [NOT] IN (...), [NOT] BETWEEN .. AND .., AND, OR, NOT and
// parentheses; keywords in any case. A bare column is `column = TRUE`.

#include <string_view>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"

namespace deltacpp {

/// Fails with kInvalidArgument naming the position and what was expected there.
DELTACPP_EXPORT Result<PredicatePtr> ParsePredicate(std::string_view text);

}  // namespace deltacpp
