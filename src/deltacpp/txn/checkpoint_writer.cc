#include "deltacpp/txn/checkpoint_writer.h"

#include <algorithm>
#include <charconv>
#include <random>

#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_nested.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/builder.h>
#include <arrow/table.h>
#include <arrow/table_builder.h>
#include <parquet/arrow/writer.h>

#include "deltacpp/kernel/actions/action_names.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/table_features/feature_gate.h"
#include "deltacpp/kernel/table_features/table_feature.h"

namespace deltacpp {

namespace names = action_names;

namespace {

std::shared_ptr<arrow::Field> Str(std::string_view name) {
  return arrow::field(std::string(name), arrow::utf8());
}
std::shared_ptr<arrow::Field> Long(std::string_view name) {
  return arrow::field(std::string(name), arrow::int64());
}
std::shared_ptr<arrow::Field> Int(std::string_view name) {
  return arrow::field(std::string(name), arrow::int32());
}
std::shared_ptr<arrow::Field> Bool(std::string_view name) {
  return arrow::field(std::string(name), arrow::boolean());
}
std::shared_ptr<arrow::Field> StrMap(std::string_view name) {
  return arrow::field(std::string(name), arrow::map(arrow::utf8(), arrow::utf8()));
}
std::shared_ptr<arrow::Field> StrList(std::string_view name) {
  return arrow::field(std::string(name), arrow::list(arrow::utf8()));
}
std::shared_ptr<arrow::Field> Struct(std::string_view name, arrow::FieldVector fields) {
  return arrow::field(std::string(name), arrow::struct_(std::move(fields)));
}

std::shared_ptr<arrow::Field> DeletionVectorField() {
  return Struct(
      names::kDeletionVector,
      {Str(names::kStorageType), Str(names::kPathOrInlineDv), Int(names::kOffset),
       Int(names::kSizeInBytes), Long(names::kCardinality)});
}

// Column order: the action kinds; field order: as Delta Spark writes them.
std::shared_ptr<arrow::Schema> CheckpointSchema() {
  return arrow::schema({
      Struct(names::kTxn,
             {Str(names::kAppId), Long(names::kVersion), Long(names::kLastUpdated)}),
      Struct(
          names::kAdd,
          {Str(names::kPath), StrMap(names::kPartitionValues), Long(names::kSize),
           Long(names::kModificationTime), Bool(names::kDataChange), Str(names::kStats),
           StrMap(names::kTags), DeletionVectorField(), Long(names::kBaseRowId),
           Long(names::kDefaultRowCommitVersion), Str(names::kClusteringProvider)}),
      Struct(names::kRemove,
             {Str(names::kPath), Long(names::kDeletionTimestamp),
              Bool(names::kDataChange), Bool(names::kExtendedFileMetadata),
              StrMap(names::kPartitionValues), Long(names::kSize), DeletionVectorField(),
              Long(names::kBaseRowId), Long(names::kDefaultRowCommitVersion)}),
      Struct(names::kMetadata,
             {Str(names::kId), Str(names::kName), Str(names::kDescription),
              Struct(names::kFormat, {Str(names::kProvider), StrMap(names::kOptions)}),
              Str(names::kSchemaString), StrList(names::kPartitionColumns),
              StrMap(names::kConfiguration), Long(names::kCreatedTime)}),
      Struct(names::kProtocol,
             {Int(names::kMinReaderVersion), Int(names::kMinWriterVersion),
              StrList(names::kReaderFeatures), StrList(names::kWriterFeatures)}),
      Struct(names::kDomainMetadata,
             {Str(names::kDomain), Str(names::kConfiguration), Bool(names::kRemoved)}),
  });
}

// Appends to the children of one struct builder, in field order.
class Fields {
 public:
  explicit Fields(arrow::StructBuilder* builder) : builder_(builder) {}

