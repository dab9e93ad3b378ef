#include "deltacpp/txn/transaction.h"

#include <chrono>
#include <set>

#include "deltacpp/common/version.h"
#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/actions/action_writer.h"
#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/table_features/feature_gate.h"
#include "deltacpp/txn/checkpoint_writer.h"

namespace deltacpp {

namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
  return Transaction(table, *std::move(snapshot));
}

int64_t Transaction::read_version() const {
  return read_snapshot_ == nullptr ? -1 : read_snapshot_->version();
}

std::vector<Action> Transaction::Actions(const Operation& operation) const {
  std::vector<Action> actions;
  CommitInfo info;
  info.timestamp = NowMillis();
  info.operation = operation.name;
  info.operation_parameters = operation.parameters;
  info.operation_metrics = operation.metrics;
  if (read_snapshot_ != nullptr) info.read_version = read_snapshot_->version();
  info.is_blind_append = !reads_data_ && removes_.empty() && !metadata_.has_value();
  info.engine_info = std::string("delta-cpp/") + kVersionString;
  actions.push_back(std::move(info));
  if (protocol_.has_value()) actions.push_back(*protocol_);
  if (metadata_.has_value()) actions.push_back(*metadata_);
  if (app_transaction_.has_value()) actions.push_back(*app_transaction_);
  for (const auto& remove : removes_) actions.push_back(remove);
  for (const auto& add : adds_) actions.push_back(add);
  return actions;
}

Status Transaction::CheckConflicts(int64_t winning_version) const {
  const auto& store = *table_.store();
  const std::string path = LogFilePath(CommitFileName(winning_version));
  DELTACPP_ASSIGN_OR_RAISE(auto contents, store.ReadAll(path));
  DELTACPP_ASSIGN_OR_RAISE(
      auto actions,
      ParseCommitJson(std::string_view(contents->data_as<char>(), contents->size()),
                      store.FullPath(path)));
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
      if (app_transaction_ && txn->app_id == app_transaction_->app_id) {
        return conflict("it committed for the same application id '" + txn->app_id + "'");
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

Result<int64_t> Transaction::Commit(const Operation& operation,
                                    const CommitOptions& options) {
  if (read_snapshot_ == nullptr && (!protocol_.has_value() || !metadata_.has_value())) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "the first commit of table ",
                      table_.uri(), " must set its protocol and metadata");
  }
  const Metadata& metadata =
      metadata_.has_value() ? *metadata_ : read_snapshot_->metadata();
  auto append_only = metadata.configuration.find("delta.appendOnly");
  if (append_only != metadata.configuration.end() && append_only->second == "true") {
    for (const auto& remove : removes_) {
      if (remove.data_change) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "table ", table_.uri(),
                          " is append-only (delta.appendOnly): ", operation.name,
                          " may not remove data");
      }
    }
  }
  const auto& store = *table_.store();
  int64_t version = read_version() + 1;
  for (int attempt = 1;; ++attempt) {
    const std::string commit = CommitToJson(Actions(operation));
    auto put = store.PutIfAbsent(LogFilePath(CommitFileName(version)), commit);
    if (put.ok()) {
      if (options.checkpoint && version > 0 &&
          version % CheckpointInterval(metadata) == 0) {
        // The commit is durable already; a checkpoint only speeds up readers, so a
        // failure to write one does not fail the commit (the next interval retries).
        auto snapshot = table_.SnapshotAt(version);
        if (snapshot.ok()) (void)WriteCheckpoint(**snapshot);
      }
      return version;
    }
    if (GetDeltaErrorCode(put) != DeltaErrorCode::kConflict) return put;
    if (read_snapshot_ == nullptr) {
      return DeltaError(DeltaErrorCode::kConflict, "table ", table_.uri(),
                        " was created concurrently by another writer");
    }
    DELTACPP_RETURN_NOT_OK(CheckConflicts(version));
    if (attempt >= options.max_attempts) {
      return DeltaError(DeltaErrorCode::kConflict, "commit to table ", table_.uri(),
                        " lost the race ", attempt, " times; giving up at version ",
                        version);
    }
    ++version;
  }
}

}  // namespace deltacpp
