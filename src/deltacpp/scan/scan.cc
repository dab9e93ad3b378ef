#include "deltacpp/scan/scan.h"

#include <algorithm>
#include <deque>
#include <set>

#include <arrow/array/builder_primitive.h>
#include <arrow/array/util.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/exec.h>
#include <arrow/compute/expression.h>
#include <arrow/compute/initialize.h>
#include <arrow/datum.h>
#include <arrow/util/thread_pool.h>
#include <arrow/util/uri.h>

#include "deltacpp/kernel/deletion_vectors/dv_reader.h"
#include "deltacpp/kernel/parquet_file.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/data_skipping.h"
#include "deltacpp/scan/partition_values.h"
#include "deltacpp/scan/physical_to_logical.h"
#include "deltacpp/scan/row_filter.h"

namespace deltacpp {

namespace {

Status EnsureComputeInitialized() {
  static const Status status = arrow::compute::Initialize();
  return status;
}

// What every file of one scan is read with; shared by the reader and its background
// tasks, which may outlive the reader.
struct ScanContext {
  std::shared_ptr<const Snapshot> snapshot;
  // The columns read from files (the output's, then those only the filter needs).
  std::shared_ptr<arrow::Schema> schema;
  std::shared_ptr<arrow::Schema> output_schema;
  // Bound to `schema`; absent without a filter.
  std::optional<arrow::compute::Expression> row_filter;
  ColumnMappingMode mode;
  // Parallel to schema's fields.
  std::vector<PhysicalColumn> physical_columns;
  std::vector<bool> is_partition;
  ParquetReadOptions read_options;
};

// One data file, read batch by batch: shaped to the scan schema, deleted rows dropped.
class DataFileReader {
 public:
  static Result<std::unique_ptr<DataFileReader>> Open(
      std::shared_ptr<const ScanContext> context, const AddFile& file) {
    if (file.path.find("://") != std::string::npos) {
      return DeltaError(DeltaErrorCode::kUnsupportedFeature, "data file ", file.path,
                        " is an absolute URI, which delta-cpp does not read yet");
    }
    auto reader = std::unique_ptr<DataFileReader>(new DataFileReader(context));
    // add.path is a relative URI: percent-decoding it once gives the stored name.
    reader->path_ = arrow::util::UriUnescape(file.path);
    const auto& store = *context->snapshot->store();
    if (file.deletion_vector.has_value()) {
      auto deleted = ReadDeletionVector(store, *file.deletion_vector);
      if (!deleted.ok()) {
        return deleted.status().WithMessage("data file ", file.path, ": ",
                                            deleted.status().message());
      }
      reader->deleted_rows_ = *std::move(deleted);
    }
    DELTACPP_ASSIGN_OR_RAISE(
        reader->batches_,
        ReadParquetFile(store, reader->path_, file.size, context->read_options));
    const auto& schema = *context->schema;
    reader->partition_scalars_.assign(schema.num_fields(), nullptr);
    for (int i = 0; i < schema.num_fields(); ++i) {
      if (!context->is_partition[i]) continue;
      const auto& field = schema.field(i);
      // With column mapping, partition values are keyed by physical name.
      auto value = file.partition_values.find(context->physical_columns[i].name);
      std::optional<std::string> serialized;
      if (value != file.partition_values.end()) serialized = value->second;
      auto scalar = ParsePartitionValue(serialized, field->type());
      if (!scalar.ok()) {
        return scalar.status().WithMessage("data file ", file.path, ", column ",
                                           field->name(), ": ",
                                           scalar.status().message());
      }
      reader->partition_scalars_[i] = *std::move(scalar);
    }
    return reader;
  }

  // The next non-empty batch, or nullptr at the end of the file.
  Result<std::shared_ptr<arrow::RecordBatch>> Next() {
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      auto read = batches_->ReadNext(&batch);
      if (!read.ok()) {
        return DeltaError(DeltaErrorCode::kCorruptLog, "cannot read data file ",
                          FullPath(), ": ", read.message());
      }
      if (batch == nullptr) return batch;
      DELTACPP_ASSIGN_OR_RAISE(batch, DropDeletedRows(std::move(batch)));
      if (batch->num_rows() == 0) continue;
      DELTACPP_ASSIGN_OR_RAISE(batch, Shape(*batch));
      DELTACPP_ASSIGN_OR_RAISE(batch, FilterAndProject(std::move(batch)));
      if (batch->num_rows() > 0) return batch;
    }
  }

 private:
  explicit DataFileReader(std::shared_ptr<const ScanContext> context)
      : context_(std::move(context)) {}

  std::string FullPath() const { return context_->snapshot->store()->FullPath(path_); }

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