  Status String(const std::optional<std::string>& value) {
    auto* child = static_cast<arrow::StringBuilder*>(Next());
    return value ? child->Append(*value) : child->AppendNull();
  }
  Status Int64(const std::optional<int64_t>& value) {
    auto* child = static_cast<arrow::Int64Builder*>(Next());
    return value ? child->Append(*value) : child->AppendNull();
  }
  Status Int32(const std::optional<int32_t>& value) {
    auto* child = static_cast<arrow::Int32Builder*>(Next());
    return value ? child->Append(*value) : child->AppendNull();
  }
  Status Boolean(const std::optional<bool>& value) {
    auto* child = static_cast<arrow::BooleanBuilder*>(Next());
    return value ? child->Append(*value) : child->AppendNull();
  }
  template <typename Map>
  Status StringMap(const std::optional<Map>& map) {
    auto* child = static_cast<arrow::MapBuilder*>(Next());
    if (!map) return child->AppendNull();
    DELTACPP_RETURN_NOT_OK(child->Append());
    auto* keys = static_cast<arrow::StringBuilder*>(child->key_builder());
    auto* items = static_cast<arrow::StringBuilder*>(child->item_builder());
    for (const auto& [key, value] : *map) {
      DELTACPP_RETURN_NOT_OK(keys->Append(key));
      if constexpr (std::is_same_v<Map, PartitionValues>) {
        DELTACPP_RETURN_NOT_OK(value ? items->Append(*value) : items->AppendNull());
      } else {
        DELTACPP_RETURN_NOT_OK(items->Append(value));
      }
    }
    return Status::OK();
  }
  Status StringList(const std::optional<std::vector<std::string>>& values) {
    auto* child = static_cast<arrow::ListBuilder*>(Next());
    if (!values) return child->AppendNull();
    DELTACPP_RETURN_NOT_OK(child->Append());
    auto* strings = static_cast<arrow::StringBuilder*>(child->value_builder());
    for (const auto& value : *values) DELTACPP_RETURN_NOT_OK(strings->Append(value));
    return Status::OK();
  }
  // A nested struct: null, or appended by `fill`.
  template <typename Fill>
  Status Nested(bool present, Fill&& fill) {
    auto* child = static_cast<arrow::StructBuilder*>(Next());
    if (!present) return child->AppendNull();
    DELTACPP_RETURN_NOT_OK(child->Append());
    Fields nested(child);
    return fill(nested);
  }
  Status DeletionVector(const std::optional<DeletionVectorDescriptor>& dv) {
    return Nested(dv.has_value(), [&](Fields& f) -> Status {
      DELTACPP_RETURN_NOT_OK(f.String(dv->storage_type));
      DELTACPP_RETURN_NOT_OK(f.String(dv->path_or_inline_dv));
      DELTACPP_RETURN_NOT_OK(f.Int32(dv->offset));
      DELTACPP_RETURN_NOT_OK(f.Int32(dv->size_in_bytes));
      return f.Int64(dv->cardinality);
    });
  }

 private:
  arrow::ArrayBuilder* Next() { return builder_->field_builder(next_++); }

