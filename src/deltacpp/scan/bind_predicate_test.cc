#include "deltacpp/scan/bind_predicate.h"

#include <arrow/scalar.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/predicate_util.h"

namespace deltacpp {
namespace {

using testing::Repeated;
using testing::TreeDepth;

const auto kSchema = arrow::schema({
    arrow::field("id", arrow::int64()),
    arrow::field("name", arrow::utf8()),
    arrow::field("day", arrow::date32()),
    arrow::field("price", arrow::decimal128(10, 2)),
    arrow::field("flag", arrow::boolean()),
    arrow::field("s", arrow::struct_({arrow::field("x", arrow::int32())})),
    arrow::field("n", arrow::int32()),
    arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
    arrow::field("ratio", arrow::float64()),
});

Result<PredicatePtr> Bound(std::string_view text) {
  DELTACPP_ASSIGN_OR_RAISE(auto parsed, ParsePredicate(text));
  return BindPredicate(parsed, *kSchema);
}

std::string BoundText(std::string_view text) {
  auto bound = Bound(text);
  EXPECT_TRUE(bound.ok()) << text << ": " << bound.status().ToString();
  return bound.ok() ? (*bound)->ToString() : "<error>";
}

TEST(BindPredicateTest, LiteralsTakeTheColumnType) {
  ASSERT_OK_AND_ASSIGN(auto bound, Bound("price >= 12.5"));
  const auto& literal = bound->children[1];
  EXPECT_TRUE(literal->value->type->Equals(*arrow::decimal128(10, 2)));
  EXPECT_EQ(literal->value->ToString(), "12.50");
  ASSERT_OK_AND_ASSIGN(bound, Bound("day < '2024-03-01'"));
  EXPECT_TRUE(bound->children[1]->value->type->Equals(*arrow::date32()));
  ASSERT_OK_AND_ASSIGN(bound, Bound("s.x = 3"));
  EXPECT_TRUE(bound->children[0]->type->Equals(*arrow::int32()));
  EXPECT_TRUE(bound->children[1]->value->type->Equals(*arrow::int32()));
  ASSERT_OK_AND_ASSIGN(bound, Bound("name = NULL"));
  EXPECT_FALSE(bound->children[1]->value->is_valid);
}

TEST(BindPredicateTest, PutsTheColumnFirstAndPushesNotDown) {
  EXPECT_EQ(BoundText("10 < id"), "id > 10");
  EXPECT_EQ(BoundText("NOT id < 10"), "id >= 10");
  EXPECT_EQ(BoundText("NOT (id = 1 OR name IS NULL)"), "(id != 1 AND name IS NOT NULL)");
  EXPECT_EQ(BoundText("id NOT IN (1, 2)"), "(id != 1 AND id != 2)");
  EXPECT_EQ(BoundText("NOT NOT id > 1"), "id > 1");
  EXPECT_EQ(BoundText("flag"), "flag = true");
  EXPECT_EQ(BoundText("NOT flag"), "flag != true");
  EXPECT_EQ(BoundText("NOT TRUE"), "false");
}

TEST(BindPredicateTest, ReferencedColumnsAreListedOnce) {
  ASSERT_OK_AND_ASSIGN(auto bound, Bound("id > 1 AND (s.x = 2 OR id < 0)"));
  auto columns = ReferencedColumns(bound);
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0]->ToString(), "id");
  EXPECT_EQ(columns[1]->ToString(), "s.x");
}

