#pragma once

// The versions of a table in time: each version's commit timestamp (for time travel by
// timestamp) and its commitInfo (for history).

#include <cstdint>
#include <optional>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

struct VersionTimestamp {
  int64_t version = 0;
  /// Milliseconds since the epoch.
  int64_t timestamp_ms = 0;
};

/// The timestamp of every version whose commit file is still in the log, ascending. As
/// the protocol says, a version's timestamp is its in-commit timestamp when
/// `delta.enableInCommitTimestamps` was on for it, and otherwise its commit file's
/// modification time, raised where needed so that timestamps increase with versions (as
/// Delta Spark does for clocks that went backwards). `metadata` is the newest metaData.
/// Fails with kTableNotFound when there is no commit, and kCorruptLog when an
/// in-commit-timestamp commit lacks its timestamp.
DELTACPP_EXPORT Result<std::vector<VersionTimestamp>> ListVersionTimestamps(
    const ObjectStore& store, const Metadata& metadata);

/// The newest version committed at or before `timestamp_ms`. Fails with
/// kVersionNotFound when `timestamp_ms` is before the oldest version still in the log.
DELTACPP_EXPORT Result<int64_t> VersionAtTimestamp(
    const std::vector<VersionTimestamp>& timestamps, int64_t timestamp_ms);

struct HistoryEntry {
  int64_t version = 0;
  int64_t timestamp_ms = 0;
  /// The commit's commitInfo, when it has one.
  std::optional<CommitInfo> commit_info;
};

/// The history of the table, newest first, at most `limit` entries (all when nullopt),
/// from the commits still in the log.
DELTACPP_EXPORT Result<std::vector<HistoryEntry>> ReadHistory(
    const ObjectStore& store, const Metadata& metadata, std::optional<int64_t> limit);

}  // namespace deltacpp