  arrow::StructBuilder* builder_;
  int next_ = 0;
};

enum Column {
  kTxnColumn,
  kAddColumn,
  kRemoveColumn,
  kMetadataColumn,
  kProtocolColumn,
  kDomainColumn,
  kColumnCount
};

// One checkpoint row: `column` holds the action, every other column is null.
template <typename Fill>
Status AppendRow(arrow::RecordBatchBuilder& batch, int column, Fill&& fill) {
  for (int i = 0; i < kColumnCount; ++i) {
    auto* builder = batch.GetFieldAs<arrow::StructBuilder>(i);
    if (i != column) {
      DELTACPP_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    DELTACPP_RETURN_NOT_OK(builder->Append());
    Fields fields(builder);
    DELTACPP_RETURN_NOT_OK(fill(fields));
  }
  return Status::OK();
}

}  // namespace

Status CheckLogWriteSupported(const Protocol& protocol) {
  Protocol gated = protocol;
  if (gated.writer_features.has_value()) {
    auto& features = *gated.writer_features;
    features.erase(std::remove(features.begin(), features.end(),
                               table_features::kCheckpointProtection),
                   features.end());
  }
  return CheckWriteSupported(gated, Metadata{});
}

Status WriteCheckpoint(const Snapshot& snapshot) {
  if (auto supported = CheckLogWriteSupported(snapshot.protocol()); !supported.ok()) {
    return supported.WithMessage("cannot write a checkpoint of table ",
                                 snapshot.table_uri(), " at version ", snapshot.version(),
                                 ": ", supported.message());
  }
  DELTACPP_ASSIGN_OR_RAISE(
      auto batch,
      arrow::RecordBatchBuilder::Make(CheckpointSchema(), arrow::default_memory_pool()));
  const Protocol& protocol = snapshot.protocol();
  DELTACPP_RETURN_NOT_OK(AppendRow(*batch, kProtocolColumn, [&](Fields& f) -> Status {
    DELTACPP_RETURN_NOT_OK(f.Int32(protocol.min_reader_version));
    DELTACPP_RETURN_NOT_OK(f.Int32(protocol.min_writer_version));
    DELTACPP_RETURN_NOT_OK(f.StringList(protocol.reader_features));
    return f.StringList(protocol.writer_features);
  }));
  const Metadata& metadata = snapshot.metadata();
  DELTACPP_RETURN_NOT_OK(AppendRow(*batch, kMetadataColumn, [&](Fields& f) -> Status {
    DELTACPP_RETURN_NOT_OK(f.String(metadata.id));
    DELTACPP_RETURN_NOT_OK(f.String(metadata.name));
    DELTACPP_RETURN_NOT_OK(f.String(metadata.description));
    DELTACPP_RETURN_NOT_OK(f.Nested(true, [&](Fields& format) -> Status {
      DELTACPP_RETURN_NOT_OK(format.String(metadata.format.provider));
      return format.StringMap(std::optional<StringMap>(metadata.format.options));
    }));
    DELTACPP_RETURN_NOT_OK(f.String(metadata.schema_string));
    DELTACPP_RETURN_NOT_OK(f.StringList(
        std::optional<std::vector<std::string>>(metadata.partition_columns)));
    DELTACPP_RETURN_NOT_OK(f.StringMap(std::optional<StringMap>(metadata.configuration)));
    return f.Int64(metadata.created_time);
  }));
  for (const auto& [app_id, txn] : snapshot.app_transactions()) {
    DELTACPP_RETURN_NOT_OK(AppendRow(*batch, kTxnColumn, [&](Fields& f) -> Status {
      DELTACPP_RETURN_NOT_OK(f.String(txn.app_id));
      DELTACPP_RETURN_NOT_OK(f.Int64(txn.version));
      return f.Int64(txn.last_updated);
    }));
  }
  for (const auto& [name, domain] : snapshot.domains()) {
    DELTACPP_RETURN_NOT_OK(AppendRow(*batch, kDomainColumn, [&](Fields& f) -> Status {
      DELTACPP_RETURN_NOT_OK(f.String(domain.domain));
      DELTACPP_RETURN_NOT_OK(f.String(domain.configuration));
      return f.Boolean(domain.removed);
    }));
  }
  for (const auto& add : snapshot.files()) {
    DELTACPP_RETURN_NOT_OK(AppendRow(*batch, kAddColumn, [&](Fields& f) -> Status {
      DELTACPP_RETURN_NOT_OK(f.String(add.path));
      DELTACPP_RETURN_NOT_OK(
          f.StringMap(std::optional<PartitionValues>(add.partition_values)));
      DELTACPP_RETURN_NOT_OK(f.Int64(add.size));
      DELTACPP_RETURN_NOT_OK(f.Int64(add.modification_time));
      // Checkpoint adds describe state, not a change.
      DELTACPP_RETURN_NOT_OK(f.Boolean(false));
      DELTACPP_RETURN_NOT_OK(f.String(add.stats));
      DELTACPP_RETURN_NOT_OK(f.StringMap(add.tags));
      DELTACPP_RETURN_NOT_OK(f.DeletionVector(add.deletion_vector));
      DELTACPP_RETURN_NOT_OK(f.Int64(add.base_row_id));
      DELTACPP_RETURN_NOT_OK(f.Int64(add.default_row_commit_version));
      return f.String(add.clustering_provider);
    }));
  }
  for (const auto& remove : snapshot.tombstones()) {
    DELTACPP_RETURN_NOT_OK(AppendRow(*batch, kRemoveColumn, [&](Fields& f) -> Status {
      DELTACPP_RETURN_NOT_OK(f.String(remove.path));
      DELTACPP_RETURN_NOT_OK(f.Int64(remove.deletion_timestamp));
      DELTACPP_RETURN_NOT_OK(f.Boolean(false));
      DELTACPP_RETURN_NOT_OK(f.Boolean(remove.extended_file_metadata));
      DELTACPP_RETURN_NOT_OK(f.StringMap(remove.partition_values));
      DELTACPP_RETURN_NOT_OK(f.Int64(remove.size));
      DELTACPP_RETURN_NOT_OK(f.DeletionVector(remove.deletion_vector));
      DELTACPP_RETURN_NOT_OK(f.Int64(remove.base_row_id));
      return f.Int64(remove.default_row_commit_version);
    }));
  }
  DELTACPP_ASSIGN_OR_RAISE(auto rows, batch->Flush());
  DELTACPP_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches({rows}));

  const auto& store = *snapshot.store();
  const std::string name = CheckpointFileName(snapshot.version());
  const std::string temp =
      LogFilePath("." + name + "." + std::to_string(std::random_device{}()) + ".tmp");
  {
    DELTACPP_ASSIGN_OR_RAISE(auto sink, store.OpenForWrite(temp));
    auto properties = parquet::WriterProperties::Builder()
                          .compression(arrow::Compression::SNAPPY)
                          ->build();
    DELTACPP_RETURN_NOT_OK(parquet::arrow::WriteTable(
        *table, arrow::default_memory_pool(), sink, 64 * 1024, properties));
    DELTACPP_RETURN_NOT_OK(sink->Close());
  }
  DELTACPP_RETURN_NOT_OK(store.Rename(temp, LogFilePath(name)));
  const std::string hint =
      "{\"version\":" + std::to_string(snapshot.version()) +
      ",\"size\":" + std::to_string(table->num_rows()) +
      ",\"numOfAddFiles\":" + std::to_string(snapshot.files().size()) + "}";
  const std::string hint_temp =
      LogFilePath(".last_checkpoint." + std::to_string(std::random_device{}()) + ".tmp");
  {
    DELTACPP_ASSIGN_OR_RAISE(auto sink, store.OpenForWrite(hint_temp));
    DELTACPP_RETURN_NOT_OK(sink->Write(hint.data(), static_cast<int64_t>(hint.size())));
    DELTACPP_RETURN_NOT_OK(sink->Close());
  }
  return store.Rename(hint_temp, LogFilePath(kLastCheckpointFile));
}

}  // namespace deltacpp
