#pragma once

// The commands of `deltacpp`. Each registers its subcommand and options on the app and
// runs when chosen; run functions return the Status main() reports.
//
// Tested by: the CLI tests that run the real binary (cli/CMakeLists.txt, cli.<command>_*)
// and tests/safety/.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"

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

/// `deltacpp create TABLE --schema "id long NOT NULL, ..." | --schema-json JSON
///                  [--partition-by a,b] [--name N] [--description D]
///                  [--property k=v] [--if-not-exists]`: an empty table.
CommandRunner AddCreateCommand(CLI::App& app);

/// `deltacpp write TABLE INPUT... [--format csv|json|parquet] [--mode M]
///                 [--schema-mode reject|merge|overwrite] [--replace-where P]
///                 [--partition-by a,b] [--name N] [--description D] [--property k=v]
///                 [--compression C] [--target-file-size B] [--rows-per-file N]
///                 [--rows-per-row-group N] [--progress]`: rows into a table (created
/// when missing).
CommandRunner AddWriteCommand(CLI::App& app);

/// `deltacpp merge TABLE INPUT... --on CONDITION --when CLAUSE... [--source-alias S]
///                 [--target-alias T] [--format F] [--compression C]`: MERGE INTO
/// (ops/merge.h), clauses as ParseMergeClause (ops/merge_clause_text.h) reads them.
CommandRunner AddMergeCommand(CLI::App& app);

/// `deltacpp update TABLE --set "col = expr"... (--where P | --all)`: UPDATE
/// (ops/update.h UpdateRows).
CommandRunner AddUpdateCommand(CLI::App& app);

/// "key=value" table properties; fails with kInvalidArgument for one without '='.
Result<StringMap> ParseProperties(const std::vector<std::string>& properties);

/// `deltacpp checkpoint TABLE [--version N | --timestamp T]`: writes a checkpoint.
CommandRunner AddCheckpointCommand(CLI::App& app);

/// `deltacpp cleanup-metadata TABLE [--dry-run] [--retention INTERVAL]`: deletes the
/// expired log files (txn/log_cleanup.h), listing each.
CommandRunner AddCleanupCommand(CLI::App& app);

/// `deltacpp vacuum TABLE [--retention-hours H] [--dry-run] [--no-enforce-retention]
///                  [--lite] [--keep-versions a,b]`: deletes the data files no version
/// within the retention needs (ops/vacuum.h), listing each.
CommandRunner AddVacuumCommand(CLI::App& app);

/// `deltacpp delete TABLE (--where PREDICATE | --all)`: deletes rows (ops/write_table.h
/// DeleteRows).
CommandRunner AddDeleteCommand(CLI::App& app);

/// `deltacpp optimize TABLE [--where PARTITION_PREDICATE] [--target-file-size BYTES]
///                    [--z-order a,b] [--compression C] [--min-commit-interval S]`:
/// compaction or Z-order (ops/optimize.h), printing its metrics.
CommandRunner AddOptimizeCommand(CLI::App& app);

}  // namespace deltacpp::cli
