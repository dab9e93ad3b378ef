#pragma once

// The names of the files in `_delta_log/` (PROTOCOL.md, "Delta Log Entries"): versions to
// file names and back. No other file spells a log file-name format.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "deltacpp/common/visibility.h"

namespace deltacpp {

inline constexpr std::string_view kDeltaLogDir = "_delta_log";
inline constexpr std::string_view kLastCheckpointFile = "_last_checkpoint";

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
/// .crc files of Hadoop, `_last_checkpoint`, folders) give nullopt.
DELTACPP_EXPORT std::optional<ParsedLogFileName> ParseLogFileName(std::string_view name);

/// "00000000000000000010.json" for version 10.
DELTACPP_EXPORT std::string CommitFileName(int64_t version);

/// "00000000000000000010.checkpoint.parquet": the classic single-file checkpoint.
DELTACPP_EXPORT std::string CheckpointFileName(int64_t version);

/// "_delta_log/00000000000000000010.json" for version 10: the path from the table root.
DELTACPP_EXPORT std::string CommitFilePath(int64_t version);

/// "_delta_log/<name>".
DELTACPP_EXPORT std::string LogFilePath(std::string_view name);

}  // namespace deltacpp
