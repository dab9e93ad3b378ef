#include "deltacpp/scan/bind_predicate.h"

#include <arrow/scalar.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

const auto kSchema = arrow::schema({
    arrow::field("id", arrow::int64()),
    arrow::field("name", arrow::utf8()),
    arrow::field("day", arrow::date32()),
    arrow::field("price", arrow::decimal128(10, 2)),
    arrow::field("flag", arrow::boolean()),
    arrow::field("s", arrow::struct_({arrow::field("x", arrow::int32())})),
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
  EXPECT_NE(unknown.status().message().find("column 'nope' is not in the table (its "
                                            "columns: id, name, day, price, flag, s)"),
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
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id = 1.5"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id = name"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("1 = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("s = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("s.y = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id.x = 1"));
  ASSERT_RAISES_DELTA(kInvalidArgument, Bound("id IN (name)"));
}

}  // namespace
}  // namespace deltacpp
