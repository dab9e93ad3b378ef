#include "deltacpp/ops/partitioned_writer.h"

#include <cmath>
#include <unordered_map>

#include <arrow/array.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/io/interfaces.h>
#include <arrow/type.h>
#include <arrow/util/byte_size.h>
#include <arrow/util/thread_pool.h>
#include <parquet/arrow/schema.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include "deltacpp/common/ids.h"

namespace deltacpp {

namespace {

constexpr std::string_view kNullPartitionFolder = "__HIVE_DEFAULT_PARTITION__";

// `text` with every byte that `keep` refuses written as %XX.
template <typename Keep>
std::string PercentEncode(std::string_view text, Keep keep) {
  std::string out;
  for (char c : text) {
    if (keep(static_cast<unsigned char>(c))) {
      out.push_back(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out;
}

// Hive-style escaping of a partition value in a folder name, as Spark does it.
std::string EscapePartitionValue(std::string_view value) {
  static constexpr std::string_view kEscaped = "\"#%'*/:=?\\\x7f{[]^";
  return PercentEncode(value, [](unsigned char c) {
    return c >= 0x20 && kEscaped.find(static_cast<char>(c)) == std::string_view::npos;
  });
}

// A relative path as the URI add.path holds: reserved and non-ASCII bytes
// percent-encoded, '/' kept.
std::string PathToUri(std::string_view path) {
  static constexpr std::string_view kKept = "/-_.~!$&'()*+,;=:@";
  return PercentEncode(path, [](unsigned char c) {
    return std::isalnum(c) != 0 ||
           kKept.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

Result<arrow::Compression::type> CompressionOf(const std::string& name) {
  if (name == "snappy") return arrow::Compression::SNAPPY;
  if (name == "zstd") return arrow::Compression::ZSTD;
  if (name == "gzip") return arrow::Compression::GZIP;
  if (name == "brotli") return arrow::Compression::BROTLI;
  // Parquet's LZ4 codec is deprecated; Arrow writes LZ4_RAW for both names.
  if (name == "lz4" || name == "lz4_raw") return arrow::Compression::LZ4;
  if (name == "none") return arrow::Compression::UNCOMPRESSED;
  return DeltaError(DeltaErrorCode::kInvalidArgument, "unknown compression '", name,
                    "' (snappy, zstd, gzip, brotli, lz4, lz4_raw or none)");
}

Result<parquet::Encoding::type> EncodingOf(const std::string& name) {
  if (name == "plain") return parquet::Encoding::PLAIN;
  if (name == "rle") return parquet::Encoding::RLE;
  if (name == "delta_binary_packed") return parquet::Encoding::DELTA_BINARY_PACKED;
  if (name == "delta_length_byte_array") {
    return parquet::Encoding::DELTA_LENGTH_BYTE_ARRAY;
  }
  if (name == "delta_byte_array") return parquet::Encoding::DELTA_BYTE_ARRAY;
  if (name == "byte_stream_split") return parquet::Encoding::BYTE_STREAM_SPLIT;
  return DeltaError(DeltaErrorCode::kInvalidArgument, "unknown Parquet encoding '", name,
                    "' (plain, rle, delta_binary_packed, delta_length_byte_array, "
                    "delta_byte_array or byte_stream_split)");
}

Status CheckColumnOptions(const std::string& column,
                          const ParquetColumnOptions& options) {
  if (options.encoding) DELTACPP_RETURN_NOT_OK(EncodingOf(*options.encoding).status());
  if (options.bloom_filter_fpp &&
      !(*options.bloom_filter_fpp > 0.0 && *options.bloom_filter_fpp < 1.0)) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "bloom filter fpp ",
                      *options.bloom_filter_fpp, " of ", column,
                      " must be between 0 and 1 (exclusive)");
  }
  if (options.bloom_filter_ndv && *options.bloom_filter_ndv < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "bloom filter ndv of ", column,
                      " must not be negative");
  }
  return Status::OK();
}

struct LeafColumn {
  std::string path;  // as Parquet names it, e.g. "tags.list.element"
  bool boolean = false;
};

Result<std::vector<LeafColumn>> LeafColumnPaths(const arrow::Schema& schema) {
  std::shared_ptr<parquet::SchemaDescriptor> descriptor;
  DELTACPP_RETURN_NOT_OK(parquet::arrow::ToParquetSchema(
      &schema, *parquet::default_writer_properties(), &descriptor));
  std::vector<LeafColumn> leaves;
  for (int i = 0; i < descriptor->num_columns(); ++i) {
    const auto* column = descriptor->Column(i);
    leaves.push_back({column->path()->ToDotString(),
                      column->physical_type() == parquet::Type::BOOLEAN});
  }
  return leaves;
}

// Applies `options` to one column (`path`), or with an empty path to all of them.
void ApplyColumnOptions(const std::string& path, const ParquetColumnOptions& options,
                        parquet::WriterProperties::Builder& builder) {
  const bool all = path.empty();
  if (options.dictionary) {
    if (*options.dictionary) {
      all ? builder.enable_dictionary() : builder.enable_dictionary(path);
    } else {
      all ? builder.disable_dictionary() : builder.disable_dictionary(path);
    }
  }
  if (options.statistics) {
    if (*options.statistics) {
      all ? builder.enable_statistics() : builder.enable_statistics(path);
    } else {
      all ? builder.disable_statistics() : builder.disable_statistics(path);
    }
  }
  if (options.encoding) {
    const auto encoding = *EncodingOf(*options.encoding);  // checked by Validate
    all ? builder.encoding(encoding) : builder.encoding(path, encoding);
  }
}

// The columns of a row group are encoded in parallel on Arrow's CPU thread pool.
std::shared_ptr<parquet::ArrowWriterProperties> ParallelEncoding() {
  static const auto properties =
      parquet::ArrowWriterProperties::Builder().set_use_threads(true)->build();
  return properties;
}

// The partition value text of each row of `column` (nullopt for null and ""), as the
// protocol serializes partition values.
Result<std::vector<std::optional<std::string>>> PartitionTexts(
    const std::shared_ptr<arrow::Array>& column) {
  std::shared_ptr<arrow::Array> text;
  const auto& type = *column->type();
  if (type.id() == arrow::Type::STRING) {
    text = column;
  } else {
    DELTACPP_ASSIGN_OR_RAISE(text, arrow::compute::Cast(*column, arrow::utf8()));
  }
  const auto& strings = static_cast<const arrow::StringArray&>(*text);
  std::vector<std::optional<std::string>> values(strings.length());
  const bool timestamp = type.id() == arrow::Type::TIMESTAMP;
  const bool utc =
      timestamp && !static_cast<const arrow::TimestampType&>(type).timezone().empty();
  for (int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i) || strings.GetView(i).empty()) continue;
    std::string value(strings.GetView(i));
    if (timestamp) {
      // Arrow writes "1970-01-01 00:00:00.000000[Z]": UTC ones become ISO 8601 with 'Z',
      // timestamp_ntz ones keep the space form.
      if (!value.empty() && value.back() == 'Z') value.pop_back();
      if (utc) {
        value[10] = 'T';
        value += 'Z';
      }
    }
    values[i] = std::move(value);
  }
  return values;
}

}  // namespace

Status ValidateDataFileOptions(const DataFileOptions& options) {
  DELTACPP_RETURN_NOT_OK(CompressionOf(options.compression).status());
  DELTACPP_RETURN_NOT_OK(CheckColumnOptions("every column", options.default_columns));
  for (const auto& [column, column_options] : options.columns) {
    DELTACPP_RETURN_NOT_OK(CheckColumnOptions("column " + column, column_options));
  }
  for (const auto& size : {options.data_page_size, options.dictionary_page_size,
                           options.data_page_row_count, options.write_batch_size}) {
    if (size && *size < 1) {
      return DeltaError(DeltaErrorCode::kInvalidArgument,
                        "Parquet page sizes and the write batch size must be at least 1");
    }
  }
  if (options.max_rows_per_file < 1 || options.max_rows_per_row_group < 1 ||
      options.target_file_size < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "rows per file and per row group must be at least 1, and the "
                      "target file size positive (or 0 for none)");
  }
  return Status::OK();
}

struct PartitionedWriter::PartitionKey {
  std::vector<std::optional<std::string>> values;  // nullopt for null
  std::string folder;                              // "a=1/b=x/", "" unpartitioned
};

struct PartitionedWriter::OpenFile {
  PartitionKey key;
  std::string relative_path;
  std::shared_ptr<arrow::io::OutputStream> sink;
  std::unique_ptr<parquet::arrow::FileWriter> writer;
  std::unique_ptr<FileStatsCollector> stats;
  // With a target file size: rows in the row group being buffered, and how many it is
  // to get before it is flushed and the file's size checked.
  int64_t group_rows = 0;
  int64_t group_target = 0;
};

PartitionedWriter::PartitionedWriter(std::shared_ptr<ObjectStore> store,
                                     std::shared_ptr<arrow::Schema> table_schema,
                                     std::vector<std::string> partition_columns,
                                     DataFileOptions options)
    : store_(std::move(store)),
      partition_columns_(std::move(partition_columns)),
      options_(std::move(options)) {
  // Partition columns in the order the table lists them (folder order).
  for (const auto& name : partition_columns_) {
    partition_index_.push_back(table_schema->GetFieldIndex(name));
  }
  arrow::FieldVector file_fields;
  for (int i = 0; i < table_schema->num_fields(); ++i) {
    const auto& field = table_schema->field(i);
    if (std::find(partition_columns_.begin(), partition_columns_.end(), field->name()) ==
        partition_columns_.end()) {
      file_index_.push_back(i);
      file_fields.push_back(field->WithMetadata(nullptr));
    }
  }
  file_schema_ = arrow::schema(file_fields);
}

PartitionedWriter::~PartitionedWriter() = default;

Status PartitionedWriter::Write(const std::shared_ptr<arrow::RecordBatch>& batch) {
  if (batch->num_rows() == 0) return Status::OK();
  arrow::ArrayVector file_columns;
  for (int i : file_index_) file_columns.push_back(batch->column(i));
  auto file_batch =
      arrow::RecordBatch::Make(file_schema_, batch->num_rows(), file_columns);
  progress_.rows += batch->num_rows();
  if (partition_columns_.empty()) return WriteToPartition(PartitionKey{}, file_batch);

  // Rows grouped by their partition values, in order of first appearance.
  std::vector<std::vector<std::optional<std::string>>> texts;
  for (int i : partition_index_) {
    DELTACPP_ASSIGN_OR_RAISE(auto column_texts, PartitionTexts(batch->column(i)));
    texts.push_back(std::move(column_texts));
  }
  std::unordered_map<std::string, size_t> group_of;
  std::vector<PartitionKey> keys;
  std::vector<std::vector<int64_t>> rows;
  for (int64_t row = 0; row < batch->num_rows(); ++row) {
    PartitionKey key;
    for (size_t p = 0; p < partition_columns_.size(); ++p) {
      const auto& value = texts[p][row];
      key.values.push_back(value);
      key.folder +=
          EscapePartitionValue(partition_columns_[p]) + "=" +
          (value ? EscapePartitionValue(*value) : std::string(kNullPartitionFolder)) +
          "/";
    }
    auto [group, inserted] = group_of.try_emplace(key.folder, keys.size());
    if (inserted) {
      keys.push_back(std::move(key));
      rows.emplace_back();
    }
    rows[group->second].push_back(row);
  }
  if (keys.size() == 1) return WriteToPartition(keys[0], file_batch);
  for (size_t g = 0; g < keys.size(); ++g) {
    arrow::Int64Builder indices;
    DELTACPP_RETURN_NOT_OK(indices.AppendValues(rows[g]));
    DELTACPP_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
    DELTACPP_ASSIGN_OR_RAISE(auto taken,
                             arrow::compute::Take(arrow::Datum(file_batch), index_array));
    DELTACPP_RETURN_NOT_OK(WriteToPartition(keys[g], taken.record_batch()));
  }
  return Status::OK();
}

Status PartitionedWriter::WriteToPartition(
    const PartitionKey& key, const std::shared_ptr<arrow::RecordBatch>& batch) {
  auto& open = open_files_[key.folder];
  if (open == nullptr) {
    open = std::make_unique<OpenFile>();
    open->key = key;
  }
  const bool sized = options_.target_file_size > 0;
  int64_t offset = 0;
  while (offset < batch->num_rows()) {
    if (open->writer == nullptr) DELTACPP_RETURN_NOT_OK(Start(*open));
    const int64_t room = options_.max_rows_per_file - open->stats->num_records();
    int64_t rows = std::min(room, batch->num_rows() - offset);
    if (sized) {
      // Row groups reach the file only when flushed: they are cut to about the rows
      // that fill the file, so that its size can be checked after each.
      if (open->group_rows == 0) {
        DELTACPP_ASSIGN_OR_RAISE(open->group_target, RowsTowardTarget(*open, *batch));
      }
      rows = std::min(rows, open->group_target - open->group_rows);
    }
    auto slice = batch->Slice(offset, rows);
    // Statistics are gathered on the CPU pool while the columns are encoded.
    FileStatsCollector* stats = open->stats.get();
    DELTACPP_ASSIGN_OR_RAISE(auto gathered,
                             arrow::internal::GetCpuThreadPool()->Submit(
                                 [stats, slice] { return stats->Update(*slice); }));
    const Status written = open->writer->WriteRecordBatch(*slice);
    const Status counted = gathered.status();
    DELTACPP_RETURN_NOT_OK(written);
    DELTACPP_RETURN_NOT_OK(counted);
    offset += rows;
    bool full = open->stats->num_records() >= options_.max_rows_per_file;
    if (!full && sized) {
      open->group_rows += rows;
      if (open->group_rows >= open->group_target) {
        DELTACPP_RETURN_NOT_OK(open->writer->NewBufferedRowGroup());
        open->group_rows = 0;
        DELTACPP_ASSIGN_OR_RAISE(const int64_t size, open->sink->Tell());
        full = size >= options_.target_file_size;
      }
    }
    if (full) DELTACPP_RETURN_NOT_OK(Finish(*open));
  }
  return Status::OK();
}

Result<int64_t> PartitionedWriter::RowsTowardTarget(OpenFile& open,
                                                    const arrow::RecordBatch& batch) {
  DELTACPP_ASSIGN_OR_RAISE(const int64_t size, open.sink->Tell());
  const int64_t written = open.stats->num_records();
  // Bytes a row takes in the file: as this file shows so far, or as the files before it
  // did, or (for the first) its size in memory, which encoding only shrinks.
  double per_row = 0;
  if (written > 0 && size > 0) {
    per_row = static_cast<double>(size) / static_cast<double>(written);
  } else if (observed_bytes_per_row_ > 0) {
    per_row = observed_bytes_per_row_;
  } else if (batch.num_rows() > 0) {
    per_row = static_cast<double>(arrow::util::TotalBufferSize(batch)) /
              static_cast<double>(batch.num_rows());
  }
  const double remaining = static_cast<double>(options_.target_file_size - size);
  int64_t rows = options_.max_rows_per_row_group;
  if (per_row > 0 && remaining > 0) {
    rows = std::min(rows, static_cast<int64_t>(std::ceil(remaining / per_row)));
  }
  return std::max<int64_t>(rows, 1);
}

Result<std::vector<AddFile>> PartitionedWriter::Close() {
  for (auto& [folder, open] : open_files_) {
    if (open->writer != nullptr) DELTACPP_RETURN_NOT_OK(Finish(*open));
  }
  open_files_.clear();
  return std::move(added_);
}

Status PartitionedWriter::Start(OpenFile& open) {
  const std::string codec = options_.compression == "none" ? "" : options_.compression;
  char number[8];
  std::snprintf(number, sizeof(number), "%05d", next_file_++);
  open.relative_path = folder_prefix_ + open.key.folder + name_prefix_ + "-" + number +
                       "-" + RandomUuid() + "-c000" + (codec.empty() ? "" : "." + codec) +
                       ".parquet";
  DELTACPP_ASSIGN_OR_RAISE(open.sink, store_->OpenForWrite(open.relative_path));
  parquet::WriterProperties::Builder properties;
  DELTACPP_ASSIGN_OR_RAISE(auto compression, CompressionOf(options_.compression));
  properties.compression(compression);
  if (options_.compression_level)
    properties.compression_level(*options_.compression_level);
  properties.max_row_group_length(options_.max_rows_per_row_group);
  if (options_.data_page_size) properties.data_pagesize(*options_.data_page_size);
  if (options_.dictionary_page_size) {
    properties.dictionary_pagesize_limit(*options_.dictionary_page_size);
  }
  if (options_.data_page_row_count) {
    properties.max_rows_per_page(*options_.data_page_row_count);
  }
  if (options_.write_batch_size) properties.write_batch_size(*options_.write_batch_size);
  ApplyColumnOptions("", options_.default_columns, properties);
  for (const auto& [column, column_options] : options_.columns) {
    ApplyColumnOptions(column, column_options, properties);
  }
  // Bloom filters go per leaf column: a default one applies to each leaf but booleans,
  // which Parquet gives none.
  auto bloom = [&](const std::string& path, const ParquetColumnOptions& column) {
    if (!column.bloom_filter_fpp && !column.bloom_filter_ndv) return;
    parquet::BloomFilterOptions filter;
    if (column.bloom_filter_fpp) filter.fpp = *column.bloom_filter_fpp;
    filter.ndv = column.bloom_filter_ndv;
    properties.enable_bloom_filter(path, filter);
  };
  if (options_.default_columns.bloom_filter_fpp ||
      options_.default_columns.bloom_filter_ndv) {
    DELTACPP_ASSIGN_OR_RAISE(auto leaves, LeafColumnPaths(*file_schema_));
    for (const auto& leaf : leaves) {
      if (!leaf.boolean) bloom(leaf.path, options_.default_columns);
    }
  }
  for (const auto& [column, column_options] : options_.columns) {
    bloom(column, column_options);
  }
  DELTACPP_ASSIGN_OR_RAISE(open.writer,
                           parquet::arrow::FileWriter::Open(
                               *file_schema_, arrow::default_memory_pool(), open.sink,
                               properties.build(), ParallelEncoding()));
  open.stats = std::make_unique<FileStatsCollector>(file_schema_, options_.stats_columns);
  return Status::OK();
}

Status PartitionedWriter::Finish(OpenFile& open) {
  DELTACPP_RETURN_NOT_OK(open.writer->Close());
  DELTACPP_ASSIGN_OR_RAISE(const int64_t size, open.sink->Tell());
  DELTACPP_RETURN_NOT_OK(open.sink->Close());
  if (open.stats->num_records() > 0) {
    observed_bytes_per_row_ =
        static_cast<double>(size) / static_cast<double>(open.stats->num_records());
  }
  AddFile add;
  add.path = PathToUri(open.relative_path);
  for (size_t i = 0; i < partition_columns_.size(); ++i) {
    add.partition_values[partition_columns_[i]] = open.key.values[i];
  }
  add.size = size;
  add.modification_time = NowMillis();
  add.data_change = true;
  add.stats = open.stats->ToJson();
  ++progress_.files_closed;
  progress_.bytes_closed += size;
  added_.push_back(std::move(add));
  open.writer.reset();
  open.sink.reset();
  open.stats.reset();
  return Status::OK();
}

}  // namespace deltacpp
