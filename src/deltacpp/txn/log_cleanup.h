#pragma once

// Expired log cleanup (PROTOCOL.md, "Metadata Cleanup"; Delta Spark's MetadataCleanup):
// the commits, checkpoints and checksum files of `_delta_log/` that no version inside
// the table's log retention needs any more are deleted, so the folder stops growing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/snapshot.h"
#include "deltacpp/kernel/table_configuration.h"

namespace deltacpp {

struct LogCleanupOptions {
  /// The retention to apply instead of the table's delta.logRetentionDuration
  /// (TableConfiguration::log_retention_millis).
  std::optional<int64_t> retention_ms;
  /// Only report what would be deleted.
  bool dry_run = false;
};

struct LogCleanupResult {
  /// Commits not newer than this (now - retention, truncated to midnight UTC) expired.
  int64_t cutoff_timestamp_ms = 0;
  /// The checkpoint the log now starts from; nullopt when no checkpoint lies within the
  /// expired versions, and so nothing could be deleted.
  std::optional<int64_t> checkpoint_version;
  /// The names of the files deleted (or, for a dry run, to delete) in `_delta_log/`,
  /// oldest version first.
  std::vector<std::string> deleted;
};

/// Deletes the expired files of `snapshot`'s log, as the protocol's "Metadata Cleanup"
/// describes it. The cutoff is `now_ms` minus the retention, truncated to midnight UTC
/// (as Delta Spark does, so cleanup runs at most once a day). The newest commit not
/// newer than the cutoff is the cutoff commit (commit times are the files' modification
/// times, raised where needed to increase with the version, as Spark adjusts them); the
/// newest complete checkpoint at or before it, and at or before `snapshot`'s version,
/// is kept, with its commit and everything after. Deleted: commit, checkpoint (classic,
/// multi-part and V2 top-level files) and .crc files of older versions, and compacted
/// commits starting at or before that checkpoint, oldest first, so that the log stays
/// readable from that checkpoint whenever deletion stops. V2 sidecar files
/// (`_delta_log/_sidecars/`) are left in place: deciding that none is referenced means
/// reading every retained checkpoint, and an unreferenced sidecar costs only space.
///
/// Fails with kInvalidArgument for a retention that does not parse, with
/// kUnsupportedFeature for a table listing a writer feature delta-cpp does not honour
/// (cleanup is a write), and with the store's errors (files deleted before a failure
/// stay deleted; the log is still readable).
DELTACPP_EXPORT Result<LogCleanupResult> CleanupExpiredLogs(
    const Snapshot& snapshot, int64_t now_ms, const LogCleanupOptions& options = {});

}  // namespace deltacpp
