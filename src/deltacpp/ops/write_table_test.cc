#include "deltacpp/ops/write_table.h"

#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api_vector.h>
#include <arrow/json/from_string.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

#include "deltacpp/kernel/table.h"
#include "deltacpp/scan/change_data.h"
#include "deltacpp/scan/scan.h"
#include "deltacpp/testing/batches.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

const auto kSchema = arrow::schema({
    arrow::field("id", arrow::int64(), /*nullable=*/false),
    arrow::field("name", arrow::utf8()),
    arrow::field("part", arrow::utf8()),
});

std::shared_ptr<arrow::RecordBatchReader> Rows(
    const std::string& json, std::shared_ptr<arrow::Schema> schema = kSchema) {
  return testing::ReaderFromJson(schema, json);
}

class WriteTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    uri_ = (dir_->path() / "table").string();
  }

  // The table's rows as "id:name:part" strings, sorted.
  std::vector<std::string> Read() {
    auto table = Table::Open(uri_).ValueOrDie();
    auto snapshot = table.LatestSnapshot().ValueOrDie();
    ScanBuilder builder(snapshot);
    auto scan = builder.Build().ValueOrDie();
    auto rows = scan->ToTable().ValueOrDie()->CombineChunks().ValueOrDie();
    std::vector<std::string> out;
    for (int64_t i = 0; i < rows->num_rows(); ++i) {
      std::string row;
      for (int c = 0; c < rows->num_columns(); ++c) {
        auto value = rows->column(c)->GetScalar(i).ValueOrDie();
        row += (c ? ":" : "") + (value->is_valid ? value->ToString() : "null");
      }
      out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::string uri_;
};

TEST_F(WriteTableTest, CreatesAppendsAndOverwritesPartitionedTables) {
  WriteOptions options;
  options.partition_by = {"part"};
  auto first = Rows(R"([{"id": 1, "name": "a", "part": "x y"},
                        {"id": 2, "name": null, "part": "100%"},
                        {"id": 3, "name": "c", "part": null},
                        {"id": 4, "name": "d", "part": ""}])");
  ASSERT_OK_AND_ASSIGN(auto created, WriteTable(uri_, *first, options));
  EXPECT_EQ(created.version, 0);
  EXPECT_EQ(created.rows, 4);
  EXPECT_EQ(created.files, 3);  // "" and null are the same partition
  EXPECT_EQ(Read(),
            (std::vector<std::string>{"1:a:x y", "2:null:100%", "3:c:null", "4:d:null"}));
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "table/part=100%25"));
  EXPECT_TRUE(
      std::filesystem::exists(dir_->path() / "table/part=__HIVE_DEFAULT_PARTITION__"));

  options.partition_by.clear();
  options.mode = WriteMode::kAppend;
  ASSERT_OK_AND_ASSIGN(
      auto appended,
      WriteTable(uri_, *Rows(R"([{"id": 5, "name": "e", "part": "x y"}])"), options));
  EXPECT_EQ(appended.version, 1);
  EXPECT_EQ(Read().size(), 5u);

  options.mode = WriteMode::kOverwrite;
  ASSERT_OK_AND_ASSIGN(
      auto overwritten,
      WriteTable(uri_, *Rows(R"([{"id": 6, "name": "f", "part": "z"}])"), options));
  EXPECT_EQ(overwritten.version, 2);
  EXPECT_EQ(Read(), (std::vector<std::string>{"6:f:z"}));
  // Time travel still sees what was overwritten.
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto before, table.SnapshotAt(1));
  EXPECT_EQ(before->files().size(), 4u);
}

TEST_F(WriteTableTest, StatisticsLetScansSkipFiles) {
  WriteOptions options;
  options.partition_by = {"part"};
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"},
                                       {"id": 9, "name": "b", "part": "q"}])"),
                       options)
                .status());
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  ASSERT_OK_AND_ASSIGN(
      auto scan,
      ScanBuilder(snapshot).Filter(Greater(Column("id"), Literal(int64_t{5}))).Build());
  ASSERT_EQ(scan->Files().size(), 1u);
  EXPECT_EQ(scan->Files()[0]->partition_values.at("part"), "q");
  EXPECT_NE(scan->Files()[0]->stats->find(R"("minValues":{"id":9)"), std::string::npos)
      << *scan->Files()[0]->stats;
}

