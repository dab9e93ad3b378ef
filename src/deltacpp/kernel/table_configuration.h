#pragma once

// A table's settings: the `delta.*` properties of its metaData.configuration, each read
// with Delta Spark's rules and defaults (DeltaConfigs.scala) by one typed accessor. This
// is the one place that names a table property; every layer asks here (as
// delta-kernel-rs's table_configuration module), so that a setting means the same to a
// read, a write, a checkpoint and vacuum.
//
// Keys of field metadata (column mapping ids and physical names, invariants, generation
// expressions) belong to the schema: kernel/schema/column_mapping.h and
// ops/write_constraints.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp {

/// The table properties delta-cpp reads, as Delta names them.
namespace table_property {
inline constexpr std::string_view kAppendOnly = "delta.appendOnly";
inline constexpr std::string_view kCheckpointInterval = "delta.checkpointInterval";
inline constexpr std::string_view kColumnMappingMode = "delta.columnMapping.mode";
/// Followed by the constraint's name; the value is its SQL condition.
inline constexpr std::string_view kConstraintPrefix = "delta.constraints.";
inline constexpr std::string_view kDataSkippingNumIndexedCols =
    "delta.dataSkippingNumIndexedCols";
inline constexpr std::string_view kDataSkippingStatsColumns =
    "delta.dataSkippingStatsColumns";
inline constexpr std::string_view kDeletedFileRetentionDuration =
    "delta.deletedFileRetentionDuration";
inline constexpr std::string_view kEnableChangeDataFeed = "delta.enableChangeDataFeed";
inline constexpr std::string_view kEnableDeletionVectors = "delta.enableDeletionVectors";
inline constexpr std::string_view kEnableExpiredLogCleanup =
    "delta.enableExpiredLogCleanup";
inline constexpr std::string_view kEnableInCommitTimestamps =
    "delta.enableInCommitTimestamps";
inline constexpr std::string_view kEnableRowTracking = "delta.enableRowTracking";
inline constexpr std::string_view kInCommitTimestampEnablementTimestamp =
    "delta.inCommitTimestampEnablementTimestamp";
inline constexpr std::string_view kInCommitTimestampEnablementVersion =
    "delta.inCommitTimestampEnablementVersion";
inline constexpr std::string_view kLogRetentionDuration = "delta.logRetentionDuration";
inline constexpr std::string_view kTargetFileSize = "delta.targetFileSize";
inline constexpr std::string_view kUniversalFormatEnabledFormats =
    "delta.universalFormat.enabledFormats";
}  // namespace table_property

/// Delta's defaults where a property is unset.
inline constexpr int64_t kDefaultCheckpointInterval = 10;
inline constexpr std::string_view kDefaultLogRetentionDuration = "interval 30 days";
inline constexpr std::string_view kDefaultDeletedFileRetentionDuration =
    "interval 1 week";

/// How a table maps logical columns to the columns of its data files.
enum class ColumnMappingMode { kNone, kName, kId };

/// A duration in Delta Spark's calendar-interval syntax, in milliseconds: an optional
/// "interval", then one or more "<integer> <unit>" pairs, case-insensitive, with the
/// units (singular or plural) week, day, hour, minute, second, millisecond and
/// microsecond ("interval 30 days", "2 weeks", "interval 1 day 12 hours"); seconds may
/// have a fraction ("1.5 seconds"). Fails with kInvalidArgument for anything else, for
/// months and years (not a fixed length, so Delta refuses them too), for a negative
/// total and for one that overflows.
DELTACPP_EXPORT Result<int64_t> ParseIntervalMillis(std::string_view text);

/// The settings of one table version. Holds a copy of the configuration: cheap to make
/// wherever a setting is needed.
class DELTACPP_EXPORT TableConfiguration {
 public:
  explicit TableConfiguration(const Metadata& metadata)
      : configuration_(metadata.configuration) {}
  explicit TableConfiguration(StringMap configuration)
      : configuration_(std::move(configuration)) {}

  /// delta.appendOnly: files may be added, never removed.
  bool append_only() const { return IsTrue(table_property::kAppendOnly); }
  /// delta.enableChangeDataFeed: writes record the rows they change.
  bool change_data_feed_enabled() const {
    return IsTrue(table_property::kEnableChangeDataFeed);
  }
  /// delta.enableDeletionVectors: deletes may mark rows instead of rewriting files.
  bool deletion_vectors_enabled() const {
    return IsTrue(table_property::kEnableDeletionVectors);
  }
  /// delta.enableRowTracking.
  bool row_tracking_enabled() const { return IsTrue(table_property::kEnableRowTracking); }
  /// delta.enableInCommitTimestamps: commits carry their own timestamps.
  bool in_commit_timestamps_enabled() const {
    return IsTrue(table_property::kEnableInCommitTimestamps);
  }
  /// The first version whose commit carries an in-commit timestamp, when they are on:
  /// delta.inCommitTimestampEnablementVersion, or 0 when on from the start (or the
  /// property is not a number).
  std::optional<int64_t> in_commit_timestamps_from() const;

  /// delta.checkpointInterval: a checkpoint every this many commits (10 when unset, or
  /// not a positive number).
  int64_t checkpoint_interval() const;
  /// delta.logRetentionDuration in milliseconds (30 days when unset). Fails with
  /// kInvalidArgument naming the property when it does not parse.
  Result<int64_t> log_retention_millis() const;
  /// delta.enableExpiredLogCleanup: false only when set to "false" (in any case).
  bool expired_log_cleanup_enabled() const;
  /// delta.deletedFileRetentionDuration in milliseconds (1 week when unset). Fails with
  /// kInvalidArgument naming the property when it does not parse.
  Result<int64_t> deleted_file_retention_millis() const;
  /// delta.targetFileSize in bytes, unset as nullopt. Fails with kInvalidArgument when
  /// it is not a number of bytes.
  Result<std::optional<int64_t>> target_file_size() const;
  /// delta.columnMapping.mode (none when unset). Fails with kCorruptLog for a value
  /// other than none, name or id.
  Result<ColumnMappingMode> column_mapping_mode() const;
  /// Whether delta.columnMapping.mode is set to anything but "none".
  bool column_mapping_requested() const;
  /// delta.dataSkippingStatsColumns, as written (comma-separated column names).
  std::optional<std::string> data_skipping_stats_columns() const {
    return Get(table_property::kDataSkippingStatsColumns);
  }
  /// delta.dataSkippingNumIndexedCols, as written.
  std::optional<std::string> data_skipping_num_indexed_cols() const {
    return Get(table_property::kDataSkippingNumIndexedCols);
  }
  /// The CHECK constraints, as (name, SQL condition) in key order. Delta Spark matches
  /// the key's prefix in any case.
  std::vector<std::pair<std::string, std::string>> check_constraints() const;
  /// Whether delta.universalFormat.enabledFormats names Iceberg (whose metadata/ folder
  /// then lives in the table).
  bool iceberg_enabled() const;

  /// The value of property `key`, if set.
  std::optional<std::string> Get(std::string_view key) const;

 private:
  // Delta Spark reads booleans as Scala's toBoolean: "true" in any case.
  bool IsTrue(std::string_view key) const;

  StringMap configuration_;
};

}  // namespace deltacpp
