#pragma once

// OPTIMIZE: rewriting many small data files into fewer large ones, or the files of whole
// partitions sorted along a Z-order curve, without changing the table's rows (Delta
// Spark's OptimizeTableCommand, delta-rs's operations/optimize.rs). The files read are
// removed and the files written added with dataChange false, so readers of the change
// data feed and streaming readers see no change, and append-only tables may be
// optimized. Time travel to earlier versions keeps reading the old files until vacuum
// deletes them.
//
//   OptimizeOptions options;
//   options.partition_filter = *ParsePredicate("day >= '2024-01-01'");
//   DELTACPP_ASSIGN_OR_RAISE(auto result, OptimizeTable("/data/events", options));

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/ops/partitioned_writer.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {

/// The size (bytes) optimize aims its files at without delta.targetFileSize
/// (TableConfiguration::target_file_size): 100 MiB, as delta-rs.
inline constexpr int64_t kDefaultOptimizeTargetFileSize = 100 * 1024 * 1024;
/// The name of the commits optimize makes (Delta Spark's DeltaOperations.Optimize).
inline constexpr std::string_view kOptimizeOperation = "OPTIMIZE";

/// How far an optimize has come, reported after each group of files is rewritten, before
/// the commit that may follow.
struct OptimizeProgress {
  int64_t groups_done = 0;
  int64_t groups = 0;         // to rewrite in all
  int64_t files_removed = 0;  // files rewritten so far
  int64_t files_added = 0;    // files written so far
};

struct OptimizeOptions {
  /// Only the partitions where this holds; it may use partition columns only. Null: all.
  PredicatePtr partition_filter;
  /// The size new files aim at; compaction leaves files at least this large alone.
  /// Unset: the table's delta.targetFileSize, else kDefaultOptimizeTargetFileSize.
  std::optional<int64_t> target_file_size;
  /// Empty: compaction. Otherwise Z-order by these top-level data columns.
  std::vector<std::string> z_order_columns;
  /// Compression and Parquet settings of the files written. Their statistics follow
  /// the table's configuration, and their sizes the target: the fields
  /// `stats_columns` and `target_file_size` are ignored.
  DataFileOptions data_files;
  /// Retries, checkpoint and log cleanup after each commit, custom commitInfo fields.
  CommitOptions commit;
  /// Application transactions to record (with the last commit); lastUpdated defaults
  /// to now.
  std::vector<SetTransaction> app_transactions;
  /// Unset: one commit at the end. Otherwise commit what is rewritten so far as soon as
  /// this long (milliseconds) has passed since the start or the previous commit, after
  /// the group of files being rewritten (0: a commit per group), so that a long run
  /// keeps its progress (deltalake's min_commit_interval).
  std::optional<int64_t> min_commit_interval_ms;
  /// Called after each group of files rewritten, e.g. to show progress.
  std::function<void(const OptimizeProgress&)> on_progress;
};

/// Sizes of a set of files, as deltalake reports them (filesAdded, filesRemoved).
struct FileSizeMetrics {
  int64_t min = 0;  // 0 without files
  int64_t max = 0;
  double avg = 0;
  int64_t total_files = 0;
  int64_t total_size = 0;
};

struct OptimizeResult {
  /// Whether anything was committed: nothing is when no file needs rewriting.
  bool committed = false;
  /// The last version committed; the version read when nothing was.
  int64_t version = 0;
  /// Every version committed, oldest first (several with min_commit_interval_ms).
  std::vector<int64_t> versions;
  /// The target size applied.
  int64_t target_file_size = 0;
  bool z_order = false;

  int64_t num_files_added = 0;
  int64_t num_files_removed = 0;
  FileSizeMetrics files_added;
  FileSizeMetrics files_removed;
  /// Partitions with at least one file rewritten.
  int64_t partitions_optimized = 0;
  /// Record batches read from the files rewritten.
  int64_t num_batches = 0;
  /// Live files in the partitions selected, and those of them left as they were.
  int64_t total_considered_files = 0;
  int64_t total_files_skipped = 0;
  /// True for compaction, which keeps the order of rows within each group of files
  /// rewritten together; false for Z-order, which sorts them.
  bool preserve_insertion_order = true;
  /// The most files rewritten together into one group.
  int64_t max_bin_files = 0;
  /// Deletion vectors of the removed files, and the rows they deleted (which are gone
  /// from the new files for good).
  int64_t num_deletion_vectors_removed = 0;
  int64_t num_deletion_vector_rows_removed = 0;
};

/// Optimizes the newest version of the table at `table_uri`.
///
/// Compaction (no Z-order columns): in each selected partition, the candidates are the
/// files smaller than the target size and the files with a deletion vector (any size).
/// They are grouped in the log's order (newest commit first, as delta-rs) into groups
/// of consecutive files whose sizes add up to at most the target; a file that is no
/// candidate ends a group. The rows of each group are written, in order and without
/// the rows deletion vectors deleted, to one new file (or, for a single file with a
/// deletion vector larger than the target, files of about the target size). A group of
/// one file without a deletion vector is left alone.
///
/// Z-order: every file of each selected partition is rewritten; its rows are sorted by
/// the interleaved bits of one unsigned key per column (a column's value's rank among
/// the partition's distinct values, nulls first, scaled to 32 bits) and cut into files of
/// about the target size. All rows of one partition are held in memory at once.
///
/// Each commit is operation OPTIMIZE with Delta Spark's parameters (predicate and
/// zOrderBy as JSON arrays of strings, clusterBy "[]", auto false) and metrics
/// (numAddedFiles, numRemovedFiles, numAddedBytes, numRemovedBytes, minFileSize,
/// p25FileSize, p50FileSize, p75FileSize, maxFileSize of the files added,
/// numDeletionVectorsRemoved). Nothing is committed when nothing is to be rewritten
/// (`committed` false).
///
/// Concurrent commits that only add files (appends) do not conflict. Fails, committing
/// nothing more, with kConflict when a concurrent commit removed a file being rewritten
/// or changed the table's metadata or protocol; with kTableNotFound when there is no
/// table; with kUnsupportedFeature for a table with column mapping or a writer feature
/// delta-cpp lacks; with kInvalidArgument for a partition filter that does not bind to
/// the table or uses a column that is no partition column (naming it), a Z-order column
/// that is not in the table, is a partition column or has a nested type (naming it), a
/// target size below 1 or a delta.targetFileSize that is not a number of bytes; and with
/// the errors of reading and writing data files. Files written before a failure stay
/// behind, unreferenced, for vacuum.
DELTACPP_EXPORT Result<OptimizeResult> OptimizeTable(const std::string& table_uri,
                                                     const OptimizeOptions& options = {});

}  // namespace deltacpp
