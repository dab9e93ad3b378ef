#include "deltacpp/kernel/log/checkpoint_reader.h"

#include <arrow/array.h>
#include <arrow/memory_pool.h>
#include <arrow/scalar.h>
#include <arrow/util/uri.h>

#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/actions/action_names.h"
#include "deltacpp/kernel/json_internal.h"
#include "deltacpp/kernel/parquet_file.h"

namespace deltacpp {

namespace names = action_names;

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// One value of `stats_parsed` as the JSON of `stats`: numbers as numbers, dates and
// timestamps as the text ParseTypedValue reads, nested statistics as objects.
Status WriteStatsValue(const arrow::Array& array, int64_t row, JsonWriter* writer) {
  if (array.IsNull(row)) {
    writer->Null();
    return Status::OK();
  }
  switch (array.type_id()) {
    case arrow::Type::STRUCT: {
      const auto& structs = static_cast<const arrow::StructArray&>(array);
      writer->StartObject();
      for (int i = 0; i < structs.num_fields(); ++i) {
        // A null statistic is one not collected: left out, as JSON stats leave it.
        if (structs.field(i)->IsNull(row)) continue;
        const auto& name = structs.struct_type()->field(i)->name();
        writer->Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        DELTACPP_RETURN_NOT_OK(WriteStatsValue(*structs.field(i), row, writer));
      }
      writer->EndObject();
      return Status::OK();
    }
    case arrow::Type::BOOL:
      writer->Bool(static_cast<const arrow::BooleanArray&>(array).Value(row));
      return Status::OK();
    case arrow::Type::STRING: {
      auto text = static_cast<const arrow::StringArray&>(array).GetView(row);
      writer->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      return Status::OK();
    }
    default: {
      DELTACPP_ASSIGN_OR_RAISE(auto scalar, array.GetScalar(row));
      const std::string text = scalar->ToString();
      if (arrow::is_numeric(array.type_id()) || arrow::is_decimal(array.type_id())) {
        writer->RawValue(text.data(), text.size(), rapidjson::kNumberType);
      } else {
        writer->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      }
      return Status::OK();
    }
  }
}

// One struct-typed column of a checkpoint batch (an action, or a struct inside one), read
// field by field with type checks. A column the file lacks reads as all-null.
class StructColumn {
 public:
  StructColumn(std::shared_ptr<arrow::Array> array, std::string where,
               const std::string* file)
      : where_(std::move(where)), file_(file) {
    if (array != nullptr && array->type_id() == arrow::Type::STRUCT) {
      array_ = std::static_pointer_cast<arrow::StructArray>(std::move(array));
    } else if (array != nullptr) {
      type_error_ = true;
    }
  }

  Status CheckType() const {
    return type_error_ ? Error("", "is not a struct") : Status::OK();
  }
  bool Has(int64_t row) const { return array_ != nullptr && array_->IsValid(row); }

  StructColumn Child(std::string_view name) const {
    return StructColumn(Field(name), where_ + "." + std::string(name), file_);
  }

  Result<std::optional<std::string>> String(std::string_view name, int64_t row) const {
    auto field = Field(name);
    if (field == nullptr || field->IsNull(row)) return std::nullopt;
    if (field->type_id() == arrow::Type::STRING) {
      return std::string(static_cast<const arrow::StringArray&>(*field).GetView(row));
    }
    if (field->type_id() == arrow::Type::LARGE_STRING) {
      return std::string(
          static_cast<const arrow::LargeStringArray&>(*field).GetView(row));
    }
    return Error(name, "is not a string");
  }

  Result<std::optional<int64_t>> Int(std::string_view name, int64_t row) const {
    auto field = Field(name);
    if (field == nullptr || field->IsNull(row)) return std::nullopt;
    switch (field->type_id()) {
      case arrow::Type::INT64:
        return static_cast<const arrow::Int64Array&>(*field).Value(row);
      case arrow::Type::INT32:
        return static_cast<const arrow::Int32Array&>(*field).Value(row);
      default:
        return Error(name, "is not an integer");
    }
  }

