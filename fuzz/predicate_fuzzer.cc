// Fuzz target: predicate and expression text (ParsePredicate), as the CLI's --where and
// the CHECK constraints, invariants and generation expressions of a table's log give it.
// What parses must print (ToString) to text that parses back to the same tree; it is then
// bound against a fixed schema of most Delta types (BindPredicate, else BindExpression)
// and evaluated on three rows, one of extreme values and one of nulls.

#include <arrow/compute/expression.h>
#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/scan/row_filter.h"
#include "fuzz_check.h"

namespace {

// Names as the seeds (tests, CLI examples) use them.
std::shared_ptr<arrow::RecordBatch> MakeRows() {
  const auto type = arrow::struct_({
      arrow::field("id", arrow::int64()),
      arrow::field("name", arrow::utf8()),
      arrow::field("day", arrow::date32()),
      arrow::field("price", arrow::decimal128(10, 2)),
      arrow::field("flag", arrow::boolean()),
      arrow::field("s", arrow::struct_({arrow::field("x", arrow::int32()),
                                        arrow::field("y", arrow::utf8())})),
      arrow::field("n", arrow::int32()),
      arrow::field("small", arrow::int16()),
      arrow::field("tiny", arrow::int8()),
      arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
      arrow::field("ts_ntz", arrow::timestamp(arrow::TimeUnit::MICRO)),
      arrow::field("ratio", arrow::float64()),
      arrow::field("f", arrow::float32()),
      arrow::field("bin", arrow::binary()),
      arrow::field("part", arrow::utf8()),
      arrow::field("v", arrow::int64()),
      arrow::field("x", arrow::int64()),
  });
  const char* rows = R"([
    {"id": 1, "name": "it's", "day": 19723, "price": "12.50", "flag": true,
     "s": {"x": 3, "y": "a"}, "n": 7, "small": 2, "tiny": 1,
     "ts": 1704067200000000, "ts_ntz": 1704067200000000, "ratio": 0.5, "f": 1.5,
     "bin": "ab", "part": "2024-01-01", "v": 3, "x": 5},
    {"id": 9223372036854775807, "name": "", "day": -719162, "price": "-99999999.99",
     "flag": false, "s": {"x": -2147483648, "y": null}, "n": 2147483647,
     "small": -32768, "tiny": 127, "ts": -62135596800000000,
     "ts_ntz": 253402300799999999, "ratio": -1e308, "f": 3.4e38, "bin": "",
     "part": "%", "v": -9223372036854775808, "x": 0},
    {"id": null, "name": null, "day": null, "price": null, "flag": null, "s": null,
     "n": null, "small": null, "tiny": null, "ts": null, "ts_ntz": null,
     "ratio": null, "f": null, "bin": null, "part": null, "v": null, "x": null}
  ])";
  auto array = arrow::json::ArrayFromJSONString(type, rows).ValueOrDie();
  return arrow::RecordBatch::FromStructArray(array).ValueOrDie();
}

const arrow::RecordBatch& Rows() {
  static const std::shared_ptr<arrow::RecordBatch> rows = MakeRows();
  return *rows;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  deltacpp::fuzz::Check(deltacpp::EnsureComputeInitialized().ok(),
                        "Arrow compute does not initialise");
  (void)Rows();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace deltacpp;
  auto parsed = ParsePredicate(fuzz::AsText(data, size));
  if (!parsed.ok()) return 0;
  const std::string printed = (*parsed)->ToString();
  auto reparsed = ParsePredicate(printed);
  if (!reparsed.ok()) {
    fuzz::Fail("a parsed predicate, printed, does not parse",
               printed + " -> " + reparsed.status().ToString());
  }
  if (const std::string again = (*reparsed)->ToString(); again != printed) {
    fuzz::Fail("a parsed predicate, printed, parses to another tree",
               printed + " -> " + again);
  }

  const arrow::RecordBatch& rows = Rows();
  if (auto bound = BindPredicate(*parsed, *rows.schema()); bound.ok()) {
    auto condition = ToArrowExpression(**bound).Bind(*rows.schema());
    if (condition.ok()) (void)TrueRows(*condition, rows);
  } else if (auto value = BindExpression(*parsed, *rows.schema()); value.ok()) {
    auto expression = ToArrowExpression(**value).Bind(*rows.schema());
    if (expression.ok()) (void)EvaluateRows(*expression, rows);
  }
  return 0;
}
