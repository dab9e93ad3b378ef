#include "deltacpp/kernel/schema/schema_ddl.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

TEST(SchemaDdlTest, ReadsEveryKindOfType) {
  ASSERT_OK_AND_ASSIGN(
      auto schema,
      ParseSchemaDdl("id BIGINT NOT NULL, name string COMMENT 'who, really', "
                     "price decimal(10, 2), day date, at timestamp, local timestamp_ntz, "
                     "tags array<string>, attrs map<string, int>, "
                     "address struct<city: string, zip: int not null>, `odd name` bool"));
  ASSERT_EQ(schema->num_fields(), 10);
  EXPECT_EQ(DeltaTypeString(*schema->field(0)->type()), "long");
  EXPECT_FALSE(schema->field(0)->nullable());
  EXPECT_TRUE(schema->field(1)->nullable());
  ASSERT_NE(schema->field(1)->metadata(), nullptr);
  EXPECT_EQ(schema->field(1)->metadata()->Get("comment").ValueOr(""), "\"who, really\"");
  EXPECT_EQ(DeltaTypeString(*schema->field(2)->type()), "decimal(10,2)");
  EXPECT_EQ(DeltaTypeString(*schema->field(4)->type()), "timestamp");
  EXPECT_EQ(DeltaTypeString(*schema->field(5)->type()), "timestamp_ntz");
  EXPECT_EQ(DeltaTypeString(*schema->field(7)->type()), "map<string, integer>");
  EXPECT_EQ(schema->field(9)->name(), "odd name");
  // The type strings read back to the same schema.
  std::string ddl;
  for (const auto& field : schema->fields()) {
    if (!ddl.empty()) ddl += ", ";
    ddl += "`" + field->name() + "` " + DeltaTypeString(*field->type());
  }
  ASSERT_OK_AND_ASSIGN(auto again, ParseSchemaDdl(ddl));
  for (int i = 0; i < schema->num_fields(); ++i) {
    EXPECT_EQ(DeltaTypeString(*again->field(i)->type()),
              DeltaTypeString(*schema->field(i)->type()));
  }
}

TEST(SchemaDdlTest, ErrorsSayWhereAndWhat) {
  struct Case {
    const char* ddl;
    const char* message;
  };
  for (const auto& [ddl, message] : std::vector<Case>{
           {"id long,", "expected a column name at position 9"},
           {"id lung", "unknown type 'lung'"},
           {"id long, ID int", "names column 'ID' twice"},
           {"a array<int", "'>' closing array<"},
           {"a map<int>", "',' between the map's key and value types"},
           {"a int not", "NULL after NOT"},
           {"a int b", "expected ',' or the end"},
           {"`a int", "closing backquote"},
           {"d decimal(50, 2)", "invalid type decimal(50,2)"},
       }) {
    auto schema = ParseSchemaDdl(ddl);
    ASSERT_FALSE(schema.ok()) << ddl;
    EXPECT_EQ(GetDeltaErrorCode(schema.status()), DeltaErrorCode::kInvalidArgument);
    EXPECT_NE(schema.status().message().find(message), std::string::npos)
        << schema.status().message();
  }
}

// Issue 14: the DDL parser recursed once per nested type, as far as the text went.
TEST(SchemaDdlTest, DeepNestingIsRefusedNamingTheLimit) {
  std::string structs = "a ";
  for (int i = 0; i < 10'000; ++i) structs += "struct<a: ";
  structs += "int" + std::string(10'000, '>');
  std::string arrays = "a ";
  for (int i = 0; i < 100'000; ++i) arrays += "array<";
  for (const auto& ddl : {structs, arrays}) {
    auto schema = ParseSchemaDdl(ddl);
    ASSERT_RAISES_DELTA(kInvalidArgument, schema);
    EXPECT_NE(schema.status().message().find("types nest deeper than 100 levels"),
              std::string::npos)
        << schema.status().message().substr(0, 200);
    // The message does not repeat the long text.
    EXPECT_LT(schema.status().message().size(), 200u);
  }
}

TEST(SchemaDdlTest, NestingUpToTheLimitIsRead) {
  std::string ddl = "a ";
  for (int i = 0; i < kMaxTypeNesting; ++i) ddl += i % 2 == 0 ? "struct<a: " : "array<";
  ddl += "int" + std::string(kMaxTypeNesting, '>');
  ASSERT_OK(ParseSchemaDdl(ddl).status());
  ddl = "a map<string, " + ddl.substr(2) + ">";
  auto over = ParseSchemaDdl(ddl);
  ASSERT_RAISES_DELTA(kInvalidArgument, over);
  EXPECT_NE(over.status().message().find("deeper than 100 levels"), std::string::npos);
}

}  // namespace
}  // namespace deltacpp
