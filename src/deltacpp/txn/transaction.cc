#include "deltacpp/txn/transaction.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "deltacpp/common/version.h"
#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/actions/action_writer.h"
#include "deltacpp/kernel/history.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/kernel/table_features/feature_gate.h"
#include "deltacpp/kernel/table_features/table_feature.h"
#include "deltacpp/txn/checkpoint_writer.h"
#include "deltacpp/txn/log_cleanup.h"

namespace deltacpp {

namespace {

// commitInfo fields a custom one may not take: those delta-cpp writes itself, and those
// Delta Spark reads as objects (a string there would break its history). Others Spark
// knows (userId, userName, userMetadata, clusterId, isolationLevel, ...) are strings and
// may be set.
bool IsReservedCommitInfoField(std::string_view name) {
  static const std::set<std::string_view> kReserved = {"timestamp",
                                                       "inCommitTimestamp",
                                                       "operation",
                                                       "operationParameters",
                                                       "operationMetrics",
                                                       "readVersion",
                                                       "isBlindAppend",
                                                       "engineInfo",
                                                       "job",
                                                       "notebook",
                                                       "tags"};
  return kReserved.count(name) != 0;
}

// Domains under this prefix are the protocol's own ("system-controlled").
constexpr std::string_view kSystemDomainPrefix = "delta.";

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool HasWriterFeature(const Protocol& protocol, std::string_view feature) {
  if (protocol.min_writer_version < 7 || !protocol.writer_features.has_value()) {
    return false;
  }
  const auto& features = *protocol.writer_features;
  return std::find(features.begin(), features.end(), feature) != features.end();
}

// `protocol` listing writer feature `feature` too. A legacy writer version becomes 7
// with the features it implied listed (PROTOCOL.md, "Table Features"), so nothing the
// table relied on is lost; the reader version stays (`feature` is writer-only).
Protocol WithWriterFeature(Protocol protocol, std::string_view feature) {
  if (protocol.min_writer_version < 7) {
    std::vector<std::string> implied;
    const int32_t version = protocol.min_writer_version;
    if (version >= 2) {
      implied.emplace_back(table_features::kAppendOnly);
      implied.emplace_back(table_features::kInvariants);
    }
    if (version >= 3) implied.emplace_back(table_features::kCheckConstraints);
    if (version >= 4) {
      implied.emplace_back(table_features::kChangeDataFeed);
      implied.emplace_back(table_features::kGeneratedColumns);
    }
    if (version >= 5) implied.emplace_back(table_features::kColumnMapping);
    if (version >= 6) implied.emplace_back(table_features::kIdentityColumns);
    protocol.min_writer_version = 7;
    protocol.writer_features = std::move(implied);
  }
  if (!protocol.writer_features.has_value()) protocol.writer_features.emplace();
  if (!HasWriterFeature(protocol, feature)) {
    protocol.writer_features->emplace_back(feature);
  }
  return protocol;
}

}  // namespace

Result<Transaction> Transaction::Begin(const Table& table) {
  auto snapshot = table.LatestSnapshot();
  if (!snapshot.ok()) {
    if (GetDeltaErrorCode(snapshot.status()) == DeltaErrorCode::kTableNotFound) {
      return Transaction(table, nullptr);
    }
    return snapshot.status();
  }
  DELTACPP_RETURN_NOT_OK(
      CheckWriteSupported((*snapshot)->protocol(), (*snapshot)->metadata()));
  // Refused before any data file is written for a commit that cannot be made.
  DELTACPP_RETURN_NOT_OK(NextVersion((*snapshot)->version(), table.uri()).status());
  return Transaction(table, *std::move(snapshot));
}

int64_t Transaction::read_version() const {
  return read_snapshot_ == nullptr ? -1 : read_snapshot_->version();
}

std::optional<Protocol> Transaction::ProtocolToCommit(const Metadata& metadata) const {
  std::optional<Protocol> protocol = protocol_;
  if (TableConfiguration(metadata).in_commit_timestamps_enabled()) {
    const Protocol& current = protocol ? *protocol : read_snapshot_->protocol();
    if (!HasWriterFeature(current, table_features::kInCommitTimestamp)) {
      protocol = WithWriterFeature(current, table_features::kInCommitTimestamp);
    }
  }
  return protocol;
}

Result<std::vector<DomainMetadata>> Transaction::DomainsToCommit(
    const Protocol& protocol) const {
  std::vector<DomainMetadata> domains;
  if (domains_.empty()) return domains;
  if (!HasWriterFeature(protocol, table_features::kDomainMetadata)) {
    return DeltaError(DeltaErrorCode::kUnsupportedFeature, "table ", table_.uri(),
                      " does not support domain metadata: its protocol does not list "
                      "the writer feature '",
                      table_features::kDomainMetadata, "'");
  }
  for (const auto& [name, domain] : domains_) {
    if (name.starts_with(kSystemDomainPrefix)) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "metadata domain '", name,
                        "' of table ", table_.uri(),
                        " is system-controlled: delta-cpp may not change it");
    }
    DomainMetadata action = domain;
    if (action.removed) {
      const DomainMetadata* existing = nullptr;
      if (read_snapshot_ != nullptr) {
        auto found = read_snapshot_->domains().find(name);
        if (found != read_snapshot_->domains().end()) existing = &found->second;
      }
      if (existing == nullptr) {
        return DeltaError(
            DeltaErrorCode::kInvalidArgument, "cannot remove metadata domain '", name,
            "': table ", table_.uri(), " has no such domain at version ", read_version());
      }
      action.configuration = existing->configuration;  // the pre-image
    }
    domains.push_back(std::move(action));
  }
  return domains;
}

