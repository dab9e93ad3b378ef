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
  // The newest version the checkpoint reconstructs (-1 without one); the commits after
  // it follow. Kept as the last version covered, not the first one needed, since a
  // checkpoint of kMaxVersion has no version after it.
  int64_t covered = -1;
  if (checkpoint != checkpoints.begin()) {
    --checkpoint;
    segment.checkpoint_version = checkpoint->first;
    segment.checkpoint_parts = checkpoint->second;
    segment.version_timestamp_ms = checkpoint->second.front().modification_time_ms;
    covered = checkpoint->first;
  } else if (list_from > 0) {
    return DeltaError(DeltaErrorCode::kCorruptLog, kLastCheckpointFile,
                      " names a checkpoint that is not there");
  }

  for (auto& commit : commits) {
    const int64_t v = commit.name.version;
    if (v == target) segment.version_timestamp_ms = commit.modification_time_ms;
    if (v > covered && v <= target) segment.commits.push_back(std::move(commit));
  }
  for (const auto& commit : segment.commits) {
    if (covered == kMaxVersion || commit.name.version != covered + 1) break;
    covered = commit.name.version;
  }
  if (covered == target) return segment;

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
                    CommitFileName(covered + 1), ", which is missing");
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
    if (!parsed) {
      if (IsLogFileNamePastMaxVersion(entry.name)) {
        return DeltaError(DeltaErrorCode::kCorruptLog, "corrupt Delta log of table ",
                          store.table_uri(), ": ", LogFilePath(entry.name),
                          " names a version past ", kMaxVersion,
                          ", the last version the protocol allows");
      }
      continue;
    }
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
  // What the hint says of the checkpoint it names, for a segment starting there; a hint
  // of another version says nothing about the checkpoint used.
  auto with_counts = [&](LogSegment segment) {
    if (hint.has_value() && segment.checkpoint_version == hint->version) {
      segment.checkpoint_action_count = hint->size;
      segment.checkpoint_add_count = hint->num_add_files;
    }
    return segment;
  };
  if (hint.has_value() && hint->version > 0 &&
      (!version.has_value() || hint->version <= *version)) {
    auto hinted = BuildFromListing(store, version, hint->version);
    if (hinted.ok()) return with_counts(*std::move(hinted));
    // Stale or wrong hint: the full listing below is the authority.
  }
  DELTACPP_ASSIGN_OR_RAISE(auto segment, BuildFromListing(store, version, 0));
  return with_counts(std::move(segment));
}

}  // namespace deltacpp
