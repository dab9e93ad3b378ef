#pragma once

// A Snapshot is one version of a table: its protocol, metadata, schema and live files.
// It is immutable once built and cheap to share between threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/log/log_replay.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

class DELTACPP_EXPORT Snapshot {
 public:
  int64_t version() const { return version_; }
  const std::string& table_uri() const { return store_->table_uri(); }
  const Protocol& protocol() const { return state_.protocol; }
  const Metadata& metadata() const { return state_.metadata; }
  /// The logical schema of the table, partition columns included.
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  const std::vector<std::string>& partition_columns() const {
    return state_.metadata.partition_columns;
  }
  /// The live data files.
  const std::vector<AddFile>& files() const { return state_.files; }
  const std::vector<RemoveFile>& tombstones() const { return state_.tombstones; }
  const std::map<std::string, SetTransaction>& app_transactions() const {
    return state_.app_transactions;
  }
  const std::map<std::string, DomainMetadata>& domains() const { return state_.domains; }
  const std::optional<CommitInfo>& latest_commit_info() const {
    return state_.latest_commit_info;
  }
  /// Timestamp of the commit that made this version (file modification time), in ms.
  int64_t commit_timestamp_ms() const { return commit_timestamp_ms_; }
  /// The store the table lives in, for readers of its data files.
  const std::shared_ptr<ObjectStore>& store() const { return store_; }

 private:
  friend class SnapshotBuilder;
  Snapshot() = default;

  std::shared_ptr<ObjectStore> store_;
  int64_t version_ = 0;
  int64_t commit_timestamp_ms_ = 0;
  TableState state_;
  std::shared_ptr<arrow::Schema> schema_;
};

/// Builds a Snapshot: SnapshotBuilder(store).AtVersion(3).Build().
class DELTACPP_EXPORT SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::shared_ptr<ObjectStore> store)
      : store_(std::move(store)) {}

  /// Time travel: the snapshot of `version` instead of the newest.
  SnapshotBuilder& AtVersion(int64_t version) {
    version_ = version;
    return *this;
  }

  /// Lists and replays the log. Fails with the errors of LogSegment::Build and ReplayLog,
  /// with kUnsupportedFeature when the table needs a reader feature delta-cpp lacks
  /// (kernel/table_features/feature_gate.h), and with kCorruptLog for a schema that does
  /// not parse or partition columns missing from it. Messages name the table and version.
  Result<std::shared_ptr<const Snapshot>> Build() const;

  /// The snapshot of the version after `base` (version 0 when `base` is null: a table
  /// just created), made in memory by applying `commit`, that version's actions, to
  /// `base` (ApplyCommit) instead of listing and replaying the log: for a writer that
  /// has just committed it. `commit_timestamp_ms` is the new commit file's modification
  /// time. Fails like Build: kUnsupportedFeature for a protocol delta-cpp cannot read,
  /// kCorruptLog when the result has no protocol, metadata or parsable schema; and with
  /// kInvalidArgument when `base` is at kMaxVersion (no version follows it).
  static Result<std::shared_ptr<const Snapshot>> BuildAfter(
      std::shared_ptr<ObjectStore> store, const std::shared_ptr<const Snapshot>& base,
      std::vector<Action> commit, int64_t commit_timestamp_ms);

 private:
  // Checks `state` and makes the snapshot of `version` from it.
  static Result<std::shared_ptr<const Snapshot>> Finish(
      std::shared_ptr<ObjectStore> store, int64_t version, int64_t commit_timestamp_ms,
      TableState state, std::shared_ptr<arrow::Schema> schema);

  std::shared_ptr<ObjectStore> store_;
  std::optional<int64_t> version_;
};

}  // namespace deltacpp