std::vector<Action> Transaction::Actions(const Operation& operation, int64_t version,
                                         std::optional<int64_t> previous_timestamp,
                                         const std::optional<Protocol>& protocol,
                                         const std::vector<DomainMetadata>& domains,
                                         const StringMap& custom_metadata) const {
  std::vector<Action> actions;
  const int64_t now = NowMillis();
  CommitInfo info;
  info.timestamp = now;
  if (previous_timestamp.has_value()) {
    info.in_commit_timestamp = std::max(now, *previous_timestamp + 1);
  }
  info.operation = operation.name;
  info.operation_parameters = operation.parameters;
  info.operation_metrics = operation.metrics;
  if (read_snapshot_ != nullptr) info.read_version = read_snapshot_->version();
  info.is_blind_append = !reads_data_ && removes_.empty() && !metadata_.has_value();
  info.engine_info = std::string("delta-cpp/") + kVersionString;
  info.custom_fields = custom_metadata;
  const std::optional<int64_t> in_commit_timestamp = info.in_commit_timestamp;
  // With in-commit timestamps commitInfo must come first; it always does.
  actions.push_back(std::move(info));
  if (protocol.has_value()) actions.push_back(*protocol);
  if (metadata_.has_value()) {
    Metadata metadata = *metadata_;
    if (in_commit_timestamp.has_value() && read_snapshot_ != nullptr) {
      const Metadata& before = read_snapshot_->metadata();
      auto& config = metadata.configuration;
      const std::string version_key(table_property::kInCommitTimestampEnablementVersion);
      const std::string timestamp_key(
          table_property::kInCommitTimestampEnablementTimestamp);
      if (!TableConfiguration(before).in_commit_timestamps_enabled()) {
        // This commit turns them on: earlier versions keep file times (PROTOCOL.md,
        // "Writer Requirements for In-Commit Timestamps", 4).
        config[version_key] = std::to_string(version);
        config[timestamp_key] = std::to_string(*in_commit_timestamp);
      } else if (config.count(version_key) == 0 && config.count(timestamp_key) == 0) {
        // A new metaData must not lose when they were turned on (as Delta Spark keeps
        // it).
        for (const auto& key : {version_key, timestamp_key}) {
          auto value = before.configuration.find(key);
          if (value != before.configuration.end()) config[key] = value->second;
        }
      }
    }
    actions.push_back(std::move(metadata));
  }
  for (const auto& domain : domains) actions.push_back(domain);
  for (const auto& [app_id, txn] : app_transactions_) actions.push_back(txn);
  for (const auto& remove : removes_) actions.push_back(remove);
  for (const auto& add : adds_) actions.push_back(add);
  for (const auto& change : change_files_) actions.push_back(change);
  return actions;
}

