// Reading: snapshots, their metadata and files, scans, history, change data, and the
// maintenance that needs only a snapshot (checkpoints, log cleanup).

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_nested.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/builder.h>
#include <arrow/table.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "deltacpp/common/ids.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/history.h"
#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/python/arrow_capsule.h"
#include "deltacpp/python/bindings.h"
#include "deltacpp/python/errors.h"
#include "deltacpp/scan/change_data.h"
#include "deltacpp/scan/partition_values.h"
#include "deltacpp/scan/scan.h"
#include "deltacpp/txn/checkpoint_writer.h"
#include "deltacpp/txn/log_cleanup.h"

namespace nb = nanobind;

namespace deltacpp::python {
namespace {

using ProtocolTuple =
    std::tuple<int32_t, int32_t, std::optional<std::vector<std::string>>,
               std::optional<std::vector<std::string>>>;

// Every binding below that reads or writes runs without the GIL: its arguments are C++
// values by then, and it touches no Python object.
const auto kNoGil = nb::call_guard<nb::gil_scoped_release>();

SnapshotHandle Open(const std::string& uri, std::optional<int64_t> version) {
  auto table = ValueOrThrow(Table::Open(uri));
  return {ValueOrThrow(table.LoadSnapshot(version))};
}

SnapshotHandle OpenAtTimestamp(const std::string& uri, int64_t timestamp_ms) {
  auto table = ValueOrThrow(Table::Open(uri));
  return {ValueOrThrow(table.SnapshotAtTimestamp(timestamp_ms))};
}

PredicatePtr ParseOptionalPredicate(const std::optional<std::string>& text) {
  if (!text.has_value() || text->empty()) return nullptr;
  return ValueOrThrow(ParsePredicate(*text));
}

// The files a scan with `predicate` reads (all for none): their paths relative to the
// table root, decoded, or with `absolute` full paths (URIs for files elsewhere).
std::vector<std::string> FilePaths(const SnapshotHandle& handle,
                                   const std::optional<std::string>& predicate,
                                   bool absolute) {
  ScanBuilder builder(handle.snapshot);
  if (auto filter = ParseOptionalPredicate(predicate)) builder.Filter(filter);
  auto scan = ValueOrThrow(builder.Build());
  std::vector<std::string> paths;
  const auto files = scan->Files();
  paths.reserve(files.size());
  const auto& store = *handle.snapshot->store();
  for (const AddFile* file : files) {
    if (file->path.find("://") != std::string::npos) {
      paths.push_back(file->path);  // a URI already (e.g. a shallow clone's file)
      continue;
    }
    // The store's rule: a path climbing out of the table is refused, not handed on.
    auto location = ValueOrThrow(store.ResolveLogPath(file->path));
    paths.push_back(absolute || location.outside_root
                        ? location.store->FullPath(location.path)
                        : location.path);
  }
  return paths;
}

// The partition values of every file as a struct of typed columns (null for an
// unpartitioned table).
std::shared_ptr<arrow::Array> TypedPartitionValues(const Snapshot& snapshot) {
  const auto& columns = snapshot.partition_columns();
  if (columns.empty()) return nullptr;
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  const auto mode =
      ValueOrThrow(TableConfiguration(snapshot.metadata()).column_mapping_mode());
  for (const auto& column : columns) {
    auto field = snapshot.schema()->GetFieldByName(column);
    // The log keys partition values by physical name (column mapping).
    const std::string key = ValueOrThrow(GetPhysicalColumn(*field, mode)).name;
    auto builder = ValueOrThrow(arrow::MakeBuilder(field->type()));
    for (const AddFile& file : snapshot.files()) {
      auto found = file.partition_values.find(key);
      std::optional<std::string> text;
      if (found != file.partition_values.end()) text = found->second;
      auto value = ValueOrThrow(ParsePartitionValue(text, field->type()));
      ThrowIfError(builder->AppendScalar(*value));
    }
    fields.push_back(field);
    arrays.push_back(ValueOrThrow(builder->Finish()));
  }
  return ValueOrThrow(arrow::StructArray::Make(arrays, fields));
}

// One row per live file: path (as the log has it, URI-encoded), size_bytes,
// modification_time (ms), data_change, stats (JSON text or null), partition_values (map
// of the protocol's texts, by logical column name), deletion_vector_cardinality (null
// without one), and for a partitioned table partition (a struct of the typed values).
std::shared_ptr<arrow::Table> AddActions(const SnapshotHandle& handle) {
  arrow::StringBuilder paths, stats;
  arrow::Int64Builder sizes, times, deleted;
  arrow::BooleanBuilder data_change;
  auto pool = arrow::default_memory_pool();
  auto keys = std::make_shared<arrow::StringBuilder>(pool);
  auto values = std::make_shared<arrow::StringBuilder>(pool);
  arrow::MapBuilder partitions(pool, keys, values);
  const Snapshot& snapshot = *handle.snapshot;
  const auto mode =
      ValueOrThrow(TableConfiguration(snapshot.metadata()).column_mapping_mode());
  std::map<std::string, std::string> logical_name;  // physical -> logical
  for (const auto& column : snapshot.partition_columns()) {
    auto field = snapshot.schema()->GetFieldByName(column);
    logical_name[ValueOrThrow(GetPhysicalColumn(*field, mode)).name] = column;
  }
  for (const AddFile& file : snapshot.files()) {
    ThrowIfError(paths.Append(file.path));
    ThrowIfError(sizes.Append(file.size));
    ThrowIfError(times.Append(file.modification_time));
    ThrowIfError(data_change.Append(file.data_change));
    ThrowIfError(file.stats ? stats.Append(*file.stats) : stats.AppendNull());
    ThrowIfError(partitions.Append());
    for (const auto& [column, value] : file.partition_values) {
      auto logical = logical_name.find(column);
      ThrowIfError(
          keys->Append(logical != logical_name.end() ? logical->second : column));
      ThrowIfError(value ? values->Append(*value) : values->AppendNull());
    }
    ThrowIfError(file.deletion_vector ? deleted.Append(file.deletion_vector->cardinality)
                                      : deleted.AppendNull());
  }
  auto finish = [](arrow::ArrayBuilder& builder) {
    return ValueOrThrow(builder.Finish());
  };
  auto path_array = finish(paths);
  auto size_array = finish(sizes);
  auto time_array = finish(times);
  auto change_array = finish(data_change);
  auto stats_array = finish(stats);
  auto partition_array = finish(partitions);
  auto deleted_array = finish(deleted);
  arrow::FieldVector fields = {
      arrow::field("path", arrow::utf8(), false),
      arrow::field("size_bytes", arrow::int64(), false),
      arrow::field("modification_time", arrow::int64(), false),
      arrow::field("data_change", arrow::boolean(), false),
      arrow::field("stats", arrow::utf8()),
      arrow::field("partition_values", partition_array->type()),
      arrow::field("deletion_vector_cardinality", arrow::int64()),
  };
  arrow::ArrayVector columns = {path_array,  size_array,      time_array,   change_array,
                                stats_array, partition_array, deleted_array};
  if (auto typed = TypedPartitionValues(*handle.snapshot)) {
    fields.push_back(arrow::field("partition", typed->type()));
    columns.push_back(typed);
  }
  return arrow::Table::Make(arrow::schema(fields), columns);
}

// Newest first: (version, timestamp in ms, commitInfo JSON or None).
std::vector<std::tuple<int64_t, int64_t, std::optional<std::string>>> History(
    const SnapshotHandle& handle, std::optional<int64_t> limit) {
  const auto& snapshot = *handle.snapshot;
  auto entries = ValueOrThrow(ReadHistory(*snapshot.store(), snapshot.metadata(), limit));
  std::vector<std::tuple<int64_t, int64_t, std::optional<std::string>>> out;
  out.reserve(entries.size());
  for (auto& entry : entries) {
    std::optional<std::string> json;
    if (entry.commit_info) json = std::move(entry.commit_info->json);
    out.emplace_back(entry.version, entry.timestamp_ms, std::move(json));
  }
  return out;
}

std::vector<std::pair<int64_t, int64_t>> VersionTimestamps(const SnapshotHandle& handle) {
  const auto& snapshot = *handle.snapshot;
  auto timestamps =
      ValueOrThrow(ListVersionTimestamps(*snapshot.store(), snapshot.metadata()));
  std::vector<std::pair<int64_t, int64_t>> out;
  out.reserve(timestamps.size());
  for (const auto& entry : timestamps)
    out.emplace_back(entry.version, entry.timestamp_ms);
  return out;
}

std::shared_ptr<arrow::RecordBatchReader> ScanRows(
    const SnapshotHandle& handle, std::optional<std::vector<std::string>> columns,
    const std::optional<std::string>& predicate, std::optional<int64_t> limit,
    std::optional<int64_t> batch_size) {
  ScanBuilder builder(handle.snapshot);
  if (columns) builder.Select(std::move(*columns));
  if (auto filter = ParseOptionalPredicate(predicate)) builder.Filter(filter);
  if (limit) builder.Limit(*limit);
  if (batch_size) builder.BatchSize(*batch_size);
  auto scan = ValueOrThrow(builder.Build());
  return ValueOrThrow(scan->Execute());
}

std::shared_ptr<arrow::RecordBatchReader> ChangeRows(
    const std::string& uri, int64_t start_version, std::optional<int64_t> end_version,
    std::optional<std::vector<std::string>> columns,
    const std::optional<std::string>& predicate) {
  ChangeDataScanBuilder builder(ValueOrThrow(Table::Open(uri)), start_version);
  if (end_version) builder.EndVersion(*end_version);
  if (columns) builder.Select(std::move(*columns));
  if (auto filter = ParseOptionalPredicate(predicate)) builder.Filter(filter);
  auto scan = ValueOrThrow(builder.Build());
  return ValueOrThrow(scan->Execute());
}

std::vector<std::string> CleanupMetadata(const SnapshotHandle& handle,
                                         std::optional<std::string> retention,
                                         bool dry_run) {
  LogCleanupOptions options;
  if (retention) options.retention_ms = ValueOrThrow(ParseIntervalMillis(*retention));
  options.dry_run = dry_run;
  return ValueOrThrow(CleanupExpiredLogs(*handle.snapshot, NowMillis(), options)).deleted;
}

nb::dict MetadataDict(const SnapshotHandle& handle) {
  const Metadata& metadata = handle.snapshot->metadata();
  nb::dict out;
  out["id"] = metadata.id;
  out["name"] = metadata.name;
  out["description"] = metadata.description;
  out["format_provider"] = metadata.format.provider;
  out["format_options"] = metadata.format.options;
  out["schema_string"] = metadata.schema_string;
  out["partition_columns"] = metadata.partition_columns;
  out["configuration"] = metadata.configuration;
  out["created_time"] = metadata.created_time;
  return out;
}

}  // namespace

void BindSnapshot(nb::module_& module) {
  nb::class_<SnapshotHandle>(module, "Snapshot",
                             "One version of a Delta table, as loaded from its log.")
      .def_prop_ro(
          "version", [](const SnapshotHandle& h) { return h.snapshot->version(); },
          "The version loaded.")
      .def_prop_ro(
          "table_uri", [](const SnapshotHandle& h) { return h.snapshot->table_uri(); },
          "The table's root, normalised (an absolute path for local tables).")
      .def_prop_ro(
          "commit_timestamp_ms",
          [](const SnapshotHandle& h) { return h.snapshot->commit_timestamp_ms(); },
          "When the version was committed (in-commit timestamp or file time), in ms.")
      .def_prop_ro(
          "num_files", [](const SnapshotHandle& h) { return h.snapshot->files().size(); },
          "The number of live data files.")
      .def(
          "protocol",
          [](const SnapshotHandle& h) {
            const Protocol& p = h.snapshot->protocol();
            return ProtocolTuple(p.min_reader_version, p.min_writer_version,
                                 p.reader_features, p.writer_features);
          },
          "(min_reader_version, min_writer_version, reader_features, writer_features)")
      .def("metadata", &MetadataDict, "The metaData action, as a dict.")
      .def(
          "arrow_schema",
          [](const SnapshotHandle& h) { return ExportSchema(*h.snapshot->schema()); },
          "The logical schema, as an arrow_schema capsule.")
      .def(
          "app_transaction_version",
          [](const SnapshotHandle& h,
             const std::string& app_id) -> std::optional<int64_t> {
            const auto& apps = h.snapshot->app_transactions();
            auto found = apps.find(app_id);
            if (found == apps.end()) return std::nullopt;
            return found->second.version;
          },
          nb::arg("app_id"), "The version application `app_id` last committed, or None.")
      .def("file_paths", &FilePaths, nb::arg("predicate").none() = nb::none(),
           nb::arg("absolute") = false, kNoGil,
           "Paths of the files a scan with `predicate` reads.")
      .def(
          "add_actions",
          [](const SnapshotHandle& h) {
            std::shared_ptr<arrow::Table> table;
            {
              nb::gil_scoped_release released;
              table = AddActions(h);
            }
            return ExportStream(std::make_shared<arrow::TableBatchReader>(table));
          },
          "The live files, as an arrow_array_stream capsule.")
      .def("history", &History, nb::arg("limit").none() = nb::none(), kNoGil,
           "(version, timestamp ms, commitInfo JSON or None), newest first.")
      .def("version_timestamps", &VersionTimestamps, kNoGil,
           "(version, timestamp ms) of every version still in the log, oldest first.")
      .def(
          "scan",
          [](const SnapshotHandle& h, std::optional<std::vector<std::string>> columns,
             std::optional<std::string> predicate, std::optional<int64_t> limit,
             std::optional<int64_t> batch_size) {
            std::shared_ptr<arrow::RecordBatchReader> reader;
            {
              nb::gil_scoped_release released;
              reader = ScanRows(h, std::move(columns), predicate, limit, batch_size);
            }
            return ExportStream(std::move(reader));
          },
          nb::arg("columns").none() = nb::none(),
          nb::arg("predicate").none() = nb::none(), nb::arg("limit").none() = nb::none(),
          nb::arg("batch_size").none() = nb::none(),
          "The rows, as an arrow_array_stream capsule read lazily.")
      .def(
          "checkpoint",
          [](const SnapshotHandle& h) { ThrowIfError(WriteCheckpoint(*h.snapshot)); },
          "Writes a checkpoint of this version.", kNoGil)
      .def("cleanup_metadata", &CleanupMetadata, nb::arg("retention").none() = nb::none(),
           nb::arg("dry_run") = false, kNoGil,
           "Deletes expired log files; returns their names.");

  module.def("open", &Open, nb::arg("uri"), nb::arg("version").none() = nb::none(),
             kNoGil, "The snapshot of `uri` at `version` (the newest when None).");
  module.def("open_at_timestamp", &OpenAtTimestamp, nb::arg("uri"),
             nb::arg("timestamp_ms"), kNoGil,
             "The snapshot of `uri` that was current at `timestamp_ms`.");
  module.def(
      "is_deltatable",
      [](const std::string& uri) { return ValueOrThrow(IsDeltaTable(uri)); },
      nb::arg("uri"), kNoGil,
      "True when `uri` holds a Delta table (a commit or checkpoint in _delta_log/).");
  module.def(
      "load_cdf",
      [](const std::string& uri, int64_t start, std::optional<int64_t> end,
         std::optional<std::vector<std::string>> columns,
         std::optional<std::string> predicate) {
        std::shared_ptr<arrow::RecordBatchReader> reader;
        {
          nb::gil_scoped_release released;
          reader = ChangeRows(uri, start, end, std::move(columns), predicate);
        }
        return ExportStream(std::move(reader));
      },
      nb::arg("uri"), nb::arg("starting_version"),
      nb::arg("ending_version").none() = nb::none(),
      nb::arg("columns").none() = nb::none(), nb::arg("predicate").none() = nb::none(),
      "The change data feed, as an arrow_array_stream capsule.");
  module.def(
      "check_predicate",
      [](const std::string& text) {
        return ValueOrThrow(ParsePredicate(text))->ToString();
      },
      nb::arg("predicate"),
      "The predicate in canonical form; raises if it does not parse.");
}

}  // namespace deltacpp::python
