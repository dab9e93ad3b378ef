#include "deltacpp/ops/write_table.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <arrow/array.h>
#include <arrow/array/util.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/exec.h>
#include <arrow/compute/expression.h>
#include <arrow/type.h>
#include <arrow/util/async_generator.h>
#include <arrow/util/iterator.h>

#include "deltacpp/common/ids.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/kernel/table_features/feature_gate.h"
#include "deltacpp/ops/change_data_writer.h"
#include "deltacpp/ops/commit_parts.h"
#include "deltacpp/ops/write_constraints.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/change_data.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/scan/row_filter.h"
#include "deltacpp/scan/scan.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {

namespace {

using internal::CheckProtocolCovers;
using internal::JsonString;
using internal::JsonStringArray;
using internal::RemovalOf;

bool IsPartitionable(const arrow::DataType& type) {
  return !arrow::is_nested(type.id()) && type.id() != arrow::Type::BINARY;
}

Status CheckPartitionColumns(const arrow::Schema& schema,
                             const std::vector<std::string>& partitions) {
  for (const auto& column : partitions) {
    auto field = schema.GetFieldByName(column);
    if (field == nullptr) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "partition column '", column,
                        "' is not in the data");
    }
    if (!IsPartitionable(*field->type())) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", column, "' is a ",
                        DeltaTypeString(*field->type()),
                        ", which cannot be a partition column");
    }
  }
  if (static_cast<int>(partitions.size()) >= schema.num_fields() &&
      schema.num_fields() > 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "every column would be a partition column: a table needs at "
                      "least one data column");
  }
  return Status::OK();
}

// True when a table of protocol `current` may hold what needs `needed`.
bool ProtocolCovers(const Protocol& current, const Protocol& needed) {
  if (current.min_reader_version < needed.min_reader_version ||
      current.min_writer_version < needed.min_writer_version) {
    return false;
  }
  auto covers = [](const std::optional<std::vector<std::string>>& has,
                   const std::optional<std::vector<std::string>>& wants) {
    if (!wants.has_value()) return true;
    if (!has.has_value()) return wants->empty();
    return std::all_of(wants->begin(), wants->end(), [&](const std::string& feature) {
      return std::find(has->begin(), has->end(), feature) != has->end();
    });
  };
  return covers(current.reader_features, needed.reader_features) &&
         covers(current.writer_features, needed.writer_features);
}

// A bound predicate evaluated on batches of one schema.
class RowPredicate {
 public:
  static Result<RowPredicate> Make(const PredicatePtr& bound,
                                   const arrow::Schema& schema) {
    RowPredicate predicate;
    DELTACPP_ASSIGN_OR_RAISE(predicate.expression_,
                             ToArrowExpression(*bound).Bind(schema));
    return predicate;
  }

  /// True where the predicate is true; false where it is false or null.
  Result<std::shared_ptr<arrow::BooleanArray>> Holds(
      const arrow::RecordBatch& batch) const {
    return TrueRows(expression_, batch);
  }

 private:
  arrow::compute::Expression expression_;
};

int64_t CountTrue(const arrow::BooleanArray& mask) { return mask.true_count(); }

// Everything one WriteTable call decides before it writes rows.
struct WritePlan {
  std::shared_ptr<arrow::Schema> schema;  // the table's after this write
  std::vector<std::string> partitions;
  std::set<std::string> omitted;  // generated columns the data lacks
  PredicatePtr replace_where;     // bound to `schema`
  std::optional<WriteConstraints> constraints;
};

class TableWriter {
 public:
  TableWriter(const Table& table, Transaction& txn, const WriteOptions& options,
              WritePlan plan, DataFileOptions files)
      : txn_(txn),
        options_(options),
        plan_(std::move(plan)),
        writer_(table.store(), plan_.schema, plan_.partitions, std::move(files)) {}

