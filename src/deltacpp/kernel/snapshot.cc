#include "deltacpp/kernel/snapshot.h"

#include <arrow/type.h>

#include "deltacpp/kernel/actions/action_names.h"
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
  const std::string& uri = store_->table_uri();
  DELTACPP_RETURN_NOT_OK(
      InTable(CheckReadSupported(state.protocol), uri, segment.version));

  if (state.metadata.schema_string.empty()) {
    return InTable(
        DeltaError(DeltaErrorCode::kCorruptLog, "the table's ", action_names::kMetadata,
                   " action has no ", action_names::kSchemaString),
        uri, segment.version);
  }
  auto schema = ParseSchemaJson(state.metadata.schema_string);
  DELTACPP_RETURN_NOT_OK(InTable(schema.status(), uri, segment.version));
  for (const auto& column : state.metadata.partition_columns) {
    if ((*schema)->GetFieldIndex(column) < 0) {
      return InTable(DeltaError(DeltaErrorCode::kCorruptLog, "partition column '", column,
                                "' is not in the schema"),
                     uri, segment.version);
    }
  }

  auto snapshot = std::shared_ptr<Snapshot>(new Snapshot());
  snapshot->store_ = store_;
  snapshot->version_ = segment.version;
  snapshot->commit_timestamp_ms_ = segment.version_timestamp_ms;
  snapshot->state_ = std::move(state);
  snapshot->schema_ = *std::move(schema);
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

}  // namespace deltacpp
