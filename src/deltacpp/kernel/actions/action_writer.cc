#include "deltacpp/kernel/actions/action_writer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "deltacpp/kernel/actions/action_names.h"

namespace deltacpp {

namespace names = action_names;

namespace {

class JsonOut {
 public:
  JsonOut() : writer_(buffer_) {}

  std::string Take() { return std::string(buffer_.GetString(), buffer_.GetSize()); }

  void Key(std::string_view key) {
    writer_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  }
  void String(std::string_view value) {
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  void Field(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  void Field(std::string_view key, int64_t value) {
    Key(key);
    writer_.Int64(value);
  }
  void Field(std::string_view key, bool value) {
    Key(key);
    writer_.Bool(value);
  }
  template <typename T>
  void Field(std::string_view key, const std::optional<T>& value) {
    if (value.has_value()) Field(key, *value);
  }
  void Field(std::string_view key, const StringMap& map) {
    Key(key);
    writer_.StartObject();
    for (const auto& [name, value] : map) Field(name, value);
    writer_.EndObject();
  }
  void Field(std::string_view key, const std::optional<StringMap>& map) {
    if (map.has_value()) Field(key, *map);
  }
  void Field(std::string_view key, const PartitionValues& values) {
    Key(key);
    writer_.StartObject();
    for (const auto& [name, value] : values) {
      Key(name);
      if (value.has_value()) {
        String(*value);
      } else {
        writer_.Null();
      }
    }
    writer_.EndObject();
  }
  void Field(std::string_view key, const std::vector<std::string>& values) {
    Key(key);
    writer_.StartArray();
    for (const auto& value : values) String(value);
    writer_.EndArray();
  }
  void Field(std::string_view key, const std::optional<DeletionVectorDescriptor>& dv) {
    if (!dv.has_value()) return;
    Key(key);
    writer_.StartObject();
    Field(names::kStorageType, dv->storage_type);
    Field(names::kPathOrInlineDv, dv->path_or_inline_dv);
    if (dv->offset.has_value()) Field(names::kOffset, int64_t{*dv->offset});
    Field(names::kSizeInBytes, int64_t{dv->size_in_bytes});
    Field(names::kCardinality, dv->cardinality);
    writer_.EndObject();
  }
  void Start(std::string_view action) {
    writer_.StartObject();
    Key(action);
    writer_.StartObject();
  }
  void End() {
    writer_.EndObject();
    writer_.EndObject();
  }
  rapidjson::Writer<rapidjson::StringBuffer>& raw() { return writer_; }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

void Write(JsonOut& out, const Protocol& protocol) {
  out.Start(names::kProtocol);
  out.Field(names::kMinReaderVersion, int64_t{protocol.min_reader_version});
  out.Field(names::kMinWriterVersion, int64_t{protocol.min_writer_version});
  if (protocol.reader_features)
    out.Field(names::kReaderFeatures, *protocol.reader_features);
  if (protocol.writer_features)
    out.Field(names::kWriterFeatures, *protocol.writer_features);
  out.End();
}

void Write(JsonOut& out, const Metadata& metadata) {
  out.Start(names::kMetadata);
  out.Field(names::kId, metadata.id);
  out.Field(names::kName, metadata.name);
  out.Field(names::kDescription, metadata.description);
  out.Key(names::kFormat);
  out.raw().StartObject();
  out.Field(names::kProvider, metadata.format.provider);
  out.Field(names::kOptions, metadata.format.options);
  out.raw().EndObject();
  out.Field(names::kSchemaString, metadata.schema_string);
  out.Field(names::kPartitionColumns, metadata.partition_columns);
  out.Field(names::kConfiguration, metadata.configuration);
  out.Field(names::kCreatedTime, metadata.created_time);
  out.End();
}

void Write(JsonOut& out, const AddFile& add) {
  out.Start(names::kAdd);
  out.Field(names::kPath, add.path);
  out.Field(names::kPartitionValues, add.partition_values);
  out.Field(names::kSize, add.size);
  out.Field(names::kModificationTime, add.modification_time);
  out.Field(names::kDataChange, add.data_change);
  out.Field(names::kStats, add.stats);
  out.Field(names::kTags, add.tags);
  out.Field(names::kDeletionVector, add.deletion_vector);
  out.Field(names::kBaseRowId, add.base_row_id);
  out.Field(names::kDefaultRowCommitVersion, add.default_row_commit_version);
  out.Field(names::kClusteringProvider, add.clustering_provider);
  out.End();
}

void Write(JsonOut& out, const RemoveFile& remove) {
  out.Start(names::kRemove);
  out.Field(names::kPath, remove.path);
  out.Field(names::kDeletionTimestamp, remove.deletion_timestamp);
  out.Field(names::kDataChange, remove.data_change);
  out.Field(names::kExtendedFileMetadata, remove.extended_file_metadata);
  if (remove.partition_values) {
    out.Field(names::kPartitionValues, *remove.partition_values);
  }
  out.Field(names::kSize, remove.size);
  out.Field(names::kStats, remove.stats);
  out.Field(names::kTags, remove.tags);
  out.Field(names::kDeletionVector, remove.deletion_vector);
  out.Field(names::kBaseRowId, remove.base_row_id);
  out.Field(names::kDefaultRowCommitVersion, remove.default_row_commit_version);
  out.End();
}

void Write(JsonOut& out, const AddCdcFile& cdc) {
  out.Start(names::kCdc);
  out.Field(names::kPath, cdc.path);
  out.Field(names::kPartitionValues, cdc.partition_values);
  out.Field(names::kSize, cdc.size);
  out.Field(names::kDataChange, cdc.data_change);
  out.Field(names::kTags, cdc.tags);
  out.End();
}

void Write(JsonOut& out, const SetTransaction& txn) {
  out.Start(names::kTxn);
  out.Field(names::kAppId, txn.app_id);
  out.Field(names::kVersion, txn.version);
  out.Field(names::kLastUpdated, txn.last_updated);
  out.End();
}

void Write(JsonOut& out, const CommitInfo& info) {
  out.Start(names::kCommitInfo);
  // The protocol wants inCommitTimestamp first when it is there.
  out.Field(names::kInCommitTimestamp, info.in_commit_timestamp);
  out.Field(names::kTimestamp, info.timestamp);
  out.Field(names::kOperation, info.operation);
  out.Field(names::kOperationParameters, info.operation_parameters);
  out.Field(names::kReadVersion, info.read_version);
  out.Field(names::kIsBlindAppend, info.is_blind_append);
  if (!info.operation_metrics.empty()) {
    out.Field(names::kOperationMetrics, info.operation_metrics);
  }
  out.Field(names::kEngineInfo, info.engine_info);
  for (const auto& [name, value] : info.custom_fields) out.Field(name, value);
  out.End();
}

void Write(JsonOut& out, const DomainMetadata& domain) {
  out.Start(names::kDomainMetadata);
  out.Field(names::kDomain, domain.domain);
  out.Field(names::kConfiguration, domain.configuration);
  out.Field(names::kRemoved, domain.removed);
  out.End();
}

void Write(JsonOut& out, const Sidecar& sidecar) {
  out.Start(names::kSidecar);
  out.Field(names::kPath, sidecar.path);
  out.Field(names::kSizeInBytes, sidecar.size_in_bytes);
  out.Field(names::kModificationTime, sidecar.modification_time);
  out.Field(names::kTags, sidecar.tags);
  out.End();
}

void Write(JsonOut& out, const CheckpointMetadata& checkpoint) {
  out.Start(names::kCheckpointMetadata);
  out.Field(names::kVersion, checkpoint.version);
  out.Field(names::kTags, checkpoint.tags);
  out.End();
}

}  // namespace

std::string ActionToJson(const Action& action) {
  JsonOut out;
  std::visit([&](const auto& value) { Write(out, value); }, action);
  return out.Take();
}

std::string CommitToJson(const std::vector<Action>& actions) {
  std::string text;
  for (const auto& action : actions) {
    text += ActionToJson(action);
    text += '\n';
  }
  return text;
}

}  // namespace deltacpp