  Status WriteData(arrow::RecordBatchReader& data) {
    std::optional<RowPredicate> replace_where;
    // The next batches are read on a thread of their own while this one is written.
    auto source = arrow::MakeFunctionIterator(
        [&data]() -> arrow::Result<std::shared_ptr<arrow::RecordBatch>> {
          std::shared_ptr<arrow::RecordBatch> batch;
          ARROW_RETURN_NOT_OK(data.ReadNext(&batch));
          return batch;
        });
    DELTACPP_ASSIGN_OR_RAISE(auto batches,
                             arrow::MakeReadaheadIterator(std::move(source), 2));
    while (true) {
      DELTACPP_ASSIGN_OR_RAISE(auto input, batches.Next());
      if (input == nullptr) break;
      if (input->num_rows() == 0) continue;
      DELTACPP_ASSIGN_OR_RAISE(auto batch,
                               ConformBatch(*input, *plan_.schema, plan_.omitted));
      if (!plan_.constraints->empty()) {
        auto checked = plan_.constraints->Apply(batch);
        if (!checked.ok()) {
          return DeltaError(DeltaErrorCode::kInvalidArgument, checked.status().message(),
                            "; nothing was committed");
        }
        batch = *std::move(checked);
      }
      if (plan_.replace_where != nullptr) {
        if (!replace_where) {
          DELTACPP_ASSIGN_OR_RAISE(
              replace_where, RowPredicate::Make(plan_.replace_where, *batch->schema()));
        }
        DELTACPP_ASSIGN_OR_RAISE(auto holds, replace_where->Holds(*batch));
        const int64_t outside = batch->num_rows() - CountTrue(*holds);
        if (outside > 0) {
          return DeltaError(DeltaErrorCode::kInvalidArgument, outside,
                            " row(s) of the data do not match the replaceWhere "
                            "predicate ",
                            plan_.replace_where->ToString(), "; nothing was committed");
        }
      }
      DELTACPP_RETURN_NOT_OK(writer_.Write(batch));
      if (options_.on_progress) options_.on_progress(writer_.progress());
    }
    return Status::OK();
  }

  // Makes RemoveMatchingRows write the rows it removes to change data files (a table
  // with the change data feed).
  void RecordChangeData(const Table& table, DataFileOptions options) {
    changes_.emplace(table.store(), plan_.schema, plan_.partitions, std::move(options));
  }
  int64_t removed_files() const { return removed_; }

  // Removes every file of the snapshot read.
  void RemoveAll() {
    const int64_t now = NowMillis();
    for (const auto& file : txn_.read_snapshot()->files()) {
      txn_.Remove(RemovalOf(file, now));
      ++removed_;
    }
  }

