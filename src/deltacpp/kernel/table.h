#pragma once

// The entry point of the read API: a table at a URI, from which snapshots are taken.
//
//   DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open("/data/events"));
//   DELTACPP_ASSIGN_OR_RAISE(auto snapshot, table.LatestSnapshot());

#include <memory>
#include <optional>
#include <string_view>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/snapshot.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

class DELTACPP_EXPORT Table {
 public:
  /// Resolves `uri` (see ObjectStore::Make); `options` say which paths the log may
  /// name (see StoreOptions). Does not read the log: a missing table is reported by the
  /// first snapshot taken.
  static Result<Table> Open(std::string_view uri, StoreOptions options = {});

  /// The newest version. Errors: those of SnapshotBuilder::Build.
  Result<std::shared_ptr<const Snapshot>> LatestSnapshot() const {
    return SnapshotBuilder(store_).Build();
  }

  /// Version `version` (time travel). Errors: those of SnapshotBuilder::Build.
  Result<std::shared_ptr<const Snapshot>> SnapshotAt(int64_t version) const {
    return SnapshotBuilder(store_).AtVersion(version).Build();
  }

  /// The newest version committed at or before `timestamp_ms` (milliseconds since the
  /// epoch; see ListVersionTimestamps for what a version's timestamp is). Errors: those
  /// of VersionAtTimestamp and SnapshotBuilder::Build.
  Result<std::shared_ptr<const Snapshot>> SnapshotAtTimestamp(int64_t timestamp_ms) const;

  /// Version `version` when given, else the newest.
  Result<std::shared_ptr<const Snapshot>> LoadSnapshot(
      std::optional<int64_t> version) const {
    return version ? SnapshotAt(*version) : LatestSnapshot();
  }

  const std::string& uri() const { return store_->table_uri(); }
  const std::shared_ptr<ObjectStore>& store() const { return store_; }

 private:
  explicit Table(std::shared_ptr<ObjectStore> store) : store_(std::move(store)) {}
  std::shared_ptr<ObjectStore> store_;
};

/// True when `uri` holds a Delta table: its `_delta_log/` has a commit or a checkpoint.
/// Reads one listing, no log. Fails only for a URI that cannot be parsed, or a store
/// that cannot be listed for a reason other than the folder's absence.
DELTACPP_EXPORT Result<bool> IsDeltaTable(std::string_view uri);

/// Succeeds when a new table may be created at `store`'s root: the folder is missing or
/// empty (an empty `_delta_log/` aside). Fails with kInvalidArgument naming a file that
/// is there otherwise, as Delta Spark refuses to create a table in a non-empty folder
/// that is not one: those files would look like garbage to vacuum, which would delete
/// them. Callers offer an explicit way around it.
DELTACPP_EXPORT Status CheckLocationForNewTable(const ObjectStore& store);

}  // namespace deltacpp
