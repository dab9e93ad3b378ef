#include "deltacpp/kernel/expressions/predicate_parser.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

std::string Reparsed(std::string_view text) {
  auto predicate = ParsePredicate(text);
  EXPECT_TRUE(predicate.ok()) << text << ": " << predicate.status().ToString();
  return predicate.ok() ? (*predicate)->ToString() : "<error>";
}

TEST(PredicateParserTest, ComparisonsAndLiterals) {
  EXPECT_EQ(Reparsed("id > 10"), "id > 10");
  EXPECT_EQ(Reparsed("id>=-1.5e3"), "id >= -1.5e3");
  EXPECT_EQ(Reparsed("name = 'it''s'"), "name = 'it''s'");
  EXPECT_EQ(Reparsed("a <> 1"), "a != 1");
  EXPECT_EQ(Reparsed("a == 1"), "a = 1");
  EXPECT_EQ(Reparsed("flag = TRUE"), "flag = true");
  EXPECT_EQ(Reparsed("10 < id"), "10 < id");
  EXPECT_EQ(Reparsed("x = .5"), "x = .5");
}

TEST(PredicateParserTest, PrecedenceAndParentheses) {
  // AND binds tighter than OR; NOT tighter than AND.
  EXPECT_EQ(Reparsed("a = 1 OR b = 2 AND c = 3"), "(a = 1 OR (b = 2 AND c = 3))");
  EXPECT_EQ(Reparsed("(a = 1 OR b = 2) and c = 3"), "((a = 1 OR b = 2) AND c = 3)");
  EXPECT_EQ(Reparsed("not a = 1 and b = 2"), "(NOT (a = 1) AND b = 2)");
}

TEST(PredicateParserTest, NullInBetweenAndBareColumns) {
  EXPECT_EQ(Reparsed("a IS NULL"), "a IS NULL");
  EXPECT_EQ(Reparsed("a is not null"), "a IS NOT NULL");
  EXPECT_EQ(Reparsed("a IN (1, 2,3)"), "a IN (1, 2, 3)");
  EXPECT_EQ(Reparsed("a NOT IN ('x')"), "NOT (a IN ('x'))");
  EXPECT_EQ(Reparsed("d BETWEEN '2024-01-01' AND '2024-01-31'"),
            "(d >= '2024-01-01' AND d <= '2024-01-31')");
  EXPECT_EQ(Reparsed("flag AND NOT other"), "(flag AND NOT (other))");
}

TEST(PredicateParserTest, NestedAndQuotedColumnNames) {
  auto parsed = ParsePredicate("`a b`.c.`d``e` = 1");
  ASSERT_OK(parsed.status());
  const auto& column = (*parsed)->children[0];
  EXPECT_EQ(column->column, (std::vector<std::string>{"a b", "c", "d`e"}));
  EXPECT_EQ((*parsed)->ToString(), "`a b`.c.`d``e` = 1");
  EXPECT_EQ(Reparsed("s.x > 1"), "s.x > 1");
}

TEST(PredicateParserTest, ErrorsNameThePositionAndWhatWasExpected) {
  auto missing = ParsePredicate("id >");
  ASSERT_RAISES_DELTA(kInvalidArgument, missing);
  EXPECT_NE(missing.status().message().find("expected a column or a value but found the "
                                            "end at position 5"),
            std::string::npos)
      << missing.status().message();
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("a = 'open"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("a = 1 b = 2"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("a ; 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("a IN 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("a IS 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("a. = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("(a = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate(""));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("AND = 1"));
}

}  // namespace
}  // namespace deltacpp
