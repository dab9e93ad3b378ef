#pragma once

// A transaction reads one snapshot and commits one version (PROTOCOL.md, "Transaction
// Log Entries" and the writer requirements; conflicts as Delta Spark's
// ConflictChecker decides them).
//
//   DELTACPP_ASSIGN_OR_RAISE(auto txn, Transaction::Begin(table));
//   txn.Add(file);
//   DELTACPP_ASSIGN_OR_RAISE(int64_t version, txn.Commit(Operation::Write(...)));

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/snapshot.h"
#include "deltacpp/kernel/table.h"

namespace deltacpp {

/// What a commit says it did, for commitInfo (history).
struct Operation {
  std::string name;  // "WRITE", "CREATE TABLE", ...
  StringMap parameters;
  StringMap metrics;
};

struct CommitOptions {
  /// How often to try again after losing a race to a commit that does not conflict.
  int max_attempts = 10000;
  /// Write a checkpoint after committing a multiple of delta.checkpointInterval.
  bool checkpoint = true;
};

class DELTACPP_EXPORT Transaction {
 public:
  /// A transaction on the newest version of `table`, or on no version when the table
  /// does not exist yet (its first commit must then set protocol and metadata). Fails
  /// with the errors of SnapshotBuilder::Build other than kTableNotFound, and with
  /// kUnsupportedFeature when the table needs a writer feature delta-cpp lacks.
  static Result<Transaction> Begin(const Table& table);

  /// The snapshot read; null for a table being created.
  const std::shared_ptr<const Snapshot>& read_snapshot() const { return read_snapshot_; }
  /// The version this transaction read (-1 for a new table).
  int64_t read_version() const;

  void SetProtocol(Protocol protocol) { protocol_ = std::move(protocol); }
  void SetMetadata(Metadata metadata) { metadata_ = std::move(metadata); }
  void Add(AddFile file) { adds_.push_back(std::move(file)); }
  void Remove(RemoveFile file) { removes_.push_back(std::move(file)); }
  /// Records that application `app_id` has committed its `version` (idempotent writers).
  void SetAppTransaction(SetTransaction txn) { app_transaction_ = std::move(txn); }
  /// True when the transaction read table data to decide what to write (overwrite,
  /// delete, ...): then files other writers add concurrently conflict with it. Plain
  /// appends leave it false and commute with each other.
  void SetReadsData(bool reads_data) { reads_data_ = reads_data; }

  /// Writes the next version's commit file atomically (put-if-absent). When another
  /// writer took that version first, its commits are checked for conflicts: a protocol
  /// or metadata change, a file this transaction removes that it removed too, an appId
  /// it also set, or (for a transaction that reads data) files it added. Without a
  /// conflict the commit moves to the next version and tries again. Returns the version
  /// committed. Fails with kConflict naming the rule and the winning version, and with
  /// the store's errors; a failed commit leaves nothing in the log. Removing data from
  /// an append-only table (delta.appendOnly) fails with kInvalidArgument.
  Result<int64_t> Commit(const Operation& operation, const CommitOptions& options = {});

 private:
  Transaction(Table table, std::shared_ptr<const Snapshot> snapshot)
      : table_(std::move(table)), read_snapshot_(std::move(snapshot)) {}

  std::vector<Action> Actions(const Operation& operation) const;
  Status CheckConflicts(int64_t winning_version) const;

  Table table_;
  std::shared_ptr<const Snapshot> read_snapshot_;
  std::optional<Protocol> protocol_;
  std::optional<Metadata> metadata_;
  std::vector<AddFile> adds_;
  std::vector<RemoveFile> removes_;
  std::optional<SetTransaction> app_transaction_;
  bool reads_data_ = false;
};

}  // namespace deltacpp