  // Removes the rows matching the replaceWhere predicate: files whose rows all match
  // go; files with some matching rows go and their other rows are written again.
  // Files the predicate's partition values or statistics rule out are not opened.
  Status RemoveMatchingRows() {
    const auto& snapshot = txn_.read_snapshot();
    const auto& predicate = options_.replace_where;
    DELTACPP_ASSIGN_OR_RAISE(auto candidates,
                             ScanBuilder(snapshot).Filter(predicate).Build());
    std::vector<std::string> referenced;
    for (const auto& column : ReferencedColumns(candidates->filter())) {
      if (std::find(referenced.begin(), referenced.end(), column->column[0]) ==
          referenced.end()) {
        referenced.push_back(column->column[0]);
      }
    }
    // A predicate of no column (TRUE) still needs one to count rows by.
    if (referenced.empty()) referenced.push_back(snapshot->schema()->field(0)->name());
    // First the columns the predicate reads, to count matches; the whole rows only for
    // files that keep some.
    DELTACPP_ASSIGN_OR_RAISE(
        auto probe, ScanBuilder(snapshot).Select(referenced).Parallelism(1).Build());
    DELTACPP_ASSIGN_OR_RAISE(auto whole, ScanBuilder(snapshot).Parallelism(1).Build());
    DELTACPP_ASSIGN_OR_RAISE(auto bound_probe,
                             BindPredicate(predicate, *probe->schema()));
    DELTACPP_ASSIGN_OR_RAISE(auto in_probe,
                             RowPredicate::Make(bound_probe, *probe->schema()));
    DELTACPP_ASSIGN_OR_RAISE(auto bound_whole,
                             BindPredicate(predicate, *whole->schema()));
    DELTACPP_ASSIGN_OR_RAISE(auto in_whole,
                             RowPredicate::Make(bound_whole, *whole->schema()));
    struct Touched {
      const AddFile* file;
      int64_t rows = 0;
      int64_t matching = 0;
    };
    std::vector<Touched> touched;
    for (const AddFile* file : candidates->Files()) {
      Touched counts{file};
      DELTACPP_ASSIGN_OR_RAISE(auto reader, probe->ExecuteFiles({file}));
      while (true) {
        std::shared_ptr<arrow::RecordBatch> batch;
        DELTACPP_RETURN_NOT_OK(reader->ReadNext(&batch));
        if (batch == nullptr) break;
        DELTACPP_ASSIGN_OR_RAISE(auto holds, in_probe.Holds(*batch));
        counts.rows += batch->num_rows();
        counts.matching += CountTrue(*holds);
      }
      if (counts.matching > 0) touched.push_back(counts);
    }
    // A reader of the change data feed takes a version's changes from its change data
    // files alone once it has any: when one file keeps rows (so its removal is not a
    // delete of all of them), or has a deletion vector (whose rows some readers would
    // take as deleted again), every removed row goes to change data.
    const bool record_changes =
        changes_.has_value() &&
        std::any_of(touched.begin(), touched.end(), [](const Touched& t) {
          return t.matching < t.rows || t.file->deletion_vector.has_value();
        });
    const int64_t now = NowMillis();
    for (const auto& [file, rows, matching] : touched) {
      txn_.Remove(RemovalOf(*file, now));
      ++removed_;
      matched_rows_ += matching;
      if (matching == rows && !record_changes) continue;
      DELTACPP_ASSIGN_OR_RAISE(auto reader, whole->ExecuteFiles({file}));
      while (true) {
        std::shared_ptr<arrow::RecordBatch> batch;
        DELTACPP_RETURN_NOT_OK(reader->ReadNext(&batch));
        if (batch == nullptr) break;
        DELTACPP_ASSIGN_OR_RAISE(auto holds, in_whole.Holds(*batch));
        if (record_changes) {
          DELTACPP_ASSIGN_OR_RAISE(auto gone, arrow::compute::Filter(batch, holds));
          DELTACPP_ASSIGN_OR_RAISE(auto conformed,
                                   ConformBatch(*gone.record_batch(), *plan_.schema, {}));
          DELTACPP_RETURN_NOT_OK(changes_->Write(conformed, "delete"));
        }
        if (matching == rows) continue;
        DELTACPP_ASSIGN_OR_RAISE(auto keep, arrow::compute::Invert(arrow::Datum(holds)));
        DELTACPP_ASSIGN_OR_RAISE(auto kept, arrow::compute::Filter(batch, keep));
        DELTACPP_ASSIGN_OR_RAISE(auto conformed,
                                 ConformBatch(*kept.record_batch(), *plan_.schema, {}));
        rewritten_rows_ += conformed->num_rows();
        DELTACPP_RETURN_NOT_OK(writer_.Write(conformed));
      }
    }
    return Status::OK();
  }

  Result<WriteResult> Commit(Operation operation) {
    DELTACPP_ASSIGN_OR_RAISE(auto added, writer_.Close());
    WriteResult result;
    result.files = static_cast<int64_t>(added.size());
    result.rows = writer_.progress().rows;
    result.bytes = writer_.progress().bytes_closed;
    result.removed_files = removed_;
    result.rewritten_rows = rewritten_rows_;
    for (auto& add : added) txn_.Add(std::move(add));
    int64_t change_files = 0;
    if (changes_.has_value()) {
      DELTACPP_ASSIGN_OR_RAISE(auto files, changes_->Close());
      change_files = static_cast<int64_t>(files.size());
      for (auto& file : files) txn_.AddChangeFile(std::move(file));
    }
    for (SetTransaction app : options_.app_transactions) {
      if (!app.last_updated) app.last_updated = NowMillis();
      txn_.SetAppTransaction(std::move(app));
    }
    if (operation.name != "DELETE") {
      operation.parameters["partitionBy"] = JsonStringArray(plan_.partitions);
    }
    result.deleted_rows = matched_rows_;
    if (operation.name == "DELETE") {
      operation.metrics = {{"numDeletedRows", std::to_string(matched_rows_)},
                           {"numRemovedFiles", std::to_string(removed_)},
                           {"numAddedFiles", std::to_string(result.files)},
                           {"numAddedChangeFiles", std::to_string(change_files)}};
    }
    if (operation.name == "WRITE") {
      operation.metrics = {{"numFiles", std::to_string(result.files)},
                           {"numOutputRows", std::to_string(result.rows)},
                           {"numOutputBytes", std::to_string(result.bytes)},
                           {"numRemovedFiles", std::to_string(removed_)}};
    }
    if (plan_.replace_where != nullptr) {
      operation.parameters["predicate"] =
          JsonStringArray({options_.replace_where->ToString()});
      operation.metrics["numCopiedRows"] = std::to_string(rewritten_rows_);
    }
    DELTACPP_ASSIGN_OR_RAISE(result.version, txn_.Commit(operation, options_.commit));
    result.committed = true;
    return result;
  }

