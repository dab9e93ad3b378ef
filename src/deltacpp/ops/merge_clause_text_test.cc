#include "deltacpp/ops/merge_clause_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

PredicatePtr Parse(const std::string& text) { return ParsePredicate(text).ValueOrDie(); }
PredicatePtr Expr(const std::string& text) { return ParseExpression(text).ValueOrDie(); }

// The message of a clause that does not parse; empty when it parses.
std::string ErrorOf(const std::string& text) {
  auto parsed = ParseMergeClause(text);
  return parsed.ok() ? "" : parsed.status().message();
}

TEST(ParseMergeClauseTest, ReadsEveryForm) {
  ASSERT_OK_AND_ASSIGN(auto update_all, ParseMergeClause("matched THEN UPDATE SET *"));
  EXPECT_EQ(update_all.first, MergeWhen::kMatched);
  EXPECT_TRUE(update_all.second.all_columns);
  EXPECT_EQ(update_all.second.action, MergeAction::kUpdate);

  ASSERT_OK_AND_ASSIGN(
      auto update, ParseMergeClause("WHEN MATCHED AND s.op = 'U' AND s.x = 'a,b' THEN "
                                    "update set total = t.total + s.n, note = "
                                    "concat(s.a, ', ', s.b)"));
  ASSERT_NE(update.second.condition, nullptr);
  ASSERT_EQ(update.second.assignments.size(), 2u);
  EXPECT_EQ(update.second.assignments[1].first, "note");
  EXPECT_EQ(update.second.assignments[1].second->ToString(),
            Expr("concat(s.a, ', ', s.b)")->ToString());

  ASSERT_OK_AND_ASSIGN(auto insert,
                       ParseMergeClause("not matched THEN INSERT (id, v) VALUES (s.id, "
                                        "CASE WHEN s.v > 0 THEN 1 ELSE 2 END)"));
  EXPECT_EQ(insert.first, MergeWhen::kNotMatched);
  ASSERT_EQ(insert.second.assignments.size(), 2u);
  EXPECT_EQ(insert.second.assignments[1].second->op, PredicateOp::kFunction);

  ASSERT_OK_AND_ASSIGN(auto star,
                       ParseMergeClause("not matched by target then insert * except (a, "
                                        "b)"));
  EXPECT_EQ(star.second.except_columns, (std::vector<std::string>{"a", "b"}));

  ASSERT_OK_AND_ASSIGN(
      auto by_source,
      ParseMergeClause("not matched by source AND t.day < '2024-01-01' THEN DELETE"));
  EXPECT_EQ(by_source.first, MergeWhen::kNotMatchedBySource);
  EXPECT_EQ(by_source.second.action, MergeAction::kDelete);

  // Round trip through ToString.
  ASSERT_OK_AND_ASSIGN(auto again, ParseMergeClause(update.second.ToString("MATCHED")));
  EXPECT_EQ(again.second.ToString("MATCHED"), update.second.ToString("MATCHED"));

  for (const char* bad :
       {"matched", "matched THEN", "matched THEN INSERT *", "not matched THEN DELETE",
        "matched WHERE x THEN DELETE", "not matched THEN INSERT (a, b) VALUES (1)",
        "matched THEN UPDATE SET a", "sometimes THEN DELETE"}) {
    EXPECT_FALSE(ParseMergeClause(bad).ok()) << bad;
  }
  // An empty condition (an unset shell variable after AND) never makes the clause
  // unconditional.
  for (const char* empty : {"matched AND THEN DELETE", "matched AND   THEN DELETE"}) {
    auto parsed = ParseMergeClause(empty);
    ASSERT_RAISES_DELTA(kInvalidArgument, parsed);
    EXPECT_NE(parsed.status().message().find("expected a condition after AND"),
              std::string::npos)
        << parsed.status().message();
  }
}