TEST(BindPredicateTest, ErrorsNameTheProblem) {
  auto unknown = Bound("nope = 1");
  ASSERT_RAISES_DELTA(kInvalidArgument, unknown);
  EXPECT_NE(unknown.status().message().find(
                "column 'nope' is not in the table (its "
                "columns: id, name, day, price, flag, s, n, ts, ratio)"),
            std::string::npos)
      << unknown.status().message();
  auto bad_literal = Bound("id = 'abc'");
  ASSERT_RAISES_DELTA(kInvalidArgument, bad_literal);
  EXPECT_NE(
      bad_literal.status().message().find(
          "cannot compare column 'id' (long) with 'abc': 'abc' is not a valid long"),
      std::string::npos)
      << bad_literal.status().message();
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("name = 5"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id = TRUE"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id = name"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("1 = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("s = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("s.y = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id.x = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id IN (name)"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id + 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("flag + 1 > 0"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("year(id) = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("substring(name) = 'a'"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("coalesce(id, name) = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("CAST(s AS string) = 'x'"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("date_trunc('fortnight', ts) = ts"));
}

TEST(BindPredicateTest, UnimplementedFunctionsAndCastsAreUnsupported) {
  auto unknown = Bound("sha2(name, 256) = 'x'");
  ASSERT_RAISES_DELTA(kUnsupportedFeature, unknown);
  EXPECT_NE(unknown.status().message().find("function 'sha2' is not supported"),
            std::string::npos)
      << unknown.status().message();
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("current_date() > day"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("CAST(ratio AS string) = '1.5'"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("CAST(ts AS string) = 'x'"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("day + 1 > day"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("name || 'x' = name + 1"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("ts - 1 > ts"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("substring(name, n) = 'a'"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("to_date(name, 'yyyy') = day"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("date_format(ts, 'EEE') = 'Mon'"));
  ASSERT_RAISES_DELTA(kUnsupportedFeature, Bound("name LIKE name"));
}

TEST(BindPredicateTest, NumbersMeetAtTheWiderType) {
  // A literal that is not a value of the column's type keeps its own (Spark's) type, and
  // the column is cast to the type both meet at.
  EXPECT_EQ(BoundText("id = 1.5"), "CAST(id AS decimal(21,1)) = 1.5");
  EXPECT_EQ(BoundText("n < id"), "CAST(n AS long) < id");
  EXPECT_EQ(BoundText("n > ratio"), "CAST(n AS double) > ratio");
  EXPECT_EQ(BoundText("price > n"),
            "CAST(price AS decimal(12,2)) > CAST(n AS decimal(12,2))");
  EXPECT_EQ(BoundText("price > 3"), "price > 3");
  EXPECT_EQ(BoundText("ts > day"), "ts > CAST(day AS timestamp)");
  ASSERT_OK_AND_ASSIGN(auto bound, Bound("n + 1 > 3000000000"));
  EXPECT_EQ(bound->ToString(), "CAST(n + 1 AS long) > 3000000000");
  EXPECT_TRUE(bound->children[0]->children[0]->type->Equals(*arrow::int32()));
}

TEST(BindPredicateTest, ArithmeticTypes) {
  auto type_of = [](std::string_view text) -> std::string {
    auto parsed = ParseExpression(text);
    if (!parsed.ok()) return parsed.status().ToString();
    auto bound = BindExpression(*parsed, *kSchema);
    if (!bound.ok()) return bound.status().ToString();
    return (*bound)->type->ToString();
  };
  EXPECT_EQ(type_of("id * 2"), "int64");
  EXPECT_EQ(type_of("n * 2"), "int32");
  EXPECT_EQ(type_of("n + id"), "int64");
  EXPECT_EQ(type_of("n / 2"), "double");  // Spark divides integers as doubles
  EXPECT_EQ(type_of("n % 2"), "int32");
  EXPECT_EQ(type_of("-n"), "int32");
  EXPECT_EQ(type_of("ratio + 1"), "double");
  // Decimal results have Spark's precision and scale.
  EXPECT_EQ(type_of("price + 1"), "decimal128(13, 2)");
  EXPECT_EQ(type_of("price * 2"), "decimal128(21, 2)");
  EXPECT_EQ(type_of("price * 1.5"), "decimal128(13, 3)");
  EXPECT_EQ(type_of("price * ratio"), "double");
  EXPECT_EQ(type_of("42"), "int32");
  EXPECT_EQ(type_of("1.25"), "decimal128(3, 2)");
  EXPECT_EQ(type_of("1e3"), "double");
  EXPECT_EQ(type_of("'x'"), "string");
  EXPECT_EQ(type_of("year(ts)"), "int32");
  EXPECT_EQ(type_of("CAST(ts AS DATE)"), "date32[day]");
  EXPECT_EQ(type_of("to_date(ts)"), "date32[day]");
  EXPECT_EQ(type_of("date_trunc('MONTH', ts)"), "timestamp[us, tz=UTC]");
  EXPECT_EQ(type_of("concat(name, '-', id)"), "string");
  EXPECT_EQ(type_of("length(name)"), "int32");
  EXPECT_EQ(type_of("coalesce(n, id, 0)"), "int64");
  EXPECT_EQ(type_of("if(flag, 1, 2.5)"), "decimal128(11, 1)");
  EXPECT_EQ(type_of("CASE WHEN id > 0 THEN 'pos' END"), "string");
}

TEST(BindPredicateTest, ColumnsResolveIgnoringCase) {
  ASSERT_OK_AND_ASSIGN(auto bound, Bound("ID > 1 AND S.X = 2"));
  auto columns = ReferencedColumns(bound);
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0]->column, (std::vector<std::string>{"id"}));
  EXPECT_EQ(columns[1]->column, (std::vector<std::string>{"s", "x"}));
}

TEST(BindPredicateTest, NotStaysOnConditionsWithoutANegatedForm) {
  EXPECT_EQ(BoundText("NOT name LIKE 'a%'"), "NOT name LIKE 'a%'");
  EXPECT_EQ(BoundText("NOT (id <=> 1)"), "NOT id <=> 1");
  EXPECT_EQ(BoundText("NOT NOT (id <=> 1)"), "id <=> 1");
  EXPECT_EQ(BoundText("NOT (id + 1 > 2)"), "id + 1 <= 2");
}

// Issue 14: x NOT IN a list of 20,000 values became a chain of 20,000 ANDs, which
// everything after binding recursed through.
TEST(BindPredicateTest, LongInListsStayShallow) {
  std::string values;
  for (int i = 0; i < 20'000; ++i) values += (i == 0 ? "" : ", ") + std::to_string(i);
  ASSERT_OK_AND_ASSIGN(auto in, Bound("id IN (" + values + ")"));
  EXPECT_EQ(in->op, PredicateOp::kIn);
  EXPECT_EQ(TreeDepth(*in), 2);
  ASSERT_OK_AND_ASSIGN(auto not_in, Bound("id NOT IN (" + values + ")"));
  EXPECT_EQ(not_in->op, PredicateOp::kAnd);
  EXPECT_LE(TreeDepth(*not_in), 17);
  EXPECT_EQ(BoundText("name NOT IN ('a', 'b', 'c', 'd', 'e')"),
            "(name != 'a' AND name != 'b' AND name != 'c' AND name != 'd' AND "
            "name != 'e')");
}

// What the parser lets through, binding takes: it recurses once per level.
TEST(BindPredicateTest, NestingUpToTheParserLimitBinds) {
  const int limit = kMaxPredicateDepth;
  for (const auto& text : {
           std::string(limit, '(') + "id > 1" + std::string(limit, ')'),
           Repeated("NOT ", limit - 2) + "flag",
           "id = " + Repeated("- ", limit - 2) + "n",
           Repeated("abs(", limit - 2) + "n" + std::string(limit - 2, ')') + " = 1",
           "id" + Repeated(" + 1", limit - 2) + " > 0",
           "name = CASE" + Repeated(" WHEN id > 1 THEN 'a'", limit - 3) + " END",
       }) {
    ASSERT_OK_AND_ASSIGN(auto bound, Bound(text));
    ASSERT_FALSE(ReferencedColumns(bound).empty());
  }
}

// Arrow evaluates both sides of <=> twice (once to compare, once to test for null):
// nested, the work doubles at every level of a short text.
TEST(BindPredicateTest, ExpressionsTooLargeToEvaluateAreRefused) {
  std::string text = "flag";
  for (int i = 0; i < 30; ++i) text = "flag <=> (" + text + ")";
  auto bound = Bound(text);
  ASSERT_RAISES_DELTA(kInvalidArgument, bound);
  EXPECT_NE(bound.status().message().find("too large to evaluate"), std::string::npos)
      << bound.status().message();
  text = "flag";
  for (int i = 0; i < 10; ++i) text = "flag <=> (" + text + ")";
  ASSERT_OK(Bound(text).status());
}

}  // namespace
}  // namespace deltacpp
