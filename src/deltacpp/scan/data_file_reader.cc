#include "deltacpp/scan/data_file_reader.h"

#include <algorithm>
#include <deque>
#include <set>

#include <arrow/array/builder_primitive.h>
#include <arrow/array/util.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/exec.h>
#include <arrow/datum.h>
#include <arrow/scalar.h>
#include <arrow/util/thread_pool.h>

#include "deltacpp/kernel/deletion_vectors/dv_reader.h"
#include "deltacpp/scan/partition_values.h"
#include "deltacpp/scan/physical_to_logical.h"

namespace deltacpp::internal {

Result<std::shared_ptr<arrow::Schema>> SelectFields(
    const std::shared_ptr<arrow::Schema>& table_schema,
    const std::optional<std::vector<std::string>>& columns,
    const std::string& table_uri) {
  if (!columns.has_value()) return table_schema;
  arrow::FieldVector fields;
  std::set<std::string> chosen;
  for (const auto& column : *columns) {
    auto field = table_schema->GetFieldByName(column);
    if (field == nullptr) {
      std::string known;
      for (const auto& name : table_schema->field_names()) {
        known += known.empty() ? name : ", " + name;
      }
      return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", column,
                        "' is not in table ", table_uri, " (its columns: ", known, ")");
    }
    if (!chosen.insert(column).second) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", column,
                        "' is selected twice");
    }
    fields.push_back(std::move(field));
  }
  return arrow::schema(std::move(fields));
}

Status ScanContext::Prepare(int64_t batch_size,
                            const std::vector<std::string>& extra_physical) {
  const auto& partitions = snapshot->partition_columns();
  physical_columns.clear();
  is_partition.clear();
  parquet = ParquetReadOptions{};
  parquet.batch_size = batch_size;
  for (const auto& field : read_schema->fields()) {
    const bool extra = std::find(extra_physical.begin(), extra_physical.end(),
                                 field->name()) != extra_physical.end();
    PhysicalColumn physical{field->name(), std::nullopt};
    if (!extra) {
      DELTACPP_ASSIGN_OR_RAISE(physical, GetPhysicalColumn(*field, mode));
    }
    const bool partition = !extra && std::find(partitions.begin(), partitions.end(),
                                               field->name()) != partitions.end();
    is_partition.push_back(partition);
    if (!partition) {
      parquet.columns.push_back(physical.name);
      if (physical.field_id) parquet.field_ids.push_back(*physical.field_id);
    }
    physical_columns.push_back(std::move(physical));
  }
  return Status::OK();
}

FileToRead FileToRead::Of(const AddFile& file) {
  FileToRead read;
  read.path = file.path;
  read.partition_values = file.partition_values;
  read.size = file.size;
  read.deletion_vector = file.deletion_vector;
  return read;
}

Result<std::unique_ptr<DataFileReader>> DataFileReader::Open(
    std::shared_ptr<const ScanContext> context, FileToRead file) {
  auto reader = std::unique_ptr<DataFileReader>(new DataFileReader(context));
  // A relative path stays under the root; an absolute one (a shallow clone's files
  // live in the source table) is a store of its own where the table allows it.
  auto location = context->snapshot->store()->ResolveLogPath(file.path);
  if (!location.ok()) return location.status();
  reader->store_ = std::move(location->store);
  reader->path_ = std::move(location->path);
  // Deletion vectors are found from the table's root, wherever the data file is.
  const auto& store = *context->snapshot->store();
  if (file.only_rows.has_value()) {
    reader->listed_rows_ = *file.only_rows;
    reader->keep_listed_ = true;
  } else if (file.deletion_vector.has_value()) {
    auto deleted = ReadDeletionVector(store, *file.deletion_vector);
    if (!deleted.ok()) {
      return deleted.status().WithMessage("data file ", file.path, ": ",
                                          deleted.status().message());
    }
    reader->listed_rows_ = *std::move(deleted);
  }
  DELTACPP_ASSIGN_OR_RAISE(
      reader->batches_,
      ReadParquetFile(*reader->store_, reader->path_, file.size, context->parquet));
  const auto& schema = *context->read_schema;
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
                                         field->name(), ": ", scalar.status().message());
    }
    reader->partition_scalars_[i] = *std::move(scalar);
  }
  reader->file_ = std::move(file);
  return reader;
}

