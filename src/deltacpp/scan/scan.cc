#include "deltacpp/scan/scan.h"

#include <algorithm>
#include <set>

#include <arrow/array/builder_primitive.h>
#include <arrow/array/util.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/initialize.h>
#include <arrow/datum.h>
#include <arrow/util/uri.h>

#include "deltacpp/kernel/deletion_vectors/dv_reader.h"
#include "deltacpp/kernel/parquet_file.h"
#include "deltacpp/scan/partition_values.h"
#include "deltacpp/scan/physical_to_logical.h"

namespace deltacpp {

namespace {

Status EnsureComputeInitialized() {
  static const Status status = arrow::compute::Initialize();
  return status;
}

// Reads the live files of a snapshot one after another and shapes every batch to the
// scan schema.
class SnapshotReader : public arrow::RecordBatchReader {
 public:
  SnapshotReader(std::shared_ptr<const Snapshot> snapshot,
                 std::shared_ptr<arrow::Schema> schema, std::optional<int64_t> limit,
                 int64_t batch_size, ColumnMappingMode mode,
                 std::vector<PhysicalColumn> physical_columns)
      : snapshot_(std::move(snapshot)),
        schema_(std::move(schema)),
        remaining_(limit),
        batch_size_(batch_size),
        mode_(mode),
        physical_columns_(std::move(physical_columns)) {
    const auto& partitions = snapshot_->partition_columns();
    for (int i = 0; i < schema_->num_fields(); ++i) {
      is_partition_.push_back(std::find(partitions.begin(), partitions.end(),
                                        schema_->field(i)->name()) != partitions.end());
      if (is_partition_.back()) continue;
      read_options_.columns.push_back(physical_columns_[i].name);
      if (physical_columns_[i].field_id) {
        read_options_.field_ids.push_back(*physical_columns_[i].field_id);
      }
    }
    read_options_.batch_size = batch_size_;
  }

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    *out = nullptr;
    while (remaining_.value_or(1) > 0) {
      if (current_ == nullptr) {
        if (next_file_ >= snapshot_->files().size()) return Status::OK();
        DELTACPP_RETURN_NOT_OK(OpenFile(snapshot_->files()[next_file_++]));
      }
      std::shared_ptr<arrow::RecordBatch> batch;
      auto read = current_->ReadNext(&batch);
      if (!read.ok()) {
        return DeltaError(DeltaErrorCode::kCorruptLog, "cannot read data file ",
                          snapshot_->store()->FullPath(current_path_), ": ",
                          read.message());
      }
      if (batch == nullptr) {
        current_ = nullptr;
        continue;
      }
      DELTACPP_ASSIGN_OR_RAISE(batch, DropDeletedRows(std::move(batch)));
      if (batch->num_rows() == 0) continue;
      if (remaining_.has_value()) {
        if (batch->num_rows() > *remaining_) batch = batch->Slice(0, *remaining_);
        *remaining_ -= batch->num_rows();
      }
      return Shape(*batch).Value(out);
    }
    return Status::OK();
  }

 private:
  Status OpenFile(const AddFile& file) {
    if (file.path.find("://") != std::string::npos) {
      return DeltaError(DeltaErrorCode::kUnsupportedFeature, "data file ", file.path,
                        " is an absolute URI, which delta-cpp does not read yet");
    }
    // add.path is a relative URI: percent-decoding it once gives the stored name.
    current_path_ = arrow::util::UriUnescape(file.path);
    file_row_ = 0;
    deleted_rows_.clear();
    deleted_cursor_ = 0;
    if (file.deletion_vector.has_value()) {
      auto deleted = ReadDeletionVector(*snapshot_->store(), *file.deletion_vector);
      if (!deleted.ok()) {
        return deleted.status().WithMessage("data file ", file.path, ": ",
                                            deleted.status().message());
      }
      deleted_rows_ = *std::move(deleted);
    }
    DELTACPP_ASSIGN_OR_RAISE(current_, ReadParquetFile(*snapshot_->store(), current_path_,
                                                       file.size, read_options_));
    partition_scalars_.assign(schema_->num_fields(), nullptr);
    for (int i = 0; i < schema_->num_fields(); ++i) {
      if (!is_partition_[i]) continue;
      const auto& field = schema_->field(i);
      // With column mapping, partition values are keyed by physical name.
      auto value = file.partition_values.find(physical_columns_[i].name);
      std::optional<std::string> serialized;
      if (value != file.partition_values.end()) serialized = value->second;
      auto scalar = ParsePartitionValue(serialized, field->type());
      if (!scalar.ok()) {
        return scalar.status().WithMessage("data file ", file.path, ", column ",
                                           field->name(), ": ",
                                           scalar.status().message());
      }
      partition_scalars_[i] = *std::move(scalar);
    }
    return Status::OK();
  }

