#include "deltacpp/cli/table_printer.h"

#include <sstream>

#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_primitive.h>
#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp::cli {
namespace {

TEST(TablePrinterTest, PadsColumnsAndPrintsNulls) {
  arrow::Int64Builder ids;
  ASSERT_OK(ids.AppendValues({1, 22}));
  arrow::StringBuilder names;
  ASSERT_OK(names.Append("alpha"));
  ASSERT_OK(names.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto id_array, ids.Finish());
  ASSERT_OK_AND_ASSIGN(auto name_array, names.Finish());
  auto schema = arrow::schema(
      {arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  auto batch = arrow::RecordBatch::Make(schema, 2, {id_array, name_array});
  ASSERT_OK_AND_ASSIGN(auto reader, arrow::RecordBatchReader::Make({batch}, schema));

  std::ostringstream out;
  ASSERT_OK(PrintTable(*reader, out));
  EXPECT_EQ(out.str(),
            "id  name\n"
            "---------\n"
            "1   alpha\n"
            "22  null\n"
            "(2 rows)\n");
}

TEST(TablePrinterTest, PrintsColumnsFromBuilders) {
  arrow::Int64Builder ids;
  ASSERT_OK(ids.AppendValues({7, 8}));
  arrow::StringBuilder names;
  ASSERT_OK(names.AppendValues({"x", "yy"}));
  std::ostringstream out;
  ASSERT_OK(PrintColumns({{"id", &ids}, {"name", &names}}, out));
  EXPECT_EQ(out.str(), "id  name\n--------\n7   x\n8   yy\n(2 rows)\n");
}

TEST(TablePrinterTest, EmptyInputPrintsHeaderOnly) {
  auto schema = arrow::schema({arrow::field("x", arrow::int32())});
  ASSERT_OK_AND_ASSIGN(auto reader, arrow::RecordBatchReader::Make({}, schema));
  std::ostringstream out;
  ASSERT_OK(PrintTable(*reader, out));
  EXPECT_EQ(out.str(), "x\n-\n(0 rows)\n");
}

}  // namespace
}  // namespace deltacpp::cli
