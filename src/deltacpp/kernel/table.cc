#include "deltacpp/kernel/table.h"

#include <algorithm>

#include "deltacpp/kernel/history.h"
#include "deltacpp/kernel/log/log_path.h"

namespace deltacpp {

Result<Table> Table::Open(std::string_view uri, StoreOptions options) {
  DELTACPP_ASSIGN_OR_RAISE(auto store, ObjectStore::Make(uri, options));
  return Table(std::move(store));
}

Result<std::shared_ptr<const Snapshot>> Table::SnapshotAtTimestamp(
    int64_t timestamp_ms) const {
  // In-commit timestamps are decided by the newest metadata.
  DELTACPP_ASSIGN_OR_RAISE(auto latest, LatestSnapshot());
  DELTACPP_ASSIGN_OR_RAISE(auto timestamps,
                           ListVersionTimestamps(*store_, latest->metadata()));
  DELTACPP_ASSIGN_OR_RAISE(int64_t version, VersionAtTimestamp(timestamps, timestamp_ms));
  if (version == latest->version()) return latest;
  return SnapshotAt(version);
}

Result<bool> IsDeltaTable(std::string_view uri) {
  DELTACPP_ASSIGN_OR_RAISE(auto store, ObjectStore::Make(uri));
  auto listing = store->List("_delta_log");
  if (!listing.ok()) {
    if (GetDeltaErrorCode(listing.status()) == DeltaErrorCode::kFileNotFound)
      return false;
    return listing.status();
  }
  for (const auto& entry : *listing) {
    if (entry.is_directory) continue;
    auto parsed = ParseLogFileName(entry.name);
    if (parsed && (parsed->kind == LogFileKind::kCommit || parsed->IsCheckpoint())) {
      return true;
    }
  }
  return false;
}

Status CheckLocationForNewTable(const ObjectStore& store) {
  auto entries = store.List("");
  if (!entries.ok()) {
    if (GetDeltaErrorCode(entries.status()) == DeltaErrorCode::kFileNotFound) {
      return Status::OK();
    }
    return entries.status();
  }
  for (const auto& entry : *entries) {
    if (entry.name == kDeltaLogDir && entry.is_directory && !entry.is_symlink) {
      // Left by a create that failed before its first commit, or by a log with every
      // commit gone; hidden temporary files of a killed writer do not count.
      DELTACPP_ASSIGN_OR_RAISE(auto log_entries, store.List(kDeltaLogDir));
      const bool only_hidden = std::all_of(
          log_entries.begin(), log_entries.end(),
          [](const ObjectMeta& log_entry) { return log_entry.name[0] == '.'; });
      if (only_hidden) continue;
    }
    return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot create a table at ",
                      store.table_uri(),
                      ": the folder is not empty and not a Delta table (", entry.name,
                      entry.is_directory ? "/" : "",
                      " is there); choose an empty folder, or allow a non-empty one "
                      "explicitly");
  }
  return Status::OK();
}

}  // namespace deltacpp
