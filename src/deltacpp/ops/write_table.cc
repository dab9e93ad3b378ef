#include "deltacpp/ops/write_table.h"

#include <chrono>
#include <map>
#include <random>
#include <unordered_map>

#include <arrow/array.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/io/interfaces.h>
#include <arrow/type.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_features/feature_gate.h"
#include "deltacpp/ops/file_stats.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {

namespace {

constexpr std::string_view kNullPartitionFolder = "__HIVE_DEFAULT_PARTITION__";

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomUuid() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  uint64_t high = generator();
  uint64_t low = generator();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // variant 1
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xFFFF),
                static_cast<unsigned>(high & 0xFFFF), static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

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

// The type Delta stores for `type`: nullopt when Delta has none.
std::shared_ptr<arrow::DataType> StorageType(
    const std::shared_ptr<arrow::DataType>& type) {
  switch (type->id()) {
    case arrow::Type::BOOL:
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE:
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
    case arrow::Type::DATE32:
    case arrow::Type::DECIMAL128:
      return type;
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      return arrow::utf8();
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::BINARY_VIEW:
    case arrow::Type::FIXED_SIZE_BINARY:
      return arrow::binary();
    case arrow::Type::TIMESTAMP: {
      const auto& timestamp = static_cast<const arrow::TimestampType&>(*type);
      return timestamp.timezone().empty()
                 ? arrow::timestamp(arrow::TimeUnit::MICRO)
                 : arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    }
    case arrow::Type::DICTIONARY:
      return StorageType(static_cast<const arrow::DictionaryType&>(*type).value_type());
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
    case arrow::Type::LIST_VIEW: {
      auto element = StorageType(type->field(0)->type());
      if (element == nullptr) return nullptr;
      return arrow::list(type->field(0)->WithType(element)->WithName("element"));
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(*type);
      auto key = StorageType(map.key_type());
      auto item = StorageType(map.item_type());
      if (key == nullptr || item == nullptr) return nullptr;
      return std::make_shared<arrow::MapType>(map.key_field()->WithType(key),
                                              map.item_field()->WithType(item));
    }
    case arrow::Type::STRUCT: {
      arrow::FieldVector fields;
      for (const auto& field : type->fields()) {
        auto child = StorageType(field->type());
        if (child == nullptr) return nullptr;
        fields.push_back(field->WithType(child));
      }
      return arrow::struct_(fields);
    }
    default:
      return nullptr;
  }
}

Result<std::shared_ptr<arrow::Schema>> StorageSchema(const arrow::Schema& schema) {
  arrow::FieldVector fields;
  for (const auto& field : schema.fields()) {
    auto type = StorageType(field->type());
    if (type == nullptr) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", field->name(),
                        "' has type ", field->type()->ToString(),
                        ", which a Delta table cannot store");
    }
    fields.push_back(field->WithType(type)->WithMetadata(nullptr));
  }
  return arrow::schema(fields);
}

bool IsPartitionable(const arrow::DataType& type) {
  return !arrow::is_nested(type.id()) && type.id() != arrow::Type::BINARY;
}

// The text a partition value is written as, and its folder name; nullopt text for null.
struct PartitionKey {
  std::vector<std::optional<std::string>> values;
  std::string folder;
};

// The columns of a row group are encoded in parallel on Arrow's CPU thread pool.
std::shared_ptr<parquet::ArrowWriterProperties> ParallelEncoding() {
  static const auto properties =
      parquet::ArrowWriterProperties::Builder().set_use_threads(true)->build();
  return properties;
}

class PartitionedFileWriter {
 public:
  PartitionedFileWriter(std::shared_ptr<ObjectStore> store,
                        std::shared_ptr<arrow::Schema> file_schema,
                        std::vector<std::string> partition_columns,
                        const WriteOptions& options)
      : store_(std::move(store)),
        file_schema_(std::move(file_schema)),
        partition_columns_(std::move(partition_columns)),
        options_(options) {}

