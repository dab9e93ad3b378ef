#include "deltacpp/scan/physical_to_logical.h"

#include <arrow/compute/initialize.h>
#include <arrow/json/from_string.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/schema/field_metadata.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

std::shared_ptr<arrow::Array> Json(const std::shared_ptr<arrow::DataType>& type,
                                   const std::string& json) {
  return arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
}

// A logical field with column mapping metadata, as ParseSchemaJson produces it.
std::shared_ptr<arrow::Field> Mapped(const std::string& name,
                                     std::shared_ptr<arrow::DataType> type,
                                     const std::string& physical, int id) {
  return arrow::field(
      name, std::move(type), true,
      arrow::key_value_metadata({std::string(field_metadata::kColumnMappingPhysicalName),
                                 std::string(field_metadata::kColumnMappingId)},
                                {"\"" + physical + "\"", std::to_string(id)}));
}

std::shared_ptr<arrow::Field> WithFieldId(const std::string& name,
                                          std::shared_ptr<arrow::DataType> type, int id) {
  return arrow::field(
      name, std::move(type), true,
      arrow::key_value_metadata({"PARQUET:field_id"}, {std::to_string(id)}));
}

class PhysicalToLogicalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_OK(arrow::compute::Initialize()); }
};

TEST_F(PhysicalToLogicalTest, RenamesNestedFieldsByPhysicalName) {
  auto physical_type = arrow::struct_(
      {arrow::field("p-a", arrow::int32()), arrow::field("p-b", arrow::utf8())});
  auto physical = Json(physical_type, R"([{"p-a": 1, "p-b": "x"}, null, {"p-a": 3}])");
  auto logical_type = arrow::struct_({Mapped("b", arrow::utf8(), "p-b", 2),
                                      Mapped("a", arrow::int64(), "p-a", 1),
                                      Mapped("missing", arrow::boolean(), "p-c", 3)});
  auto logical = Mapped("s", logical_type, "p-s", 4);
  ASSERT_OK_AND_ASSIGN(auto result,
                       PhysicalToLogical(physical, *logical, ColumnMappingMode::kName));
  auto expected = Json(logical_type,
                       R"([{"b": "x", "a": 1, "missing": null}, null,
                           {"b": null, "a": 3, "missing": null}])");
  ASSERT_OK(result->ValidateFull());
  EXPECT_TRUE(result->Equals(*expected)) << result->ToString();
}

TEST_F(PhysicalToLogicalTest, IdModeMatchesParquetFieldIdsBeforeNames) {
  auto physical_type = arrow::struct_({WithFieldId("renamed-on-disk", arrow::int32(), 7),
                                       WithFieldId("p-x", arrow::int32(), 8)});
  auto physical = Json(physical_type, R"([{"renamed-on-disk": 5, "p-x": 6}])");
  auto logical_type = arrow::struct_({Mapped("x", arrow::int32(), "p-x", 7)});
  ASSERT_OK_AND_ASSIGN(auto result,
                       PhysicalToLogical(physical, *Mapped("s", logical_type, "s", 1),
                                         ColumnMappingMode::kId));
  EXPECT_TRUE(result->Equals(*Json(logical_type, R"([{"x": 5}])"))) << result->ToString();
  ASSERT_OK_AND_ASSIGN(int top, FindPhysicalField({WithFieldId("a", arrow::int32(), 3),
                                                   WithFieldId("b", arrow::int32(), 7)},
                                                  *Mapped("x", arrow::int32(), "zzz", 7),
                                                  ColumnMappingMode::kId));
  EXPECT_EQ(top, 1);
}

TEST_F(PhysicalToLogicalTest, ConvertsInsideListsAndMaps) {
  auto physical_type = arrow::list(arrow::struct_({arrow::field("v", arrow::int32())}));
  auto physical = Json(physical_type, R"([[{"v": 1}, {"v": 2}], null, []])");
  auto logical_type = arrow::list(
      arrow::field("element", arrow::struct_({arrow::field("v", arrow::int64()),
                                              arrow::field("w", arrow::utf8())})));
  ASSERT_OK_AND_ASSIGN(auto list,
                       PhysicalToLogical(physical, *arrow::field("l", logical_type),
                                         ColumnMappingMode::kNone));
  ASSERT_OK(list->ValidateFull());
  EXPECT_TRUE(list->Equals(
      *Json(logical_type, R"([[{"v": 1, "w": null}, {"v": 2, "w": null}], null, []])")))
      << list->ToString();

  auto physical_map = Json(arrow::map(arrow::utf8(), arrow::int32()),
                           R"([[["a", 1], ["b", null]], null])");
  auto logical_map_type = arrow::map(arrow::utf8(), arrow::int64());
  ASSERT_OK_AND_ASSIGN(
      auto map, PhysicalToLogical(physical_map, *arrow::field("m", logical_map_type),
                                  ColumnMappingMode::kNone));
  ASSERT_OK(map->ValidateFull());
  EXPECT_TRUE(map->Equals(*Json(logical_map_type, R"([[["a", 1], ["b", null]], null])")))
      << map->ToString();
}

TEST_F(PhysicalToLogicalTest, KeepsSlices) {
  auto physical_type = arrow::struct_({arrow::field("a", arrow::int32())});
  auto physical =
      Json(physical_type, R"([{"a": 1}, {"a": 2}, null, {"a": 4}])")->Slice(1, 3);
  auto logical_type = arrow::struct_({arrow::field("a", arrow::int64())});
  ASSERT_OK_AND_ASSIGN(auto result,
                       PhysicalToLogical(physical, *arrow::field("s", logical_type),
                                         ColumnMappingMode::kNone));
  ASSERT_OK(result->ValidateFull());
  EXPECT_TRUE(result->Equals(*Json(logical_type, R"([{"a": 2}, null, {"a": 4}])")))
      << result->ToString();
}

TEST_F(PhysicalToLogicalTest, ImpossibleTypeIsCorruptNamingTheColumn) {
  auto physical = Json(arrow::utf8(), R"(["not a number"])");
  auto result = PhysicalToLogical(physical, *arrow::field("n", arrow::int32()),
                                  ColumnMappingMode::kNone);
  ASSERT_RAISES_DELTA(kCorruptLog, result);
  EXPECT_NE(result.status().message().find("column n is stored as string"),
            std::string::npos)
      << result.status().message();
}

}  // namespace
}  // namespace deltacpp
