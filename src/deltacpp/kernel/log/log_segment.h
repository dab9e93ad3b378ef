#pragma once

// The files of `_delta_log/` that make up one version of a table.

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

struct LogFile {
  ParsedLogFileName name;
  int64_t size = 0;
  int64_t modification_time_ms = 0;
};

/// The files of `_delta_log/` that log_path.h recognises, sorted by name (so by version),
/// from the first version at or after `from_version`. Fails with kTableNotFound when the
/// table has no `_delta_log/` folder, and with kCorruptLog naming the file when a commit,
/// checkpoint or compacted commit name carries a version past kMaxVersion
/// (IsLogFileNamePastMaxVersion).
DELTACPP_EXPORT Result<std::vector<LogFile>> ListLogFiles(const ObjectStore& store,
                                                          int64_t from_version = 0);

/// The complete checkpoints among `files` (a listing; other kinds of file are skipped),
/// by version, each with its files in part order: a classic or UUID-named checkpoint on
/// its own, a multi-part one only when all its parts are there.
DELTACPP_EXPORT std::map<int64_t, std::vector<LogFile>> CompleteCheckpoints(
    const std::vector<LogFile>& files);

/// The files that reconstruct `version`: the newest complete checkpoint at or below it
/// (if any), then every JSON commit after that checkpoint up to `version`, ascending and
/// contiguous.
struct LogSegment {
  int64_t version = 0;
  /// The checkpoint's version, when the segment starts from one.
  std::optional<int64_t> checkpoint_version;
  /// All parts of that checkpoint (one file unless it is a multi-part checkpoint).
  std::vector<LogFile> checkpoint_parts;
  /// How many actions that checkpoint holds, when `_last_checkpoint` says (a hint for
  /// reserving memory, never trusted for correctness).
  std::optional<int64_t> checkpoint_action_count;
  /// How many add actions that checkpoint holds (its parts and sidecars together), when
  /// `_last_checkpoint` describes this very checkpoint and records it (numOfAddFiles).
  /// Replay checks the checkpoint against it (log_replay.h).
  std::optional<int64_t> checkpoint_add_count;
  std::vector<LogFile> commits;
  /// Modification time of the commit file of `version` (of the checkpoint when that
  /// commit was cleaned up): the version's timestamp without in-commit timestamps.
  int64_t version_timestamp_ms = 0;

  /// Lists `_delta_log/` of the table in `store` and picks the files for `version`, or
  /// for the newest version when it is nullopt. `_last_checkpoint`, when present and
  /// sound, lets the listing start at its checkpoint; when it is missing, stale, corrupt
  /// or names a checkpoint that is not there, the whole log is listed. Incomplete
  /// multi-part checkpoints are skipped. Errors:
  /// - kTableNotFound: no `_delta_log/` folder, or no commit or checkpoint in it;
  /// - kVersionNotFound: `version` is past the newest version, or before the oldest one
  ///   that can still be reconstructed;
  /// - kCorruptLog: a commit the version needs is missing (the error names it), or a
  ///   commit or checkpoint name carries a version past kMaxVersion;
  /// - kInvalidArgument: a negative version.
  static Result<LogSegment> Build(const ObjectStore& store,
                                  std::optional<int64_t> version = std::nullopt);
};

}  // namespace deltacpp
