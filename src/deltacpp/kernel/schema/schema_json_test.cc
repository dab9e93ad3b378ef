#include "deltacpp/kernel/schema/schema_json.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

std::string Field(const std::string& name, const std::string& type, bool nullable = true,
                  const std::string& metadata = "{}") {
  return R"({"name":")" + name + R"(","type":)" + type + R"(,"nullable":)" +
         (nullable ? "true" : "false") + R"(,"metadata":)" + metadata + "}";
}

std::string Struct(const std::vector<std::string>& fields) {
  std::string joined;
  for (const auto& field : fields) joined += (joined.empty() ? "" : ",") + field;
  return R"({"type":"struct","fields":[)" + joined + "]}";
}

TEST(SchemaJsonTest, MapsEveryPrimitiveType) {
  const std::vector<std::pair<std::string, std::shared_ptr<arrow::DataType>>> cases = {
      {"string", arrow::utf8()},
      {"long", arrow::int64()},
      {"integer", arrow::int32()},
      {"short", arrow::int16()},
      {"byte", arrow::int8()},
      {"float", arrow::float32()},
      {"double", arrow::float64()},
      {"boolean", arrow::boolean()},
      {"binary", arrow::binary()},
      {"date", arrow::date32()},
      {"timestamp", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")},
      {"timestamp_ntz", arrow::timestamp(arrow::TimeUnit::MICRO)},
      {"decimal(38,18)", arrow::decimal128(38, 18)},
      {"decimal(5, 0)", arrow::decimal128(5, 0)},
  };
  for (const auto& [name, type] : cases) {
    ASSERT_OK_AND_ASSIGN(auto schema,
                         ParseSchemaJson(Struct({Field("c", "\"" + name + "\"")})));
    EXPECT_TRUE(schema->field(0)->type()->Equals(*type)) << name;
    if (name.find(' ') == std::string::npos) {
      EXPECT_EQ(DeltaTypeString(*type), name);
    }
  }
}

TEST(SchemaJsonTest, MapsNestedTypesWithNullability) {
  const std::string array =
      R"({"type":"array","elementType":"string","containsNull":false})";
  const std::string map =
      R"({"type":"map","keyType":"string","valueType":"long","valueContainsNull":true})";
  const std::string nested =
      Struct({Field("x", "\"integer\"", false), Field("arr", array)});
  ASSERT_OK_AND_ASSIGN(
      auto schema, ParseSchemaJson(Struct({Field("s", nested, false), Field("m", map)})));
  ASSERT_EQ(schema->num_fields(), 2);
  const auto& s = schema->field(0);
  EXPECT_FALSE(s->nullable());
  ASSERT_EQ(s->type()->id(), arrow::Type::STRUCT);
  EXPECT_FALSE(s->type()->field(0)->nullable());
  const auto& arr = s->type()->field(1)->type();
  ASSERT_EQ(arr->id(), arrow::Type::LIST);
  EXPECT_FALSE(arr->field(0)->nullable());
  const auto& m = schema->field(1)->type();
  ASSERT_EQ(m->id(), arrow::Type::MAP);
  EXPECT_TRUE(static_cast<const arrow::MapType&>(*m).item_field()->nullable());
  EXPECT_EQ(DeltaTypeString(*schema->field(0)->type()),
            "struct<x: integer, arr: array<string>>");
  EXPECT_EQ(DeltaTypeString(*m), "map<string, long>");
}

TEST(SchemaJsonTest, KeepsFieldMetadataAsJson) {
  ASSERT_OK_AND_ASSIGN(
      auto schema,
      ParseSchemaJson(Struct({Field(
          "c", "\"long\"", true,
          R"({"delta.columnMapping.id":5,"comment":"hi","delta.columnMapping.physicalName":"col-1"})")})));
  const auto& metadata = schema->field(0)->metadata();
  ASSERT_NE(metadata, nullptr);
  EXPECT_EQ(metadata->Get("delta.columnMapping.id").ValueOrDie(), "5");
  EXPECT_EQ(metadata->Get("comment").ValueOrDie(), "\"hi\"");
  EXPECT_EQ(metadata->Get("delta.columnMapping.physicalName").ValueOrDie(), "\"col-1\"");
}

// The schema fuzzer's finding: a number of 75 digits read as one double, written as its
// shortest text, read back as another (the parse was not correctly rounded).
TEST(SchemaJsonTest, MetadataNumbersReadBackAsWritten) {
  for (const char* number :
       {"474830000000000000000000000000000000000000000000000000000000"
        "000000000000000",
        "0.30000000000000004", "1.7976931348623157e308", "5e-324", "0e40", "-0.0",
        "1e-400", "-12", "18446744073709551615", "18446744073709551616"}) {
    ASSERT_OK_AND_ASSIGN(
        auto schema,
        ParseSchemaJson(Struct(
            {Field("c", "\"long\"", true, std::string(R"({"n":)") + number + "}")})));
    ASSERT_OK_AND_ASSIGN(auto written, SchemaToJson(*schema));
    ASSERT_OK_AND_ASSIGN(auto again, ParseSchemaJson(written));
    EXPECT_TRUE(again->Equals(*schema, /*check_metadata=*/true)) << number;
    ASSERT_OK_AND_ASSIGN(auto rewritten, SchemaToJson(*again));
    EXPECT_EQ(rewritten, written);
  }
}

TEST(SchemaJsonTest, MetadataNumbersTooBigForADoubleAreRefused) {
  ASSERT_RAISES_DELTA(
      kCorruptLog,
      ParseSchemaJson(Struct({Field("c", "\"long\"", true, R"({"n":1e400})")})));
  ASSERT_RAISES_DELTA(kCorruptLog, ParseSchemaJson(R"({"type":"struct","fields":[]} x)"));
}

TEST(SchemaJsonTest, RejectsBadSchemasWithTheColumnNamed) {
  ASSERT_RAISES_DELTA(kCorruptLog, ParseSchemaJson("not json"));
  ASSERT_RAISES_DELTA(kCorruptLog, ParseSchemaJson(R"({"type":"array"})"));
  auto unknown =
      ParseSchemaJson(Struct({Field("s", Struct({Field("deep", "\"int128\"")}))}));
  ASSERT_RAISES_DELTA(kCorruptLog, unknown);
  EXPECT_NE(unknown.status().message().find("s.deep"), std::string::npos)
      << unknown.status().message();
  ASSERT_RAISES_DELTA(kCorruptLog,
                      ParseSchemaJson(Struct({Field("d", "\"decimal(39,1)\"")})));
  ASSERT_RAISES_DELTA(kCorruptLog,
                      ParseSchemaJson(Struct({Field("d", "\"decimal(5,6)\"")})));
  ASSERT_RAISES_DELTA(kCorruptLog,
                      ParseSchemaJson(Struct({Field("d", "\"decimal(a,b)\"")})));
  ASSERT_RAISES_DELTA(kCorruptLog,
                      ParseSchemaJson(Struct({Field("a", R"({"type":"array"})")})));
  ASSERT_RAISES_DELTA(kCorruptLog, ParseSchemaJson(Struct({Field("v", "\"varient\"")})));
}

TEST(SchemaJsonTest, VariantIsItsBinaryEncodingStruct) {
  ASSERT_OK_AND_ASSIGN(auto schema, ParseSchemaJson(Struct({Field("v", "\"variant\"")})));
  EXPECT_TRUE(schema->field(0)->type()->Equals(*VariantStorageType()));
  EXPECT_EQ(schema->field(0)->type()->ToString(),
            "struct<metadata: binary not null, value: binary not null>");
  EXPECT_EQ(DeltaTypeString(*schema->field(0)->type()), "variant");
}

std::string Repeated(std::string_view part, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += part;
  return out;
}

// A schema of `levels` structs, each the one field "s" of the one before, around a long:
// Struct({Field("s", ...)}) `levels` times, written in one pass.
std::string NestedStructs(int levels) {
  const std::string type =
      Repeated(R"({"type":"struct","fields":[{"name":"s","type":)", levels) + "\"long\"" +
      Repeated(R"(,"nullable":true,"metadata":{}}]})", levels);
  return Struct({Field("top", type)});
}

// The same with arrays.
std::string NestedArrays(int levels) {
  const std::string type = Repeated(R"({"type":"array","elementType":)", levels) +
                           "\"long\"" + Repeated(R"(,"containsNull":true})", levels);
  return Struct({Field("top", type)});
}

int TypeDepth(const arrow::DataType& type) {
  int depth = 0;
  for (const auto& field : type.fields())
    depth = std::max(depth, TypeDepth(*field->type()));
  return type.num_fields() > 0 ? depth + 1 : depth;
}

// Issue 14: a schemaString of 10,000 nested structs overflowed the stack.
TEST(SchemaJsonTest, DeepNestingIsRefusedNamingTheLimit) {
  auto deep = ParseSchemaJson(NestedStructs(10'000));
  ASSERT_RAISES_DELTA(kCorruptLog, deep);
  EXPECT_NE(
      deep.status().message().find("schemaString nests JSON deeper than 1000 levels"),
      std::string::npos)
      << deep.status().message();
  // Within the JSON limit (three JSON levels a struct) but past the types' own.
  auto structs = ParseSchemaJson(NestedStructs(kMaxTypeNesting + 1));
  ASSERT_RAISES_DELTA(kCorruptLog, structs);
  EXPECT_NE(structs.status().message().find("nests types deeper than 100 levels"),
            std::string::npos)
      << structs.status().message();
  auto arrays = ParseSchemaJson(NestedArrays(kMaxTypeNesting + 1));
  ASSERT_RAISES_DELTA(kCorruptLog, arrays);
  EXPECT_NE(arrays.status().message().find("top.element"), std::string::npos)
      << arrays.status().message();
}

TEST(SchemaJsonTest, NestingUpToTheLimitRoundTrips) {
  for (const auto& json :
       {NestedStructs(kMaxTypeNesting), NestedArrays(kMaxTypeNesting)}) {
    ASSERT_OK_AND_ASSIGN(auto schema, ParseSchemaJson(json));
    EXPECT_EQ(TypeDepth(*schema->field(0)->type()), kMaxTypeNesting);
    ASSERT_OK_AND_ASSIGN(auto written, SchemaToJson(*schema));
    ASSERT_OK_AND_ASSIGN(auto again, ParseSchemaJson(written));
    EXPECT_TRUE(again->Equals(*schema));
    EXPECT_FALSE(DeltaTypeString(*schema->field(0)->type()).empty());
  }
}

TEST(SchemaJsonTest, DeepFieldMetadataIsWrittenAsText) {
  // Kept as JSON text when read; a value set by hand too deep to parse is kept as a
  // string rather than parsed on the way out.
  const std::string deep(5000, '[');
  auto schema = arrow::schema({arrow::field("x", arrow::int64(), true,
                                            arrow::key_value_metadata({"k"}, {deep}))});
  ASSERT_OK_AND_ASSIGN(auto written, SchemaToJson(*schema));
  ASSERT_OK_AND_ASSIGN(auto again, ParseSchemaJson(written));
  EXPECT_EQ(again->field(0)->metadata()->Get("k").ValueOrDie(), "\"" + deep + "\"");
}

}  // namespace
}  // namespace deltacpp