 private:
  Transaction& txn_;
  const WriteOptions& options_;
  WritePlan plan_;
  PartitionedWriter writer_;
  int64_t removed_ = 0;
  int64_t rewritten_rows_ = 0;
  int64_t matched_rows_ = 0;
  std::optional<ChangeDataWriter> changes_;
};

const char* ModeName(WriteMode mode) {
  switch (mode) {
    case WriteMode::kAppend:
      return "Append";
    case WriteMode::kOverwrite:
      return "Overwrite";
    case WriteMode::kErrorIfExists:
      return "ErrorIfExists";
    case WriteMode::kIgnore:
      return "Ignore";
  }
  return "Append";
}

}  // namespace

Result<WriteMode> ParseWriteMode(std::string_view text) {
  if (text == "error") return WriteMode::kErrorIfExists;
  if (text == "append") return WriteMode::kAppend;
  if (text == "overwrite") return WriteMode::kOverwrite;
  if (text == "ignore") return WriteMode::kIgnore;
  return DeltaError(DeltaErrorCode::kInvalidArgument, "unknown write mode '", text,
                    "' (error, append, overwrite or ignore)");
}

Result<PredicatePtr> ParseRowPredicate(std::string_view text, std::string_view what) {
  const bool blank = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
  });
  if (blank) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, what,
                      " is empty: give a condition (an empty predicate is never "
                      "taken to mean every row)");
  }
  return ParsePredicate(text);
}