std::string DataFileReader::FullPath() const { return store_->FullPath(path_); }

Result<std::shared_ptr<arrow::RecordBatch>> DataFileReader::Next() {
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    auto read = batches_->ReadNext(&batch);
    if (!read.ok()) {
      return DeltaError(DeltaErrorCode::kCorruptLog, "cannot read data file ", FullPath(),
                        ": ", read.message());
    }
    if (batch == nullptr) {
      DELTACPP_RETURN_NOT_OK(CheckListedRowsRead());
      return batch;
    }
    DELTACPP_ASSIGN_OR_RAISE(batch, SelectRows(std::move(batch)));
    if (batch->num_rows() == 0) continue;
    DELTACPP_ASSIGN_OR_RAISE(batch, Shape(*batch));
    DELTACPP_ASSIGN_OR_RAISE(batch, FilterAndFinish(std::move(batch)));
    if (batch->num_rows() > 0) return batch;
  }
}

// A deletion vector naming a row the file lacks was written for another file, or
// crafted: the rows it meant to delete cannot be known.
Status DataFileReader::CheckListedRowsRead() const {
  if (listed_cursor_ >= listed_rows_.size()) return Status::OK();
  return DeltaError(DeltaErrorCode::kCorruptLog, "data file ", FullPath(), " has ",
                    file_row_, " rows, but its deletion vector lists row ",
                    listed_rows_[listed_cursor_]);
}

// Drops the rows a deletion vector marks, or keeps only the listed rows, counting rows
// from the start of the file (batches come in file order).
Result<std::shared_ptr<arrow::RecordBatch>> DataFileReader::SelectRows(
    std::shared_ptr<arrow::RecordBatch> batch) {
  const int64_t first = file_row_;
  const int64_t rows = batch->num_rows();
  file_row_ += rows;
  auto begin = std::lower_bound(listed_rows_.begin() + listed_cursor_, listed_rows_.end(),
                                static_cast<uint64_t>(first));
  auto end =
      std::lower_bound(begin, listed_rows_.end(), static_cast<uint64_t>(first + rows));
  listed_cursor_ = end - listed_rows_.begin();
  const int64_t listed = end - begin;
  if (!keep_listed_ && listed == 0) return batch;
  const int64_t kept = keep_listed_ ? listed : rows - listed;
  if (batch->num_columns() == 0) {
    return arrow::RecordBatch::Make(batch->schema(), kept, arrow::ArrayVector{});
  }
  arrow::BooleanBuilder mask;
  DELTACPP_RETURN_NOT_OK(mask.Reserve(rows));
  auto next_listed = begin;
  for (int64_t row = 0; row < rows; ++row) {
    const bool is_listed =
        next_listed != end && *next_listed == static_cast<uint64_t>(first + row);
    if (is_listed) ++next_listed;
    mask.UnsafeAppend(is_listed == keep_listed_);
  }
  DELTACPP_ASSIGN_OR_RAISE(auto mask_array, mask.Finish());
  DELTACPP_ASSIGN_OR_RAISE(auto filtered,
                           arrow::compute::Filter(arrow::Datum(batch), mask_array));
  return filtered.record_batch();
}

// Keeps the rows where the filter is true, drops the columns only it needed and appends
// the file's constants.
Result<std::shared_ptr<arrow::RecordBatch>> DataFileReader::FilterAndFinish(
    std::shared_ptr<arrow::RecordBatch> batch) {
  if (context_->row_filter.has_value()) {
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
  }
  const int outputs = context_->output_columns;
  if (batch->num_columns() == outputs && file_.constants.empty()) return batch;
  arrow::ArrayVector columns(batch->columns().begin(),
                             batch->columns().begin() + outputs);
  for (const auto& constant : file_.constants) {
    DELTACPP_ASSIGN_OR_RAISE(auto column,
                             arrow::MakeArrayFromScalar(*constant, batch->num_rows()));
    columns.push_back(std::move(column));
  }
  return arrow::RecordBatch::Make(context_->output_schema, batch->num_rows(),
                                  std::move(columns));
}

