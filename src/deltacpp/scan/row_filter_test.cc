#include "deltacpp/scan/row_filter.h"

#include <arrow/array.h>
#include <arrow/compute/exec.h>
#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/type.h>
#include <arrow/util/thread_pool.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/predicate_util.h"

namespace deltacpp {
namespace {

using testing::Repeated;

const auto kSchema = arrow::schema({
    arrow::field("id", arrow::int64()),
    arrow::field("n", arrow::int32()),
    arrow::field("x", arrow::float64()),
    arrow::field("price", arrow::decimal128(10, 2)),
    arrow::field("name", arrow::utf8()),
    arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
    arrow::field("d", arrow::date32()),
    arrow::field("flag", arrow::boolean()),
    arrow::field("s", arrow::struct_({arrow::field("v", arrow::int32())})),
});

// Three rows: two of values, one of nulls.
std::shared_ptr<arrow::RecordBatch> Rows() {
  // 19860 is 2024-05-17 (a Friday), 19722 is 2023-12-31 (a Sunday).
  auto rows = arrow::json::ArrayFromJSONString(arrow::struct_(kSchema->fields()), R"([
      {"id": 7, "n": -7, "x": 7.5, "price": "12.34", "name": "  Héllo ",
       "ts": "2024-05-17 13:45:30.123456", "d": 19860, "flag": true, "s": {"v": 1}},
      {"id": -7, "n": 2, "x": -7.5, "price": "-1.50", "name": "abc",
       "ts": "2023-12-31 23:59:59", "d": 19722, "flag": false, "s": null},
      {"id": null, "n": null, "x": null, "price": null, "name": null, "ts": null,
       "d": null, "flag": null, "s": {"v": null}}
  ])")
                  .ValueOrDie();
  return arrow::RecordBatch::FromStructArray(rows).ValueOrDie();
}

// The values of `text` on each row ("null" for nulls), or the error.
std::string Evaluate(std::string_view text) {
  auto batch = Rows();
  auto parsed = ParseExpression(text);
  if (!parsed.ok()) return parsed.status().ToString();
  auto bound = BindExpression(*parsed, *batch->schema());
  if (!bound.ok()) return bound.status().ToString();
  auto expression = ToArrowExpression(**bound).Bind(*batch->schema());
  if (!expression.ok()) return expression.status().ToString();
  auto result = arrow::compute::ExecuteScalarExpression(
      *expression, arrow::compute::ExecBatch(*batch));
  if (!result.ok()) return "error: " + result.status().message();
  std::shared_ptr<arrow::Array> values;
  if (result->is_scalar()) {
    values =
        arrow::MakeArrayFromScalar(*result->scalar(), batch->num_rows()).ValueOrDie();
  } else {
    values = result->make_array();
  }
  std::string out;
  for (int64_t i = 0; i < values->length(); ++i) {
    auto scalar = values->GetScalar(i).ValueOrDie();
    out += (i == 0 ? "" : ", ") + (scalar->is_valid ? scalar->ToString() : "null");
  }
  return out;
}

TEST(RowFilterTest, ArithmeticFollowsSpark) {
  EXPECT_EQ(Evaluate("id * 2 + 1"), "15, -13, null");
  EXPECT_EQ(Evaluate("-id"), "-7, 7, null");
  EXPECT_EQ(Evaluate("id / 2"), "3.5, -3.5, null");  // integers divide as doubles
  // The remainder takes the sign of the dividend (Java's %), for every numeric type.
  EXPECT_EQ(Evaluate("id % 2"), "1, -1, null");
  EXPECT_EQ(Evaluate("n % -2"), "-1, 0, null");
  EXPECT_EQ(Evaluate("x % 2"), "1.5, -1.5, null");
  EXPECT_EQ(Evaluate("price % 1"), "0.34, -0.50, null");
  EXPECT_EQ(Evaluate("price * 2"), "24.68, -3.00, null");
  EXPECT_EQ(Evaluate("price + 0.005"), "12.345, -1.495, null");
  EXPECT_EQ(Evaluate("n + id"), "0, -5, null");
}

TEST(RowFilterTest, OverflowAndDivisionByZeroFail) {
  EXPECT_NE(Evaluate("id / 0").find("error: divide by zero"), std::string::npos);
  EXPECT_NE(Evaluate("id % 0").find("error: divide by zero"), std::string::npos);
  EXPECT_NE(Evaluate("id * 9223372036854775807").find("error: overflow"),
            std::string::npos);
  EXPECT_NE(Evaluate("CAST(id * 1000000000 AS INT)").find("error"), std::string::npos);
}

TEST(RowFilterTest, ThreeValuedLogicAndNullSafeEquality) {
  EXPECT_EQ(Evaluate("id > 0 AND flag"), "true, false, null");
  EXPECT_EQ(Evaluate("id > 0 OR flag"), "true, false, null");
  EXPECT_EQ(Evaluate("id <=> 7"), "true, false, false");
  EXPECT_EQ(Evaluate("id <=> NULL"), "false, false, true");
  EXPECT_EQ(Evaluate("id <=> n"), "false, false, true");
  EXPECT_EQ(Evaluate("id IN (7, NULL)"), "true, null, null");
  EXPECT_EQ(Evaluate("n < id"), "true, false, null");
  EXPECT_EQ(Evaluate("name LIKE 'a_c%'"), "false, true, null");
  EXPECT_EQ(Evaluate("NOT name LIKE '%llo%'"), "false, true, null");
}

TEST(RowFilterTest, DateAndTimeFunctionsReadUtc) {
  EXPECT_EQ(Evaluate("year(ts)"), "2024, 2023, null");
  EXPECT_EQ(Evaluate("month(ts)"), "5, 12, null");
  EXPECT_EQ(Evaluate("dayofmonth(ts)"), "17, 31, null");
  EXPECT_EQ(Evaluate("hour(ts)"), "13, 23, null");
  EXPECT_EQ(Evaluate("minute(ts)"), "45, 59, null");
  EXPECT_EQ(Evaluate("second(ts)"), "30, 59, null");
  EXPECT_EQ(Evaluate("dayofweek(ts)"), "6, 1, null");  // Sunday is 1
  EXPECT_EQ(Evaluate("dayofyear(d)"), "138, 365, null");
  EXPECT_EQ(Evaluate("weekofyear(d)"), "20, 52, null");
  EXPECT_EQ(Evaluate("quarter(d)"), "2, 4, null");
  EXPECT_EQ(Evaluate("year(d) * 100 + month(d)"), "202405, 202312, null");
  EXPECT_EQ(Evaluate("hour(d)"), "0, 0, null");
  EXPECT_EQ(Evaluate("CAST(ts AS DATE)"), "2024-05-17, 2023-12-31, null");
  EXPECT_EQ(Evaluate("to_date(ts) = d"), "true, true, null");
  EXPECT_EQ(Evaluate("date_format(ts, 'yyyy-MM-dd HH:mm:ss')"),
            "2024-05-17 13:45:30, 2023-12-31 23:59:59, null");
  EXPECT_EQ(Evaluate("date_format(d, 'yyyy/MM')"), "2024/05, 2023/12, null");
  EXPECT_EQ(Evaluate("date_trunc('MONTH', ts)"),
            "2024-05-01 00:00:00.000000Z, 2023-12-01 00:00:00.000000Z, null");
  EXPECT_EQ(Evaluate("trunc(d, 'WEEK')"), "2024-05-13, 2023-12-25, null");
  EXPECT_EQ(Evaluate("ts > '2024-01-01'"), "true, false, null");
  EXPECT_EQ(Evaluate("ts >= d"), "true, true, null");
  EXPECT_EQ(Evaluate("year('2021-03-04')"), "2021, 2021, 2021");
}

TEST(RowFilterTest, StringFunctions) {
  EXPECT_EQ(Evaluate("substring(name, 2, 3)"), " Hé, bc, null");
  EXPECT_EQ(Evaluate("substr(name, 0, 2)"), "  , ab, null");
  EXPECT_EQ(Evaluate("substring(name, -2)"), "o , bc, null");
  EXPECT_EQ(Evaluate("substring('hello', -3, 2)"), "ll, ll, ll");
  EXPECT_EQ(Evaluate("substring('hello', -3, 5)"), "llo, llo, llo");
  EXPECT_EQ(Evaluate("substring('hi', -5, 4)"), "h, h, h");
  EXPECT_EQ(Evaluate("substring('hello', 2, 0)"), ", , ");
  EXPECT_EQ(Evaluate("concat(name, '-', id)"), "  Héllo -7, abc--7, null");
  EXPECT_EQ(Evaluate("name || n"), "  Héllo -7, abc2, null");
  EXPECT_EQ(Evaluate("concat_ws('/', name, NULL, 'x')"), "  Héllo /x, abc/x, x");
  EXPECT_EQ(Evaluate("upper(name)"), "  HÉLLO , ABC, null");
  EXPECT_EQ(Evaluate("lower(name)"), "  héllo , abc, null");
  EXPECT_EQ(Evaluate("trim(name)"), "Héllo, abc, null");
  EXPECT_EQ(Evaluate("ltrim(name)"), "Héllo , abc, null");
  EXPECT_EQ(Evaluate("length(name)"), "8, 3, null");
  EXPECT_EQ(Evaluate("CAST(id AS STRING)"), "7, -7, null");
  EXPECT_EQ(Evaluate("CAST(price AS STRING)"), "12.34, -1.50, null");
}

TEST(RowFilterTest, ConditionalsCastsAndNestedFields) {
  EXPECT_EQ(Evaluate("abs(n)"), "7, 2, null");
  EXPECT_EQ(Evaluate("coalesce(id, n, 0)"), "7, -7, 0");
  EXPECT_EQ(Evaluate("if(flag, 'y', 'n')"), "y, n, n");
  EXPECT_EQ(Evaluate("CASE WHEN id > 0 THEN 'pos' WHEN id < 0 THEN 'neg' END"),
            "pos, neg, null");
  EXPECT_EQ(Evaluate("CASE n WHEN 2 THEN 'two' ELSE 'other' END"), "other, two, other");
  EXPECT_EQ(Evaluate("CAST(x AS INT)"), "7, -7, null");  // the fraction is truncated
  EXPECT_EQ(Evaluate("CAST('12' AS INT) + n"), "5, 14, null");
  EXPECT_EQ(Evaluate("CAST(flag AS INT)"), "1, 0, null");
  // A field of a null struct is null.
  EXPECT_EQ(Evaluate("s.v IS NULL"), "false, true, true");
  EXPECT_EQ(Evaluate("s.v + 1"), "2, null, null");
}

// Issue 14: IN with 20,000 values became an Arrow OR of 20,000 levels, which Arrow
// recursed through while binding it.
TEST(RowFilterTest, LongInListsEvaluate) {
  std::string values;
  for (int i = 10; i < 20'010; ++i) values += std::to_string(i) + ", ";
  EXPECT_EQ(Evaluate("id IN (" + values + "7)"), "true, false, null");
  EXPECT_EQ(Evaluate("id IN (" + values + "NULL)"), "null, null, null");
  EXPECT_EQ(Evaluate("id NOT IN (" + values + "7)"), "false, true, null");
  EXPECT_EQ(Evaluate("name IN (" + Repeated("'x', ", 20'000) + "'abc')"),
            "false, true, null");
}

// IN over literals is one hash lookup; over other values, or a float, an OR of
// equalities. Both keep SQL's nulls and agree with each other.
TEST(RowFilterTest, InListsOfLiteralsAndOfValuesAgree) {
  EXPECT_EQ(Evaluate("name IN ('abc', NULL)"), "null, true, null");
  EXPECT_EQ(Evaluate("name IN ('abc', name)"), "true, true, null");
  EXPECT_EQ(Evaluate("price IN (12.34, 99)"), "true, false, null");
  EXPECT_EQ(Evaluate("d IN (DATE'2024-05-17')"), "true, false, null");
  EXPECT_EQ(Evaluate("id IN (7, n)"), "true, false, null");
  EXPECT_EQ(Evaluate("x IN (7.5, NULL)"), "true, null, null");
  EXPECT_EQ(Evaluate("x IN (-7.5, id)"), "false, true, null");
  EXPECT_EQ(Evaluate("n IN (2, 3000000000)"), "false, true, null");
}

// What the parser lets through, Arrow binds and evaluates: it recurses once per level.
TEST(RowFilterTest, NestingUpToTheParserLimitEvaluates) {
  const int limit = kMaxPredicateDepth;
  EXPECT_EQ(Evaluate(Repeated("- ", limit - 1) + "n"), "7, -2, null");
  EXPECT_EQ(Evaluate(Repeated("abs(", limit - 1) + "n" + std::string(limit - 1, ')')),
            "7, 2, null");
  EXPECT_EQ(
      Evaluate("n" + Repeated(" + 1", limit - 1)),
      std::to_string(-7 + limit - 1) + ", " + std::to_string(2 + limit - 1) + ", null");
  EXPECT_EQ(Evaluate("CASE" + Repeated(" WHEN n > 5 THEN 'a'", limit - 3) +
                     " WHEN n > 0 THEN 'b' END"),
            "null, b, null");
  EXPECT_EQ(Evaluate(Repeated("NOT ", limit - 2) + "flag"), "true, false, null");
}

// Scans and writes evaluate on Arrow's threads: the limit holds on their stacks too.
TEST(RowFilterTest, NestingUpToTheParserLimitEvaluatesOnArrowThreads) {
  const int limit = kMaxPredicateDepth;
  const std::vector<std::string> texts = {
      std::string(limit, '(') + "n" + std::string(limit, ')'),
      "CASE" + Repeated(" WHEN n > 5 THEN 'a'", limit - 3) + " WHEN n > 0 THEN 'b' END",
      Repeated("abs(", limit - 1) + "n" + std::string(limit - 1, ')'),
  };
  for (const auto& text : texts) {
    ASSERT_OK_AND_ASSIGN(auto future, arrow::internal::GetCpuThreadPool()->Submit(
                                          [&text] { return Evaluate(text); }));
    ASSERT_OK_AND_ASSIGN(auto values, future.result());
    EXPECT_NE(values.find("null"), std::string::npos) << values.substr(0, 200);
  }
}

// a % b was Arrow's modulo adjusted to the dividend's sign, which used each operand five
// times: a chain of 10 remainders took hours.
TEST(RowFilterTest, RemainderChainsTakeLinearTime) {
  EXPECT_EQ(Evaluate("n" + Repeated(" % 3", 50)), "-1, 2, null");
  EXPECT_EQ(Evaluate("x" + Repeated(" % 2", 50)), "1.5, -1.5, null");
  EXPECT_EQ(Evaluate("price" + Repeated(" % 1", 50)), "0.34, -0.50, null");
}

}  // namespace
}  // namespace deltacpp
