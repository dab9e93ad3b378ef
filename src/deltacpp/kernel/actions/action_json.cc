#include "deltacpp/kernel/actions/action_json.h"

#include <rapidjson/error/en.h>

#include "deltacpp/kernel/actions/action_names.h"
#include "deltacpp/kernel/json_internal.h"

namespace deltacpp {

namespace names = action_names;

std::string DeletionVectorDescriptor::UniqueId() const {
  std::string id = storage_type + path_or_inline_dv;
  if (offset.has_value()) {
    id += '@';
    id += std::to_string(*offset);
  }
  return id;
}

namespace {

using internal::FindMember;
using internal::StringOf;
using rapidjson::Value;

// Where a value came from, for error messages: "<file> line <n>, <action>.<field>".
struct Context {
  std::string_view source;
  int64_t line;
  std::string_view action;

  Status Error(std::string_view field, std::string_view problem) const {
    return DeltaError(DeltaErrorCode::kCorruptLog, "corrupt Delta log: ", source,
                      " line ", line, ": ", action, ".", field, " ", problem);
  }
};

Result<std::optional<std::string>> OptString(const Value& obj, std::string_view key,
                                             const Context& ctx) {
  const Value* value = FindMember(obj, key);
  if (value == nullptr) return std::nullopt;
  if (!value->IsString()) return ctx.Error(key, "is not a string");
  return std::string(StringOf(*value));
}

Result<std::string> ReqString(const Value& obj, std::string_view key,
                              const Context& ctx) {
  DELTACPP_ASSIGN_OR_RAISE(auto value, OptString(obj, key, ctx));
  if (!value) return ctx.Error(key, "is missing");
  return *std::move(value);
}

Result<std::optional<int64_t>> OptInt(const Value& obj, std::string_view key,
                                      const Context& ctx) {
  const Value* value = FindMember(obj, key);
  if (value == nullptr) return std::nullopt;
  if (!value->IsInt64()) return ctx.Error(key, "is not an integer");
  return value->GetInt64();
}

Result<int64_t> ReqInt(const Value& obj, std::string_view key, const Context& ctx) {
  DELTACPP_ASSIGN_OR_RAISE(auto value, OptInt(obj, key, ctx));
  if (!value) return ctx.Error(key, "is missing");
  return *value;
}

Result<std::optional<int32_t>> OptInt32(const Value& obj, std::string_view key,
                                        const Context& ctx) {
  DELTACPP_ASSIGN_OR_RAISE(auto value, OptInt(obj, key, ctx));
  if (!value) return std::nullopt;
  if (*value < INT32_MIN || *value > INT32_MAX) return ctx.Error(key, "is out of range");
  return static_cast<int32_t>(*value);
}

Result<int32_t> ReqInt32(const Value& obj, std::string_view key, const Context& ctx) {
  DELTACPP_ASSIGN_OR_RAISE(auto value, OptInt32(obj, key, ctx));
  if (!value) return ctx.Error(key, "is missing");
  return *value;
}

Result<std::optional<bool>> OptBool(const Value& obj, std::string_view key,
                                    const Context& ctx) {
  const Value* value = FindMember(obj, key);
  if (value == nullptr) return std::nullopt;
  if (!value->IsBool()) return ctx.Error(key, "is not a boolean");
  return value->GetBool();
}

Result<bool> ReqBool(const Value& obj, std::string_view key, const Context& ctx) {
  DELTACPP_ASSIGN_OR_RAISE(auto value, OptBool(obj, key, ctx));
  if (!value) return ctx.Error(key, "is missing");
  return *value;
}

Result<const Value*> OptObject(const Value& obj, std::string_view key,
                               const Context& ctx) {
  const Value* value = FindMember(obj, key);
  if (value != nullptr && !value->IsObject()) return ctx.Error(key, "is not an object");
  return value;
}

// A string value as is; any other JSON value as its compact JSON text.
std::string TextOf(const Value& value) {
  if (value.IsString()) return std::string(StringOf(value));
  return internal::ToJsonText(value);
}

Result<std::optional<StringMap>> OptStringMap(const Value& obj, std::string_view key,
                                              const Context& ctx) {
  DELTACPP_ASSIGN_OR_RAISE(const Value* nested, OptObject(obj, key, ctx));
  if (nested == nullptr) return std::nullopt;
  StringMap map;
  for (const auto& entry : nested->GetObject()) {
    if (entry.value.IsNull()) continue;
    map.emplace(std::string(StringOf(entry.name)), TextOf(entry.value));
  }
  return map;
}

Result<std::optional<PartitionValues>> OptPartitionValues(const Value& obj,
                                                          const Context& ctx) {
  DELTACPP_ASSIGN_OR_RAISE(const Value* nested,
                           OptObject(obj, names::kPartitionValues, ctx));
  if (nested == nullptr) return std::nullopt;
  PartitionValues values;
  for (const auto& entry : nested->GetObject()) {
    std::optional<std::string> value;
    if (!entry.value.IsNull()) {
      if (!entry.value.IsString()) {
        return ctx.Error(std::string(names::kPartitionValues) + "." +
                             std::string(StringOf(entry.name)),
                         "is not a string");
      }
      value = std::string(StringOf(entry.value));
    }
    values.emplace(std::string(StringOf(entry.name)), std::move(value));
  }
  return values;
}

Result<std::optional<std::vector<std::string>>> OptStringList(const Value& obj,
                                                              std::string_view key,
                                                              const Context& ctx) {
  const Value* value = FindMember(obj, key);
  if (value == nullptr) return std::nullopt;
  if (!value->IsArray()) return ctx.Error(key, "is not an array");
  std::vector<std::string> list;
  for (const auto& item : value->GetArray()) {
    if (!item.IsString()) return ctx.Error(key, "holds a value that is not a string");
    list.emplace_back(StringOf(item));
  }
  return list;
}

Result<std::optional<DeletionVectorDescriptor>> OptDeletionVector(const Value& obj,
                                                                  const Context& ctx) {
  DELTACPP_ASSIGN_OR_RAISE(const Value* nested,
                           OptObject(obj, names::kDeletionVector, ctx));
  if (nested == nullptr) return std::nullopt;
  DeletionVectorDescriptor dv;
  DELTACPP_ASSIGN_OR_RAISE(dv.storage_type, ReqString(*nested, names::kStorageType, ctx));
  DELTACPP_ASSIGN_OR_RAISE(dv.path_or_inline_dv,
                           ReqString(*nested, names::kPathOrInlineDv, ctx));
  DELTACPP_ASSIGN_OR_RAISE(dv.offset, OptInt32(*nested, names::kOffset, ctx));
  DELTACPP_ASSIGN_OR_RAISE(dv.size_in_bytes, ReqInt32(*nested, names::kSizeInBytes, ctx));
  DELTACPP_ASSIGN_OR_RAISE(dv.cardinality, ReqInt(*nested, names::kCardinality, ctx));
  return dv;
}

Result<Action> ParseProtocol(const Value& obj, const Context& ctx) {
  Protocol protocol;
  DELTACPP_ASSIGN_OR_RAISE(protocol.min_reader_version,
                           ReqInt32(obj, names::kMinReaderVersion, ctx));
  DELTACPP_ASSIGN_OR_RAISE(protocol.min_writer_version,
                           ReqInt32(obj, names::kMinWriterVersion, ctx));
  DELTACPP_ASSIGN_OR_RAISE(protocol.reader_features,
                           OptStringList(obj, names::kReaderFeatures, ctx));
  DELTACPP_ASSIGN_OR_RAISE(protocol.writer_features,
                           OptStringList(obj, names::kWriterFeatures, ctx));
  return protocol;
}

Result<Action> ParseMetadata(const Value& obj, const Context& ctx) {
  Metadata metadata;
  DELTACPP_ASSIGN_OR_RAISE(metadata.id, ReqString(obj, names::kId, ctx));
  DELTACPP_ASSIGN_OR_RAISE(metadata.name, OptString(obj, names::kName, ctx));
  DELTACPP_ASSIGN_OR_RAISE(metadata.description,
                           OptString(obj, names::kDescription, ctx));
  DELTACPP_ASSIGN_OR_RAISE(const Value* format, OptObject(obj, names::kFormat, ctx));
  if (format != nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(auto provider, OptString(*format, names::kProvider, ctx));
    if (provider) metadata.format.provider = *std::move(provider);
    DELTACPP_ASSIGN_OR_RAISE(auto options, OptStringMap(*format, names::kOptions, ctx));
    if (options) metadata.format.options = *std::move(options);
  }
  // Required by the protocol, yet some writers (Databricks DLT) commit a first metaData
  // without it and a complete one later; only the winning metaData must have it, which
  // the snapshot checks.
  DELTACPP_ASSIGN_OR_RAISE(auto schema_string, OptString(obj, names::kSchemaString, ctx));
  metadata.schema_string = schema_string.value_or("");
  DELTACPP_ASSIGN_OR_RAISE(auto partition_columns,
                           OptStringList(obj, names::kPartitionColumns, ctx));
  if (partition_columns) metadata.partition_columns = *std::move(partition_columns);
  DELTACPP_ASSIGN_OR_RAISE(auto configuration,
                           OptStringMap(obj, names::kConfiguration, ctx));
  if (configuration) metadata.configuration = *std::move(configuration);
  DELTACPP_ASSIGN_OR_RAISE(metadata.created_time, OptInt(obj, names::kCreatedTime, ctx));
  return metadata;
}

Result<Action> ParseAdd(const Value& obj, const Context& ctx) {
  AddFile add;
  DELTACPP_ASSIGN_OR_RAISE(add.path, ReqString(obj, names::kPath, ctx));
  DELTACPP_ASSIGN_OR_RAISE(auto partition_values, OptPartitionValues(obj, ctx));
  if (!partition_values) return ctx.Error(names::kPartitionValues, "is missing");
  add.partition_values = *std::move(partition_values);
  DELTACPP_ASSIGN_OR_RAISE(add.size, ReqInt(obj, names::kSize, ctx));
  DELTACPP_ASSIGN_OR_RAISE(add.modification_time,
                           ReqInt(obj, names::kModificationTime, ctx));
  DELTACPP_ASSIGN_OR_RAISE(add.data_change, ReqBool(obj, names::kDataChange, ctx));
  DELTACPP_ASSIGN_OR_RAISE(add.stats, OptString(obj, names::kStats, ctx));
  DELTACPP_ASSIGN_OR_RAISE(add.tags, OptStringMap(obj, names::kTags, ctx));
  DELTACPP_ASSIGN_OR_RAISE(add.deletion_vector, OptDeletionVector(obj, ctx));
  DELTACPP_ASSIGN_OR_RAISE(add.base_row_id, OptInt(obj, names::kBaseRowId, ctx));
  DELTACPP_ASSIGN_OR_RAISE(add.default_row_commit_version,
                           OptInt(obj, names::kDefaultRowCommitVersion, ctx));
  DELTACPP_ASSIGN_OR_RAISE(add.clustering_provider,
                           OptString(obj, names::kClusteringProvider, ctx));
  return add;
}

Result<Action> ParseRemove(const Value& obj, const Context& ctx) {
  RemoveFile remove;
  DELTACPP_ASSIGN_OR_RAISE(remove.path, ReqString(obj, names::kPath, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.deletion_timestamp,
                           OptInt(obj, names::kDeletionTimestamp, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.data_change, ReqBool(obj, names::kDataChange, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.extended_file_metadata,
                           OptBool(obj, names::kExtendedFileMetadata, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.partition_values, OptPartitionValues(obj, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.size, OptInt(obj, names::kSize, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.stats, OptString(obj, names::kStats, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.tags, OptStringMap(obj, names::kTags, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.deletion_vector, OptDeletionVector(obj, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.base_row_id, OptInt(obj, names::kBaseRowId, ctx));
  DELTACPP_ASSIGN_OR_RAISE(remove.default_row_commit_version,
                           OptInt(obj, names::kDefaultRowCommitVersion, ctx));
  return remove;
}

Result<Action> ParseCdc(const Value& obj, const Context& ctx) {
  AddCdcFile cdc;
  DELTACPP_ASSIGN_OR_RAISE(cdc.path, ReqString(obj, names::kPath, ctx));
  DELTACPP_ASSIGN_OR_RAISE(auto partition_values, OptPartitionValues(obj, ctx));
  if (!partition_values) return ctx.Error(names::kPartitionValues, "is missing");
  cdc.partition_values = *std::move(partition_values);
  DELTACPP_ASSIGN_OR_RAISE(cdc.size, ReqInt(obj, names::kSize, ctx));
  DELTACPP_ASSIGN_OR_RAISE(cdc.data_change, ReqBool(obj, names::kDataChange, ctx));
  DELTACPP_ASSIGN_OR_RAISE(cdc.tags, OptStringMap(obj, names::kTags, ctx));
  return cdc;
}

Result<Action> ParseTxn(const Value& obj, const Context& ctx) {
  SetTransaction txn;
  DELTACPP_ASSIGN_OR_RAISE(txn.app_id, ReqString(obj, names::kAppId, ctx));
  DELTACPP_ASSIGN_OR_RAISE(txn.version, ReqInt(obj, names::kVersion, ctx));
  DELTACPP_ASSIGN_OR_RAISE(txn.last_updated, OptInt(obj, names::kLastUpdated, ctx));
  return txn;
}

Result<Action> ParseCommitInfo(const Value& obj, const Context& ctx) {
  CommitInfo info;
  // Writers disagree on these fields' types (old ones wrote strings); a field of an
  // unexpected type is left out rather than failing the whole table.
  auto lenient_int = [&](std::string_view key) -> std::optional<int64_t> {
    const Value* value = FindMember(obj, key);
    if (value != nullptr && value->IsInt64()) return value->GetInt64();
    return std::nullopt;
  };
  info.timestamp = lenient_int(names::kTimestamp);
  info.in_commit_timestamp = lenient_int(names::kInCommitTimestamp);
  info.read_version = lenient_int(names::kReadVersion);
  if (const Value* value = FindMember(obj, names::kOperation)) {
    info.operation = TextOf(*value);
  }
  if (const Value* value = FindMember(obj, names::kEngineInfo)) {
    info.engine_info = TextOf(*value);
  }
  if (const Value* value = FindMember(obj, names::kIsBlindAppend);
      value && value->IsBool()) {
    info.is_blind_append = value->GetBool();
  }
  DELTACPP_ASSIGN_OR_RAISE(auto parameters,
                           OptStringMap(obj, names::kOperationParameters, ctx));
  if (parameters) info.operation_parameters = *std::move(parameters);
  DELTACPP_ASSIGN_OR_RAISE(auto metrics,
                           OptStringMap(obj, names::kOperationMetrics, ctx));
  if (metrics) info.operation_metrics = *std::move(metrics);
  info.json = internal::ToJsonText(obj);
  return info;
}

Result<Action> ParseDomainMetadata(const Value& obj, const Context& ctx) {
  DomainMetadata domain;
  DELTACPP_ASSIGN_OR_RAISE(domain.domain, ReqString(obj, names::kDomain, ctx));
  DELTACPP_ASSIGN_OR_RAISE(domain.configuration,
                           ReqString(obj, names::kConfiguration, ctx));
  DELTACPP_ASSIGN_OR_RAISE(domain.removed, ReqBool(obj, names::kRemoved, ctx));
  return domain;
}

Result<Action> ParseSidecar(const Value& obj, const Context& ctx) {
  Sidecar sidecar;
  DELTACPP_ASSIGN_OR_RAISE(sidecar.path, ReqString(obj, names::kPath, ctx));
  DELTACPP_ASSIGN_OR_RAISE(sidecar.size_in_bytes, ReqInt(obj, names::kSizeInBytes, ctx));
  DELTACPP_ASSIGN_OR_RAISE(sidecar.modification_time,
                           ReqInt(obj, names::kModificationTime, ctx));
  DELTACPP_ASSIGN_OR_RAISE(sidecar.tags, OptStringMap(obj, names::kTags, ctx));
  return sidecar;
}

Result<Action> ParseCheckpointMetadata(const Value& obj, const Context& ctx) {
  CheckpointMetadata metadata;
  DELTACPP_ASSIGN_OR_RAISE(metadata.version, ReqInt(obj, names::kVersion, ctx));
  DELTACPP_ASSIGN_OR_RAISE(metadata.tags, OptStringMap(obj, names::kTags, ctx));
  return metadata;
}

using ActionParser = Result<Action> (*)(const Value&, const Context&);

ActionParser ParserFor(std::string_view key) {
  static constexpr std::pair<std::string_view, ActionParser> kParsers[] = {
      {names::kAdd, &ParseAdd},
      {names::kRemove, &ParseRemove},
      {names::kCommitInfo, &ParseCommitInfo},
      {names::kMetadata, &ParseMetadata},
      {names::kProtocol, &ParseProtocol},
      {names::kTxn, &ParseTxn},
      {names::kCdc, &ParseCdc},
      {names::kDomainMetadata, &ParseDomainMetadata},
      {names::kSidecar, &ParseSidecar},
      {names::kCheckpointMetadata, &ParseCheckpointMetadata},
  };
  for (const auto& [name, parser] : kParsers) {
    if (name == key) return parser;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<Action>> ParseCommitJson(std::string_view contents,
                                            std::string_view source_name) {
  // One allocator for the whole file, cleared per line: parsing many small lines then
  // costs no allocation once the pool has grown to the largest line.
  rapidjson::MemoryPoolAllocator<> allocator;
  std::vector<Action> actions;
  size_t line_start = 0;
  int64_t line_number = 0;
  while (line_start < contents.size()) {
    size_t line_end = contents.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = contents.size();
    ++line_number;
    std::string_view line = contents.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;

    allocator.Clear();
    rapidjson::Document doc(&allocator);
    DELTACPP_RETURN_NOT_OK(internal::ParseJsonBounded(
        doc, line, DeltaErrorCode::kCorruptLog, "corrupt Delta log: ", source_name,
        " line ", line_number));
    if (doc.HasParseError() || !doc.IsObject()) {
      return DeltaError(
          DeltaErrorCode::kCorruptLog, "corrupt Delta log: ", source_name, " line ",
          line_number, " is not a JSON object",
          doc.HasParseError()
              ? std::string(" (") + rapidjson::GetParseError_En(doc.GetParseError()) + ")"
              : std::string());
    }
    for (const auto& member : doc.GetObject()) {
      const std::string_view key = StringOf(member.name);
      ActionParser parse = ParserFor(key);
      if (parse == nullptr) continue;  // an action kind newer than this reader
      if (!member.value.IsObject()) {
        return DeltaError(DeltaErrorCode::kCorruptLog, "corrupt Delta log: ", source_name,
                          " line ", line_number, ": ", key, " is not an object");
      }
      Context ctx{source_name, line_number, key};
      DELTACPP_ASSIGN_OR_RAISE(auto action, parse(member.value, ctx));
      actions.push_back(std::move(action));
    }
  }
  return actions;
}

}  // namespace deltacpp