namespace {

// The metadata of a table being created (or replaced, keeping its id) with plan.schema:
// partitioned as asked (plan.partitions set here), named and configured by `options`.
Status StartNewTable(const WriteOptions& options, WritePlan& plan, Metadata& metadata) {
  plan.partitions = options.partition_by;
  DELTACPP_RETURN_NOT_OK(CheckPartitionColumns(*plan.schema, plan.partitions));
  metadata.name = options.name;
  metadata.description = options.description;
  DELTACPP_ASSIGN_OR_RAISE(metadata.schema_string, SchemaToJson(*plan.schema));
  metadata.partition_columns = plan.partitions;
  metadata.configuration = options.configuration;
  metadata.created_time = NowMillis();
  return Status::OK();
}

// WriteTable, or with `create_schema` CreateTable.
Result<WriteResult> Write(const std::string& table_uri, arrow::RecordBatchReader& data,
                          const WriteOptions& options,
                          const std::shared_ptr<arrow::Schema>& create_schema) {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  DELTACPP_RETURN_NOT_OK(ValidateDataFileOptions(options.data_files));
  const bool overwrite = options.mode == WriteMode::kOverwrite;
  if (options.schema_mode == SchemaMode::kOverwrite && !overwrite) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "schema mode overwrite needs write mode overwrite");
  }
  if (options.replace_where != nullptr && !overwrite) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "a replaceWhere predicate needs write mode overwrite");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(table_uri));
  DELTACPP_ASSIGN_OR_RAISE(auto txn, Transaction::Begin(table));
  const auto& snapshot = txn.read_snapshot();
  DELTACPP_ASSIGN_OR_RAISE(auto data_schema, StorageSchema(*data.schema()));
  WritePlan plan;
  Metadata metadata;
  if (snapshot != nullptr) {
    if (options.mode == WriteMode::kErrorIfExists) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "table ", table.uri(),
                        " already exists (version ", snapshot->version(),
                        "): write with mode append or overwrite");
    }
    if (options.mode == WriteMode::kIgnore) {
      WriteResult result;
      result.version = snapshot->version();
      return result;
    }
    DELTACPP_ASSIGN_OR_RAISE(
        auto mapping, TableConfiguration(snapshot->metadata()).column_mapping_mode());
    if (mapping != ColumnMappingMode::kNone) {
      return DeltaError(DeltaErrorCode::kUnsupportedFeature, "table ", table.uri(),
                        " uses column mapping, which delta-cpp does not write yet");
    }
    metadata = snapshot->metadata();
    plan.partitions = snapshot->partition_columns();
    if (create_schema != nullptr) {
      // CREATE OR REPLACE: the table keeps its id and history; everything else is new.
      plan.schema = create_schema;
      DELTACPP_RETURN_NOT_OK(StartNewTable(options, plan, metadata));
      DELTACPP_ASSIGN_OR_RAISE(auto needed, ProtocolForNewTable(*plan.schema, metadata));
      // A protocol is never downgraded; delta-cpp upgrades only a legacy one to a
      // higher one.
      const Protocol& current = snapshot->protocol();
      if (!ProtocolCovers(current, needed)) {
        if (current.writer_features.has_value() ||
            needed.min_reader_version < current.min_reader_version ||
            needed.min_writer_version < current.min_writer_version) {
          return DeltaError(DeltaErrorCode::kUnsupportedFeature, "table ", table.uri(),
                            " cannot be replaced: the new table needs a protocol its "
                            "current one does not cover, and delta-cpp does not merge "
                            "protocols yet");
        }
        txn.SetProtocol(std::move(needed));
      }
      txn.SetMetadata(metadata);
    } else if (options.schema_mode == SchemaMode::kOverwrite) {
      if (!options.partition_by.empty()) plan.partitions = options.partition_by;
    } else if (!options.partition_by.empty() && options.partition_by != plan.partitions) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "table ", table.uri(),
                        " is partitioned by other columns than the write asks for "
                        "(schema mode overwrite repartitions it)");
    }
    if (create_schema == nullptr) {
      std::set<std::string> generated;
      {
        DELTACPP_ASSIGN_OR_RAISE(
            auto current,
            WriteConstraints::Make(snapshot->schema(), metadata.configuration));
        for (const auto& field : snapshot->schema()->fields()) {
          if (current.IsGenerated(field->name())) generated.insert(field->name());
        }
      }
      DELTACPP_ASSIGN_OR_RAISE(
          plan.schema, ResolveWriteSchema(snapshot->schema(), data_schema,
                                          options.schema_mode, generated, table.uri()));
      if (!plan.schema->Equals(*snapshot->schema(), /*check_metadata=*/true) ||
          plan.partitions != snapshot->partition_columns()) {
        DELTACPP_RETURN_NOT_OK(CheckPartitionColumns(*plan.schema, plan.partitions));
        DELTACPP_ASSIGN_OR_RAISE(metadata.schema_string, SchemaToJson(*plan.schema));
        metadata.partition_columns = plan.partitions;
        DELTACPP_RETURN_NOT_OK(
            CheckProtocolCovers(snapshot->protocol(), *plan.schema, metadata));
        txn.SetMetadata(metadata);
      }
    }
  } else {
    if (!options.allow_non_empty_location) {
      DELTACPP_RETURN_NOT_OK(CheckLocationForNewTable(*table.store()));
    }
    plan.schema = create_schema != nullptr ? create_schema : data_schema;
    metadata.id = RandomUuid();
    DELTACPP_RETURN_NOT_OK(StartNewTable(options, plan, metadata));
    DELTACPP_ASSIGN_OR_RAISE(auto protocol, ProtocolForNewTable(*plan.schema, metadata));
    txn.SetProtocol(std::move(protocol));
    txn.SetMetadata(metadata);
  }
  if (options.replace_where != nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(plan.replace_where,
                             BindPredicate(options.replace_where, *plan.schema));
    if (snapshot != nullptr && TableConfiguration(metadata).change_data_feed_enabled()) {
      for (const auto& column : ReferencedColumns(plan.replace_where)) {
        if (std::find(plan.partitions.begin(), plan.partitions.end(),
                      column->column[0]) == plan.partitions.end()) {
          return DeltaError(DeltaErrorCode::kUnsupportedFeature, "table ", table.uri(),
                            " has the change data feed on: delta-cpp replaces rows "
                            "there only by partition columns, and ",
                            column->column[0], " is not one");
        }
      }
    }
  }
  DELTACPP_ASSIGN_OR_RAISE(plan.constraints,
                           WriteConstraints::Make(plan.schema, metadata.configuration));
  for (const auto& field : plan.schema->fields()) {
    if (plan.constraints->IsGenerated(field->name()) &&
        data_schema->GetFieldIndex(field->name()) < 0) {
      plan.omitted.insert(field->name());
    }
  }
  DataFileOptions files = options.data_files;
  DELTACPP_ASSIGN_OR_RAISE(files.stats_columns,
                           StatsColumns::FromConfiguration(metadata.configuration));

  // Overwrites decide what to remove from what they read: files others add or remove
  // concurrently conflict with them.
  if (overwrite) txn.SetReadsData(true);
  TableWriter writer(table, txn, options, std::move(plan), std::move(files));
  DELTACPP_RETURN_NOT_OK(writer.WriteData(data));
  if (overwrite && snapshot != nullptr) {
    if (options.replace_where != nullptr) {
      DELTACPP_RETURN_NOT_OK(writer.RemoveMatchingRows());
    } else {
      writer.RemoveAll();
    }
  }
  Operation operation;
  if (create_schema != nullptr) {
    operation.name = snapshot != nullptr ? "CREATE OR REPLACE TABLE" : "CREATE TABLE";
    operation.parameters["isManaged"] = "false";
    if (options.description) operation.parameters["description"] = *options.description;
    std::string properties = "{";
    for (const auto& [key, value] : options.configuration) {
      properties +=
          (properties.size() > 1 ? "," : "") + JsonString(key) + ":" + JsonString(value);
    }
    operation.parameters["properties"] = properties + "}";
  } else {
    operation.name = "WRITE";
    operation.parameters["mode"] = ModeName(options.mode);
  }
  return writer.Commit(std::move(operation));
}

}  // namespace

