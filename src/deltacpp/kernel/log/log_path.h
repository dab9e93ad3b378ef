#pragma once

// The names of the files in `_delta_log/` (PROTOCOL.md, "Delta Log Entries"): versions to
// file names and back. No other file spells a log file-name format.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "deltacpp/common/status.h"
#include "deltacpp/common/visibility.h"

namespace deltacpp {

inline constexpr std::string_view kDeltaLogDir = "_delta_log";
inline constexpr std::string_view kLastCheckpointFile = "_last_checkpoint";

/// The last version a table can have: versions are signed 64-bit integers (a Long in
/// Delta Spark), though file names have room for 20 digits.
inline constexpr int64_t kMaxVersion = std::numeric_limits<int64_t>::max();

enum class LogFileKind {
  kCommit,               // 00000000000000000010.json
  kClassicCheckpoint,    // 00000000000000000010.checkpoint.parquet
  kMultiPartCheckpoint,  // 00000000000000000010.checkpoint.0000000001.0000000003.parquet
  kUuidCheckpoint,       // 00000000000000000010.checkpoint.<uuid>.json|parquet (V2)
  kCompactedCommit,      // 00000000000000000004.00000000000000000010.compacted.json
  kChecksum,             // 00000000000000000010.crc
};

/// A file name of `_delta_log/` understood.
struct ParsedLogFileName {
  std::string name;
  LogFileKind kind;
  /// The version the file describes (for a compacted commit, its first version).
  int64_t version = 0;
  /// Last version of a compacted commit; equal to version otherwise.
  int64_t end_version = 0;
  /// 1-based part and part count of a multi-part checkpoint; 1 and 1 otherwise.
  int32_t part = 1;
  int32_t num_parts = 1;

  bool IsCheckpoint() const {
    return kind == LogFileKind::kClassicCheckpoint ||
           kind == LogFileKind::kMultiPartCheckpoint ||
           kind == LogFileKind::kUuidCheckpoint;
  }
};

/// Parses a bare file name (no folder). Names of other files (temporary files, hidden
/// .crc files of Hadoop, `_last_checkpoint`, folders) give nullopt, and so do names
/// whose version is past kMaxVersion (see IsLogFileNamePastMaxVersion).
DELTACPP_EXPORT std::optional<ParsedLogFileName> ParseLogFileName(std::string_view name);

/// True when `name` has the form of a commit, checkpoint or compacted commit name but
/// one of its versions is past kMaxVersion ("99999999999999999999.json"): no version
/// can be read or written there, yet ignoring the file would read a table without a
/// commit some writer made, so listings refuse the log instead (log_segment.h).
DELTACPP_EXPORT bool IsLogFileNamePastMaxVersion(std::string_view name);

/// The version after `version` (0 after -1, the "version" of a table not created yet).
/// Fails with kInvalidArgument naming `table_uri` when `version` is kMaxVersion: the
/// next commit would need a version the protocol cannot express, and one that wrapped
/// around to a negative number would be a commit no reader sees.
DELTACPP_EXPORT Result<int64_t> NextVersion(int64_t version, std::string_view table_uri);

/// "00000000000000000010.json" for version 10. REQUIRES: version >= 0 (versions come
/// from parsed names, which are never negative, or from NextVersion).
DELTACPP_EXPORT std::string CommitFileName(int64_t version);

/// "00000000000000000010.checkpoint.parquet": the classic single-file checkpoint.
/// REQUIRES: version >= 0.
DELTACPP_EXPORT std::string CheckpointFileName(int64_t version);

/// "_delta_log/00000000000000000010.json" for version 10: the path from the table root.
/// REQUIRES: version >= 0.
DELTACPP_EXPORT std::string CommitFilePath(int64_t version);

/// "_delta_log/<name>".
DELTACPP_EXPORT std::string LogFilePath(std::string_view name);

}  // namespace deltacpp