TEST(ParseMergeClauseEdgeTest, MessagesNameTheClauseKind) {
  auto by_source = ParseMergeClause("not matched by source t.x > 1 THEN DELETE");
  ASSERT_FALSE(by_source.ok());
  EXPECT_NE(by_source.status().message().find("after NOT MATCHED BY SOURCE"),
            std::string::npos)
      << by_source.status().message();
  auto dangling = ParseMergeClause("matched THEN UPDATE SET *, ");
  ASSERT_FALSE(dangling.ok());
  EXPECT_NE(dangling.status().message().find("after 'SET *,'"), std::string::npos)
      << dangling.status().message();
  ASSERT_OK_AND_ASSIGN(auto star_and_more,
                       ParseMergeClause("matched THEN UPDATE SET *, v = source.v + 1"));
  EXPECT_TRUE(star_and_more.second.all_columns);
  EXPECT_EQ(star_and_more.second.assignments.size(), 1u);
}

TEST(ParseMergeClauseTest, KeywordsTakeAnyCaseAndAnySpace) {
  // Clauses come from shell arguments and scripts: keywords in any case, words apart
  // by newlines and tabs as well as spaces.
  ASSERT_OK_AND_ASSIGN(auto parsed,
                       ParseMergeClause("  WhEn\tMaTcHeD\nthen\n  Delete  "));
  EXPECT_EQ(parsed.first, MergeWhen::kMatched);
  EXPECT_EQ(parsed.second.action, MergeAction::kDelete);
  EXPECT_EQ(parsed.second.condition, nullptr);

  ASSERT_OK_AND_ASSIGN(
      parsed, ParseMergeClause("NOT\nMATCHED\tBY\n SOURCE THEN UPDATE SET v = 1"));
  EXPECT_EQ(parsed.first, MergeWhen::kNotMatchedBySource);
  EXPECT_EQ(parsed.second.action, MergeAction::kUpdate);
  ASSERT_EQ(parsed.second.assignments.size(), 1u);
  EXPECT_EQ(parsed.second.assignments[0].first, "v");

  // A keyword is a whole word: "matchedx" is not MATCHED, "deleted" not DELETE.
  EXPECT_NE(ErrorOf("matchedx THEN DELETE"), "");
  EXPECT_NE(ErrorOf("matched THEN deleted"), "");
}

TEST(ParseMergeClauseTest, ThenInsideStringsAndCaseIsNotTheKeyword) {
  // The condition's own THEN (in a string, or in CASE ... END) does not end it.
  ASSERT_OK_AND_ASSIGN(auto in_string,
                       ParseMergeClause("matched AND s.note = 'then it''s, done' THEN "
                                        "DELETE"));
  EXPECT_EQ(in_string.second.action, MergeAction::kDelete);
  ASSERT_NE(in_string.second.condition, nullptr);
  EXPECT_EQ(in_string.second.condition->ToString(),
            Parse("s.note = 'then it''s, done'")->ToString());

  ASSERT_OK_AND_ASSIGN(
      auto in_case,
      ParseMergeClause(
          "matched AND CASE WHEN s.x > 1 THEN s.y ELSE s.z END = 2 THEN "
          "UPDATE SET v = CASE WHEN s.x > 1 THEN 'a, b' ELSE 'c' END, w = 3"));
  ASSERT_NE(in_case.second.condition, nullptr);
  EXPECT_EQ(in_case.second.condition->ToString(),
            Parse("CASE WHEN s.x > 1 THEN s.y ELSE s.z END = 2")->ToString());
  ASSERT_EQ(in_case.second.assignments.size(), 2u);
  EXPECT_EQ(in_case.second.assignments[0].second->ToString(),
            Expr("CASE WHEN s.x > 1 THEN 'a, b' ELSE 'c' END")->ToString());
  EXPECT_EQ(in_case.second.assignments[1].first, "w");
}

