#pragma once

// The commands of `deltacpp`. Each registers its subcommand and options on the app and
// runs when chosen; run functions return the Status main() reports.

#include <CLI/CLI.hpp>

#include <functional>

#include "deltacpp/common/status.h"

namespace deltacpp::cli {

using CommandRunner = std::function<Status()>;

/// `deltacpp describe TABLE [--version N | --timestamp T]`: version, protocol, metadata,
/// schema, file count.
CommandRunner AddDescribeCommand(CLI::App& app);

/// `deltacpp scan TABLE [--version N | --timestamp T] [--columns a,b] [--limit N]
///                [--format table|csv|parquet] [--output FILE]`.
CommandRunner AddScanCommand(CLI::App& app);

/// `deltacpp history TABLE [--limit N]`: commits newest first.
CommandRunner AddHistoryCommand(CLI::App& app);

/// `deltacpp files TABLE [--version N | --timestamp T]`: the live data files.
CommandRunner AddFilesCommand(CLI::App& app);

}  // namespace deltacpp::cli
