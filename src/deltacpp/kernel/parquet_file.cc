#include "deltacpp/kernel/parquet_file.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <utility>

#include <arrow/array/util.h>
#include <arrow/memory_pool.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/exception.h>
#include <parquet/file_reader.h>

#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/schema/schema_json.h"

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

// A pool that refuses any one allocation above a limit. Parquet page headers state the
// sizes that the reader allocates before it reads (a 15 KB file claiming a 1.6 GB page
// made Arrow allocate and clear 1.6 GB, as the checkpoint fuzzer found): no honest page
// or value of a file decodes to far more than the file holds.
class AllocationLimitPool : public arrow::MemoryPool {
 public:
  AllocationLimitPool(arrow::MemoryPool* wrapped, int64_t limit)
      : wrapped_(wrapped), limit_(limit) {}

  using arrow::MemoryPool::Allocate;
  using arrow::MemoryPool::Reallocate;
  Status Allocate(int64_t size, int64_t alignment, uint8_t** out) override {
    DELTACPP_RETURN_NOT_OK(Check(size));
    return wrapped_->Allocate(size, alignment, out);
  }
  Status Reallocate(int64_t old_size, int64_t new_size, int64_t alignment,
                    uint8_t** ptr) override {
    DELTACPP_RETURN_NOT_OK(Check(new_size));
    return wrapped_->Reallocate(old_size, new_size, alignment, ptr);
  }
  void Free(uint8_t* buffer, int64_t size, int64_t alignment) override {
    wrapped_->Free(buffer, size, alignment);
  }
  void ReleaseUnused() override { wrapped_->ReleaseUnused(); }
  int64_t bytes_allocated() const override { return wrapped_->bytes_allocated(); }
  int64_t max_memory() const override { return wrapped_->max_memory(); }
  int64_t total_bytes_allocated() const override {
    return wrapped_->total_bytes_allocated();
  }
  int64_t num_allocations() const override { return wrapped_->num_allocations(); }
  std::string backend_name() const override { return wrapped_->backend_name(); }

 private:
  Status Check(int64_t size) const {
    if (size <= limit_) return Status::OK();
    return Status::OutOfMemory("the file claims a page or value of ", size,
                               " bytes, more than a file of its size decodes to (",
                               limit_, " bytes at most): its page headers are corrupt");
  }

  arrow::MemoryPool* wrapped_;
  int64_t limit_;
};

// The pool for reading the pages of a file of `file_size` bytes: one page may take up to
// 64 times the file once decompressed (a ratio real pages stay under) and at least
// 256 MiB. Only pages: the rows decoded from them are not bounded by the file's size
// (a dictionary page and runs of its indices make millions of long strings from a few
// bytes). Buffers keep a pointer to their pool past the reader, so pools live as long
// as the process: one per power-of-two limit and wrapped pool.
arrow::MemoryPool* PoolForFile(arrow::MemoryPool* wrapped, int64_t file_size) {
  constexpr int kMinLimitBits = 28;
  int bits = kMinLimitBits;
  while (bits < 62 && (int64_t{1} << bits) / 64 < file_size) ++bits;
  // Never destroyed: buffers may be freed during exit, after static destructors ran.
  static auto* mutex = new std::mutex;
  static auto* pools = new std::map<std::pair<arrow::MemoryPool*, int>,
                                    std::unique_ptr<arrow::MemoryPool>>;
  std::lock_guard lock(*mutex);
  auto& pool = (*pools)[{wrapped, bits}];
  if (pool == nullptr) {
    pool = std::make_unique<AllocationLimitPool>(wrapped, int64_t{1} << bits);
  }
  return pool.get();
}

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
  DELTACPP_ASSIGN_OR_RAISE(const int64_t file_size, input->GetSize());
  arrow::MemoryPool* pool =
      options.memory_pool != nullptr ? options.memory_pool : arrow::default_memory_pool();
  parquet::ReaderProperties reader_properties(PoolForFile(pool, file_size));
  // Parquet counts two levels for a list or a map (the group and its repeated group) and
  // one for a struct: at kMaxTypeNesting lists, a column is 2 * kMaxTypeNesting + 1 deep.
  // Arrow's default (100) would refuse files of schemas that Delta logs accept.
  reader_properties.set_schema_depth_limit(2 * kMaxTypeNesting + 2);
  // The footer's lists and strings cannot hold more elements or bytes than the file has
  // bytes; a footer claiming more (the checkpoint fuzzer: a 15 KB file whose footer
  // claims a million column chunks took 740 MB and 6 s) fails before allocating them.
  auto within_file = [file_size](int32_t limit) {
    return static_cast<int32_t>(std::clamp<int64_t>(file_size, 1, limit));
  };
  reader_properties.set_thrift_container_size_limit(
      within_file(reader_properties.thrift_container_size_limit()));
  reader_properties.set_thrift_string_size_limit(
      within_file(reader_properties.thrift_string_size_limit()));
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
