#include "deltacpp/kernel/log/log_segment.h"

#include <algorithm>

namespace deltacpp {

Result<LogSegment> LogSegment::Build(const ObjectStore& store,
                                     std::optional<int64_t> version) {
  if (version.has_value() && *version < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "invalid table version ",
                      *version, ": versions start at 0");
  }
  auto listing = store.List(kDeltaLogDir);
  if (!listing.ok()) {
    if (GetDeltaErrorCode(listing.status()) == DeltaErrorCode::kFileNotFound) {
      return DeltaError(DeltaErrorCode::kTableNotFound, "no Delta table at ",
                        store.table_uri(), ": it has no ", kDeltaLogDir, "/ folder");
    }
    return listing.status();
  }

  std::vector<LogFile> commits;
  std::optional<int64_t> newest_checkpoint_at_or_below;
  for (auto& entry : *listing) {
    if (entry.is_directory) continue;
    auto parsed = ParseLogFileName(entry.name);
    if (!parsed) continue;
    if (parsed->kind == LogFileKind::kCommit) {
      commits.push_back(
          LogFile{*std::move(parsed), entry.size, entry.modification_time_ms});
    } else if (parsed->IsCheckpoint() &&
               (!version.has_value() || parsed->version <= *version)) {
      newest_checkpoint_at_or_below =
          std::max(newest_checkpoint_at_or_below.value_or(-1), parsed->version);
    }
  }
  if (commits.empty()) {
    return DeltaError(DeltaErrorCode::kTableNotFound, "no Delta table at ",
                      store.table_uri(), ": ", kDeltaLogDir, "/ holds no commit file");
  }
  // The listing is sorted by name, and zero-padded names sort by version.
  const int64_t newest = commits.back().name.version;
  const int64_t target = version.value_or(newest);
  if (target > newest) {
    return DeltaError(DeltaErrorCode::kVersionNotFound, "version ", target, " of table ",
                      store.table_uri(), " does not exist: the newest is ", newest);
  }
  while (!commits.empty() && commits.back().name.version > target) commits.pop_back();

  const int64_t oldest = commits.front().name.version;
  if (oldest != 0) {
    if (newest_checkpoint_at_or_below.has_value()) {
      return DeltaError(
          DeltaErrorCode::kUnsupportedFeature, "version ", target, " of table ",
          store.table_uri(), " needs the checkpoint at version ",
          *newest_checkpoint_at_or_below,
          " (commits before it were cleaned up), and reading checkpoints is "
          "not supported yet");
    }
    if (target < oldest) {
      return DeltaError(DeltaErrorCode::kVersionNotFound, "version ", target,
                        " of table ", store.table_uri(),
                        " is no longer available: the oldest commit is ", oldest);
    }
    return DeltaError(DeltaErrorCode::kCorruptLog, "corrupt Delta log of table ",
                      store.table_uri(), ": commit ", CommitFileName(0),
                      " is missing and there is no checkpoint");
  }
  for (size_t i = 0; i < commits.size(); ++i) {
    if (commits[i].name.version != static_cast<int64_t>(i)) {
      return DeltaError(DeltaErrorCode::kCorruptLog, "corrupt Delta log of table ",
                        store.table_uri(), ": versions are not contiguous, commit ",
                        CommitFileName(static_cast<int64_t>(i)), " is missing (found ",
                        commits[i].name.name, " after it)");
    }
  }
  return LogSegment{target, std::move(commits)};
}

}  // namespace deltacpp