  // `batch` holds file_schema's columns; `key` says where its rows go.
  Status Write(const PartitionKey& key,
               const std::shared_ptr<arrow::RecordBatch>& batch) {
    auto& open = open_files_[key.folder];
    if (open == nullptr) {
      open = std::make_unique<OpenFile>();
      open->key = key;
    }
    int64_t offset = 0;
    while (offset < batch->num_rows()) {
      if (open->writer == nullptr) DELTACPP_RETURN_NOT_OK(Start(*open));
      const int64_t room = options_.max_rows_per_file - open->stats->num_records();
      const int64_t rows = std::min(room, batch->num_rows() - offset);
      auto slice = batch->Slice(offset, rows);
      DELTACPP_RETURN_NOT_OK(open->writer->WriteRecordBatch(*slice));
      DELTACPP_RETURN_NOT_OK(open->stats->Update(*slice));
      offset += rows;
      if (open->stats->num_records() >= options_.max_rows_per_file) {
        DELTACPP_RETURN_NOT_OK(Finish(*open));
      }
    }
    return Status::OK();
  }

  Result<std::vector<AddFile>> Close() {
    for (auto& [folder, open] : open_files_) {
      if (open->writer != nullptr) DELTACPP_RETURN_NOT_OK(Finish(*open));
    }
    return std::move(added_);
  }

 private:
  struct OpenFile {
    PartitionKey key;
    std::string relative_path;
    std::shared_ptr<arrow::io::OutputStream> sink;
    std::unique_ptr<parquet::arrow::FileWriter> writer;
    std::unique_ptr<FileStatsCollector> stats;
  };

  Status Start(OpenFile& open) {
    const std::string codec = options_.compression == "none" ? "" : options_.compression;
    char number[8];
    std::snprintf(number, sizeof(number), "%05d", next_file_++);
    open.relative_path = open.key.folder + "part-" + number + "-" + RandomUuid() +
                         "-c000" + (codec.empty() ? "" : "." + codec) + ".parquet";
    DELTACPP_ASSIGN_OR_RAISE(open.sink, store_->OpenForWrite(open.relative_path));
    parquet::WriterProperties::Builder properties;
    DELTACPP_ASSIGN_OR_RAISE(auto compression, CompressionOf(options_.compression));
    properties.compression(compression);
    properties.max_row_group_length(options_.max_rows_per_row_group);
    DELTACPP_ASSIGN_OR_RAISE(open.writer,
                             parquet::arrow::FileWriter::Open(
                                 *file_schema_, arrow::default_memory_pool(), open.sink,
                                 properties.build(), ParallelEncoding()));
    open.stats = std::make_unique<FileStatsCollector>(file_schema_);
    return Status::OK();
  }

  Status Finish(OpenFile& open) {
    DELTACPP_RETURN_NOT_OK(open.writer->Close());
    DELTACPP_ASSIGN_OR_RAISE(const int64_t size, open.sink->Tell());
    DELTACPP_RETURN_NOT_OK(open.sink->Close());
    AddFile add;
    add.path = PathToUri(open.relative_path);
    for (size_t i = 0; i < partition_columns_.size(); ++i) {
      add.partition_values[partition_columns_[i]] = open.key.values[i];
    }
    add.size = size;
    add.modification_time = NowMillis();
    add.data_change = true;
    add.stats = open.stats->ToJson();
    rows_ += open.stats->num_records();
    bytes_ += size;
    added_.push_back(std::move(add));
    open.writer.reset();
    open.sink.reset();
    open.stats.reset();
    return Status::OK();
  }

  static Result<arrow::Compression::type> CompressionOf(const std::string& name) {
    if (name == "snappy") return arrow::Compression::SNAPPY;
    if (name == "zstd") return arrow::Compression::ZSTD;
    if (name == "gzip") return arrow::Compression::GZIP;
    if (name == "lz4") return arrow::Compression::LZ4;
    if (name == "none") return arrow::Compression::UNCOMPRESSED;
    return DeltaError(DeltaErrorCode::kInvalidArgument, "unknown compression '", name,
                      "' (snappy, zstd, gzip, lz4 or none)");
  }

 public:
  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }

 private:
  std::shared_ptr<ObjectStore> store_;
  std::shared_ptr<arrow::Schema> file_schema_;
  std::vector<std::string> partition_columns_;
  const WriteOptions& options_;
  std::map<std::string, std::unique_ptr<OpenFile>> open_files_;
  std::vector<AddFile> added_;
  int next_file_ = 0;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

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