  Result<std::optional<bool>> Bool(std::string_view name, int64_t row) const {
    auto field = Field(name);
    if (field == nullptr || field->IsNull(row)) return std::nullopt;
    if (field->type_id() != arrow::Type::BOOL) return Error(name, "is not a boolean");
    return static_cast<const arrow::BooleanArray&>(*field).Value(row);
  }

  Result<std::optional<std::vector<std::string>>> StringList(std::string_view name,
                                                             int64_t row) const {
    auto field = Field(name);
    if (field == nullptr || field->IsNull(row)) return std::nullopt;
    if (field->type_id() != arrow::Type::LIST) return Error(name, "is not a list");
    const auto& list = static_cast<const arrow::ListArray&>(*field);
    if (list.value_type()->id() != arrow::Type::STRING) {
      return Error(name, "is not a list of strings");
    }
    const auto& values = static_cast<const arrow::StringArray&>(*list.values());
    std::vector<std::string> result;
    for (int64_t i = list.value_offset(row); i < list.value_offset(row + 1); ++i) {
      result.emplace_back(values.GetView(i));
    }
    return result;
  }

  // A map<string, string>; null values are kept as nullopt.
  Result<std::optional<PartitionValues>> Map(std::string_view name, int64_t row) const {
    auto field = Field(name);
    if (field == nullptr || field->IsNull(row)) return std::nullopt;
    if (field->type_id() != arrow::Type::MAP) return Error(name, "is not a map");
    const auto& map = static_cast<const arrow::MapArray&>(*field);
    if (map.keys()->type_id() != arrow::Type::STRING ||
        map.items()->type_id() != arrow::Type::STRING) {
      return Error(name, "is not a map of strings");
    }
    const auto& keys = static_cast<const arrow::StringArray&>(*map.keys());
    const auto& items = static_cast<const arrow::StringArray&>(*map.items());
    PartitionValues result;
    for (int64_t i = map.value_offset(row); i < map.value_offset(row + 1); ++i) {
      std::optional<std::string> value;
      if (items.IsValid(i)) value = std::string(items.GetView(i));
      result.emplace(std::string(keys.GetView(i)), std::move(value));
    }
    return result;
  }

  Result<std::optional<StringMap>> StringMapField(std::string_view name,
                                                  int64_t row) const {
    DELTACPP_ASSIGN_OR_RAISE(auto map, Map(name, row));
    if (!map) return std::nullopt;
    StringMap result;
    for (auto& [key, value] : *map) {
      if (value) result.emplace(key, *std::move(value));
    }
    return result;
  }

  // A struct field as JSON text (for stats_parsed).
  Result<std::optional<std::string>> Json(std::string_view name, int64_t row) const {
    auto field = Field(name);
    if (field == nullptr || field->IsNull(row)) return std::nullopt;
    if (field->type_id() != arrow::Type::STRUCT) return Error(name, "is not a struct");
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    DELTACPP_RETURN_NOT_OK(WriteStatsValue(*field, row, &writer));
    return std::string(buffer.GetString(), buffer.GetSize());
  }

  template <typename T>
  Result<T> Required(Result<std::optional<T>> value, std::string_view name) const {
    DELTACPP_ASSIGN_OR_RAISE(auto present, std::move(value));
    if (!present) return Error(name, "is missing");
    return *std::move(present);
  }

 private:
  std::shared_ptr<arrow::Array> Field(std::string_view name) const {
    if (array_ == nullptr) return nullptr;
    return array_->GetFieldByName(std::string(name));
  }

  Status Error(std::string_view field, std::string_view problem) const {
    return DeltaError(DeltaErrorCode::kCorruptLog, "corrupt checkpoint ", *file_, ": ",
                      where_, field.empty() ? "" : ".", field, " ", problem);
  }