TEST(ParseMergeClauseTest, InsertListsNameColumnsAndValuesInOrder) {
  ASSERT_OK_AND_ASSIGN(auto parsed,
                       ParseMergeClause("not matched THEN INSERT (id, nested.field, v) "
                                        "VALUES (s.id, concat(s.a, ')'), (1 + 2))"));
  EXPECT_EQ(parsed.first, MergeWhen::kNotMatched);
  EXPECT_FALSE(parsed.second.all_columns);
  ASSERT_EQ(parsed.second.assignments.size(), 3u);
  EXPECT_EQ(parsed.second.assignments[0].first, "id");
  EXPECT_EQ(parsed.second.assignments[1].first, "nested.field");
  EXPECT_EQ(parsed.second.assignments[1].second->ToString(),
            Expr("concat(s.a, ')')")->ToString());
  EXPECT_EQ(parsed.second.assignments[2].first, "v");
  EXPECT_EQ(parsed.second.assignments[2].second->ToString(), Expr("1 + 2")->ToString());

  ASSERT_OK_AND_ASSIGN(auto star, ParseMergeClause("matched THEN UPDATE SET * EXCEPT "
                                                   "(a,b.c)"));
  EXPECT_TRUE(star.second.all_columns);
  EXPECT_EQ(star.second.except_columns, (std::vector<std::string>{"a", "b.c"}));
  EXPECT_TRUE(star.second.assignments.empty());
}

TEST(ParseMergeClauseTest, ErrorsSayWhatWasExpected) {
  struct Case {
    const char* clause;
    const char* expected;  // in the message, after "merge clause '<clause>': expected "
  };
  for (const Case& c : std::vector<Case>{
           {"sometimes THEN DELETE", "MATCHED, NOT MATCHED or NOT MATCHED BY SOURCE"},
           {"not THEN DELETE", "MATCHED after NOT"},
           {"not matched by whom THEN INSERT *", "SOURCE or TARGET after NOT MATCHED BY"},
           {"matched DELETE", "THEN and an action"},
           {"matched OR s.x = 1 THEN DELETE", "AND <condition> or THEN after MATCHED"},
           {"not matched s.x = 1 THEN INSERT *",
            "AND <condition> or THEN after NOT "
            "MATCHED"},
           {"matched AND THEN DELETE", "a condition after AND"},
           {"matched THEN MERGE", "DELETE, UPDATE SET or INSERT after THEN"},
           {"matched THEN UPDATE *", "SET after UPDATE"},
           {"matched THEN UPDATE SET * v = 1", "the end after SET *"},
           {"matched THEN UPDATE SET *,", "column = value after 'SET *,'"},
           {"matched THEN DELETE now", "the end, not 'now'"},
           {"not matched THEN INSERT * EXCEPT a", "'(' and names"},
           {"not matched THEN INSERT * EXCEPT (a, b", "a closing ')'"},
           {"not matched THEN INSERT (a)", "VALUES after the column list"},
           {"not matched THEN INSERT (a) VALUES 1", "VALUES (...)"},
           {"not matched THEN INSERT (a, b) VALUES (1, 2, 3)",
            "2 values for 2 columns, not 3"},
           {"not matched THEN INSERT (a + 1) VALUES (1)",
            "column names in the list, not 'a + 1'"},
           {"not matched THEN UPDATE SET *",
            "INSERT: rows not matched can only be inserted"},
           {"not matched by source THEN INSERT *",
            "UPDATE or DELETE: only rows not matched are inserted"},
           {"matched THEN INSERT *",
            "UPDATE or DELETE: only rows not matched are inserted"},
       }) {
    auto parsed = ParseMergeClause(c.clause);
    ASSERT_RAISES_DELTA(kInvalidArgument, parsed);
    EXPECT_EQ(parsed.status().message(),
              std::string("merge clause '") + c.clause + "': expected " + c.expected);
  }
  // A SET list that does not parse names the part.
  EXPECT_NE(ErrorOf("matched THEN UPDATE SET v").find("column = value, not 'v'"),
            std::string::npos)
      << ErrorOf("matched THEN UPDATE SET v");
}

