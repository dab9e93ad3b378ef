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

/// `deltacpp scan TABLE [--version N | --timestamp T] [--columns a,b] [--where P]
///                [--limit N] [--format table|csv|json|parquet] [--output FILE]`.
CommandRunner AddScanCommand(CLI::App& app);

/// `deltacpp history TABLE [--limit N]`: commits newest first.
CommandRunner AddHistoryCommand(CLI::App& app);

/// `deltacpp files TABLE [--version N | --timestamp T] [--where P]`: the live data files
/// (those a scan with the filter reads).
CommandRunner AddFilesCommand(CLI::App& app);

/// `deltacpp changes TABLE [--from N] [--to M] [--columns a,b] [--limit N]
///                   [--format ...] [--output FILE]`: the change data feed.
CommandRunner AddChangesCommand(CLI::App& app);

/// `deltacpp write TABLE INPUT... [--format csv|json|parquet] [--mode M]
///                 [--partition-by a,b] [--name N] [--description D] [--property k=v]
///                 [--compression C]`: rows into a table (created when missing).
CommandRunner AddWriteCommand(CLI::App& app);

/// `deltacpp checkpoint TABLE [--version N | --timestamp T]`: writes a checkpoint.
CommandRunner AddCheckpointCommand(CLI::App& app);

}  // namespace deltacpp::cli