Result<std::shared_ptr<arrow::RecordBatch>> DataFileReader::Shape(
    const arrow::RecordBatch& batch) {
  const auto& schema = context_->read_schema;
  const auto& stored = batch.schema()->fields();
  const int64_t rows = batch.num_rows();
  arrow::ArrayVector columns;
  columns.reserve(schema->num_fields());
  for (int i = 0; i < schema->num_fields(); ++i) {
    const auto& field = schema->field(i);
    if (context_->is_partition[i]) {
      DELTACPP_ASSIGN_OR_RAISE(auto column,
                               arrow::MakeArrayFromScalar(*partition_scalars_[i], rows));
      columns.push_back(std::move(column));
      continue;
    }
    // In id mode the Parquet field id decides and the physical name is the fallback.
    const PhysicalColumn& physical = context_->physical_columns[i];
    int index = -1;
    for (size_t j = 0; physical.field_id && j < stored.size() && index < 0; ++j) {
      if (GetParquetFieldId(*stored[j]) == physical.field_id) index = static_cast<int>(j);
    }
    for (size_t j = 0; j < stored.size() && index < 0; ++j) {
      if (stored[j]->name() == physical.name) index = static_cast<int>(j);
    }
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

Result<FileBatches> ReadWholeFile(std::shared_ptr<const ScanContext> context,
                                  FileToRead file) {
  DELTACPP_ASSIGN_OR_RAISE(auto reader,
                           DataFileReader::Open(std::move(context), std::move(file)));
  FileBatches batches;
  while (true) {
    DELTACPP_ASSIGN_OR_RAISE(auto batch, reader->Next());
    if (batch == nullptr) return batches;
    batches.push_back(std::move(batch));
  }
}

namespace {

class FilesReader : public arrow::RecordBatchReader {
 public:
  FilesReader(std::shared_ptr<const ScanContext> context, std::vector<FileToRead> files,
              std::optional<int64_t> limit, int parallelism)
      : context_(std::move(context)),
        files_(std::move(files)),
        remaining_(limit),
        parallelism_(parallelism) {}

  ~FilesReader() override {
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
    if (parallelism_ <= 1) {
      while (true) {
        if (current_ == nullptr) {
          if (next_file_ >= files_.size()) return nullptr;
          auto& file = files_[next_file_++];
          auto context = file.context ? file.context : context_;
          DELTACPP_ASSIGN_OR_RAISE(current_,
                                   DataFileReader::Open(context, std::move(file)));
        }
        DELTACPP_ASSIGN_OR_RAISE(auto batch, current_->Next());
        if (batch != nullptr) return batch;
        current_ = nullptr;
      }
    }
    while (ready_index_ >= ready_.size()) {
      while (static_cast<int>(in_flight_.size()) < parallelism_ &&
             next_file_ < files_.size()) {
        auto file = std::move(files_[next_file_++]);
        auto context = file.context ? file.context : context_;
        DELTACPP_ASSIGN_OR_RAISE(auto future,
                                 arrow::internal::GetCpuThreadPool()->Submit(
                                     [context, file = std::move(file)]() mutable {
                                       return ReadWholeFile(context, std::move(file));
                                     }));
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
  std::vector<FileToRead> files_;
  std::optional<int64_t> remaining_;
  int parallelism_;
  size_t next_file_ = 0;
  std::unique_ptr<DataFileReader> current_;           // parallelism 1
  std::deque<arrow::Future<FileBatches>> in_flight_;  // parallelism > 1
  FileBatches ready_;
  size_t ready_index_ = 0;
};

}  // namespace

std::shared_ptr<arrow::RecordBatchReader> MakeFilesReader(
    std::shared_ptr<const ScanContext> context, std::vector<FileToRead> files,
    std::optional<int64_t> limit, int parallelism) {
  return std::make_shared<FilesReader>(std::move(context), std::move(files), limit,
                                       parallelism);
}

}  // namespace deltacpp::internal
