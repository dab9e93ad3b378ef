#include "deltacpp/scan/change_data.h"

#include <algorithm>
#include <iterator>
#include <map>

#include <arrow/scalar.h>
#include <arrow/type.h>

#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/deletion_vectors/dv_reader.h"
#include "deltacpp/kernel/history.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/data_file_reader.h"
#include "deltacpp/scan/row_filter.h"

namespace deltacpp {

namespace {

using internal::FileToRead;
using internal::ScanContext;

struct VersionChanges {
  std::vector<AddCdcFile> change_files;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;
};

std::vector<uint64_t> Difference(const std::vector<uint64_t>& sorted,
                                 const std::vector<uint64_t>& minus) {
  std::vector<uint64_t> result;
  std::set_difference(sorted.begin(), sorted.end(), minus.begin(), minus.end(),
                      std::back_inserter(result));
  return result;
}

Result<std::vector<uint64_t>> DeletedRows(
    const ObjectStore& store, const std::optional<DeletionVectorDescriptor>& dv,
    const std::string& path) {
  if (!dv.has_value()) return std::vector<uint64_t>{};
  auto rows = ReadDeletionVector(store, *dv);
  if (!rows.ok()) {
    return rows.status().WithMessage("data file ", path, ": ", rows.status().message());
  }
  return rows;
}

// The files that hold one version's changes, in the order the version lists them.
Status AddVersionFiles(const ObjectStore& store, const VersionChanges& changes,
                       const std::vector<std::shared_ptr<arrow::Scalar>>& version_columns,
                       const std::shared_ptr<const ScanContext>& change_file_context,
                       std::vector<FileToRead>* files) {
  auto with_type = [&](const char* change_type) {
    std::vector<std::shared_ptr<arrow::Scalar>> constants{
        std::make_shared<arrow::StringScalar>(change_type)};
    constants.insert(constants.end(), version_columns.begin(), version_columns.end());
    return constants;
  };
  if (!changes.change_files.empty()) {
    for (const auto& change_file : changes.change_files) {
      FileToRead file;
      file.path = change_file.path;
      file.partition_values = change_file.partition_values;
      file.size = change_file.size;
      file.constants = version_columns;
      file.context = change_file_context;
      files->push_back(std::move(file));
    }
    return Status::OK();
  }
  std::map<std::string, const RemoveFile*> removed;
  for (const auto& remove : changes.removes) removed.emplace(remove.path, &remove);
  for (const auto& add : changes.adds) {
    auto previous = removed.find(add.path);
    const bool deletion_vector_update =
        previous != removed.end() && (add.deletion_vector.has_value() ||
                                      previous->second->deletion_vector.has_value());
    if (!deletion_vector_update) {
      FileToRead file = FileToRead::Of(add);
      file.constants = with_type("insert");
      files->push_back(std::move(file));
      continue;
    }
    // The same data file with a new deletion vector: only the rows whose deletion
    // state changed are changes.
    const RemoveFile& remove = *previous->second;
    removed.erase(previous);
    DELTACPP_ASSIGN_OR_RAISE(auto now_deleted,
                             DeletedRows(store, add.deletion_vector, add.path));
    DELTACPP_ASSIGN_OR_RAISE(auto before_deleted,
                             DeletedRows(store, remove.deletion_vector, remove.path));
    for (auto [rows, change_type] :
         {std::pair{Difference(now_deleted, before_deleted), "delete"},
          std::pair{Difference(before_deleted, now_deleted), "insert"}}) {
      if (rows.empty()) continue;
      FileToRead file = FileToRead::Of(add);
      file.deletion_vector.reset();
      file.only_rows = std::move(rows);
      file.constants = with_type(change_type);
      files->push_back(std::move(file));
    }
  }
  for (const auto& remove : changes.removes) {
    if (removed.count(remove.path) == 0) continue;
    FileToRead file;
    file.path = remove.path;
    file.partition_values = remove.partition_values.value_or(PartitionValues{});
    file.size = remove.size.value_or(-1);
    file.deletion_vector = remove.deletion_vector;
    file.constants = with_type("delete");
    files->push_back(std::move(file));
  }
  return Status::OK();
}

}  // namespace

Result<std::shared_ptr<ChangeDataScan>> ChangeDataScanBuilder::Build() const {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  if (limit_.has_value() && *limit_ < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "limit ", *limit_,
                      " is negative");
  }
  if (parallelism_ < 1) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "parallelism ", parallelism_,
                      " must be at least 1");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto end, table_.LoadSnapshot(end_version_));
  if (start_version_ < 0 || start_version_ > end->version()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "change data of table ",
                      table_.uri(), " from version ", start_version_, " to ",
                      end->version(), ": the start must be between 0 and the end");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto start, table_.SnapshotAt(start_version_));
  DELTACPP_ASSIGN_OR_RAISE(auto selected,
                           internal::SelectFields(end->schema(), columns_, table_.uri()));
  const auto& store = *table_.store();
  DELTACPP_ASSIGN_OR_RAISE(auto timestamps,
                           ListVersionTimestamps(store, end->metadata()));
  std::map<int64_t, int64_t> timestamp_of;
  for (const auto& entry : timestamps) timestamp_of[entry.version] = entry.timestamp_ms;

  auto output_fields = selected->fields();
  output_fields.push_back(arrow::field(std::string(kChangeTypeColumn), arrow::utf8()));
  output_fields.push_back(
      arrow::field(std::string(kCommitVersionColumn), arrow::int64()));
  const auto timestamp_type = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  output_fields.push_back(
      arrow::field(std::string(kCommitTimestampColumn), timestamp_type));
  auto output_schema = arrow::schema(output_fields);
  DELTACPP_ASSIGN_OR_RAISE(auto mode,
                           TableConfiguration(end->metadata()).column_mapping_mode());

  auto data_context = std::make_shared<ScanContext>();
  data_context->snapshot = end;
  data_context->read_schema = selected;
  data_context->output_schema = output_schema;
  data_context->output_columns = selected->num_fields();
  data_context->mode = mode;
  DELTACPP_RETURN_NOT_OK(data_context->Prepare(64 * 1024));
  // Change data files store _change_type beside the table's columns.
  auto change_file_context = std::make_shared<ScanContext>(*data_context);
  auto read_fields = selected->fields();
  read_fields.push_back(output_fields[selected->num_fields()]);
  change_file_context->read_schema = arrow::schema(read_fields);
  change_file_context->output_columns = selected->num_fields() + 1;
  DELTACPP_RETURN_NOT_OK(
      change_file_context->Prepare(64 * 1024, {std::string(kChangeTypeColumn)}));

  auto files = std::make_shared<std::vector<FileToRead>>();
  Metadata metadata = start->metadata();
  // Counted, not compared: a table at the last version must not make `version` wrap.
  const uint64_t versions = static_cast<uint64_t>(end->version() - start_version_) + 1;
  for (uint64_t offset = 0; offset < versions; ++offset) {
    const int64_t version = start_version_ + static_cast<int64_t>(offset);
    const std::string path = LogFilePath(CommitFileName(version));
    auto contents = store.ReadAll(path);
    if (!contents.ok()) {
      if (GetDeltaErrorCode(contents.status()) == DeltaErrorCode::kFileNotFound) {
        return DeltaError(DeltaErrorCode::kVersionNotFound, "the commit of version ",
                          version, " of table ", table_.uri(),
                          " is gone (cleaned up): its changes cannot be read");
      }
      return contents.status();
    }
    DELTACPP_ASSIGN_OR_RAISE(
        auto actions,
        ParseCommitJson(
            std::string_view(reinterpret_cast<const char*>((*contents)->data()),
                             (*contents)->size()),
            store.FullPath(path)));
    VersionChanges changes;
    for (auto& action : actions) {
      if (auto* new_metadata = std::get_if<Metadata>(&action)) {
        metadata = std::move(*new_metadata);
        if (metadata.schema_string != end->metadata().schema_string) {
          return DeltaError(DeltaErrorCode::kUnsupportedFeature, "the schema of table ",
                            table_.uri(), " changes at version ", version,
                            ": change data across schema changes is not supported yet");
        }
      } else if (auto* change_file = std::get_if<AddCdcFile>(&action)) {
        changes.change_files.push_back(std::move(*change_file));
      } else if (auto* add = std::get_if<AddFile>(&action)) {
        if (add->data_change) changes.adds.push_back(std::move(*add));
      } else if (auto* remove = std::get_if<RemoveFile>(&action)) {
        if (remove->data_change) changes.removes.push_back(std::move(*remove));
      }
    }
    if (!TableConfiguration(metadata).change_data_feed_enabled()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "table ", table_.uri(),
                        " did not record change data at version ", version, " (",
                        table_property::kEnableChangeDataFeed, " was not true)");
    }
    auto timestamp = timestamp_of.find(version);
    if (timestamp == timestamp_of.end()) {
      return DeltaError(DeltaErrorCode::kVersionNotFound, "no timestamp for version ",
                        version, " of table ", table_.uri());
    }
    std::vector<std::shared_ptr<arrow::Scalar>> version_columns{
        std::make_shared<arrow::Int64Scalar>(version),
        std::make_shared<arrow::TimestampScalar>(timestamp->second * 1000,
                                                 timestamp_type)};
    DELTACPP_RETURN_NOT_OK(AddVersionFiles(store, changes, version_columns,
                                           change_file_context, files.get()));
  }

  auto scan = std::shared_ptr<ChangeDataScan>(new ChangeDataScan());
  if (filter_ != nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(scan->filter_, BindPredicate(filter_, *output_schema));
  }
  scan->schema_ = std::move(output_schema);
  scan->start_version_ = start_version_;
  scan->end_version_ = end->version();
  scan->limit_ = limit_;
  scan->parallelism_ = parallelism_;
  scan->data_context_ = std::move(data_context);
  scan->change_file_context_ = std::move(change_file_context);
  scan->files_ = std::move(files);
  return scan;
}

Result<std::shared_ptr<arrow::RecordBatchReader>> ChangeDataScan::Execute() const {
  if (filter_ == nullptr) {
    return internal::MakeFilesReader(data_context_, *files_, limit_, parallelism_);
  }
  return FilterRows(
      internal::MakeFilesReader(data_context_, *files_, std::nullopt, parallelism_),
      *filter_, limit_);
}

Result<std::shared_ptr<arrow::Table>> ChangeDataScan::ToTable() const {
  DELTACPP_ASSIGN_OR_RAISE(auto reader, Execute());
  return reader->ToTable();
}

}  // namespace deltacpp