  std::shared_ptr<arrow::StructArray> array_;
  std::string where_;
  const std::string* file_;
  bool type_error_ = false;
};

Result<std::optional<DeletionVectorDescriptor>> ReadDeletionVector(
    const StructColumn& file, int64_t row) {
  StructColumn dv = file.Child(names::kDeletionVector);
  DELTACPP_RETURN_NOT_OK(dv.CheckType());
  if (!dv.Has(row)) return std::nullopt;
  DeletionVectorDescriptor descriptor;
  DELTACPP_ASSIGN_OR_RAISE(
      descriptor.storage_type,
      dv.Required(dv.String(names::kStorageType, row), names::kStorageType));
  DELTACPP_ASSIGN_OR_RAISE(
      descriptor.path_or_inline_dv,
      dv.Required(dv.String(names::kPathOrInlineDv, row), names::kPathOrInlineDv));
  DELTACPP_ASSIGN_OR_RAISE(auto offset, dv.Int(names::kOffset, row));
  if (offset) descriptor.offset = static_cast<int32_t>(*offset);
  DELTACPP_ASSIGN_OR_RAISE(
      auto size, dv.Required(dv.Int(names::kSizeInBytes, row), names::kSizeInBytes));
  descriptor.size_in_bytes = static_cast<int32_t>(size);
  DELTACPP_ASSIGN_OR_RAISE(
      descriptor.cardinality,
      dv.Required(dv.Int(names::kCardinality, row), names::kCardinality));
  return descriptor;
}

Result<AddFile> ReadAdd(const StructColumn& c, int64_t row) {
  AddFile add;
  DELTACPP_ASSIGN_OR_RAISE(add.path,
                           c.Required(c.String(names::kPath, row), names::kPath));
  DELTACPP_ASSIGN_OR_RAISE(
      add.partition_values,
      c.Required(c.Map(names::kPartitionValues, row), names::kPartitionValues));
  DELTACPP_ASSIGN_OR_RAISE(add.size, c.Required(c.Int(names::kSize, row), names::kSize));
  DELTACPP_ASSIGN_OR_RAISE(
      add.modification_time,
      c.Required(c.Int(names::kModificationTime, row), names::kModificationTime));
  DELTACPP_ASSIGN_OR_RAISE(auto data_change, c.Bool(names::kDataChange, row));
  add.data_change = data_change.value_or(false);
  DELTACPP_ASSIGN_OR_RAISE(add.stats, c.String(names::kStats, row));
  // Checkpoints written with delta.checkpoint.writeStatsAsJson=false hold only the
  // typed form.
  if (!add.stats) {
    DELTACPP_ASSIGN_OR_RAISE(add.stats, c.Json(names::kStatsParsed, row));
  }
  DELTACPP_ASSIGN_OR_RAISE(add.tags, c.StringMapField(names::kTags, row));
  DELTACPP_ASSIGN_OR_RAISE(add.deletion_vector, ReadDeletionVector(c, row));
  DELTACPP_ASSIGN_OR_RAISE(add.base_row_id, c.Int(names::kBaseRowId, row));
  DELTACPP_ASSIGN_OR_RAISE(add.default_row_commit_version,
                           c.Int(names::kDefaultRowCommitVersion, row));
  DELTACPP_ASSIGN_OR_RAISE(add.clustering_provider,
                           c.String(names::kClusteringProvider, row));
  return add;
}

Result<RemoveFile> ReadRemove(const StructColumn& c, int64_t row) {
  RemoveFile remove;
  DELTACPP_ASSIGN_OR_RAISE(remove.path,
                           c.Required(c.String(names::kPath, row), names::kPath));
  DELTACPP_ASSIGN_OR_RAISE(remove.deletion_timestamp,
                           c.Int(names::kDeletionTimestamp, row));
  DELTACPP_ASSIGN_OR_RAISE(auto data_change, c.Bool(names::kDataChange, row));
  remove.data_change = data_change.value_or(false);
  DELTACPP_ASSIGN_OR_RAISE(remove.extended_file_metadata,
                           c.Bool(names::kExtendedFileMetadata, row));
  DELTACPP_ASSIGN_OR_RAISE(remove.partition_values, c.Map(names::kPartitionValues, row));
  DELTACPP_ASSIGN_OR_RAISE(remove.size, c.Int(names::kSize, row));
  DELTACPP_ASSIGN_OR_RAISE(remove.stats, c.String(names::kStats, row));
  DELTACPP_ASSIGN_OR_RAISE(remove.tags, c.StringMapField(names::kTags, row));
  DELTACPP_ASSIGN_OR_RAISE(remove.deletion_vector, ReadDeletionVector(c, row));
  DELTACPP_ASSIGN_OR_RAISE(remove.base_row_id, c.Int(names::kBaseRowId, row));
  DELTACPP_ASSIGN_OR_RAISE(remove.default_row_commit_version,
                           c.Int(names::kDefaultRowCommitVersion, row));
  return remove;
}

Result<Metadata> ReadMetadata(const StructColumn& c, int64_t row) {
  Metadata metadata;
  DELTACPP_ASSIGN_OR_RAISE(metadata.id,
                           c.Required(c.String(names::kId, row), names::kId));
  DELTACPP_ASSIGN_OR_RAISE(metadata.name, c.String(names::kName, row));
  DELTACPP_ASSIGN_OR_RAISE(metadata.description, c.String(names::kDescription, row));
  StructColumn format = c.Child(names::kFormat);
  DELTACPP_RETURN_NOT_OK(format.CheckType());
  if (format.Has(row)) {
    DELTACPP_ASSIGN_OR_RAISE(auto provider, format.String(names::kProvider, row));
    if (provider) metadata.format.provider = *std::move(provider);
    DELTACPP_ASSIGN_OR_RAISE(auto options, format.StringMapField(names::kOptions, row));
    if (options) metadata.format.options = *std::move(options);
  }
  DELTACPP_ASSIGN_OR_RAISE(auto schema_string, c.String(names::kSchemaString, row));
  metadata.schema_string = schema_string.value_or("");
  DELTACPP_ASSIGN_OR_RAISE(auto partition_columns,
                           c.StringList(names::kPartitionColumns, row));
  if (partition_columns) metadata.partition_columns = *std::move(partition_columns);
  DELTACPP_ASSIGN_OR_RAISE(auto configuration,
                           c.StringMapField(names::kConfiguration, row));
  if (configuration) metadata.configuration = *std::move(configuration);
  DELTACPP_ASSIGN_OR_RAISE(metadata.created_time, c.Int(names::kCreatedTime, row));
  return metadata;
}

Result<Protocol> ReadProtocol(const StructColumn& c, int64_t row) {
  Protocol protocol;
  DELTACPP_ASSIGN_OR_RAISE(auto reader, c.Required(c.Int(names::kMinReaderVersion, row),
                                                   names::kMinReaderVersion));
  DELTACPP_ASSIGN_OR_RAISE(auto writer, c.Required(c.Int(names::kMinWriterVersion, row),
                                                   names::kMinWriterVersion));
  protocol.min_reader_version = static_cast<int32_t>(reader);
  protocol.min_writer_version = static_cast<int32_t>(writer);
  DELTACPP_ASSIGN_OR_RAISE(protocol.reader_features,
                           c.StringList(names::kReaderFeatures, row));
  DELTACPP_ASSIGN_OR_RAISE(protocol.writer_features,
                           c.StringList(names::kWriterFeatures, row));
  return protocol;
}

Result<SetTransaction> ReadTxn(const StructColumn& c, int64_t row) {
  SetTransaction txn;
  DELTACPP_ASSIGN_OR_RAISE(txn.app_id,
                           c.Required(c.String(names::kAppId, row), names::kAppId));
  DELTACPP_ASSIGN_OR_RAISE(txn.version,
                           c.Required(c.Int(names::kVersion, row), names::kVersion));
  DELTACPP_ASSIGN_OR_RAISE(txn.last_updated, c.Int(names::kLastUpdated, row));
  return txn;
}

Result<DomainMetadata> ReadDomainMetadata(const StructColumn& c, int64_t row) {
  DomainMetadata domain;
  DELTACPP_ASSIGN_OR_RAISE(domain.domain,
                           c.Required(c.String(names::kDomain, row), names::kDomain));
  DELTACPP_ASSIGN_OR_RAISE(auto configuration, c.String(names::kConfiguration, row));
  domain.configuration = configuration.value_or("");
  DELTACPP_ASSIGN_OR_RAISE(auto removed, c.Bool(names::kRemoved, row));
  domain.removed = removed.value_or(false);
  return domain;
}

Result<Sidecar> ReadSidecar(const StructColumn& c, int64_t row) {
  Sidecar sidecar;
  DELTACPP_ASSIGN_OR_RAISE(sidecar.path,
                           c.Required(c.String(names::kPath, row), names::kPath));
  DELTACPP_ASSIGN_OR_RAISE(
      sidecar.size_in_bytes,
      c.Required(c.Int(names::kSizeInBytes, row), names::kSizeInBytes));
  DELTACPP_ASSIGN_OR_RAISE(auto modification_time, c.Int(names::kModificationTime, row));
  sidecar.modification_time = modification_time.value_or(0);
  DELTACPP_ASSIGN_OR_RAISE(sidecar.tags, c.StringMapField(names::kTags, row));
  return sidecar;
}

Result<CheckpointMetadata> ReadCheckpointMetadata(const StructColumn& c, int64_t row) {
  CheckpointMetadata metadata;
  DELTACPP_ASSIGN_OR_RAISE(metadata.version,
                           c.Required(c.Int(names::kVersion, row), names::kVersion));
  DELTACPP_ASSIGN_OR_RAISE(metadata.tags, c.StringMapField(names::kTags, row));
  return metadata;
}

}  // namespace

