#pragma once

// Log replay: the state of a table at one version, reconciled from its commits as the
// protocol's "Action Reconciliation" rules say.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/log/log_segment.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

struct TableState {
  Protocol protocol;
  Metadata metadata;
  /// The live data files, newest commit first.
  std::vector<AddFile> files;
  /// Removes not superseded by a newer add of the same file (vacuum needs them).
  std::vector<RemoveFile> tombstones;
  /// The newest txn action of each application id.
  std::map<std::string, SetTransaction> app_transactions;
  /// The live (not removed) domain metadata, by domain.
  std::map<std::string, DomainMetadata> domains;
  /// commitInfo of the newest commit, when it has one.
  std::optional<CommitInfo> latest_commit_info;
};

/// Reads the commits of `segment` newest first, then its checkpoint, and reconciles them:
/// a file is identified by (path, deletion vector id) and its newest action wins; the
/// newest protocol, metaData, txn per appId and domainMetadata per domain win. Fails with
/// kCorruptLog when a commit cannot be parsed, the log has no protocol or no metaData,
/// or the checkpoint holds another number of add actions than `_last_checkpoint`
/// records for it (`segment.checkpoint_add_count`; the error names the file and both
/// counts), and with kFileNotFound when a listed commit vanished.
DELTACPP_EXPORT Result<TableState> ReplayLog(const ObjectStore& store,
                                             const LogSegment& segment);

/// `state` moved forward by one commit: `commit` holds the actions of the version after
/// the one `state` describes, in file order, reconciled by the same rules as ReplayLog
/// (so a writer that has just committed need not replay the log). Newly added files come
/// first in `files`, as replay lists the newest commit first. Never fails.
DELTACPP_EXPORT TableState ApplyCommit(TableState state, std::vector<Action> commit);

}  // namespace deltacpp
