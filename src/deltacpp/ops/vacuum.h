#pragma once

// VACUUM: deleting the data files a table no longer needs (Delta Spark's VacuumCommand,
// delta-rs's operations/vacuum.rs). A file goes once no version a reader may still ask
// for refers to it: the newest snapshot does not, its tombstone (if any) is older than
// the table's delta.deletedFileRetentionDuration, and (for files the log does not know)
// it was last modified before that retention, so that a concurrent writer's
// uncommitted files survive. Time travel to versions older than the retention may fail
// afterwards; the log itself is never touched (txn/log_cleanup.h does that).
//
//   VacuumOptions options;
//   options.dry_run = true;
//   DELTACPP_ASSIGN_OR_RAISE(auto result, Vacuum(table, now_ms, options));

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {

/// The names of the commits vacuum records (Delta Spark's DeltaOperations.VacuumStart
/// and VacuumEnd; delta-rs writes the same).
inline constexpr std::string_view kVacuumStartOperation = "VACUUM START";
inline constexpr std::string_view kVacuumEndOperation = "VACUUM END";

enum class VacuumMode {
  /// Only the files of expired tombstones (and their deletion vector files), found in
  /// the log without listing the table: cheap, but misses files the log never named
  /// (failed writes, change data files). deltalake's default (`full=False`).
  kLite,
  /// Every file under the table root that the snapshot does not need and that was last
  /// modified before the retention. Delta Spark's default, and `full=True` in deltalake.
  kFull,
};

struct VacuumOptions {
  /// The retention to apply instead of the table's delta.deletedFileRetentionDuration.
  std::optional<int64_t> retention_ms;
  /// Only report what would be deleted: no file is deleted and nothing is committed.
  bool dry_run = false;
  /// Refuse a retention shorter than the table's (Delta Spark's
  /// spark.databricks.delta.retentionDurationCheck.enabled).
  bool enforce_retention = true;
  VacuumMode mode = VacuumMode::kFull;
  /// Versions whose live files (and their deletion vectors) must survive as well, so
  /// that time travel to them keeps working whatever their age (deltalake's
  /// keep_versions).
  std::vector<int64_t> keep_versions;
  /// For the VACUUM START and VACUUM END commits: retries, checkpoint and log cleanup
  /// after them, custom commitInfo fields (deltalake's commit_properties and
  /// post_commithook_properties).
  CommitOptions commit;
};

struct VacuumResult {
  /// The files deleted (or, for a dry run, to delete): paths relative to the table root
  /// as they are stored (percent-decoded), sorted.
  std::vector<std::string> deleted;
  /// Their total size.
  int64_t bytes = 0;
  /// The version whose files were kept.
  int64_t version = 0;
  /// The retention applied, and what it gives: tombstones older than the cutoff
  /// expired, and unreferenced files last modified before it go.
  int64_t retention_ms = 0;
  int64_t cutoff_timestamp_ms = 0;
  /// Folders listed (kFull; the root included), as Delta Spark counts them.
  int64_t directories_listed = 0;
  /// The VACUUM START and VACUUM END commits; none when nothing was deleted or for a
  /// dry run.
  std::optional<int64_t> start_version;
  std::optional<int64_t> end_version;
};

/// Vacuums the newest version of `table` as of `now_ms` (milliseconds since the epoch;
/// a parameter so that callers and tests choose the clock).
///
/// Kept: the live files of the snapshot and of `options.keep_versions`, the files of
/// tombstones whose deletionTimestamp is at or after the cutoff (now - retention; a
/// tombstone without one has expired), and the deletion vector files ('u' storage) of
/// all of these; `_delta_log/` and every file or folder whose name starts with '_' or
/// '.' (except `_change_data`, `_delta_index` and partition folders such as
/// `_col=1`, which Delta Spark vacuums too); UniForm's `metadata/`; and files referenced
/// by absolute URIs, which are only ever protected (a URI inside the table root protects
/// the file it names), never deleted. kFull deletes every other file under the table
/// root last modified before the cutoff; kLite deletes the expired tombstones' files
/// and deletion vectors that still exist. Folders are left in place, even empty.
///
/// Unless a dry run or nothing is to be deleted, the deletion is recorded as two
/// commits without actions (blind appends; they change no data): VACUUM START
/// (parameters retentionCheckEnabled, defaultRetentionMillis and, when given,
/// specifiedRetentionMillis; metrics numFilesToDelete and sizeOfDataToDelete) and
/// VACUUM END (status COMPLETED with metrics numDeletedFiles and
/// numVacuumedDirectories, or FAILED when a deletion failed).
///
/// Fails with kInvalidArgument for a negative retention, for a retention shorter than
/// the table's while `enforce_retention` is set (naming both), and for a table
/// retention that does not parse; with kUnsupportedFeature for a table delta-cpp may not
/// write to (vacuum is a write, even as a dry run, as in Delta Spark); with the errors of
/// loading the snapshot or a kept version; and with the store's errors (files deleted
/// before a failure stay deleted, and VACUUM END records FAILED).
DELTACPP_EXPORT Result<VacuumResult> Vacuum(const Table& table, int64_t now_ms,
                                            const VacuumOptions& options = {});

}  // namespace deltacpp
