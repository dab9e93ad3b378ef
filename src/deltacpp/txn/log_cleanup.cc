#include "deltacpp/txn/log_cleanup.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/log/log_segment.h"
#include "deltacpp/txn/checkpoint_writer.h"

namespace deltacpp {

namespace {

constexpr int64_t kMillisPerDay = 86'400'000;

// Midnight UTC at or before `timestamp_ms`.
int64_t TruncateToDay(int64_t timestamp_ms) {
  return timestamp_ms -
         (((timestamp_ms % kMillisPerDay) + kMillisPerDay) % kMillisPerDay);
}

bool IsDeletableBelow(const ParsedLogFileName& name, int64_t checkpoint_version) {
  switch (name.kind) {
    case LogFileKind::kCommit:
    case LogFileKind::kClassicCheckpoint:
    case LogFileKind::kMultiPartCheckpoint:
    case LogFileKind::kUuidCheckpoint:
    case LogFileKind::kChecksum:
      return name.version < checkpoint_version;
    case LogFileKind::kCompactedCommit:
      // Readers starting at the checkpoint use compactions that start after it only.
      return name.version <= checkpoint_version;
  }
  return false;
}

}  // namespace

Result<LogCleanupResult> CleanupExpiredLogs(const Snapshot& snapshot, int64_t now_ms,
                                            const LogCleanupOptions& options) {
  const auto& store = *snapshot.store();
  // Cleanup rewrites the log, so the table must be one delta-cpp may write to.
  if (auto supported = CheckLogWriteSupported(snapshot.protocol()); !supported.ok()) {
    return supported.WithMessage("cannot clean up the log of table ", store.table_uri(),
                                 ": ", supported.message());
  }
  int64_t retention_ms = 0;
  if (options.retention_ms.has_value()) {
    retention_ms = *options.retention_ms;
  } else {
    auto retention = TableConfiguration(snapshot.metadata()).log_retention_millis();
    if (!retention.ok()) {
      return retention.status().WithMessage("table ", store.table_uri(), ": ",
                                            retention.status().message());
    }
    retention_ms = *retention;
  }

  LogCleanupResult result;
  result.cutoff_timestamp_ms = TruncateToDay(now_ms - retention_ms);
  DELTACPP_ASSIGN_OR_RAISE(auto files, ListLogFiles(store));

  // The cutoff commit: the newest whose time, made to increase with the version as
  // Delta Spark adjusts clocks that went backwards, is not after the cutoff.
  std::optional<int64_t> cutoff_commit;
  std::optional<int64_t> previous_time;
  for (const auto& file : files) {
    if (file.name.kind != LogFileKind::kCommit) continue;
    if (file.name.version > snapshot.version()) break;
    int64_t time = file.modification_time_ms;
    if (previous_time.has_value()) time = std::max(time, *previous_time + 1);
    previous_time = time;
    if (time > result.cutoff_timestamp_ms) break;
    cutoff_commit = file.name.version;
  }
  if (!cutoff_commit.has_value()) return result;
  // The newest complete checkpoint at or before it: the log will start there.
  const auto checkpoints = CompleteCheckpoints(files);
  auto after = checkpoints.upper_bound(*cutoff_commit);
  if (after == checkpoints.begin()) return result;
  const int64_t checkpoint_version = std::prev(after)->first;
  result.checkpoint_version = checkpoint_version;

  // Oldest first: whenever deletion stops, what is left is readable from the checkpoint.
  for (const auto& file : files) {
    if (!IsDeletableBelow(file.name, checkpoint_version)) continue;
    if (!options.dry_run) {
      DELTACPP_RETURN_NOT_OK(store.Delete(LogFilePath(file.name.name)));
    }
    result.deleted.push_back(file.name.name);
  }
  return result;
}

}  // namespace deltacpp
