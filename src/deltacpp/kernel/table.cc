#include "deltacpp/kernel/table.h"

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

}  // namespace deltacpp