Result<std::vector<Action>> Transaction::ReadCommit(int64_t version) const {
  const auto& store = *table_.store();
  const std::string path = CommitFilePath(version);
  DELTACPP_ASSIGN_OR_RAISE(auto contents, store.ReadAll(path));
  return ParseCommitJson(std::string_view(contents->data_as<char>(), contents->size()),
                         store.FullPath(path));
}

Status Transaction::CheckConflicts(int64_t winning_version,
                                   const std::vector<Action>& actions) const {
  auto conflict = [&](const std::string& rule) {
    return DeltaError(DeltaErrorCode::kConflict, "commit to table ", table_.uri(),
                      " conflicts with version ", winning_version,
                      ", committed concurrently: ", rule);
  };
  std::set<std::string> our_removes;
  for (const auto& remove : removes_) our_removes.insert(remove.path);
  bool winner_blind_append = false;
  for (const auto& action : actions) {
    if (const auto* info = std::get_if<CommitInfo>(&action)) {
      winner_blind_append = info->is_blind_append.value_or(false);
    }
  }
  for (const auto& action : actions) {
    if (std::holds_alternative<Protocol>(action)) {
      return conflict("it changed the protocol");
    }
    if (std::holds_alternative<Metadata>(action)) {
      return conflict("it changed the table metadata (schema or properties)");
    }
    if (const auto* txn = std::get_if<SetTransaction>(&action)) {
      if (app_transactions_.count(txn->app_id) != 0) {
        return conflict("it committed for the same application id '" + txn->app_id + "'");
      }
    }
    if (const auto* domain = std::get_if<DomainMetadata>(&action)) {
      // As Delta Spark's ConflictChecker: two commits may not both set one domain.
      if (domains_.count(domain->domain) != 0) {
        return conflict("it set metadata domain '" + domain->domain +
                        "', which this one sets too");
      }
    }
    if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      if (our_removes.count(remove->path) != 0) {
        return conflict("it removed file " + remove->path +
                        ", which this one removes too");
      }
      if (reads_data_ && remove->data_change) {
        return conflict("it removed file " + remove->path + ", which this one read");
      }
    }
    if (const auto* add = std::get_if<AddFile>(&action)) {
      // Under write serializability, blind appends of others commute with everything.
      if (reads_data_ && add->data_change && !winner_blind_append) {
        return conflict("it added file " + add->path + " where this one read");
      }
    }
  }
  return Status::OK();
}

Result<int64_t> Transaction::ReadVersionTimestamp() const {
  const Snapshot& snapshot = *read_snapshot_;
  if (TableConfiguration(snapshot.metadata()).in_commit_timestamps_enabled()) {
    // The newest commit replayed is the read version's, when the snapshot did not
    // start at a checkpoint of that very version.
    const auto& latest = snapshot.latest_commit_info();
    if (latest.has_value() && latest->in_commit_timestamp.has_value()) {
      return *latest->in_commit_timestamp;
    }
    auto actions = ReadCommit(snapshot.version());
    if (!actions.ok() &&
        GetDeltaErrorCode(actions.status()) != DeltaErrorCode::kFileNotFound) {
      return actions.status();
    }
    if (actions.ok()) {
      for (const auto& action : *actions) {
        const auto* info = std::get_if<CommitInfo>(&action);
        if (info != nullptr && info->in_commit_timestamp.has_value()) {
          return *info->in_commit_timestamp;
        }
      }
    }
  }
  return snapshot.commit_timestamp_ms();
}

void Transaction::AfterCommit(int64_t version, std::vector<std::vector<Action>> commits,
                              const Metadata& metadata,
                              const CommitOptions& options) const {
  if (!options.checkpoint || version == 0 ||
      version % TableConfiguration(metadata).checkpoint_interval() != 0) {
    return;
  }
  // The committed version's snapshot, from the read one and the commits since (the
  // winners of lost races, then ours) without replaying the log.
  const auto& store = table_.store();
  std::shared_ptr<const Snapshot> snapshot = read_snapshot_;
  for (size_t i = 0; i < commits.size(); ++i) {
    int64_t timestamp = 0;
    if (i + 1 == commits.size()) {
      auto info = store->GetInfo(CommitFilePath(version));
      timestamp = info.ok() ? info->modification_time_ms : NowMillis();
    }
    auto next =
        SnapshotBuilder::BuildAfter(store, snapshot, std::move(commits[i]), timestamp);
    if (!next.ok()) return;
    snapshot = *std::move(next);
  }
  // The commit is durable already; a checkpoint only speeds up readers, so a failure
  // to write one does not fail the commit (the next interval retries), and neither
  // does cleanup, which needs that checkpoint (Delta Spark cleans up after writing one).
  if (!WriteCheckpoint(*snapshot).ok()) return;
  if (options.cleanup_expired_logs &&
      TableConfiguration(metadata).expired_log_cleanup_enabled()) {
    (void)CleanupExpiredLogs(*snapshot, NowMillis());
  }
}

