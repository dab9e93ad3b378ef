#include "deltacpp/kernel/log/log_segment.h"

#include <algorithm>
#include <map>

#include "deltacpp/kernel/log/last_checkpoint.h"

namespace deltacpp {

std::map<int64_t, std::vector<LogFile>> CompleteCheckpoints(
    const std::vector<LogFile>& listing) {
  std::map<int64_t, std::vector<LogFile>> complete;
  // Multi-part checkpoints by (version, part count); a version may have several
  // attempts with different part counts.
  std::map<std::pair<int64_t, int32_t>, std::vector<LogFile>> parts;
  for (const auto& file : listing) {
    if (!file.name.IsCheckpoint()) continue;
    if (file.name.kind == LogFileKind::kMultiPartCheckpoint) {
      parts[{file.name.version, file.name.num_parts}].push_back(file);
    } else {
      complete.try_emplace(file.name.version, std::vector<LogFile>{file});
    }
  }
  for (auto& [key, files] : parts) {
    std::sort(files.begin(), files.end(), [](const LogFile& a, const LogFile& b) {
      return a.name.part < b.name.part;
    });
    bool whole = static_cast<int32_t>(files.size()) == key.second;
    for (size_t i = 0; whole && i < files.size(); ++i) {
      whole = files[i].name.part == static_cast<int32_t>(i) + 1;
    }
    if (whole) complete.try_emplace(key.first, std::move(files));
  }
  return complete;
}

namespace {

// Builds the segment from a listing of `_delta_log/` that starts at `list_from`.
Result<LogSegment> BuildFromListing(const ObjectStore& store,
                                    std::optional<int64_t> version, int64_t list_from) {
  DELTACPP_ASSIGN_OR_RAISE(auto listing, ListLogFiles(store, list_from));
  std::vector<LogFile> commits;
  std::vector<LogFile> checkpoint_files;
  for (auto& file : listing) {
    if (file.name.kind == LogFileKind::kCommit) {
      commits.push_back(std::move(file));
    } else if (file.name.IsCheckpoint()) {
      checkpoint_files.push_back(std::move(file));
    }
  }
  auto checkpoints = CompleteCheckpoints(checkpoint_files);
  if (commits.empty() && checkpoints.empty()) {
    return DeltaError(DeltaErrorCode::kTableNotFound, "no Delta table at ",
                      store.table_uri(), ": ", kDeltaLogDir,
                      "/ holds no commit or checkpoint file");
  }
  // Zero-padded names sort by version, and the listing is sorted.
  int64_t newest = commits.empty() ? -1 : commits.back().name.version;
  if (!checkpoints.empty()) newest = std::max(newest, checkpoints.rbegin()->first);
  const int64_t target = version.value_or(newest);
  if (target > newest) {
    return DeltaError(DeltaErrorCode::kVersionNotFound, "version ", target, " of table ",
                      store.table_uri(), " does not exist: the newest is ", newest);
  }

  LogSegment segment;
  segment.version = target;
  auto checkpoint = checkpoints.upper_bound(target);
  int64_t first_commit = 0;
  if (checkpoint != checkpoints.begin()) {
    --checkpoint;
    segment.checkpoint_version = checkpoint->first;
    segment.checkpoint_parts = checkpoint->second;
    segment.version_timestamp_ms = checkpoint->second.front().modification_time_ms;
    first_commit = checkpoint->first + 1;
  } else if (list_from > 0) {
    return DeltaError(DeltaErrorCode::kCorruptLog, kLastCheckpointFile,
                      " names a checkpoint that is not there");
  }

  for (auto& commit : commits) {
    const int64_t v = commit.name.version;
    if (v == target) segment.version_timestamp_ms = commit.modification_time_ms;
    if (v >= first_commit && v <= target) segment.commits.push_back(std::move(commit));
  }
  int64_t expected = first_commit;
  for (const auto& commit : segment.commits) {
    if (commit.name.version != expected) break;
    ++expected;
  }
  if (expected == target + 1) return segment;

  // A commit the version needs is missing. Before the oldest version that can still be
  // reconstructed that is cleanup, not corruption.
  if (!segment.checkpoint_version.has_value()) {
    int64_t oldest = checkpoints.empty() ? newest : checkpoints.begin()->first;
    if (!commits.empty()) oldest = std::min(oldest, commits.front().name.version);
    if (target < oldest) {
      return DeltaError(DeltaErrorCode::kVersionNotFound, "version ", target,
                        " of table ", store.table_uri(),
                        " can no longer be read: its commits were cleaned up and the "
                        "oldest version left is ",
                        oldest);
    }
  }
  return DeltaError(DeltaErrorCode::kCorruptLog, "corrupt Delta log of table ",
                    store.table_uri(), ": version ", target, " needs commit ",
                    CommitFileName(expected), ", which is missing");
}

}  // namespace

Result<std::vector<LogFile>> ListLogFiles(const ObjectStore& store,
                                          int64_t from_version) {
  auto listing = store.List(
      kDeltaLogDir, from_version > 0 ? CommitFileName(from_version - 1) : std::string());
  if (!listing.ok()) {
    if (GetDeltaErrorCode(listing.status()) == DeltaErrorCode::kFileNotFound) {
      return DeltaError(DeltaErrorCode::kTableNotFound, "no Delta table at ",
                        store.table_uri(), ": it has no ", kDeltaLogDir, "/ folder");
    }
    return listing.status();
  }
  std::vector<LogFile> files;
  for (auto& entry : *listing) {
    if (entry.is_directory) continue;
    auto parsed = ParseLogFileName(entry.name);
    if (!parsed) continue;
    files.push_back(LogFile{*std::move(parsed), entry.size, entry.modification_time_ms});
  }
  return files;
}

Result<LogSegment> LogSegment::Build(const ObjectStore& store,
                                     std::optional<int64_t> version) {
  if (version.has_value() && *version < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "invalid table version ",
                      *version, ": versions start at 0");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto hint, ReadLastCheckpoint(store));
  if (hint.has_value() && hint->version > 0 &&
      (!version.has_value() || hint->version <= *version)) {
    auto hinted = BuildFromListing(store, version, hint->version);
    if (hinted.ok()) {
      if (hinted->checkpoint_version == hint->version) {
        hinted->checkpoint_action_count = hint->size;
      }
      return hinted;
    }
    // Stale or wrong hint: the full listing below is the authority.
  }
  return BuildFromListing(store, version, 0);
}

}  // namespace deltacpp