TEST_F(WriteTableTest, ModesErrorAndIgnoreOnAnExistingTable) {
  WriteOptions options;
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options)
                .status());
  auto exists =
      WriteTable(uri_, *Rows(R"([{"id": 2, "name": "b", "part": "p"}])"), options);
  ASSERT_RAISES_DELTA(kInvalidArgument, exists);
  EXPECT_NE(exists.status().message().find("already exists"), std::string::npos);
  options.mode = WriteMode::kIgnore;
  ASSERT_OK_AND_ASSIGN(
      auto ignored,
      WriteTable(uri_, *Rows(R"([{"id": 2, "name": "b", "part": "p"}])"), options));
  EXPECT_FALSE(ignored.committed);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:p"}));
}

TEST_F(WriteTableTest, BadInputCommitsNothing) {
  WriteOptions options;
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options)
                .status());
  options.mode = WriteMode::kAppend;
  auto other_type = arrow::schema({arrow::field("id", arrow::utf8()),
                                   arrow::field("name", arrow::utf8()),
                                   arrow::field("part", arrow::utf8())});
  auto mismatch = WriteTable(
      uri_, *Rows(R"([{"id": "1", "name": "a", "part": "p"}])", other_type), options);
  ASSERT_RAISES_DELTA(kSchemaMismatch, mismatch);
  EXPECT_NE(
      mismatch.status().message().find("column 'id' of the data is string but table"),
      std::string::npos)
      << mismatch.status().message();
  auto extra = arrow::schema(
      {arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
       arrow::field("part", arrow::utf8()), arrow::field("more", arrow::utf8())});
  ASSERT_RAISES_DELTA(
      kSchemaMismatch,
      WriteTable(uri_,
                 *Rows(R"([{"id": 1, "name": "a", "part": "p", "more": "m"}])", extra),
                 options));
  auto null_id = arrow::schema({arrow::field("id", arrow::int64()),
                                arrow::field("name", arrow::utf8()),
                                arrow::field("part", arrow::utf8())});
  auto nulls = WriteTable(
      uri_, *Rows(R"([{"id": null, "name": "a", "part": "p"}])", null_id), options);
  ASSERT_RAISES_DELTA(kInvalidArgument, nulls);
  EXPECT_NE(nulls.status().message().find("NOT NULL constraint on column id violated"),
            std::string::npos)
      << nulls.status().message();
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->version(), 0);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:p"}));
}

TEST_F(WriteTableTest, PartitionColumnsMustExistAndBePrimitive) {
  WriteOptions options;
  options.partition_by = {"nope"};
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options));
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "table/_delta_log"));
}

TEST_F(WriteTableTest, MissingNullableColumnsAreWrittenAsNulls) {
  WriteOptions options;
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options)
                .status());
  options.mode = WriteMode::kAppend;
  auto id_only = arrow::schema({arrow::field("id", arrow::int64(), false)});
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 2}])", id_only), options).status());
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:p", "2:null:null"}));
  auto name_only = arrow::schema({arrow::field("name", arrow::utf8())});
  auto missing = WriteTable(uri_, *Rows(R"([{"name": "x"}])", name_only), options);
  ASSERT_RAISES_DELTA(kSchemaMismatch, missing);
  EXPECT_NE(missing.status().message().find("lacks column 'id', which is NOT NULL"),
            std::string::npos)
      << missing.status().message();
}