  // Keeps the rows where the filter is true, then drops the columns only it needed.
  Result<std::shared_ptr<arrow::RecordBatch>> FilterAndProject(
      std::shared_ptr<arrow::RecordBatch> batch) const {
    if (!context_->row_filter.has_value()) return batch;
    DELTACPP_ASSIGN_OR_RAISE(
        auto mask, arrow::compute::ExecuteScalarExpression(
                       *context_->row_filter, arrow::compute::ExecBatch(*batch)));
    if (mask.is_scalar()) {
      const auto& keep = mask.scalar_as<arrow::BooleanScalar>();
      if (!keep.is_valid || !keep.value) batch = batch->Slice(0, 0);
    } else {
      DELTACPP_ASSIGN_OR_RAISE(auto filtered,
                               arrow::compute::Filter(arrow::Datum(batch), mask));
      batch = filtered.record_batch();
    }
    const int outputs = context_->output_schema->num_fields();
    if (batch->num_columns() == outputs) return batch;
    arrow::ArrayVector columns(batch->columns().begin(),
                               batch->columns().begin() + outputs);
    return arrow::RecordBatch::Make(context_->output_schema, batch->num_rows(),
                                    std::move(columns));
  }

  Result<std::shared_ptr<arrow::RecordBatch>> Shape(const arrow::RecordBatch& batch) {
    const auto& schema = context_->schema;
    const int64_t rows = batch.num_rows();
    arrow::ArrayVector columns;
    columns.reserve(schema->num_fields());
    for (int i = 0; i < schema->num_fields(); ++i) {
      const auto& field = schema->field(i);
      if (context_->is_partition[i]) {
        DELTACPP_ASSIGN_OR_RAISE(
            auto column, arrow::MakeArrayFromScalar(*partition_scalars_[i], rows));
        columns.push_back(std::move(column));
        continue;
      }
      DELTACPP_ASSIGN_OR_RAISE(
          int index, FindPhysicalField(batch.schema()->fields(), *field, context_->mode));
      std::shared_ptr<arrow::Array> column;
      if (index < 0) {
        DELTACPP_ASSIGN_OR_RAISE(column, arrow::MakeArrayOfNull(field->type(), rows));
      } else {
        auto logical = PhysicalToLogical(batch.column(index), *field, context_->mode);
        if (!logical.ok()) {
          return logical.status().WithMessage("data file ", FullPath(), ": ",
                                              logical.status().message());
        }
        column = *std::move(logical);
      }
      columns.push_back(std::move(column));
    }
    return arrow::RecordBatch::Make(schema, rows, std::move(columns));
  }

  std::shared_ptr<const ScanContext> context_;
  std::string path_;
  std::shared_ptr<arrow::RecordBatchReader> batches_;
  int64_t file_row_ = 0;
  std::vector<uint64_t> deleted_rows_;  // sorted
  size_t deleted_cursor_ = 0;
  std::vector<std::shared_ptr<arrow::Scalar>> partition_scalars_;
};

using FileBatches = std::vector<std::shared_ptr<arrow::RecordBatch>>;

Result<FileBatches> ReadWholeFile(std::shared_ptr<const ScanContext> context,
                                  const AddFile& file) {
  DELTACPP_ASSIGN_OR_RAISE(auto reader, DataFileReader::Open(std::move(context), file));
  FileBatches batches;
  while (true) {
    DELTACPP_ASSIGN_OR_RAISE(auto batch, reader->Next());
    if (batch == nullptr) return batches;
    batches.push_back(std::move(batch));
  }
}

// Reads the live files of a snapshot in order, decoding up to `parallelism` of them at
// once on Arrow's CPU thread pool (each file whole, so memory grows with the files in
// flight). With parallelism 1 it streams one batch at a time in the calling thread.
class SnapshotReader : public arrow::RecordBatchReader {
 public:
  SnapshotReader(std::shared_ptr<const ScanContext> context,
                 std::vector<const AddFile*> files, std::optional<int64_t> limit,
                 int parallelism)
      : context_(std::move(context)),
        files_(std::move(files)),
        remaining_(limit),
        parallelism_(parallelism) {}

  ~SnapshotReader() override {
    // Tasks own what they use; waiting only keeps the pool's work bounded by the reader.
    for (auto& pending : in_flight_) pending.Wait();
  }

  std::shared_ptr<arrow::Schema> schema() const override {
    return context_->output_schema;
  }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    *out = nullptr;
    if (remaining_.value_or(1) <= 0) return Status::OK();
    DELTACPP_ASSIGN_OR_RAISE(auto batch, NextBatch());
    if (batch != nullptr && remaining_.has_value()) {
      if (batch->num_rows() > *remaining_) batch = batch->Slice(0, *remaining_);
      *remaining_ -= batch->num_rows();
    }
    *out = std::move(batch);
    return Status::OK();
  }

