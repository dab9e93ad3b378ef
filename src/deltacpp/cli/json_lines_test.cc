#include "deltacpp/cli/json_lines.h"

#include <sstream>

#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp::cli {
namespace {

TEST(JsonLinesTest, EveryTypeHasAJsonForm) {
  auto schema = arrow::schema({
      arrow::field("i", arrow::int64()),
      arrow::field("d", arrow::float64()),
      arrow::field("s", arrow::utf8()),
      arrow::field("dec", arrow::decimal128(5, 2)),
      arrow::field("day", arrow::date32()),
      arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
      arrow::field("b", arrow::binary()),
      arrow::field("st", arrow::struct_({arrow::field("x", arrow::date32())})),
      arrow::field("l", arrow::list(arrow::int32())),
      arrow::field("m", arrow::map(arrow::utf8(), arrow::int32())),
      arrow::field("mi", arrow::map(arrow::int32(), arrow::utf8())),
  });
  ASSERT_OK_AND_ASSIGN(
      auto rows, arrow::json::ArrayFromJSONString(arrow::struct_(schema->fields()), R"([
        {"i": 1, "d": 0.5, "s": "q\"uote", "dec": "12.50", "day": 0, "ts": 1000001,
         "b": "hi", "st": {"x": 1}, "l": [1, null], "m": [["k", 2]], "mi": [[3, "v"]]},
        {"i": null, "d": NaN, "s": null, "dec": null, "day": null, "ts": null,
         "b": null, "st": null, "l": null, "m": null, "mi": null}
      ])"));
  ASSERT_OK_AND_ASSIGN(auto batch, arrow::RecordBatch::FromStructArray(rows));
  ASSERT_OK_AND_ASSIGN(auto reader, arrow::RecordBatchReader::Make({batch}, schema));
  std::ostringstream out;
  ASSERT_OK(WriteJsonLines(*reader, out));
  EXPECT_EQ(out.str(),
            R"({"i":1,"d":0.5,"s":"q\"uote","dec":12.50,"day":"1970-01-01",)"
            R"("ts":"1970-01-01T00:00:01.000001Z","b":"aGk=","st":{"x":"1970-01-02"},)"
            R"("l":[1,null],"m":{"k":2},"mi":[{"key":3,"value":"v"}]})"
            "\n"
            R"({"i":null,"d":"NaN","s":null,"dec":null,"day":null,"ts":null,"b":null,)"
            R"("st":null,"l":null,"m":null,"mi":null})"
            "\n");
}

}  // namespace
}  // namespace deltacpp::cli
