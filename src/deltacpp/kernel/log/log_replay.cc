#include "deltacpp/kernel/log/log_replay.h"

#include <type_traits>
#include <unordered_set>

#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/actions/action_names.h"
#include "deltacpp/kernel/log/checkpoint_reader.h"

namespace deltacpp {

namespace {

std::string FileKey(const std::string& path,
                    const std::optional<DeletionVectorDescriptor>& deletion_vector) {
  std::string key = path;
  if (deletion_vector.has_value()) {
    key += '\0';
    key += deletion_vector->UniqueId();
  }
  return key;
}

}  // namespace

Result<TableState> ReplayLog(const ObjectStore& store, const LogSegment& segment) {
  TableState state;
  bool have_protocol = false;
  bool have_metadata = false;
  std::unordered_set<std::string> seen_files;
  std::unordered_set<std::string> seen_domains;

  // The first action seen for a file wins. A checkpoint, replayed last, holds each file
  // once: its keys are looked up, never stored, so the set grows with the commits only.
  auto first_for_file = [&](const std::string& path,
                            const std::optional<DeletionVectorDescriptor>& dv,
                            bool from_checkpoint) {
    if (from_checkpoint) {
      return seen_files.empty() || seen_files.count(FileKey(path, dv)) == 0;
    }
    return seen_files.insert(FileKey(path, dv)).second;
  };

  // Applies one action, newest first.
  auto apply = [&](Action&& action, bool newest_commit, bool from_checkpoint) {
    std::visit(
        [&](auto&& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, AddFile>) {
            if (first_for_file(value.path, value.deletion_vector, from_checkpoint)) {
              state.files.push_back(std::move(value));
            }
          } else if constexpr (std::is_same_v<T, RemoveFile>) {
            if (first_for_file(value.path, value.deletion_vector, from_checkpoint)) {
              state.tombstones.push_back(std::move(value));
            }
          } else if constexpr (std::is_same_v<T, Protocol>) {
            if (!have_protocol) state.protocol = std::move(value);
            have_protocol = true;
          } else if constexpr (std::is_same_v<T, Metadata>) {
            if (!have_metadata) state.metadata = std::move(value);
            have_metadata = true;
          } else if constexpr (std::is_same_v<T, SetTransaction>) {
            state.app_transactions.try_emplace(value.app_id, value);
          } else if constexpr (std::is_same_v<T, DomainMetadata>) {
            if (seen_domains.insert(value.domain).second && !value.removed) {
              state.domains.emplace(value.domain, std::move(value));
            }
          } else if constexpr (std::is_same_v<T, CommitInfo>) {
            if (newest_commit) state.latest_commit_info = std::move(value);
          }
          // cdc, sidecar and checkpointMetadata do not change the table's state.
        },
        action);
  };

