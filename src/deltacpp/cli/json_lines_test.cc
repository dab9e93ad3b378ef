#include "deltacpp/cli/json_lines.h"

#include <sstream>

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/json/from_string.h>
#include <arrow/json/reader.h>
#include <arrow/record_batch.h>
#include <arrow/table.h>
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

// Reads JSON Lines `text` as `write` does: Arrow's streaming reader, on its threads.
Result<std::shared_ptr<arrow::Table>> ReadJsonLines(const std::string& text,
                                                    int64_t block_size = 1 << 20) {
  auto input = DepthCheckedJsonInput(
      std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(text)),
      "rows.json");
  auto options = arrow::json::ReadOptions::Defaults();
  options.block_size = static_cast<int32_t>(block_size);
  DELTACPP_ASSIGN_OR_RAISE(auto reader,
                           arrow::json::StreamingReader::Make(
                               input, options, arrow::json::ParseOptions::Defaults()));
  return reader->ToTable();
}

// Issue 14: a row of 100,000 nested arrays overflowed the stack of Arrow's JSON reader.
TEST(JsonLinesTest, InputNestedDeeperThanTheLimitIsRefused) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  for (int64_t block_size : {int64_t{1} << 20, int64_t{4096}}) {
    auto table = ReadJsonLines(
        "{\"a\": 1}\n{\"a\": 2, \"b\": \"[[[[\"}\n{\"a\": 3, \"b\": " + deep + "}\n",
        block_size);
    ASSERT_RAISES_DELTA(kInvalidArgument, table);
    EXPECT_NE(table.status().message().find(
                  "JSON input rows.json line 3 nests values deeper than 100 levels"),
              std::string::npos)
        << table.status().message();
  }
}

TEST(JsonLinesTest, InputNestedUpToTheLimitIsRead) {
  std::string row = "{\"a\": ";
  for (int i = 0; i < kMaxJsonInputDepth / 2; ++i) row += "{\"s\": [";
  row += "1";
  for (int i = 0; i < kMaxJsonInputDepth / 2; ++i) row += "]}";
  static_assert(kMaxJsonInputDepth % 2 == 0);
  row += "}\n";
  ASSERT_OK_AND_ASSIGN(auto table, ReadJsonLines(row + row));
  EXPECT_EQ(table->num_rows(), 2);
  ASSERT_OK_AND_ASSIGN(auto types,
                       ParseSchemaJson(SchemaToJson(*table->schema()).ValueOrDie()));
  EXPECT_EQ(types->num_fields(), 1);
}

}  // namespace
}  // namespace deltacpp::cli
