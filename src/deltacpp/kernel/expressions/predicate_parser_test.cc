#include "deltacpp/kernel/expressions/predicate_parser.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/predicate_util.h"

namespace deltacpp {
namespace {

using testing::Repeated;
using testing::TreeDepth;

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
  EXPECT_EQ(Reparsed("not a = 1 and b = 2"), "(NOT a = 1 AND b = 2)");
}

TEST(PredicateParserTest, NullInBetweenAndBareColumns) {
  EXPECT_EQ(Reparsed("a IS NULL"), "a IS NULL");
  EXPECT_EQ(Reparsed("a is not null"), "a IS NOT NULL");
  EXPECT_EQ(Reparsed("a IN (1, 2,3)"), "a IN (1, 2, 3)");
  EXPECT_EQ(Reparsed("a NOT IN ('x')"), "NOT a IN ('x')");
  EXPECT_EQ(Reparsed("d BETWEEN '2024-01-01' AND '2024-01-31'"),
            "(d >= '2024-01-01' AND d <= '2024-01-31')");
  EXPECT_EQ(Reparsed("flag AND NOT other"), "(flag AND NOT other)");
}

TEST(PredicateParserTest, NestedAndQuotedColumnNames) {
  auto parsed = ParsePredicate("`a b`.c.`d``e` = 1");
  ASSERT_OK(parsed.status());
  const auto& column = (*parsed)->children[0];
  EXPECT_EQ(column->column, (std::vector<std::string>{"a b", "c", "d`e"}));
  EXPECT_EQ((*parsed)->ToString(), "`a b`.c.`d``e` = 1");
  EXPECT_EQ(Reparsed("s.x > 1"), "s.x > 1");
}

TEST(PredicateParserTest, ArithmeticBindsTighterThanComparisons) {
  EXPECT_EQ(Reparsed("a + b * c > 1"), "a + b * c > 1");
  EXPECT_EQ(Reparsed("(a + b) * c"), "(a + b) * c");
  EXPECT_EQ(Reparsed("a - (b - c)"), "a - (b - c)");
  EXPECT_EQ(Reparsed("a - b - c"), "a - b - c");
  EXPECT_EQ(Reparsed("a-1"), "a - 1");
  EXPECT_EQ(Reparsed("a % 2 = 0 AND b / 3 <= 1.5"), "(a % 2 = 0 AND b / 3 <= 1.5)");
  EXPECT_EQ(Reparsed("-a * -2"), "-a * -2");
  EXPECT_EQ(Reparsed("- (a + 1)"), "-(a + 1)");
  EXPECT_EQ(Reparsed("--5 = a"), "5 = a");
  EXPECT_EQ(Reparsed("a <=> b"), "a <=> b");
  EXPECT_EQ(Reparsed("a || '-' || b"), "concat(concat(a, '-'), b)");
  EXPECT_EQ(Reparsed("(a = 1) = flag"), "(a = 1) = flag");
  // The most negative long is one literal.
  auto parsed = ParsePredicate("x = -9223372036854775808");
  ASSERT_OK(parsed.status());
  EXPECT_EQ((*parsed)->children[1]->literal.text, "-9223372036854775808");
}

TEST(PredicateParserTest, FunctionsCastsAndTypedLiterals) {
  EXPECT_EQ(Reparsed("YEAR(ts) = 2024"), "year(ts) = 2024");
  EXPECT_EQ(Reparsed("concat(a, '-', b)"), "concat(a, '-', b)");
  EXPECT_EQ(Reparsed("f()"), "f()");
  EXPECT_EQ(Reparsed("CAST(ts AS DATE)"), "CAST(ts AS date)");
  EXPECT_EQ(Reparsed("cast(x as bigint) + CAST(y AS Int)"),
            "CAST(x AS long) + CAST(y AS integer)");
  EXPECT_EQ(Reparsed("CAST(x AS DECIMAL(10, 2))"), "CAST(x AS decimal(10,2))");
  EXPECT_EQ(Reparsed("CAST(x AS decimal)"), "CAST(x AS decimal(10,0))");
  EXPECT_EQ(Reparsed("CAST(x AS VARCHAR(5))"), "CAST(x AS string)");
  EXPECT_EQ(Reparsed("CAST(x AS timestamp_ntz)"), "CAST(x AS timestamp_ntz)");
  EXPECT_EQ(Reparsed("d > DATE '2024-01-01'"), "d > CAST('2024-01-01' AS date)");
  EXPECT_EQ(Reparsed("x = 1L"), "x = CAST(1 AS long)");
  EXPECT_EQ(Reparsed("x = 1.50BD"), "x = CAST(1.50 AS decimal(3,2))");
  EXPECT_EQ(Reparsed("x = 2.5D"), "x = CAST(2.5 AS double)");
  EXPECT_EQ(Reparsed("name LIKE 'a%'"), "name LIKE 'a%'");
  EXPECT_EQ(Reparsed("name NOT LIKE 'a%'"), "NOT name LIKE 'a%'");
  EXPECT_EQ(Reparsed("x IN (a + 1, 2)"), "x IN (a + 1, 2)");
  // A name followed by '(' is a call; the same name alone is a column.
  EXPECT_EQ(Reparsed("year = 2024"), "year = 2024");
  EXPECT_EQ(Reparsed("`cast` = 1"), "cast = 1");
}

TEST(PredicateParserTest, CaseIsNestedIf) {
  EXPECT_EQ(Reparsed("CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END"),
            "if(a > 0, 'pos', if(a < 0, 'neg', 'zero'))");
  EXPECT_EQ(Reparsed("case a when 1 then 'one' end"), "if(a = 1, 'one', NULL)");
}

TEST(PredicateParserTest, ExpressionsParseAlone) {
  ASSERT_OK_AND_ASSIGN(auto expression, ParseExpression("id * 2"));
  EXPECT_EQ(expression->op, PredicateOp::kMultiply);
  ASSERT_OK_AND_ASSIGN(expression, ParseExpression("CAST(eventTime AS DATE)"));
  EXPECT_EQ(expression->op, PredicateOp::kCast);
  EXPECT_EQ(expression->name, "date");
  auto bad = ParseExpression("id *");
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("cannot parse expression 'id *'"),
            std::string::npos)
      << bad.status().message();
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
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("CAST(x AS widget)"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("CAST(x date)"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("f(a,)"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("a + * b"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("x = 1Q"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("CASE WHEN a THEN 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, ParsePredicate("a NOT = 1"));
}

void ExpectTooDeep(const std::string& text) {
  auto parsed = ParsePredicate(text);
  ASSERT_RAISES_DELTA(kInvalidArgument, parsed);
  EXPECT_NE(parsed.status().message().find(
                "nests deeper than " + std::to_string(kMaxPredicateDepth) + " levels"),
            std::string::npos)
      << parsed.status().message().substr(0, 200);
  // The message does not repeat the long text.
  EXPECT_LT(parsed.status().message().size(), 200u);
}

// Issue 14: each of these overflowed the stack.
TEST(PredicateParserTest, DeepNestingIsRefusedNamingTheLimit) {
  ExpectTooDeep(std::string(6000, '(') + "a = 1" + std::string(6000, ')'));
  ExpectTooDeep(Repeated("NOT ", 30'000) + "flag");
  ExpectTooDeep("a = " + Repeated("-", 30'000) + "1");
  ExpectTooDeep("a = " + Repeated("- ", 30'000) + "b");
  ExpectTooDeep("a = " + Repeated("+", 30'000) + "1");
  ExpectTooDeep(Repeated("abs(", 5000) + "a" + std::string(5000, ')') + " = 1");
  ExpectTooDeep(Repeated("CAST(", 5000) + "a" + Repeated(" AS int)", 5000) + " = 1");
  ExpectTooDeep("a IN (" + Repeated("(", 5000) + "1" + std::string(5000, ')') + ")");
  // Chains that make a deep tree without deep recursion.
  ExpectTooDeep("a = 1" + Repeated(" + 1", 5000));
  ExpectTooDeep("a = 'x'" + Repeated(" || 'x'", 5000));
  ExpectTooDeep("a = CASE" + Repeated(" WHEN b THEN 1", 5000) + " END");
  // Two chains, each within the limit, one inside the other.
  const int two_thirds = kMaxPredicateDepth * 2 / 3;
  ExpectTooDeep("(a" + Repeated(" * 1", two_thirds) + ")" + Repeated(" * 1", two_thirds) +
                " = 1");
}

TEST(PredicateParserTest, NestingUpToTheLimitIsRead) {
  const int limit = kMaxPredicateDepth;
  ASSERT_OK_AND_ASSIGN(auto parens, ParsePredicate(std::string(limit, '(') + "a = 1" +
                                                   std::string(limit, ')')));
  EXPECT_EQ(parens->ToString(), "a = 1");
  ASSERT_OK_AND_ASSIGN(auto nots, ParsePredicate(Repeated("NOT ", limit - 1) + "flag"));
  EXPECT_EQ(TreeDepth(*nots), limit);
  ASSERT_OK_AND_ASSIGN(auto minus, ParseExpression(Repeated("- ", limit - 1) + "b"));
  EXPECT_EQ(TreeDepth(*minus), limit);
  ExpectTooDeep(Repeated("NOT ", limit) + "flag");
}

// ToString writes no parentheses the parser does not need: each pair counts towards the
// limit, so text with more would not read back (the predicate fuzzer's finding).
TEST(PredicateParserTest, TextUpToTheLimitReadsBack) {
  const int limit = kMaxPredicateDepth;
  const std::vector<std::string> texts = {
      Repeated("- ", limit - 1) + "b",
      Repeated("NOT ", limit - 2) + "a = 1",
      Repeated("NOT (", limit / 2 - 1) + "a" + Repeated(" = 1)", limit / 2 - 1),
      "a = " + Repeated("-(1 + ", limit / 2 - 1) + "b" + std::string(limit / 2 - 1, ')'),
      Repeated("NOT (a OR b OR c AND ", limit / 4 - 1) + "d" +
          std::string(limit / 4 - 1, ')'),
      "-(" + Repeated("- -", limit / 2 - 2) + "4)",
  };
  for (const auto& text : texts) {
    ASSERT_OK_AND_ASSIGN(auto parsed, ParseExpression(text));
    ASSERT_OK_AND_ASSIGN(auto again, ParseExpression(parsed->ToString()));
    EXPECT_EQ(again->ToString(), parsed->ToString()) << text.substr(0, 100);
  }
  EXPECT_EQ(Reparsed("- -b"), "- -b");
  EXPECT_EQ(Reparsed("not--.2 >= x"), "NOT .2 >= x");
  EXPECT_EQ(Reparsed("-(-4)"), "4");
  EXPECT_EQ(Reparsed("-(a + 1) * 2"), "-(a + 1) * 2");
  EXPECT_EQ(Reparsed("NOT (a AND b)"), "NOT (a AND b)");
}

TEST(PredicateParserTest, LongListsAndChainsStayShallow) {
  // Issue 14: IN with 20,000 values.
  std::string values;
  for (int i = 0; i < 20'000; ++i) values += (i == 0 ? "" : ", ") + std::to_string(i);
  ASSERT_OK_AND_ASSIGN(auto in, ParsePredicate("a IN (" + values + ")"));
  EXPECT_EQ(in->children.size(), 20'001u);
  EXPECT_EQ(TreeDepth(*in), 2);
  ASSERT_OK_AND_ASSIGN(auto not_in, ParsePredicate("a NOT IN (" + values + ")"));
  EXPECT_EQ(TreeDepth(*not_in), 3);
  // A generated list of alternatives: AND and OR group as balanced trees.
  std::string alternatives = "a = 0";
  for (int i = 1; i < 20'000; ++i) alternatives += " OR a = " + std::to_string(i);
  ASSERT_OK_AND_ASSIGN(auto any, ParsePredicate(alternatives));
  EXPECT_EQ(any->op, PredicateOp::kOr);
  EXPECT_LE(TreeDepth(*any), 17);
  ASSERT_OK_AND_ASSIGN(auto all,
                       ParsePredicate("a > 0" + Repeated(" AND b > 0", 20'000)));
  EXPECT_EQ(all->op, PredicateOp::kAnd);
  EXPECT_LE(TreeDepth(*all), 17);
  // Grouping keeps the order; a chain prints as one, however it is grouped.
  ASSERT_OK_AND_ASSIGN(auto four, ParsePredicate("a = 1 AND b = 2 AND c = 3 AND d = 4"));
  EXPECT_EQ(TreeDepth(*four), 4);
  EXPECT_EQ(four->children[0]->ToString(), "(a = 1 AND b = 2)");
  EXPECT_EQ(four->ToString(), "(a = 1 AND b = 2 AND c = 3 AND d = 4)");
  EXPECT_EQ(Reparsed("(a = 1 OR b = 2) OR (c = 3 OR d = 4 AND e)"),
            "(a = 1 OR b = 2 OR c = 3 OR (d = 4 AND e))");
  ASSERT_OK_AND_ASSIGN(auto again, ParsePredicate(any->ToString()));
  EXPECT_EQ(again->ToString(), any->ToString());
  EXPECT_LE(TreeDepth(*again), 17);
}

// BETWEEN reads its operand twice: nested, the tree doubles at every level while the
// text grows by a few characters, and every reader of the tree took exponential time.
TEST(PredicateParserTest, RepeatedOperandsCountTowardsTheSizeLimit) {
  std::string text = "a";
  for (int i = 0; i < 25; ++i) text = "(" + text + " BETWEEN false AND true)";
  auto parsed = ParsePredicate(text);
  ASSERT_RAISES_DELTA(kInvalidArgument, parsed);
  EXPECT_NE(parsed.status().message().find("grows to more than " +
                                           std::to_string(kMaxPredicateSize) + " nodes"),
            std::string::npos)
      << parsed.status().message();
  // Below the limit, read as before; CASE repeats its operand once per WHEN.
  text = "a";
  for (int i = 0; i < 12; ++i) text = "(" + text + " BETWEEN false AND true)";
  ASSERT_OK(ParsePredicate(text).status());
  ASSERT_OK(ParsePredicate("CASE " + text + " WHEN true THEN 1 END").status());
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      ParsePredicate("CASE " + text + Repeated(" WHEN true THEN 1", 50) + " END"));
}

}  // namespace
}  // namespace deltacpp
