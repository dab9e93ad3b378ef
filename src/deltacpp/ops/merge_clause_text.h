#pragma once

// MERGE's WHEN clauses as text, both ways: ParseMergeClause reads what the CLI's --when
// takes and MergeClause::ToString prints, so that a clause printed in an error or a
// history reads back as the same clause. Also the SET lists UPDATE and MERGE share.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/ops/merge.h"

namespace deltacpp {

/// Which WHEN a clause belongs to.
enum class MergeWhen { kMatched, kNotMatched, kNotMatchedBySource };

/// Parses a clause as the CLI takes it (case-insensitive keywords), e.g.
///   "matched THEN UPDATE SET *"             "not matched THEN INSERT *"
///   "matched AND source.op = 'D' THEN DELETE"
///   "matched THEN UPDATE SET total = target.total + source.amount, seen = source.ts"
///   "not matched THEN INSERT (id, total) VALUES (source.id, source.amount)"
///   "not matched by source AND target.day < '2024-01-01' THEN DELETE"
/// A leading "WHEN" is optional; "UPDATE SET * EXCEPT (a, b)" and "INSERT * EXCEPT
/// (a, b)" leave columns out. Fails with kInvalidArgument naming what was expected.
DELTACPP_EXPORT Result<std::pair<MergeWhen, MergeClause>> ParseMergeClause(
    std::string_view text);

/// "column = value, column = value, ..." (SET lists of UPDATE and MERGE), values being
/// expressions (predicate_parser.h). Fails with kInvalidArgument for a part without
/// "column =" or a value that does not parse.
DELTACPP_EXPORT Result<std::vector<std::pair<std::string, PredicatePtr>>>
ParseAssignments(std::string_view text);

namespace internal {

/// `columns` as clause text lists them: "a, b, c". Internal to ops/: the merge plan's
/// errors list the columns of a side the same way.
std::string ColumnList(const std::vector<std::string>& columns);

}  // namespace internal

}  // namespace deltacpp