TEST_F(WriteTableTest, SchemaMergeAddsColumnsAndWidensNarrowerData) {
  WriteOptions options;
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options)
                .status());
  options.mode = WriteMode::kAppend;
  auto wider = arrow::schema(
      {arrow::field("id", arrow::int32(), false), arrow::field("name", arrow::utf8()),
       arrow::field("part", arrow::utf8()), arrow::field("score", arrow::float64())});
  const std::string row = R"([{"id": 2, "name": "b", "part": "q", "score": 1.5}])";
  auto rejected = WriteTable(uri_, *Rows(row, wider), options);
  ASSERT_RAISES_DELTA(kSchemaMismatch, rejected);
  EXPECT_NE(rejected.status().message().find("column 'score' of the data is not in"),
            std::string::npos)
      << rejected.status().message();
  // Narrower data fits without a schema mode: cast up, the schema unchanged.
  auto narrow_id = arrow::schema({arrow::field("id", arrow::int32(), false)});
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 7}])", narrow_id), options).status());
  ASSERT_OK_AND_ASSIGN(auto before_merge,
                       Table::Open(uri_).ValueOrDie().LatestSnapshot());
  EXPECT_EQ(before_merge->schema()->field(0)->type()->id(), arrow::Type::INT64);
  options.schema_mode = SchemaMode::kMerge;
  ASSERT_OK(WriteTable(uri_, *Rows(row, wider), options).status());
  EXPECT_EQ(Read(),
            (std::vector<std::string>{"1:a:p:null", "2:b:q:1.5", "7:null:null:null"}));
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->schema()->field(0)->type()->id(), arrow::Type::INT64);
  EXPECT_EQ(snapshot->schema()->field(3)->name(), "score");
  EXPECT_TRUE(snapshot->schema()->field(3)->nullable());

  // Narrowing is never merged.
  auto narrower = arrow::schema({arrow::field("id", arrow::int64(), false),
                                 arrow::field("score", arrow::float32())});
  auto narrowed =
      WriteTable(uri_, *Rows(R"([{"id": 3, "score": 1}])", narrower), options);
  ASSERT_OK(narrowed.status());  // float into double widens
  auto text_score = arrow::schema(
      {arrow::field("id", arrow::int64(), false), arrow::field("score", arrow::utf8())});
  ASSERT_RAISES_DELTA(
      kSchemaMismatch,
      WriteTable(uri_, *Rows(R"([{"id": 3, "score": "x"}])", text_score), options));
}

TEST_F(WriteTableTest, SchemaMergeAddsNestedFields) {
  auto v1 = arrow::schema(
      {arrow::field("id", arrow::int64()),
       arrow::field("s", arrow::struct_({arrow::field("a", arrow::int32())}))});
  WriteOptions options;
  ASSERT_OK(
      WriteTable(uri_, *Rows(R"([{"id": 1, "s": {"a": 1}}])", v1), options).status());
  auto v2 = arrow::schema(
      {arrow::field("id", arrow::int64()),
       arrow::field("s", arrow::struct_({arrow::field("b", arrow::utf8()),
                                         arrow::field("a", arrow::int32())}))});
  options.mode = WriteMode::kAppend;
  ASSERT_RAISES_DELTA(
      kSchemaMismatch,
      WriteTable(uri_, *Rows(R"([{"id": 2, "s": {"a": 2, "b": "x"}}])", v2), options));
  options.schema_mode = SchemaMode::kMerge;
  ASSERT_OK(
      WriteTable(uri_, *Rows(R"([{"id": 2, "s": {"a": 2, "b": "x"}}])", v2), options)
          .status());
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:{a:int32 = 1, b:string = null}",
                                              "2:{a:int32 = 2, b:string = x}"}));
}

TEST_F(WriteTableTest, SchemaOverwriteReplacesSchemaAndPartitioning) {
  WriteOptions options;
  options.partition_by = {"part"};
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options)
                .status());
  auto other = arrow::schema(
      {arrow::field("key", arrow::utf8()), arrow::field("value", arrow::float64())});
  options.partition_by = {"key"};
  options.mode = WriteMode::kAppend;
  options.schema_mode = SchemaMode::kOverwrite;
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      WriteTable(uri_, *Rows(R"([{"key": "k", "value": 0.5}])", other), options));
  options.mode = WriteMode::kOverwrite;
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"key": "k", "value": 0.5}])", other), options)
                .status());
  EXPECT_EQ(Read(), (std::vector<std::string>{"k:0.5"}));
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->partition_columns(), (std::vector<std::string>{"key"}));
  ASSERT_OK_AND_ASSIGN(auto first, table.SnapshotAt(0));
  EXPECT_EQ(first->metadata().id, snapshot->metadata().id);
}