Result<WriteResult> WriteTable(const std::string& table_uri,
                               arrow::RecordBatchReader& data,
                               const WriteOptions& options) {
  return Write(table_uri, data, options, nullptr);
}

Result<WriteResult> CreateTable(const std::string& table_uri,
                                const std::shared_ptr<arrow::Schema>& schema,
                                const WriteOptions& options) {
  if (options.mode == WriteMode::kAppend) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "creating a table takes mode error, ignore or overwrite");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto storage, StorageSchema(*schema));
  for (int i = 0; i < schema->num_fields(); ++i) {
    if (!storage->field(i)->type()->Equals(*schema->field(i)->type())) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "column '",
                        schema->field(i)->name(), "' has type ",
                        schema->field(i)->type()->ToString(), ", which Delta stores as ",
                        DeltaTypeString(*storage->field(i)->type()), ": use that type");
    }
  }
  auto empty = arrow::RecordBatchReader::Make({}, schema);
  if (!empty.ok()) return empty.status();
  return Write(table_uri, **empty, options, schema);
}

Result<WriteResult> DeleteRows(const std::string& table_uri,
                               const PredicatePtr& predicate,
                               const WriteOptions& options) {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  DELTACPP_RETURN_NOT_OK(ValidateDataFileOptions(options.data_files));
  DELTACPP_ASSIGN_OR_RAISE(auto rewrite,
                           internal::BeginRewrite(table_uri, "delete from"));
  auto& [table, txn] = rewrite;
  const auto& snapshot = txn.read_snapshot();
  const Metadata& metadata = snapshot->metadata();
  WriteOptions delete_options = options;
  // Without a predicate every row goes; TRUE says so in the same machinery.
  delete_options.replace_where = predicate != nullptr ? predicate : Literal(true);
  WritePlan plan;
  plan.schema = snapshot->schema();
  plan.partitions = snapshot->partition_columns();
  DELTACPP_ASSIGN_OR_RAISE(plan.replace_where,
                           BindPredicate(delete_options.replace_where, *plan.schema));
  DELTACPP_ASSIGN_OR_RAISE(plan.constraints,
                           WriteConstraints::Make(plan.schema, metadata.configuration));
  DataFileOptions files = options.data_files;
  DELTACPP_ASSIGN_OR_RAISE(files.stats_columns,
                           StatsColumns::FromConfiguration(metadata.configuration));
  txn.SetReadsData(true);
  TableWriter writer(table, txn, delete_options, std::move(plan), std::move(files));
  if (TableConfiguration(metadata).change_data_feed_enabled()) {
    writer.RecordChangeData(table, options.data_files);
  }
  DELTACPP_RETURN_NOT_OK(writer.RemoveMatchingRows());
  if (writer.removed_files() == 0) {
    WriteResult result;  // nothing matched: nothing to commit
    result.version = snapshot->version();
    return result;
  }
  Operation operation;
  operation.name = "DELETE";
  return writer.Commit(std::move(operation));
}

}  // namespace deltacpp