  for (auto commit = segment.commits.rbegin(); commit != segment.commits.rend();
       ++commit) {
    const std::string path = LogFilePath(commit->name.name);
    DELTACPP_ASSIGN_OR_RAISE(auto contents, store.ReadAll(path));
    DELTACPP_ASSIGN_OR_RAISE(
        auto actions,
        ParseCommitJson(std::string_view(contents->data_as<char>(), contents->size()),
                        store.FullPath(path)));
    const bool newest = commit == segment.commits.rbegin();
    for (auto& action : actions) apply(std::move(action), newest, false);
  }
  // The checkpoint holds the reconciled state before the commits: it comes last. Its
  // size, when known, saves the copies of a growing vector (and their peak memory).
  if (segment.checkpoint_action_count.has_value() &&
      *segment.checkpoint_action_count > 0 &&
      *segment.checkpoint_action_count < (1 << 28)) {
    state.files.reserve(state.files.size() +
                        static_cast<size_t>(*segment.checkpoint_action_count));
  }
  int64_t checkpoint_adds = 0;
  for (const auto& part : segment.checkpoint_parts) {
    DELTACPP_RETURN_NOT_OK(VisitCheckpointFile(
        store, LogFilePath(part.name.name), part.size, [&](Action&& action) {
          checkpoint_adds += std::holds_alternative<AddFile>(action) ? 1 : 0;
          apply(std::move(action), false, true);
        }));
  }
  // A checkpoint that lost rows still parses, and one that lost its adds would read as
  // an empty table: `_last_checkpoint` is the only witness of what it should hold.
  // (Its `size` is not one: some writers recorded bytes there.)
  if (segment.checkpoint_add_count.has_value() &&
      *segment.checkpoint_add_count != checkpoint_adds) {
    const auto& first = segment.checkpoint_parts.front();
    return DeltaError(
        DeltaErrorCode::kCorruptLog, "corrupt checkpoint ",
        store.FullPath(LogFilePath(first.name.name)),
        segment.checkpoint_parts.size() > 1
            ? " (part 1 of " + std::to_string(segment.checkpoint_parts.size()) + ")"
            : std::string(),
        " of table ", store.table_uri(), " at version ", *segment.checkpoint_version,
        ": it holds ", checkpoint_adds, " add actions, but ", kLastCheckpointFile,
        " records ", *segment.checkpoint_add_count, " (numOfAddFiles)");
  }
  seen_files = {};
  if (!have_protocol || !have_metadata) {
    return DeltaError(DeltaErrorCode::kCorruptLog, "corrupt Delta log of table ",
                      store.table_uri(), ": no ",
                      have_protocol ? action_names::kMetadata : action_names::kProtocol,
                      " action in the log up to version ", segment.version);
  }
  return state;
}

TableState ApplyCommit(TableState state, std::vector<Action> commit) {
  // The first action of the commit for a file decides it, as in ReplayLog.
  std::unordered_set<std::string> decided;
  std::vector<AddFile> files;
  std::vector<RemoveFile> tombstones;
  bool have_protocol = false;
  bool have_metadata = false;
  std::unordered_set<std::string> seen_apps;
  std::unordered_set<std::string> seen_domains;
  state.latest_commit_info.reset();  // the new commit's, if it has one
  for (auto& action : commit) {
    std::visit(
        [&](auto&& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, AddFile>) {
            if (decided.insert(FileKey(value.path, value.deletion_vector)).second) {
              files.push_back(std::move(value));
            }
          } else if constexpr (std::is_same_v<T, RemoveFile>) {
            if (decided.insert(FileKey(value.path, value.deletion_vector)).second) {
              tombstones.push_back(std::move(value));
            }
          } else if constexpr (std::is_same_v<T, Protocol>) {
            if (!have_protocol) state.protocol = std::move(value);
            have_protocol = true;
          } else if constexpr (std::is_same_v<T, Metadata>) {
            if (!have_metadata) state.metadata = std::move(value);
            have_metadata = true;
          } else if constexpr (std::is_same_v<T, SetTransaction>) {
            if (seen_apps.insert(value.app_id).second) {
              state.app_transactions[value.app_id] = std::move(value);
            }
          } else if constexpr (std::is_same_v<T, DomainMetadata>) {
            if (seen_domains.insert(value.domain).second) {
              if (value.removed) {
                state.domains.erase(value.domain);
              } else {
                state.domains[value.domain] = std::move(value);
              }
            }
          } else if constexpr (std::is_same_v<T, CommitInfo>) {
            state.latest_commit_info = std::move(value);
          }
        },
        std::move(action));
  }
  if (!decided.empty()) {
    for (auto& file : state.files) {
      if (decided.count(FileKey(file.path, file.deletion_vector)) == 0) {
        files.push_back(std::move(file));
      }
    }
    for (auto& tombstone : state.tombstones) {
      if (decided.count(FileKey(tombstone.path, tombstone.deletion_vector)) == 0) {
        tombstones.push_back(std::move(tombstone));
      }
    }
    state.files = std::move(files);
    state.tombstones = std::move(tombstones);
  }
  return state;
}

}  // namespace deltacpp