Status VisitParquetCheckpoint(const ObjectStore& store, const std::string& relative_path,
                              int64_t size, const ActionVisitor& visit) {
  const std::string file = store.FullPath(relative_path);
  ParquetReadOptions options;
  // Small batches: checkpoint rows become structs at once, so a batch is transient.
  options.batch_size = 8192;
  options.stream_pages = true;
  // Batches live briefly while their rows become actions; with malloc, the memory they
  // free is reused by those actions instead of staying in a separate arena.
  options.memory_pool = arrow::system_memory_pool();
  options.columns = {
      std::string(names::kAdd),      std::string(names::kRemove),
      std::string(names::kMetadata), std::string(names::kProtocol),
      std::string(names::kTxn),      std::string(names::kDomainMetadata),
      std::string(names::kSidecar),  std::string(names::kCheckpointMetadata)};
  DELTACPP_ASSIGN_OR_RAISE(auto batches,
                           ReadParquetFile(store, relative_path, size, options));
  std::vector<Action> actions;
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    auto read = batches->ReadNext(&batch);
    if (!read.ok()) {
      return DeltaError(DeltaErrorCode::kCorruptLog, "cannot read checkpoint ", file,
                        ": ", read.message());
    }
    if (batch == nullptr) break;
    auto column = [&](std::string_view name) {
      return StructColumn(batch->GetColumnByName(std::string(name)), std::string(name),
                          &file);
    };
    const StructColumn add = column(names::kAdd);
    const StructColumn remove = column(names::kRemove);
    const StructColumn metadata = column(names::kMetadata);
    const StructColumn protocol = column(names::kProtocol);
    const StructColumn txn = column(names::kTxn);
    const StructColumn domain = column(names::kDomainMetadata);
    const StructColumn sidecar = column(names::kSidecar);
    const StructColumn checkpoint_metadata = column(names::kCheckpointMetadata);
    for (const StructColumn* c : {&add, &remove, &metadata, &protocol, &txn, &domain,
                                  &sidecar, &checkpoint_metadata}) {
      DELTACPP_RETURN_NOT_OK(c->CheckType());
    }
    for (int64_t row = 0; row < batch->num_rows(); ++row) {
      if (add.Has(row)) {
        DELTACPP_ASSIGN_OR_RAISE(auto action, ReadAdd(add, row));
        visit(std::move(action));
      } else if (remove.Has(row)) {
        DELTACPP_ASSIGN_OR_RAISE(auto action, ReadRemove(remove, row));
        visit(std::move(action));
      } else if (metadata.Has(row)) {
        DELTACPP_ASSIGN_OR_RAISE(auto action, ReadMetadata(metadata, row));
        visit(std::move(action));
      } else if (protocol.Has(row)) {
        DELTACPP_ASSIGN_OR_RAISE(auto action, ReadProtocol(protocol, row));
        visit(std::move(action));
      } else if (txn.Has(row)) {
        DELTACPP_ASSIGN_OR_RAISE(auto action, ReadTxn(txn, row));
        visit(std::move(action));
      } else if (domain.Has(row)) {
        DELTACPP_ASSIGN_OR_RAISE(auto action, ReadDomainMetadata(domain, row));
        visit(std::move(action));
      } else if (sidecar.Has(row)) {
        DELTACPP_ASSIGN_OR_RAISE(auto action, ReadSidecar(sidecar, row));
        visit(std::move(action));
      } else if (checkpoint_metadata.Has(row)) {
        DELTACPP_ASSIGN_OR_RAISE(auto action,
                                 ReadCheckpointMetadata(checkpoint_metadata, row));
        visit(std::move(action));
      }
    }
  }
  return Status::OK();
}

