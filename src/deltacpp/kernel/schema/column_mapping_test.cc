#include "deltacpp/kernel/schema/column_mapping.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/schema/field_metadata.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

std::shared_ptr<arrow::Field> Mapped(const std::string& name, const std::string& physical,
                                     const std::string& id) {
  return arrow::field(
      name, arrow::int32(), true,
      arrow::key_value_metadata({std::string(field_metadata::kColumnMappingPhysicalName),
                                 std::string(field_metadata::kColumnMappingId)},
                                {"\"" + physical + "\"", id}));
}

TEST(ColumnMappingTest, ModeComesFromTheTableProperty) {
  Metadata metadata;
  ASSERT_OK_AND_ASSIGN(auto none, TableConfiguration(metadata).column_mapping_mode());
  EXPECT_EQ(none, ColumnMappingMode::kNone);
  metadata.configuration["delta.columnMapping.mode"] = "name";
  ASSERT_OK_AND_ASSIGN(auto name, TableConfiguration(metadata).column_mapping_mode());
  EXPECT_EQ(name, ColumnMappingMode::kName);
  metadata.configuration["delta.columnMapping.mode"] = "id";
  ASSERT_OK_AND_ASSIGN(auto id, TableConfiguration(metadata).column_mapping_mode());
  EXPECT_EQ(id, ColumnMappingMode::kId);
  metadata.configuration["delta.columnMapping.mode"] = "bogus";
  ASSERT_RAISES_DELTA(kCorruptLog, TableConfiguration(metadata).column_mapping_mode());
}

TEST(ColumnMappingTest, PhysicalColumnByMode) {
  auto field = Mapped("Logical", "col-1", "7");
  ASSERT_OK_AND_ASSIGN(auto none, GetPhysicalColumn(*field, ColumnMappingMode::kNone));
  EXPECT_EQ(none.name, "Logical");
  ASSERT_OK_AND_ASSIGN(auto name, GetPhysicalColumn(*field, ColumnMappingMode::kName));
  EXPECT_EQ(name.name, "col-1");
  EXPECT_FALSE(name.field_id.has_value());
  ASSERT_OK_AND_ASSIGN(auto id, GetPhysicalColumn(*field, ColumnMappingMode::kId));
  EXPECT_EQ(id.name, "col-1");
  EXPECT_EQ(id.field_id, 7);
}

TEST(ColumnMappingTest, MissingOrBadMappingMetadataIsCorrupt) {
  auto plain = arrow::field("c", arrow::int32());
  ASSERT_RAISES_DELTA(kCorruptLog, GetPhysicalColumn(*plain, ColumnMappingMode::kName));
  ASSERT_RAISES_DELTA(kCorruptLog,
                      GetPhysicalColumn(*Mapped("c", "p", "x"), ColumnMappingMode::kId));
  auto unquoted =
      arrow::field("c", arrow::int32(), true,
                   arrow::key_value_metadata(
                       {std::string(field_metadata::kColumnMappingPhysicalName)}, {"p"}));
  ASSERT_RAISES_DELTA(kCorruptLog,
                      GetPhysicalColumn(*unquoted, ColumnMappingMode::kName));
}

TEST(ColumnMappingTest, ReadsParquetFieldIds) {
  auto with_id = arrow::field("p", arrow::int32(), true,
                              arrow::key_value_metadata({"PARQUET:field_id"}, {"12"}));
  EXPECT_EQ(GetParquetFieldId(*with_id), 12);
  EXPECT_FALSE(GetParquetFieldId(*arrow::field("p", arrow::int32())).has_value());
}

}  // namespace
}  // namespace deltacpp
