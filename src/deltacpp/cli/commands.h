#pragma once

// The commands of `deltacpp`. Each registers its subcommand and options on the app and
// runs when chosen; run functions return the Status main() reports.

#include <CLI/CLI.hpp>

#include <functional>

#include "deltacpp/common/status.h"

namespace deltacpp::cli {

using CommandRunner = std::function<Status()>;

/// `deltacpp describe PATH [--version N]`: version, protocol, metadata, schema, files.
CommandRunner AddDescribeCommand(CLI::App& app);

/// `deltacpp scan PATH [--version N] [--columns a,b] [--limit N]
///                [--format table|csv|parquet] [--output FILE]`.
CommandRunner AddScanCommand(CLI::App& app);

}  // namespace deltacpp::cli
