// Writing: write_deltalake and DeltaTable.create over ops/write_table.h.

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "deltacpp/common/ids.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/ops/merge.h"
#include "deltacpp/ops/update.h"
#include "deltacpp/ops/vacuum.h"
#include "deltacpp/ops/write_table.h"
#include "deltacpp/python/arrow_capsule.h"
#include "deltacpp/python/bindings.h"
#include "deltacpp/python/errors.h"

namespace nb = nanobind;

namespace deltacpp::python {
namespace {

// What the Python layer fills in: WriteOptions, with the predicate as text and the
// application transactions as tuples; turned into WriteOptions without the GIL.
struct WriteRequest {
  std::string mode = "error";
  std::string schema_mode = "reject";
  std::optional<std::string> predicate;
  std::vector<std::string> partition_by;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::map<std::string, std::string> configuration;
  DataFileOptions data_files;
  CommitOptions commit;
  // (app id, version, last updated ms or None)
  std::vector<std::tuple<std::string, int64_t, std::optional<int64_t>>> app_transactions;
};

WriteOptions ToWriteOptions(const WriteRequest& request) {
  WriteOptions options;
  options.mode = ValueOrThrow(ParseWriteMode(request.mode));
  options.schema_mode = ValueOrThrow(ParseSchemaMode(request.schema_mode));
  if (request.predicate) {
    // An empty predicate is refused, never read as "every row" (ParseRowPredicate).
    options.replace_where =
        ValueOrThrow(ParseRowPredicate(*request.predicate, "predicate"));
  }
  options.partition_by = request.partition_by;
  options.name = request.name;
  options.description = request.description;
  options.configuration = request.configuration;
  options.data_files = request.data_files;
  options.commit = request.commit;
  for (const auto& [app_id, version, last_updated] : request.app_transactions) {
    options.app_transactions.push_back({app_id, version, last_updated});
  }
  return options;
}

nb::dict ResultDict(const WriteResult& result) {
  nb::dict out;
  out["version"] = result.version;
  out["committed"] = result.committed;
  out["num_added_files"] = result.files;
  out["num_added_rows"] = result.rows;
  out["num_added_bytes"] = result.bytes;
  out["num_removed_files"] = result.removed_files;
  out["num_copied_rows"] = result.rewritten_rows;
  out["num_deleted_rows"] = result.deleted_rows;
  return out;
}

// One WHEN clause from Python: (when, action, condition or None, assignments as
// (column, expression) texts, all columns, except columns).
using ClauseTuple = std::tuple<std::string, std::string, std::optional<std::string>,
                               std::vector<std::pair<std::string, std::string>>, bool,
                               std::vector<std::string>>;

MergeOptions ToMergeOptions(const std::string& source_alias,
                            const std::string& target_alias,
                            const std::vector<ClauseTuple>& clauses, bool merge_schema,
                            const WriteRequest& request) {
  MergeOptions options;
  options.merge_schema = merge_schema;
  options.source_alias = source_alias;
  options.target_alias = target_alias;
  options.data_files = request.data_files;
  options.commit = request.commit;
  options.app_transactions = ToWriteOptions(request).app_transactions;
  for (const auto& [when, action, condition, assignments, all_columns, except] :
       clauses) {
    MergeClause clause;
    if (action == "update") {
      clause.action = MergeAction::kUpdate;
    } else if (action == "delete") {
      clause.action = MergeAction::kDelete;
    } else if (action == "insert") {
      clause.action = MergeAction::kInsert;
    } else {
      throw nb::value_error(("unknown merge action '" + action + "'").c_str());
    }
    if (condition) {
      clause.condition = ValueOrThrow(ParseRowPredicate(*condition, "clause predicate"));
    }
    for (const auto& [column, value] : assignments) {
      clause.assignments.emplace_back(column, ValueOrThrow(ParseExpression(value)));
    }
    clause.all_columns = all_columns;
    clause.except_columns = except;
    if (when == "matched") {
      options.when_matched.push_back(std::move(clause));
    } else if (when == "not_matched") {
      options.when_not_matched.push_back(std::move(clause));
    } else if (when == "not_matched_by_source") {
      options.when_not_matched_by_source.push_back(std::move(clause));
    } else {
      throw nb::value_error(("unknown merge clause kind '" + when + "'").c_str());
    }
  }
  return options;
}

// deltalake's merge metrics, and the version.
nb::dict MergeResultDict(const MergeResult& result) {
  nb::dict out;
  out["version"] = result.version;
  out["num_source_rows"] = result.num_source_rows;
  out["num_target_rows_inserted"] = result.num_target_rows_inserted;
  out["num_target_rows_updated"] = result.num_target_rows_updated;
  out["num_target_rows_deleted"] = result.num_target_rows_deleted;
  out["num_target_rows_copied"] = result.num_target_rows_copied;
  out["num_output_rows"] = result.num_output_rows;
  out["num_target_files_scanned"] = result.num_target_files_scanned;
  out["num_target_files_skipped_during_scan"] = result.num_target_files_skipped;
  out["num_target_files_added"] = result.num_target_files_added;
  out["num_target_files_removed"] = result.num_target_files_removed;
  out["execution_time_ms"] = result.execution_time_ms;
  out["scan_time_ms"] = result.scan_time_ms;
  out["rewrite_time_ms"] = result.rewrite_time_ms;
  return out;
}

}  // namespace

void BindWrite(nb::module_& module) {
  nb::class_<ParquetColumnOptions>(
      module, "ParquetColumnOptions",
      "Parquet settings of one column (None: Arrow's default).")
      .def(nb::init<>())
      .def_rw("dictionary", &ParquetColumnOptions::dictionary)
      .def_rw("statistics", &ParquetColumnOptions::statistics)
      .def_rw("bloom_filter_fpp", &ParquetColumnOptions::bloom_filter_fpp)
      .def_rw("bloom_filter_ndv", &ParquetColumnOptions::bloom_filter_ndv)
      .def_rw("encoding", &ParquetColumnOptions::encoding);

  nb::class_<DataFileOptions>(module, "DataFileOptions",
                              "How data files are written (ops/partitioned_writer.h).")
      .def(nb::init<>())
      .def_rw("compression", &DataFileOptions::compression)
      .def_rw("compression_level", &DataFileOptions::compression_level)
      .def_rw("max_rows_per_file", &DataFileOptions::max_rows_per_file)
      .def_rw("target_file_size", &DataFileOptions::target_file_size)
      .def_rw("max_rows_per_row_group", &DataFileOptions::max_rows_per_row_group)
      .def_rw("data_page_size", &DataFileOptions::data_page_size)
      .def_rw("dictionary_page_size", &DataFileOptions::dictionary_page_size)
      .def_rw("data_page_row_count", &DataFileOptions::data_page_row_count)
      .def_rw("write_batch_size", &DataFileOptions::write_batch_size)
      .def_rw("default_columns", &DataFileOptions::default_columns)
      .def_rw("columns", &DataFileOptions::columns);

  nb::class_<CommitOptions>(module, "CommitOptions",
                            "How a commit is made (txn/transaction.h).")
      .def(nb::init<>())
      .def_rw("max_attempts", &CommitOptions::max_attempts)
      .def_rw("checkpoint", &CommitOptions::checkpoint)
      .def_rw("cleanup_expired_logs", &CommitOptions::cleanup_expired_logs)
      .def_rw("custom_metadata", &CommitOptions::custom_metadata);

  nb::class_<WriteRequest>(module, "WriteRequest",
                           "The options of write and create, as plain values.")
      .def(nb::init<>())
      .def_rw("mode", &WriteRequest::mode)
      .def_rw("schema_mode", &WriteRequest::schema_mode)
      .def_rw("predicate", &WriteRequest::predicate)
      .def_rw("partition_by", &WriteRequest::partition_by)
      .def_rw("name", &WriteRequest::name)
      .def_rw("description", &WriteRequest::description)
      .def_rw("configuration", &WriteRequest::configuration)
      .def_rw("data_files", &WriteRequest::data_files)
      .def_rw("commit", &WriteRequest::commit)
      .def_rw("app_transactions", &WriteRequest::app_transactions);

  // The stream is read on a background thread (WriteTable reads ahead), so the GIL must
  // be free while it runs: a stream backed by Python code takes it batch by batch.
  module.def(
      "write",
      [](const std::string& uri, nb::handle stream_capsule, const WriteRequest& request) {
        auto reader = ImportStream(stream_capsule);
        WriteResult result;
        {
          nb::gil_scoped_release released;
          const WriteOptions options = ToWriteOptions(request);
          result = ValueOrThrow(WriteTable(uri, *reader, options));
          reader.reset();  // a Python-backed stream is released without the GIL held
        }
        return ResultDict(result);
      },
      nb::arg("uri"), nb::arg("stream"), nb::arg("request"),
      "Writes an arrow_array_stream capsule's rows to the table at `uri`.");
  module.def(
      "create",
      [](const std::string& uri, nb::handle schema_capsule, const WriteRequest& request) {
        auto schema = ImportSchema(schema_capsule);
        WriteResult result;
        {
          nb::gil_scoped_release released;
          result = ValueOrThrow(CreateTable(uri, schema, ToWriteOptions(request)));
        }
        return ResultDict(result);
      },
      nb::arg("uri"), nb::arg("schema"), nb::arg("request"),
      "Creates (or with mode overwrite replaces) the table at `uri` with no rows.");
  module.def(
      "delete",
      [](const std::string& uri, std::optional<std::string> predicate,
         const WriteRequest& request) {
        WriteResult result;
        {
          nb::gil_scoped_release released;
          PredicatePtr parsed;
          if (predicate)
            parsed = ValueOrThrow(ParseRowPredicate(*predicate, "predicate"));
          result = ValueOrThrow(DeleteRows(uri, parsed, ToWriteOptions(request)));
        }
        return ResultDict(result);
      },
      nb::arg("uri"), nb::arg("predicate").none(), nb::arg("request"),
      "Deletes the rows where `predicate` holds (all rows for None).");
  module.def(
      "merge",
      [](const std::string& uri, nb::handle stream_capsule, const std::string& predicate,
         const std::string& source_alias, const std::string& target_alias,
         const std::vector<ClauseTuple>& clauses, bool merge_schema,
         const WriteRequest& request) {
        auto reader = ImportStream(stream_capsule);
        MergeResult result;
        {
          nb::gil_scoped_release released;
          auto on = ValueOrThrow(ParseRowPredicate(predicate, "predicate"));
          const MergeOptions options =
              ToMergeOptions(source_alias, target_alias, clauses, merge_schema, request);
          result = ValueOrThrow(MergeIntoTable(uri, *reader, on, options));
          reader.reset();
        }
        return MergeResultDict(result);
      },
      nb::arg("uri"), nb::arg("source"), nb::arg("predicate"), nb::arg("source_alias"),
      nb::arg("target_alias"), nb::arg("clauses"), nb::arg("merge_schema"),
      nb::arg("request"),
      "Merges an arrow_array_stream capsule's rows into the table at `uri`; clauses are "
      "(when, action, condition, assignments, all_columns, except_columns) tuples.");
  module.def(
      "update",
      [](const std::string& uri, std::optional<std::string> predicate,
         const std::vector<std::pair<std::string, std::string>>& assignments,
         const WriteRequest& request) {
        UpdateResult result;
        {
          nb::gil_scoped_release released;
          PredicatePtr where;
          if (predicate) where = ValueOrThrow(ParseRowPredicate(*predicate, "predicate"));
          std::vector<std::pair<std::string, PredicatePtr>> values;
          for (const auto& [column, value] : assignments) {
            values.emplace_back(column, ValueOrThrow(ParseExpression(value)));
          }
          UpdateOptions options;
          options.data_files = request.data_files;
          options.commit = request.commit;
          options.app_transactions = ToWriteOptions(request).app_transactions;
          result = ValueOrThrow(UpdateRows(uri, where, std::move(values), options));
        }
        nb::dict out;
        out["version"] = result.version;
        out["num_added_files"] = result.num_added_files;
        out["num_removed_files"] = result.num_removed_files;
        out["num_updated_rows"] = result.num_updated_rows;
        out["num_copied_rows"] = result.num_copied_rows;
        out["execution_time_ms"] = result.execution_time_ms;
        out["scan_time_ms"] = result.scan_time_ms;
        return out;
      },
      nb::arg("uri"), nb::arg("predicate").none(), nb::arg("assignments"),
      nb::arg("request"),
      "Sets columns (column, SQL value) in the rows where `predicate` holds (all for "
      "None).");
  module.def(
      "vacuum",
      [](const std::string& uri, std::optional<int64_t> retention_ms, bool dry_run,
         bool enforce_retention, bool full, std::vector<int64_t> keep_versions,
         const WriteRequest& request) {
        nb::gil_scoped_release released;
        VacuumOptions options;
        options.retention_ms = retention_ms;
        options.dry_run = dry_run;
        options.enforce_retention = enforce_retention;
        options.mode = full ? VacuumMode::kFull : VacuumMode::kLite;
        options.keep_versions = std::move(keep_versions);
        options.commit = request.commit;
        auto table = ValueOrThrow(Table::Open(uri));
        return ValueOrThrow(Vacuum(table, NowMillis(), options)).deleted;
      },
      nb::arg("uri"), nb::arg("retention_ms").none(), nb::arg("dry_run"),
      nb::arg("enforce_retention"), nb::arg("full"), nb::arg("keep_versions"),
      nb::arg("request"),
      "Deletes the files no version within the retention needs; returns their paths.");
}

}  // namespace deltacpp::python