Result<int64_t> Transaction::Commit(const Operation& operation,
                                    const CommitOptions& options) {
  if (read_snapshot_ == nullptr && (!protocol_.has_value() || !metadata_.has_value())) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "the first commit of table ",
                      table_.uri(), " must set its protocol and metadata");
  }
  const Metadata& metadata =
      metadata_.has_value() ? *metadata_ : read_snapshot_->metadata();
  if (TableConfiguration(metadata).append_only()) {
    for (const auto& remove : removes_) {
      if (remove.data_change) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "table ", table_.uri(),
                          " is append-only (delta.appendOnly): ", operation.name,
                          " may not remove data");
      }
    }
  }
  for (const auto& [name, value] : options.custom_metadata) {
    if (IsReservedCommitInfoField(name)) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "custom commit metadata '",
                        name, "' would replace the commitInfo field of that name");
    }
  }
  const std::optional<Protocol> protocol = ProtocolToCommit(metadata);
  DELTACPP_ASSIGN_OR_RAISE(
      auto domains, DomainsToCommit(protocol ? *protocol : read_snapshot_->protocol()));
  const bool in_commit_timestamps =
      TableConfiguration(metadata).in_commit_timestamps_enabled();
  // The timestamp of the version before the one being tried.
  std::optional<int64_t> previous_timestamp;
  if (in_commit_timestamps) {
    previous_timestamp = 0;  // a new table: no version before, so just now
    if (read_snapshot_ != nullptr) {
      DELTACPP_ASSIGN_OR_RAISE(previous_timestamp, ReadVersionTimestamp());
    }
  }

  const auto& store = *table_.store();
  DELTACPP_ASSIGN_OR_RAISE(int64_t version, NextVersion(read_version(), table_.uri()));
  // The commits after the read version: the winners of races lost, then ours.
  std::vector<std::vector<Action>> commits;
  for (int attempt = 1;; ++attempt) {
    std::vector<Action> actions = Actions(operation, version, previous_timestamp,
                                          protocol, domains, options.custom_metadata);
    auto put = store.PutIfAbsent(CommitFilePath(version), CommitToJson(actions));
    if (put.ok()) {
      commits.push_back(std::move(actions));
      AfterCommit(version, std::move(commits), metadata, options);
      return version;
    }
    if (GetDeltaErrorCode(put) != DeltaErrorCode::kConflict) return put;
    if (read_snapshot_ == nullptr) {
      return DeltaError(DeltaErrorCode::kConflict, "table ", table_.uri(),
                        " was created concurrently by another writer");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto winner, ReadCommit(version));
    DELTACPP_RETURN_NOT_OK(CheckConflicts(version, winner));
    if (in_commit_timestamps) {
      // Ours must follow the winner's: its in-commit timestamp, or, for a commit made
      // before they were on (this commit turns them on), its file's time.
      std::optional<int64_t> winner_timestamp;
      for (const auto& action : winner) {
        const auto* info = std::get_if<CommitInfo>(&action);
        if (info != nullptr && info->in_commit_timestamp.has_value()) {
          winner_timestamp = info->in_commit_timestamp;
        }
      }
      if (!winner_timestamp.has_value()) {
        DELTACPP_ASSIGN_OR_RAISE(auto file, store.GetInfo(CommitFilePath(version)));
        winner_timestamp = file.modification_time_ms;
      }
      previous_timestamp = winner_timestamp;
    }
    commits.push_back(std::move(winner));
    if (attempt >= options.max_attempts) {
      return DeltaError(DeltaErrorCode::kConflict, "commit to table ", table_.uri(),
                        " lost the race ", attempt, " times; giving up at version ",
                        version);
    }
    DELTACPP_ASSIGN_OR_RAISE(version, NextVersion(version, table_.uri()));
  }
}

}  // namespace deltacpp
