#pragma once

// The files of `_delta_log/` that make up one version of a table.

#include <cstdint>
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

/// The commits that reconstruct `version`: every JSON commit from 0 to `version`,
/// ascending and contiguous. (Checkpoints are not read yet: a table whose early commits
/// were cleaned up behind a checkpoint is refused with kUnsupportedFeature.)
struct LogSegment {
  int64_t version = 0;
  std::vector<LogFile> commits;

  /// Lists `_delta_log/` of the table in `store` and picks the files for `version`, or
  /// for the newest version when it is nullopt. Errors:
  /// - kTableNotFound: no `_delta_log/` folder, or no commit in it;
  /// - kVersionNotFound: `version` is past the newest commit, or its commits were
  ///   cleaned up;
  /// - kCorruptLog: a commit between 0 and `version` is missing (the error names it);
  /// - kUnsupportedFeature: the version needs a checkpoint;
  /// - kInvalidArgument: a negative version.
  static Result<LogSegment> Build(const ObjectStore& store,
                                  std::optional<int64_t> version = std::nullopt);
};

}  // namespace deltacpp
