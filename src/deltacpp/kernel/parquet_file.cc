#include "deltacpp/kernel/parquet_file.h"

#include <algorithm>
#include <unordered_set>

#include <arrow/array/util.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/exception.h>
#include <parquet/file_reader.h>

#include "deltacpp/kernel/schema/column_mapping.h"

namespace deltacpp {

namespace {

void CollectLeaves(const parquet::arrow::SchemaField& field, std::vector<int>* leaves) {
  if (field.is_leaf()) {
    leaves->push_back(field.column_index);
    return;
  }
  for (const auto& child : field.children) CollectLeaves(child, leaves);
}

// Yields batches of `num_rows` rows and no columns: a file read for its row count only
// (e.g. a scan that selects partition columns alone).
class RowCountReader : public arrow::RecordBatchReader {
 public:
  RowCountReader(int64_t num_rows, int64_t batch_size)
      : remaining_(num_rows), batch_size_(batch_size) {}
  std::shared_ptr<arrow::Schema> schema() const override { return arrow::schema({}); }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    if (remaining_ == 0) {
      *batch = nullptr;
      return Status::OK();
    }
    const int64_t rows = std::min(remaining_, batch_size_);
    remaining_ -= rows;
    *batch = arrow::RecordBatch::Make(schema(), rows, arrow::ArrayVector{});
    return Status::OK();
  }

 private:
  int64_t remaining_;
  int64_t batch_size_;
};

// The batches of one file. Owns the file reader, which the batch reader borrows from and
// which must therefore outlive it (members are destroyed in reverse order).
class FileBatchReader : public arrow::RecordBatchReader {
 public:
  FileBatchReader(std::unique_ptr<parquet::arrow::FileReader> file,
                  std::unique_ptr<arrow::RecordBatchReader> batches)
      : file_(std::move(file)), batches_(std::move(batches)) {}
  std::shared_ptr<arrow::Schema> schema() const override { return batches_->schema(); }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    return batches_->ReadNext(batch);
  }

 private:
  std::unique_ptr<parquet::arrow::FileReader> file_;
  std::unique_ptr<arrow::RecordBatchReader> batches_;
};

Status InFile(const Status& status, const ObjectStore& store, const std::string& path) {
  if (status.ok() || GetDeltaErrorCode(status).has_value()) return status;
  return DeltaError(DeltaErrorCode::kCorruptLog, "cannot read data file ",
                    store.FullPath(path), ": ", status.message());
}

}  // namespace

Result<std::shared_ptr<arrow::RecordBatchReader>> ReadParquetFile(
    const ObjectStore& store, const std::string& relative_path, int64_t size,
    const ParquetReadOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto input, store.OpenForRead(relative_path, size));

  parquet::ArrowReaderProperties properties;
  properties.set_batch_size(options.batch_size);
  properties.set_coerce_int96_timestamp_unit(arrow::TimeUnit::MICRO);
  // Pre-buffering fetches whole column chunks at once (fast, fewer reads); streaming
  // holds about one page per column instead, for large row groups read once.
  properties.set_pre_buffer(!options.stream_pages);
  arrow::MemoryPool* pool =
      options.memory_pool != nullptr ? options.memory_pool : arrow::default_memory_pool();
  parquet::ReaderProperties reader_properties(pool);
  if (options.stream_pages) {
    reader_properties.enable_buffered_stream();
    reader_properties.set_buffer_size(1 << 20);
  }

  std::unique_ptr<parquet::arrow::FileReader> reader;
  {
    parquet::arrow::FileReaderBuilder builder;
    Status opened;
    try {
      opened = builder.Open(std::move(input), reader_properties);
    } catch (const parquet::ParquetException& error) {
      opened = Status::IOError(error.what());
    }
    DELTACPP_RETURN_NOT_OK(InFile(opened, store, relative_path));
    auto built = builder.memory_pool(pool)->properties(properties)->Build();
    DELTACPP_RETURN_NOT_OK(InFile(built.status(), store, relative_path));
    reader = *std::move(built);
  }

  const std::unordered_set<std::string> wanted(options.columns.begin(),
                                               options.columns.end());
  const std::unordered_set<int64_t> wanted_ids(options.field_ids.begin(),
                                               options.field_ids.end());
  std::vector<int> leaves;
  for (const auto& field : reader->manifest().schema_fields) {
    auto id = GetParquetFieldId(*field.field);
    if (wanted.contains(field.field->name()) || (id && wanted_ids.contains(*id))) {
      CollectLeaves(field, &leaves);
    }
  }
  if (leaves.empty()) {
    return std::make_shared<RowCountReader>(
        reader->parquet_reader()->metadata()->num_rows(), options.batch_size);
  }
  std::vector<int> row_groups(reader->num_row_groups());
  for (int i = 0; i < reader->num_row_groups(); ++i) row_groups[i] = i;
  auto batches = reader->GetRecordBatchReader(row_groups, leaves);
  DELTACPP_RETURN_NOT_OK(InFile(batches.status(), store, relative_path));
  return std::make_shared<FileBatchReader>(std::move(reader), *std::move(batches));
}

}  // namespace deltacpp