TEST(ParseAssignmentsTest, SplitsOnTopLevelCommasOnly) {
  ASSERT_OK_AND_ASSIGN(auto assignments,
                       ParseAssignments("  total = t.total + s.n ,note=concat(s.a, ', ', "
                                        "s.b), kind = CASE WHEN s.x = 1 THEN 'a,b' END"));
  ASSERT_EQ(assignments.size(), 3u);
  EXPECT_EQ(assignments[0].first, "total");
  EXPECT_EQ(assignments[0].second->ToString(), Expr("t.total + s.n")->ToString());
  EXPECT_EQ(assignments[1].first, "note");
  EXPECT_EQ(assignments[1].second->ToString(),
            Expr("concat(s.a, ', ', s.b)")->ToString());
  EXPECT_EQ(assignments[2].first, "kind");
  EXPECT_EQ(assignments[2].second->ToString(),
            Expr("CASE WHEN s.x = 1 THEN 'a,b' END")->ToString());
}

TEST(ParseAssignmentsTest, EachPartNeedsAColumnAndAValue) {
  for (const char* bad : {"v", "= 1", "  = 1", "v = 1,", "v = 1, w"}) {
    auto parsed = ParseAssignments(bad);
    ASSERT_RAISES_DELTA(kInvalidArgument, parsed);
    EXPECT_NE(parsed.status().message().find("expected column = value, not '"),
              std::string::npos)
        << bad << ": " << parsed.status().message();
  }
  // The value must be an expression.
  EXPECT_FALSE(ParseAssignments("v = ").ok());
  EXPECT_FALSE(ParseAssignments("v = (1").ok());
}

TEST(MergeClauseToStringTest, PrintsEachFormAndReadsBack) {
  struct Case {
    MergeWhen when;
    const char* when_text;
    MergeClause clause;
    std::string printed;
  };
  MergeClause except = MergeClause::UpdateAll();
  except.except_columns = {"a", "b"};
  except.assignments.emplace_back("v", Expr("source.v + 1"));
  const std::vector<Case> cases = {
      {MergeWhen::kMatched, "MATCHED", MergeClause::Delete(), "WHEN MATCHED THEN DELETE"},
      {MergeWhen::kMatched, "MATCHED", MergeClause::UpdateAll(Parse("source.op = 'U'")),
       "WHEN MATCHED AND " + Parse("source.op = 'U'")->ToString() + " THEN UPDATE SET *"},
      {MergeWhen::kMatched, "MATCHED", except,
       "WHEN MATCHED THEN UPDATE SET * EXCEPT (a, b), v = " +
           Expr("source.v + 1")->ToString()},
      {MergeWhen::kMatched, "MATCHED",
       MergeClause::Update({{"a", Expr("1")}, {"b", Expr("'x'")}}),
       "WHEN MATCHED THEN UPDATE SET a = 1, b = 'x'"},
      {MergeWhen::kNotMatched, "NOT MATCHED", MergeClause::InsertAll(),
       "WHEN NOT MATCHED THEN INSERT *"},
      {MergeWhen::kNotMatched, "NOT MATCHED",
       MergeClause::Insert({{"id", Expr("source.id")}, {"v", Expr("2")}}),
       "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (source.id, 2)"},
      {MergeWhen::kNotMatchedBySource, "NOT MATCHED BY SOURCE",
       MergeClause::Delete(Parse("target.day < '2024-01-01'")),
       "WHEN NOT MATCHED BY SOURCE AND " +
           Parse("target.day < '2024-01-01'")->ToString() + " THEN DELETE"},
  };
  for (const auto& c : cases) {
    const std::string printed = c.clause.ToString(c.when_text);
    EXPECT_EQ(printed, c.printed);
    ASSERT_OK_AND_ASSIGN(auto again, ParseMergeClause(printed));
    EXPECT_EQ(again.first, c.when) << printed;
    EXPECT_EQ(again.second.ToString(c.when_text), printed);
  }
}

TEST(ColumnListTest, JoinsWithCommas) {
  EXPECT_EQ(internal::ColumnList({}), "");
  EXPECT_EQ(internal::ColumnList({"a"}), "a");
  EXPECT_EQ(internal::ColumnList({"a", "b.c", "d"}), "a, b.c, d");
}

}  // namespace
}  // namespace deltacpp