TEST_F(WriteTableTest, DeleteRemovesMatchingRowsOnly) {
  WriteOptions options;
  options.partition_by = {"part"};
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"},
                                       {"id": 2, "name": "b", "part": "p"},
                                       {"id": 3, "name": "c", "part": "q"},
                                       {"id": 4, "name": null, "part": "r"}])"),
                       options)
                .status());
  // A whole partition: its file goes unread, nothing is rewritten.
  ASSERT_OK_AND_ASSIGN(auto by_partition,
                       DeleteRows(uri_, Equal(Column("part"), Literal("q")), {}));
  EXPECT_TRUE(by_partition.committed);
  EXPECT_EQ(by_partition.version, 1);
  EXPECT_EQ(by_partition.deleted_rows, 1);
  EXPECT_EQ(by_partition.removed_files, 1);
  EXPECT_EQ(by_partition.files, 0);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:p", "2:b:p", "4:null:r"}));
  // Part of a file: its other row is written again; a null predicate keeps the row.
  ASSERT_OK_AND_ASSIGN(auto by_data,
                       DeleteRows(uri_, Equal(Column("name"), Literal("a")), {}));
  EXPECT_EQ(by_data.deleted_rows, 1);
  EXPECT_EQ(by_data.rewritten_rows, 1);
  EXPECT_EQ(by_data.files, 1);
  EXPECT_EQ(Read(), (std::vector<std::string>{"2:b:p", "4:null:r"}));
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  const auto& info = *snapshot->latest_commit_info();
  EXPECT_EQ(info.operation, "DELETE");
  EXPECT_EQ(info.operation_metrics.at("numDeletedRows"), "1");
  EXPECT_EQ(info.operation_metrics.at("numCopiedRows"), "1");
  EXPECT_EQ(info.operation_parameters.at("predicate"), R"(["name = 'a'"])");
  // Nothing matching: no commit.
  ASSERT_OK_AND_ASSIGN(auto none,
                       DeleteRows(uri_, Equal(Column("id"), Literal(int64_t{99})), {}));
  EXPECT_FALSE(none.committed);
  EXPECT_EQ(none.version, 2);
  // No predicate: every row.
  ASSERT_OK_AND_ASSIGN(auto all, DeleteRows(uri_, nullptr, {}));
  EXPECT_EQ(all.deleted_rows, 2);
  EXPECT_EQ(Read(), (std::vector<std::string>{}));
  ASSERT_RAISES_DELTA(kInvalidArgument,
                      DeleteRows(uri_, Equal(Column("nope"), Literal(int64_t{1})), {}));
  ASSERT_RAISES_DELTA(
      kTableNotFound,
      DeleteRows(uri_ + "/missing", Equal(Column("id"), Literal(int64_t{1})), {}));
}