  // Removes the rows the file's deletion vector marks, counting rows from the start of
  // the file (batches come in file order).
  Result<std::shared_ptr<arrow::RecordBatch>> DropDeletedRows(
      std::shared_ptr<arrow::RecordBatch> batch) {
    const int64_t first = file_row_;
    const int64_t rows = batch->num_rows();
    file_row_ += rows;
    auto begin = std::lower_bound(deleted_rows_.begin() + deleted_cursor_,
                                  deleted_rows_.end(), static_cast<uint64_t>(first));
    auto end =
        std::lower_bound(begin, deleted_rows_.end(), static_cast<uint64_t>(first + rows));
    deleted_cursor_ = end - deleted_rows_.begin();
    if (begin == end) return batch;
    const int64_t kept = rows - (end - begin);
    if (batch->num_columns() == 0) {
      return arrow::RecordBatch::Make(batch->schema(), kept, arrow::ArrayVector{});
    }
    arrow::BooleanBuilder mask;
    DELTACPP_RETURN_NOT_OK(mask.Reserve(rows));
    auto next_deleted = begin;
    for (int64_t row = 0; row < rows; ++row) {
      const bool deleted =
          next_deleted != end && *next_deleted == static_cast<uint64_t>(first + row);
      if (deleted) ++next_deleted;
      mask.UnsafeAppend(!deleted);
    }
    DELTACPP_ASSIGN_OR_RAISE(auto mask_array, mask.Finish());
    DELTACPP_ASSIGN_OR_RAISE(auto filtered,
                             arrow::compute::Filter(arrow::Datum(batch), mask_array));
    return filtered.record_batch();
  }

  Result<std::shared_ptr<arrow::RecordBatch>> Shape(const arrow::RecordBatch& batch) {
    const int64_t rows = batch.num_rows();
    arrow::ArrayVector columns;
    columns.reserve(schema_->num_fields());
    for (int i = 0; i < schema_->num_fields(); ++i) {
      const auto& field = schema_->field(i);
      if (is_partition_[i]) {
        DELTACPP_ASSIGN_OR_RAISE(
            auto column, arrow::MakeArrayFromScalar(*partition_scalars_[i], rows));
        columns.push_back(std::move(column));
        continue;
      }
      DELTACPP_ASSIGN_OR_RAISE(
          int index, FindPhysicalField(batch.schema()->fields(), *field, mode_));
      std::shared_ptr<arrow::Array> column;
      if (index < 0) {
        DELTACPP_ASSIGN_OR_RAISE(column, arrow::MakeArrayOfNull(field->type(), rows));
      } else {
        auto logical = PhysicalToLogical(batch.column(index), *field, mode_);
        if (!logical.ok()) {
          return logical.status().WithMessage("data file ",
                                              snapshot_->store()->FullPath(current_path_),
                                              ": ", logical.status().message());
        }
        column = *std::move(logical);
      }
      columns.push_back(std::move(column));
    }
    return arrow::RecordBatch::Make(schema_, rows, std::move(columns));
  }

  std::shared_ptr<const Snapshot> snapshot_;
  std::shared_ptr<arrow::Schema> schema_;
  std::optional<int64_t> remaining_;
  int64_t batch_size_;
  ColumnMappingMode mode_;
  // Parallel to schema_'s fields.
  std::vector<PhysicalColumn> physical_columns_;
  std::vector<bool> is_partition_;
  ParquetReadOptions read_options_;

  size_t next_file_ = 0;
  std::shared_ptr<arrow::RecordBatchReader> current_;
  std::string current_path_;
  int64_t file_row_ = 0;
  std::vector<uint64_t> deleted_rows_;  // sorted
  size_t deleted_cursor_ = 0;
  std::vector<std::shared_ptr<arrow::Scalar>> partition_scalars_;
};

}  // namespace

Result<std::shared_ptr<Scan>> ScanBuilder::Build() const {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  const auto& table_schema = snapshot_->schema();
  if (limit_.has_value() && *limit_ < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "scan limit ", *limit_,
                      " is negative");
  }
  if (batch_size_ < 1) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "scan batch size ", batch_size_,
                      " must be at least 1");
  }
  std::shared_ptr<arrow::Schema> schema = table_schema;
  if (columns_.has_value()) {
    arrow::FieldVector fields;
    std::set<std::string> chosen;
    for (const auto& column : *columns_) {
      auto field = table_schema->GetFieldByName(column);
      if (field == nullptr) {
        std::string known;
        for (const auto& name : table_schema->field_names()) {
          known += known.empty() ? name : ", " + name;
        }
        return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", column,
                          "' is not in table ", snapshot_->table_uri(),
                          " (its columns: ", known, ")");
      }
      if (!chosen.insert(column).second) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", column,
                          "' is selected twice");
      }
      fields.push_back(std::move(field));
    }
    schema = arrow::schema(std::move(fields));
  }
  DELTACPP_ASSIGN_OR_RAISE(auto mode, GetColumnMappingMode(snapshot_->metadata()));
  std::vector<PhysicalColumn> physical_columns;
  for (const auto& field : schema->fields()) {
    DELTACPP_ASSIGN_OR_RAISE(auto physical, GetPhysicalColumn(*field, mode));
    physical_columns.push_back(std::move(physical));
  }
  auto scan = std::shared_ptr<Scan>(new Scan());
  scan->snapshot_ = snapshot_;
  scan->schema_ = std::move(schema);
  scan->limit_ = limit_;
  scan->batch_size_ = batch_size_;
  scan->mode_ = mode;
  scan->physical_columns_ = std::move(physical_columns);
  return scan;
}

Result<std::shared_ptr<arrow::RecordBatchReader>> Scan::Execute() const {
  return std::make_shared<SnapshotReader>(snapshot_, schema_, limit_, batch_size_, mode_,
                                          physical_columns_);
}

Result<std::shared_ptr<arrow::Table>> Scan::ToTable() const {
  DELTACPP_ASSIGN_OR_RAISE(auto reader, Execute());
  return reader->ToTable();
}

}  // namespace deltacpp
