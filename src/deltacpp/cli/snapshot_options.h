#pragma once

// The options every reading command shares: the table, and which version of it
// (--version N or --timestamp T, newest by default).

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/snapshot.h"

namespace deltacpp::cli {

struct SnapshotOptions {
  std::string table_uri;
  std::optional<int64_t> version;
  std::optional<std::string> timestamp;
  /// --no-outside-paths: refuse files the log names outside the table root.
  bool no_outside_paths = false;
};

/// Adds TABLE, --version and --timestamp (exclusive of each other) and
/// --no-outside-paths to `command`.
void AddSnapshotOptions(CLI::App* command, SnapshotOptions* options);

/// The snapshot the options name. Fails with the errors of Table::LoadSnapshot and
/// Table::SnapshotAtTimestamp, and with kInvalidArgument for a timestamp it cannot read.
Result<std::shared_ptr<const Snapshot>> OpenSnapshot(const SnapshotOptions& options);

/// Milliseconds since the epoch of an ISO 8601 time: "2024-05-01", "2024-05-01 12:00:00",
/// "2024-05-01T12:00:00.250Z", "2024-05-01T14:00:00+02:00" (no offset means UTC).
/// Fails with kInvalidArgument naming the text.
Result<int64_t> ParseTimestampMillis(const std::string& text);

/// "2024-05-01 12:00:00.250 UTC".
std::string FormatTimestampMillis(int64_t millis);

}  // namespace deltacpp::cli
