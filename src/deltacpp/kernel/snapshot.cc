#include "deltacpp/kernel/snapshot.h"

#include <arrow/type.h>

#include "deltacpp/kernel/actions/action_names.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/kernel/table_features/feature_gate.h"

namespace deltacpp {

namespace {

// Prefixes an error with the table and version it concerns.
Status InTable(const Status& status, const std::string& table_uri, int64_t version) {
  if (status.ok()) return status;
  return status.WithMessage("table ", table_uri, " at version ", version, ": ",
                            status.message());
}

}  // namespace

Result<std::shared_ptr<const Snapshot>> SnapshotBuilder::Build() const {
  DELTACPP_ASSIGN_OR_RAISE(auto segment, LogSegment::Build(*store_, version_));
  DELTACPP_ASSIGN_OR_RAISE(auto state, ReplayLog(*store_, segment));
  return Finish(store_, segment.version, segment.version_timestamp_ms, std::move(state),
                nullptr);
}

Result<std::shared_ptr<const Snapshot>> SnapshotBuilder::BuildAfter(
    std::shared_ptr<ObjectStore> store, const std::shared_ptr<const Snapshot>& base,
    std::vector<Action> commit, int64_t commit_timestamp_ms) {
  bool has_metadata = false;
  bool has_protocol = false;
  for (const auto& action : commit) {
    has_metadata |= std::holds_alternative<Metadata>(action);
    has_protocol |= std::holds_alternative<Protocol>(action);
  }
  int64_t version = 0;
  if (base != nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(version, NextVersion(base->version(), store->table_uri()));
  }
  const bool changes_schema = base == nullptr || has_metadata;
  if (base == nullptr && (!has_protocol || !has_metadata)) {
    return InTable(
        DeltaError(DeltaErrorCode::kCorruptLog, "the first commit has no ",
                   has_protocol ? action_names::kMetadata : action_names::kProtocol,
                   " action"),
        store->table_uri(), 0);
  }
  TableState state =
      ApplyCommit(base == nullptr ? TableState{} : base->state_, std::move(commit));
  // Without a new metaData the schema is the base's: parsed once, shared.
  return Finish(std::move(store), version, commit_timestamp_ms, std::move(state),
                changes_schema ? nullptr : base->schema_);
}

Result<std::shared_ptr<const Snapshot>> SnapshotBuilder::Finish(
    std::shared_ptr<ObjectStore> store, int64_t version, int64_t commit_timestamp_ms,
    TableState state, std::shared_ptr<arrow::Schema> schema) {
  const std::string& uri = store->table_uri();
  DELTACPP_RETURN_NOT_OK(InTable(CheckReadSupported(state.protocol), uri, version));

  if (schema == nullptr) {
    if (state.metadata.schema_string.empty()) {
      return InTable(
          DeltaError(DeltaErrorCode::kCorruptLog, "the table's ", action_names::kMetadata,
                     " action has no ", action_names::kSchemaString),
          uri, version);
    }
    auto parsed = ParseSchemaJson(state.metadata.schema_string);
    DELTACPP_RETURN_NOT_OK(InTable(parsed.status(), uri, version));
    schema = *std::move(parsed);
    for (const auto& column : state.metadata.partition_columns) {
      if (schema->GetFieldIndex(column) < 0) {
        return InTable(DeltaError(DeltaErrorCode::kCorruptLog, "partition column '",
                                  column, "' is not in the schema"),
                       uri, version);
      }
    }
  }

  auto snapshot = std::shared_ptr<Snapshot>(new Snapshot());
  snapshot->store_ = std::move(store);
  snapshot->version_ = version;
  snapshot->commit_timestamp_ms_ = commit_timestamp_ms;
  snapshot->state_ = std::move(state);
  snapshot->schema_ = std::move(schema);
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

}  // namespace deltacpp
