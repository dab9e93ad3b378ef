#include "deltacpp/kernel/history.h"

#include <algorithm>
#include <charconv>

#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/log/log_segment.h"
#include "deltacpp/kernel/table_configuration.h"

namespace deltacpp {

namespace {

struct CommitFile {
  int64_t version;
  int64_t modification_time_ms;
};

Result<std::vector<CommitFile>> ListCommits(const ObjectStore& store) {
  DELTACPP_ASSIGN_OR_RAISE(auto listing, ListLogFiles(store));
  std::vector<CommitFile> commits;
  for (const auto& file : listing) {
    if (file.name.kind == LogFileKind::kCommit) {
      commits.push_back({file.name.version, file.modification_time_ms});
    }
  }
  if (commits.empty()) {
    return DeltaError(DeltaErrorCode::kTableNotFound, "no Delta table at ",
                      store.table_uri(), ": ", kDeltaLogDir, "/ holds no commit file");
  }
  return commits;
}

Result<std::optional<CommitInfo>> ReadCommitInfo(const ObjectStore& store,
                                                 int64_t version) {
  const std::string path = CommitFilePath(version);
  DELTACPP_ASSIGN_OR_RAISE(auto contents, store.ReadAll(path));
  DELTACPP_ASSIGN_OR_RAISE(
      auto actions,
      ParseCommitJson(std::string_view(contents->data_as<char>(), contents->size()),
                      store.FullPath(path)));
  for (auto& action : actions) {
    if (auto* info = std::get_if<CommitInfo>(&action)) return std::move(*info);
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<VersionTimestamp>> ListVersionTimestamps(const ObjectStore& store,
                                                            const Metadata& metadata) {
  DELTACPP_ASSIGN_OR_RAISE(auto commits, ListCommits(store));
  const auto ict_from = TableConfiguration(metadata).in_commit_timestamps_from();
  std::vector<VersionTimestamp> timestamps;
  timestamps.reserve(commits.size());
  for (const auto& commit : commits) {
    int64_t timestamp = commit.modification_time_ms;
    if (ict_from && commit.version >= *ict_from) {
      DELTACPP_ASSIGN_OR_RAISE(auto info, ReadCommitInfo(store, commit.version));
      if (!info || !info->in_commit_timestamp) {
        return DeltaError(DeltaErrorCode::kCorruptLog, "commit ",
                          store.FullPath(CommitFilePath(commit.version)),
                          " has no inCommitTimestamp although the table enables them");
      }
      timestamp = *info->in_commit_timestamp;
    } else if (!timestamps.empty() && timestamp <= timestamps.back().timestamp_ms) {
      timestamp = timestamps.back().timestamp_ms + 1;
    }
    timestamps.push_back({commit.version, timestamp});
  }
  return timestamps;
}

Result<int64_t> VersionAtTimestamp(const std::vector<VersionTimestamp>& timestamps,
                                   int64_t timestamp_ms) {
  auto after = std::upper_bound(
      timestamps.begin(), timestamps.end(), timestamp_ms,
      [](int64_t t, const VersionTimestamp& entry) { return t < entry.timestamp_ms; });
  if (after == timestamps.begin()) {
    return DeltaError(DeltaErrorCode::kVersionNotFound, "no version at timestamp ",
                      timestamp_ms, " ms: the oldest version still in the log (",
                      timestamps.empty() ? -1 : timestamps.front().version,
                      ") was committed at ",
                      timestamps.empty() ? -1 : timestamps.front().timestamp_ms, " ms");
  }
  return std::prev(after)->version;
}

Result<std::vector<HistoryEntry>> ReadHistory(const ObjectStore& store,
                                              const Metadata& metadata,
                                              std::optional<int64_t> limit) {
  auto listed = ListVersionTimestamps(store, metadata);
  if (GetDeltaErrorCode(listed.status()) == DeltaErrorCode::kTableNotFound) {
    // The table was read (its metadata is here), so only checkpoints are left in its
    // log: there is no commit to describe.
    return std::vector<HistoryEntry>{};
  }
  DELTACPP_ASSIGN_OR_RAISE(auto timestamps, std::move(listed));
  std::vector<HistoryEntry> history;
  for (auto entry = timestamps.rbegin(); entry != timestamps.rend(); ++entry) {
    if (limit && static_cast<int64_t>(history.size()) >= *limit) break;
    DELTACPP_ASSIGN_OR_RAISE(auto info, ReadCommitInfo(store, entry->version));
    history.push_back({entry->version, entry->timestamp_ms, std::move(info)});
  }
  return history;
}

}  // namespace deltacpp