Result<WriteMode> ParseWriteMode(std::string_view text) {
  if (text == "error") return WriteMode::kErrorIfExists;
  if (text == "append") return WriteMode::kAppend;
  if (text == "overwrite") return WriteMode::kOverwrite;
  if (text == "ignore") return WriteMode::kIgnore;
  return DeltaError(DeltaErrorCode::kInvalidArgument, "unknown write mode '", text,
                    "' (error, append, overwrite or ignore)");
}

Result<WriteResult> WriteTable(const std::string& table_uri,
                               arrow::RecordBatchReader& data,
                               const WriteOptions& options) {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(table_uri));
  DELTACPP_ASSIGN_OR_RAISE(auto txn, Transaction::Begin(table));
  const auto& snapshot = txn.read_snapshot();
  DELTACPP_ASSIGN_OR_RAISE(auto input_schema, StorageSchema(*data.schema()));
  std::shared_ptr<arrow::Schema> table_schema;
  std::vector<std::string> partitions;
  WriteResult result;
  if (snapshot != nullptr) {
    result.version = snapshot->version();
    if (options.mode == WriteMode::kErrorIfExists) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "table ", table.uri(),
                        " already exists (version ", snapshot->version(),
                        "): write with mode append or overwrite");
    }
    if (options.mode == WriteMode::kIgnore) return result;
    DELTACPP_ASSIGN_OR_RAISE(auto mode, GetColumnMappingMode(snapshot->metadata()));
    if (mode != ColumnMappingMode::kNone) {
      return DeltaError(DeltaErrorCode::kUnsupportedFeature, "table ", table.uri(),
                        " uses column mapping, which delta-cpp does not write yet");
    }
    table_schema = snapshot->schema();
    partitions = snapshot->partition_columns();
    if (!options.partition_by.empty() && options.partition_by != partitions) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "table ", table.uri(),
                        " is partitioned by other columns than the write asks for");
    }
  } else {
    table_schema = input_schema;
    partitions = options.partition_by;
    for (const auto& column : partitions) {
      auto field = table_schema->GetFieldByName(column);
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
    Metadata metadata;
    metadata.id = RandomUuid();
    metadata.name = options.name;
    metadata.description = options.description;
    DELTACPP_ASSIGN_OR_RAISE(metadata.schema_string, SchemaToJson(*table_schema));
    metadata.partition_columns = partitions;
    metadata.configuration = options.configuration;
    metadata.created_time = NowMillis();
    DELTACPP_ASSIGN_OR_RAISE(auto protocol, ProtocolForNewTable(*table_schema, metadata));
    txn.SetProtocol(std::move(protocol));
    txn.SetMetadata(std::move(metadata));
  }

  // Columns of the data, in table order; each must have the table's type.
  std::vector<int> data_index;
  for (const auto& field : table_schema->fields()) {
    const int index = input_schema->GetFieldIndex(field->name());
    if (index < 0) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "the data lacks column '",
                        field->name(), "' of table ", table.uri());
    }
    const auto& data_type = input_schema->field(index)->type();
    if (!data_type->Equals(*field->type(), /*check_metadata=*/false)) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", field->name(),
                        "' of the data is ", DeltaTypeString(*data_type), " but table ",
                        table.uri(), " has ", DeltaTypeString(*field->type()));
    }
    data_index.push_back(index);
  }
  if (input_schema->num_fields() != table_schema->num_fields()) {
    for (const auto& field : input_schema->fields()) {
      if (table_schema->GetFieldIndex(field->name()) < 0) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", field->name(),
                          "' of the data is not in table ", table.uri());
      }
    }
  }
  std::vector<int> partition_index, file_index;
  arrow::FieldVector file_fields;
  for (int i = 0; i < table_schema->num_fields(); ++i) {
    const auto& field = table_schema->field(i);
    const bool partition = std::find(partitions.begin(), partitions.end(),
                                     field->name()) != partitions.end();
    (partition ? partition_index : file_index).push_back(i);
    if (!partition) file_fields.push_back(field->WithMetadata(nullptr));
  }
  auto file_schema = arrow::schema(file_fields);

  PartitionedFileWriter writer(table.store(), file_schema, partitions, options);
  while (true) {
    std::shared_ptr<arrow::RecordBatch> input;
    DELTACPP_RETURN_NOT_OK(data.ReadNext(&input));
    if (input == nullptr) break;
    if (input->num_rows() == 0) continue;
    arrow::ArrayVector columns;
    for (int i = 0; i < table_schema->num_fields(); ++i) {
      auto column = input->column(data_index[i]);
      const auto& field = table_schema->field(i);
      if (!column->type()->Equals(*field->type())) {
        DELTACPP_ASSIGN_OR_RAISE(column, arrow::compute::Cast(*column, field->type()));
      }
      if (!field->nullable() && column->null_count() > 0) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "column '", field->name(),
                          "' is NOT NULL but the data has ", column->null_count(),
                          " null value(s) in it; nothing was committed");
      }
      columns.push_back(std::move(column));
    }
    arrow::ArrayVector file_columns;
    for (int i : file_index) file_columns.push_back(columns[i]);
    auto file_batch =
        arrow::RecordBatch::Make(file_schema, input->num_rows(), file_columns);
    if (partitions.empty()) {
      DELTACPP_RETURN_NOT_OK(writer.Write(PartitionKey{}, file_batch));
      continue;
    }
    // Rows grouped by their partition values, in order of first appearance.
    std::vector<std::vector<std::optional<std::string>>> texts;
    for (int i : partition_index) {
      DELTACPP_ASSIGN_OR_RAISE(auto column_texts, PartitionTexts(columns[i]));
      texts.push_back(std::move(column_texts));
    }
    std::unordered_map<std::string, size_t> group_of;
    std::vector<PartitionKey> keys;
    std::vector<std::vector<int64_t>> rows;
    for (int64_t row = 0; row < input->num_rows(); ++row) {
      PartitionKey key;
      for (size_t p = 0; p < partitions.size(); ++p) {
        const auto& value = texts[p][row];
        key.values.push_back(value);
        key.folder +=
            EscapePartitionValue(partitions[p]) + "=" +
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
    for (size_t g = 0; g < keys.size(); ++g) {
      arrow::Int64Builder indices;
      DELTACPP_RETURN_NOT_OK(indices.AppendValues(rows[g]));
      DELTACPP_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
      DELTACPP_ASSIGN_OR_RAISE(
          auto taken, arrow::compute::Take(arrow::Datum(file_batch), index_array));
      DELTACPP_RETURN_NOT_OK(writer.Write(keys[g], taken.record_batch()));
    }
  }
  DELTACPP_ASSIGN_OR_RAISE(auto added, writer.Close());
  result.files = static_cast<int64_t>(added.size());
  result.rows = writer.rows();
  result.bytes = writer.bytes();

  std::string mode_name = "Append";
  if (options.mode == WriteMode::kOverwrite) mode_name = "Overwrite";
  if (options.mode == WriteMode::kErrorIfExists) mode_name = "ErrorIfExists";
  if (options.mode == WriteMode::kIgnore) mode_name = "Ignore";
  int64_t removed = 0;
  if (options.mode == WriteMode::kOverwrite && snapshot != nullptr) {
    const int64_t now = NowMillis();
    for (const auto& file : snapshot->files()) {
      RemoveFile remove;
      remove.path = file.path;
      remove.deletion_timestamp = now;
      remove.data_change = true;
      remove.extended_file_metadata = true;
      remove.partition_values = file.partition_values;
      remove.size = file.size;
      remove.deletion_vector = file.deletion_vector;
      txn.Remove(std::move(remove));
      ++removed;
    }
  }
  for (auto& add : added) txn.Add(std::move(add));
  if (options.app_transaction) {
    SetTransaction app = *options.app_transaction;
    app.last_updated = NowMillis();
    txn.SetAppTransaction(std::move(app));
  }
  std::string partition_by = "[";
  for (size_t i = 0; i < partitions.size(); ++i) {
    partition_by += (i > 0 ? ",\"" : "\"") + partitions[i] + "\"";
  }
  partition_by += "]";
  Operation operation{"WRITE",
                      {{"mode", mode_name}, {"partitionBy", partition_by}},
                      {{"numFiles", std::to_string(result.files)},
                       {"numOutputRows", std::to_string(result.rows)},
                       {"numOutputBytes", std::to_string(result.bytes)},
                       {"numRemovedFiles", std::to_string(removed)}}};
  DELTACPP_ASSIGN_OR_RAISE(result.version, txn.Commit(operation));
  result.committed = true;
  return result;
}

}  // namespace deltacpp
