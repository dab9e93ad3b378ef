#pragma once

// A transaction reads one snapshot and commits one version (PROTOCOL.md, "Transaction
// Log Entries" and the writer requirements; conflicts as Delta Spark's
// ConflictChecker decides them).
//
//   DELTACPP_ASSIGN_OR_RAISE(auto txn, Transaction::Begin(table));
//   txn.Add(file);
//   DELTACPP_ASSIGN_OR_RAISE(int64_t version, txn.Commit(Operation::Write(...)));

#include <cstdint>
#include <map>
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
  /// After writing that checkpoint, delete the log files that expired
  /// (txn/log_cleanup.h), unless the table sets delta.enableExpiredLogCleanup=false.
  bool cleanup_expired_logs = true;
  /// Extra top-level string fields of commitInfo (a writer's own metadata, e.g. a job
  /// id). A name the protocol or Delta Spark gives commitInfo fails with
  /// kInvalidArgument.
  StringMap custom_metadata;
};

class DELTACPP_EXPORT Transaction {
 public:
  /// A transaction on the newest version of `table`, or on no version when the table
  /// does not exist yet (its first commit must then set protocol and metadata). Fails
  /// with the errors of SnapshotBuilder::Build other than kTableNotFound, with
  /// kUnsupportedFeature when the table needs a writer feature delta-cpp lacks, and with
  /// kInvalidArgument when the table is at kMaxVersion (no commit can follow).
  static Result<Transaction> Begin(const Table& table);

  /// The snapshot read; null for a table being created.
  const std::shared_ptr<const Snapshot>& read_snapshot() const { return read_snapshot_; }
  /// The version this transaction read (-1 for a new table).
  int64_t read_version() const;

  void SetProtocol(Protocol protocol) { protocol_ = std::move(protocol); }
  void SetMetadata(Metadata metadata) { metadata_ = std::move(metadata); }
  void Add(AddFile file) { adds_.push_back(std::move(file)); }
  void Remove(RemoveFile file) { removes_.push_back(std::move(file)); }
  /// A change data file (`_change_data/...`) holding the rows this commit changes, for
  /// tables with the change data feed; readers then take the commit's changes from its
  /// change data files alone.
  void AddChangeFile(AddCdcFile file) { change_files_.push_back(std::move(file)); }
  /// Records that application `app_id` has committed its `version` (idempotent writers).
  /// A later call for the same app id replaces an earlier one.
  void SetAppTransaction(SetTransaction txn) {
    std::string app_id = txn.app_id;
    app_transactions_[std::move(app_id)] = std::move(txn);
  }
  /// Sets the configuration of metadata domain `domain.domain`, or, with `removed`,
  /// removes the domain (the commit then carries the read snapshot's configuration as
  /// the protocol's pre-image). A later call for the same domain replaces an earlier one.
  /// Checked by Commit: the table's protocol, as this commit leaves it, must list the
  /// writer feature domainMetadata (kUnsupportedFeature otherwise); system domains
  /// (named "delta.*") fail with kInvalidArgument, since delta-cpp understands none of
  /// them, and so does removing a domain the read snapshot does not have.
  void SetDomainMetadata(DomainMetadata domain) {
    std::string name = domain.domain;
    domains_[std::move(name)] = std::move(domain);
  }
  /// True when the transaction read table data to decide what to write (overwrite,
  /// delete, ...): then files other writers add concurrently conflict with it. Plain
  /// appends leave it false and commute with each other.
  void SetReadsData(bool reads_data) { reads_data_ = reads_data; }

  /// Writes the next version's commit file atomically (put-if-absent). When another
  /// writer took that version first, its commits are checked for conflicts: a protocol
  /// or metadata change, a file this transaction removes that it removed too, an appId
  /// or a metadata domain it also set, or (for a transaction that reads data) files it
  /// added. Without a conflict the commit moves to the next version and tries again.
  ///
  /// When the metadata this commit leaves enables in-commit timestamps
  /// (delta.enableInCommitTimestamps), commitInfo carries inCommitTimestamp, the later
  /// of now and the previous version's timestamp + 1 ms (recomputed against the winner
  /// after a lost race); the commit that turns them on for an existing table also
  /// records delta.inCommitTimestampEnablementVersion and ...EnablementTimestamp, and
  /// adds the writer feature inCommitTimestamp to the protocol when it is missing.
  ///
  /// Returns the version committed. Fails with kConflict naming the rule and the
  /// winning version, with kInvalidArgument when the table is at kMaxVersion
  /// (kernel/log/log_path.h: no version follows it), and with the store's errors; a
  /// failed commit leaves nothing in the log. Removing data from an append-only table
  /// (delta.appendOnly) fails with kInvalidArgument; see SetDomainMetadata for the errors
  /// of domains. After a commit at a multiple of delta.checkpointInterval a checkpoint is
  /// written, then expired log files are cleaned up; their failures do not fail the
  /// commit.
  Result<int64_t> Commit(const Operation& operation, const CommitOptions& options = {});

 private:
  Transaction(Table table, std::shared_ptr<const Snapshot> snapshot)
      : table_(std::move(table)), read_snapshot_(std::move(snapshot)) {}

  // What one attempt writes, at `version`. `previous_timestamp` (ms) is the timestamp of
  // the version before it, given when the commit carries an in-commit timestamp.
  std::vector<Action> Actions(const Operation& operation, int64_t version,
                              std::optional<int64_t> previous_timestamp,
                              const std::optional<Protocol>& protocol,
                              const std::vector<DomainMetadata>& domains,
                              const StringMap& custom_metadata) const;
  // The protocol this commit writes, if any: the one set, or the table's upgraded with
  // the writer features the committed metadata needs.
  std::optional<Protocol> ProtocolToCommit(const Metadata& metadata) const;
  // The domain actions to commit, checked against `protocol` and the read snapshot.
  Result<std::vector<DomainMetadata>> DomainsToCommit(const Protocol& protocol) const;
  // The actions of commit `version`, written by another writer.
  Result<std::vector<Action>> ReadCommit(int64_t version) const;
  Status CheckConflicts(int64_t winning_version,
                        const std::vector<Action>& winning_actions) const;
  // The timestamp of the read version, for in-commit timestamps: its inCommitTimestamp
  // when it has one, else its commit file's modification time.
  Result<int64_t> ReadVersionTimestamp() const;
  // The checkpoint and log cleanup after committing `version`, best effort.
  void AfterCommit(int64_t version, std::vector<std::vector<Action>> commits,
                   const Metadata& metadata, const CommitOptions& options) const;

  Table table_;
  std::shared_ptr<const Snapshot> read_snapshot_;
  std::optional<Protocol> protocol_;
  std::optional<Metadata> metadata_;
  std::vector<AddFile> adds_;
  std::vector<RemoveFile> removes_;
  std::vector<AddCdcFile> change_files_;
  std::map<std::string, SetTransaction> app_transactions_;
  std::map<std::string, DomainMetadata> domains_;
  bool reads_data_ = false;
};

}  // namespace deltacpp