 private:
  Result<std::shared_ptr<arrow::RecordBatch>> NextBatch() {
    const auto& files = files_;
    if (parallelism_ <= 1) {
      while (true) {
        if (current_ == nullptr) {
          if (next_file_ >= files.size()) return nullptr;
          DELTACPP_ASSIGN_OR_RAISE(current_,
                                   DataFileReader::Open(context_, *files[next_file_++]));
        }
        DELTACPP_ASSIGN_OR_RAISE(auto batch, current_->Next());
        if (batch != nullptr) return batch;
        current_ = nullptr;
      }
    }
    while (ready_index_ >= ready_.size()) {
      while (static_cast<int>(in_flight_.size()) < parallelism_ &&
             next_file_ < files.size()) {
        // The snapshot, held by the context, keeps the AddFile alive for the task.
        const AddFile* file = files[next_file_++];
        auto context = context_;
        DELTACPP_ASSIGN_OR_RAISE(
            auto future, arrow::internal::GetCpuThreadPool()->Submit(
                             [context, file] { return ReadWholeFile(context, *file); }));
        in_flight_.push_back(std::move(future));
      }
      if (in_flight_.empty()) return nullptr;
      auto next = std::move(in_flight_.front());
      in_flight_.pop_front();
      DELTACPP_ASSIGN_OR_RAISE(ready_, next.result());
      ready_index_ = 0;
    }
    return ready_[ready_index_++];
  }

  std::shared_ptr<const ScanContext> context_;
  std::vector<const AddFile*> files_;
  std::optional<int64_t> remaining_;
  int parallelism_;
  size_t next_file_ = 0;
  std::unique_ptr<DataFileReader> current_;           // parallelism 1
  std::deque<arrow::Future<FileBatches>> in_flight_;  // parallelism > 1
  FileBatches ready_;
  size_t ready_index_ = 0;
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
  PredicatePtr filter;
  std::shared_ptr<const DataSkipping> skipping;
  auto read_schema = schema;
  if (filter_ != nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(filter, BindPredicate(filter_, *table_schema));
    DELTACPP_ASSIGN_OR_RAISE(skipping, DataSkipping::Make(filter, *snapshot_));
    arrow::FieldVector read_fields = schema->fields();
    for (const auto& column : ReferencedColumns(filter)) {
      const auto& top_level = column->column[0];
      if (read_schema->GetFieldByName(top_level) != nullptr) continue;
      read_fields.push_back(table_schema->GetFieldByName(top_level));
      read_schema = arrow::schema(read_fields);
    }
  }
  DELTACPP_ASSIGN_OR_RAISE(auto mode, GetColumnMappingMode(snapshot_->metadata()));
  std::vector<PhysicalColumn> physical_columns;
  for (const auto& field : read_schema->fields()) {
    DELTACPP_ASSIGN_OR_RAISE(auto physical, GetPhysicalColumn(*field, mode));
    physical_columns.push_back(std::move(physical));
  }
  if (parallelism_ < 1) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "scan parallelism ", parallelism_,
                      " must be at least 1");
  }
  auto scan = std::shared_ptr<Scan>(new Scan());
  scan->snapshot_ = snapshot_;
  scan->schema_ = std::move(schema);
  scan->read_schema_ = std::move(read_schema);
  scan->filter_ = std::move(filter);
  scan->skipping_ = std::move(skipping);
  scan->limit_ = limit_;
  scan->batch_size_ = batch_size_;
  scan->parallelism_ = parallelism_;
  scan->mode_ = mode;
  scan->physical_columns_ = std::move(physical_columns);
  return scan;
}

Result<std::shared_ptr<arrow::RecordBatchReader>> Scan::Execute() const {
  auto context = std::make_shared<ScanContext>();
  context->snapshot = snapshot_;
  context->schema = read_schema_;
  context->output_schema = schema_;
  if (filter_ != nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(context->row_filter,
                             ToArrowExpression(*filter_).Bind(*read_schema_));
  }
  context->mode = mode_;
  context->physical_columns = physical_columns_;
  const auto& partitions = snapshot_->partition_columns();
  for (int i = 0; i < read_schema_->num_fields(); ++i) {
    const bool is_partition =
        std::find(partitions.begin(), partitions.end(), read_schema_->field(i)->name()) !=
        partitions.end();
    context->is_partition.push_back(is_partition);
    if (is_partition) continue;
    context->read_options.columns.push_back(physical_columns_[i].name);
    if (physical_columns_[i].field_id) {
      context->read_options.field_ids.push_back(*physical_columns_[i].field_id);
    }
  }
  context->read_options.batch_size = batch_size_;
  // A small limit is served by the first file or two: no need to decode ahead.
  const int parallelism = limit_.has_value() && *limit_ <= batch_size_ ? 1 : parallelism_;
  return std::make_shared<SnapshotReader>(std::move(context), Files(), limit_,
                                          parallelism);
}

std::vector<const AddFile*> Scan::Files() const {
  std::vector<const AddFile*> files;
  files.reserve(snapshot_->files().size());
  for (const auto& file : snapshot_->files()) {
    if (skipping_ == nullptr || skipping_->MayMatch(file)) files.push_back(&file);
  }
  return files;
}

Result<std::shared_ptr<arrow::Table>> Scan::ToTable() const {
  DELTACPP_ASSIGN_OR_RAISE(auto reader, Execute());
  return reader->ToTable();
}

}  // namespace deltacpp