// The change data feed's rows of `uri` from `version` on, as "type:id" strings, sorted.
std::vector<std::string> ChangesFrom(const std::string& uri, int64_t version) {
  auto table = Table::Open(uri).ValueOrDie();
  auto scan = ChangeDataScanBuilder(table, version).Build().ValueOrDie();
  auto rows = scan->ToTable().ValueOrDie()->CombineChunks().ValueOrDie();
  std::vector<std::string> out;
  auto ids = rows->GetColumnByName("id");
  auto types = rows->GetColumnByName("_change_type");
  for (int64_t i = 0; i < rows->num_rows(); ++i) {
    out.push_back(types->GetScalar(i).ValueOrDie()->ToString() + ":" +
                  ids->GetScalar(i).ValueOrDie()->ToString());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(WriteTableTest, DeleteOnChangeDataTablesWritesChangeData) {
  WriteOptions options;
  options.partition_by = {"part"};
  options.configuration["delta.enableChangeDataFeed"] = "true";
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"},
                                       {"id": 2, "name": "b", "part": "p"},
                                       {"id": 3, "name": "c", "part": "q"},
                                       {"id": 4, "name": "d", "part": "r"}])"),
                       options)
                .status());
  // Part of p's file and all of q's: both files' deleted rows go to change data.
  ASSERT_OK_AND_ASSIGN(auto partial,
                       DeleteRows(uri_,
                                  Or(Equal(Column("id"), Literal(int64_t{1})),
                                     Equal(Column("part"), Literal("q"))),
                                  {}));
  EXPECT_EQ(partial.deleted_rows, 2);
  EXPECT_EQ(Read(), (std::vector<std::string>{"2:b:p", "4:d:r"}));
  EXPECT_EQ(ChangesFrom(uri_, 1), (std::vector<std::string>{"delete:1", "delete:3"}));
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "table/_change_data/part=p"));
  // Whole files only: no change data files, the removes say it.
  ASSERT_OK(DeleteRows(uri_, Equal(Column("part"), Literal("r")), {}).status());
  EXPECT_EQ(ChangesFrom(uri_, 2), (std::vector<std::string>{"delete:4"}));
}

// An empty predicate (an unset shell variable) is never taken for a missing one, which
// would overwrite, delete or update every row.
TEST(ParseRowPredicateTest, EmptyOrBlankIsRefusedNamingTheOption) {
  for (const char* text : {"", " ", "\t\n  "}) {
    auto parsed = ParseRowPredicate(text, "--replace-where");
    ASSERT_RAISES_DELTA(kInvalidArgument, parsed);
    EXPECT_NE(parsed.status().message().find("--replace-where is empty"),
              std::string::npos)
        << parsed.status().message();
  }
  ASSERT_OK_AND_ASSIGN(auto predicate, ParseRowPredicate(" part = 'q' ", "--where"));
  EXPECT_NE(predicate, nullptr);
  ASSERT_RAISES_DELTA(kInvalidArgument, ParseRowPredicate("part =", "--where"));
}

TEST_F(WriteTableTest, ReplaceWhereReplacesOnlyMatchingRows) {
  WriteOptions options;
  options.partition_by = {"part"};
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"},
                                       {"id": 2, "name": "b", "part": "p"},
                                       {"id": 3, "name": "c", "part": "q"},
                                       {"id": 4, "name": null, "part": "r"}])"),
                       options)
                .status());
  options.mode = WriteMode::kOverwrite;
  options.partition_by.clear();
  // By partition: whole files go, none is rewritten.
  options.replace_where = Equal(Column("part"), Literal("q"));
  ASSERT_OK_AND_ASSIGN(
      auto by_partition,
      WriteTable(uri_, *Rows(R"([{"id": 30, "name": "z", "part": "q"}])"), options));
  EXPECT_EQ(by_partition.removed_files, 1);
  EXPECT_EQ(by_partition.rewritten_rows, 0);
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:a:p", "2:b:p", "30:z:q", "4:null:r"}));
  // By a data column: the other rows of a touched file are written again; a row where
  // the predicate is null (name is null) is kept.
  options.replace_where = Equal(Column("name"), Literal("a"));
  ASSERT_OK_AND_ASSIGN(
      auto by_data,
      WriteTable(uri_, *Rows(R"([{"id": 10, "name": "a", "part": "s"}])"), options));
  EXPECT_EQ(by_data.removed_files, 1);
  EXPECT_EQ(by_data.rewritten_rows, 1);
  EXPECT_EQ(Read(), (std::vector<std::string>{"10:a:s", "2:b:p", "30:z:q", "4:null:r"}));

  // A written row outside the predicate fails the write, which commits nothing.
  auto outside =
      WriteTable(uri_, *Rows(R"([{"id": 11, "name": "b", "part": "s"}])"), options);
  ASSERT_RAISES_DELTA(kInvalidArgument, outside);
  EXPECT_NE(outside.status().message().find("do not match the replaceWhere"),
            std::string::npos)
      << outside.status().message();
  options.replace_where = Equal(Column("nope"), Literal("a"));
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      WriteTable(uri_, *Rows(R"([{"id": 11, "name": "a", "part": "s"}])"), options));
  options.mode = WriteMode::kAppend;
  options.replace_where = Equal(Column("name"), Literal("a"));
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      WriteTable(uri_, *Rows(R"([{"id": 11, "name": "a", "part": "s"}])"), options));
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->version(), 2);
}