Status VisitCheckpointFile(const ObjectStore& store, const std::string& relative_path,
                           int64_t size, const ActionVisitor& visit) {
  // A V2 checkpoint keeps its file actions in sidecars, read after the top level.
  std::vector<Sidecar> sidecars;
  auto visit_top_level = [&](Action&& action) {
    if (const auto* sidecar = std::get_if<Sidecar>(&action)) sidecars.push_back(*sidecar);
    visit(std::move(action));
  };
  if (relative_path.ends_with(".json")) {
    DELTACPP_ASSIGN_OR_RAISE(auto contents, store.ReadAll(relative_path));
    DELTACPP_ASSIGN_OR_RAISE(
        auto actions,
        ParseCommitJson(std::string_view(contents->data_as<char>(), contents->size()),
                        store.FullPath(relative_path)));
    for (auto& action : actions) visit_top_level(std::move(action));
  } else {
    DELTACPP_RETURN_NOT_OK(
        VisitParquetCheckpoint(store, relative_path, size, visit_top_level));
  }
  for (const auto& sidecar : sidecars) {
    if (sidecar.path.find("://") != std::string::npos) {
      return DeltaError(DeltaErrorCode::kUnsupportedFeature, "checkpoint ",
                        store.FullPath(relative_path), " names sidecar ", sidecar.path,
                        " by an absolute URI, which delta-cpp does not read yet");
    }
    const std::string path =
        std::string(kSidecarDir) + "/" + arrow::util::UriUnescape(sidecar.path);
    DELTACPP_RETURN_NOT_OK(
        VisitParquetCheckpoint(store, path, sidecar.size_in_bytes, visit));
  }
  return Status::OK();
}

Result<std::vector<Action>> ReadParquetCheckpoint(const ObjectStore& store,
                                                  const std::string& relative_path,
                                                  int64_t size) {
  std::vector<Action> actions;
  DELTACPP_RETURN_NOT_OK(VisitParquetCheckpoint(
      store, relative_path, size,
      [&](Action&& action) { actions.push_back(std::move(action)); }));
  return actions;
}

Result<std::vector<Action>> ReadCheckpointFile(const ObjectStore& store,
                                               const std::string& relative_path,
                                               int64_t size) {
  std::vector<Action> actions;
  DELTACPP_RETURN_NOT_OK(VisitCheckpointFile(
      store, relative_path, size,
      [&](Action&& action) { actions.push_back(std::move(action)); }));
  return actions;
}

}  // namespace deltacpp