TEST_F(WriteTableTest, ConstraintsAndGeneratedColumnsAreEnforced) {
  auto schema = arrow::schema({
      arrow::field("id", arrow::int64(), /*nullable=*/false),
      arrow::field(
          "twice", arrow::int64(), true,
          arrow::key_value_metadata({"delta.generationExpression"}, {"\"id * 2\""})),
      arrow::field("name", arrow::utf8(), true,
                   arrow::key_value_metadata(
                       {"delta.invariants"},
                       {R"("{\"expression\":{\"expression\":\"name <> 'bad'\"}}")"})),
  });
  WriteOptions options;
  options.configuration["delta.constraints.positive_id"] = "id > 0";
  ASSERT_OK_AND_ASSIGN(auto created, CreateTable(uri_, schema, options));
  EXPECT_EQ(created.version, 0);
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->protocol().min_writer_version, 4);  // generated columns

  options.mode = WriteMode::kAppend;
  auto without_twice = arrow::schema(
      {arrow::field("id", arrow::int64(), false), arrow::field("name", arrow::utf8())});
  ASSERT_OK(WriteTable(uri_,
                       *Rows(R"([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])",
                             without_twice),
                       options)
                .status());
  EXPECT_EQ(Read(), (std::vector<std::string>{"1:2:a", "2:4:b"}));
  auto full = arrow::schema({arrow::field("id", arrow::int64(), false),
                             arrow::field("twice", arrow::int64()),
                             arrow::field("name", arrow::utf8())});
  ASSERT_OK(
      WriteTable(uri_, *Rows(R"([{"id": 3, "twice": 6, "name": "c"}])", full), options)
          .status());
  struct Case {
    std::string rows;
    std::shared_ptr<arrow::Schema> schema;
    std::string error;
  };
  for (const auto& [rows, rows_schema, error] : std::vector<Case>{
           {R"([{"id": 4, "twice": 9, "name": "d"}])", full, "generated column twice"},
           {R"([{"id": -1, "name": "e"}])", without_twice,
            "CHECK constraint positive_id (id > 0) violated by row"},
           {R"([{"id": 5, "name": "bad"}])", without_twice, "name <> 'bad'"},
       }) {
    auto written = WriteTable(uri_, *Rows(rows, rows_schema), options);
    ASSERT_RAISES_DELTA(kInvalidArgument, written);
    EXPECT_NE(written.status().message().find(error), std::string::npos)
        << written.status().message();
    EXPECT_NE(written.status().message().find("nothing was committed"),
              std::string::npos);
  }
  ASSERT_OK_AND_ASSIGN(snapshot, table.LatestSnapshot());
  EXPECT_EQ(snapshot->version(), 2);
}

TEST_F(WriteTableTest, TablesWithUnsupportedWriterFeaturesAreRefused) {
  // Column mapping (writer 5) and row tracking + liquid clustering tables.
  for (const char* name :
       {"delta-rs/table_with_column_mapping", "delta-rs/table_with_liquid_clustering"}) {
    const auto copy = dir_->path() / std::filesystem::path(name).filename();
    ASSERT_OK(testing::CopyTable(testing::TestdataPath(name), copy));
    auto table = Table::Open(copy.string()).ValueOrDie();
    ASSERT_OK_AND_ASSIGN(auto before, table.LatestSnapshot());
    WriteOptions options;
    options.mode = WriteMode::kAppend;
    options.schema_mode = SchemaMode::kMerge;
    auto written = WriteTable(copy.string(),
                              *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options);
    ASSERT_RAISES_DELTA(kUnsupportedFeature, written);
    ASSERT_OK_AND_ASSIGN(auto after, table.LatestSnapshot());
    EXPECT_EQ(after->version(), before->version()) << name;
  }
}

TEST_F(WriteTableTest, StatsColumnsFollowTableProperties) {
  WriteOptions options;
  options.configuration["delta.dataSkippingStatsColumns"] = "name";
  ASSERT_OK(WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options)
                .status());
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  ASSERT_EQ(snapshot->files().size(), 1u);
  EXPECT_EQ(*snapshot->files()[0].stats,
            R"({"numRecords":1,"minValues":{"name":"a"},"maxValues":{"name":"a"},)"
            R"("nullCount":{"name":0}})");
}

TEST_F(WriteTableTest, TargetFileSizeHoldsWithLargeRowGroups) {
  // 200,000 rows of hard-to-compress longs (~1.6 MB) in one batch, with the default row
  // groups of 1Mi rows: row groups are cut so that files close near the target.
  arrow::Int64Builder ids;
  ASSERT_OK(ids.Reserve(200000));
  uint64_t state = 42;
  for (int i = 0; i < 200000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    ids.UnsafeAppend(static_cast<int64_t>(state >> 1));
  }
  ASSERT_OK_AND_ASSIGN(auto column, ids.Finish());
  auto schema = arrow::schema({arrow::field("id", arrow::int64())});
  auto batch = arrow::RecordBatch::Make(schema, 200000, {column});
  ASSERT_OK_AND_ASSIGN(auto reader, arrow::RecordBatchReader::Make({batch}, schema));
  WriteOptions options;
  options.data_files.target_file_size = 400 * 1000;
  ASSERT_OK_AND_ASSIGN(auto written, WriteTable(uri_, *reader, options));
  EXPECT_GE(written.files, 4);
  auto table = Table::Open(uri_).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  for (size_t i = 0; i + 1 < snapshot->files().size(); ++i) {
    EXPECT_GE(snapshot->files()[i].size, 400 * 1000) << i;
    EXPECT_LT(snapshot->files()[i].size, 2 * 400 * 1000) << i;
  }
}

TEST_F(WriteTableTest, FilesCloseAtTheTargetSizeOrRowCount) {
  WriteOptions options;
  options.data_files.max_rows_per_row_group = 1;
  options.data_files.target_file_size = 1;  // every row group closes its file
  ASSERT_OK_AND_ASSIGN(auto by_size, WriteTable(uri_, *Rows(R"([
      {"id": 1, "name": "a", "part": "p"}, {"id": 2, "name": "b", "part": "p"},
      {"id": 3, "name": "c", "part": "p"}])"),
                                                options));
  EXPECT_EQ(by_size.files, 3);
  options.mode = WriteMode::kOverwrite;
  options.data_files = {};
  options.data_files.max_rows_per_file = 2;
  std::vector<WriteProgress> seen;
  options.on_progress = [&](const WriteProgress& progress) { seen.push_back(progress); };
  ASSERT_OK_AND_ASSIGN(auto by_rows, WriteTable(uri_, *Rows(R"([
      {"id": 1, "name": "a", "part": "p"}, {"id": 2, "name": "b", "part": "p"},
      {"id": 3, "name": "c", "part": "p"}])"),
                                                options));
  EXPECT_EQ(by_rows.files, 2);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].rows, 3);
  EXPECT_EQ(seen[0].files_closed, 1);
  options.data_files.compression = "brotli?";
  ASSERT_RAISES_DELTA(
      kInvalidArgument,
      WriteTable(uri_, *Rows(R"([{"id": 1, "name": "a", "part": "p"}])"), options));
}

}  // namespace
}  // namespace deltacpp
