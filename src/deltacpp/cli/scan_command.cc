#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/row_output.h"
#include "deltacpp/cli/snapshot_options.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/scan/scan.h"

namespace deltacpp::cli {

namespace {

struct ScanOptions {
  SnapshotOptions snapshot;
  std::vector<std::string> columns;
  std::string where;
  std::optional<int64_t> limit;
  std::string format = "table";
  std::string output;
};

Status RunScan(const ScanOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto snapshot, OpenSnapshot(options.snapshot));
  DELTACPP_RETURN_NOT_OK(CheckOutputOutsideTable(options.output, *snapshot->store()));
  ScanBuilder builder(snapshot);
  if (!options.columns.empty()) builder.Select(options.columns);
  if (!options.where.empty()) {
    DELTACPP_ASSIGN_OR_RAISE(auto predicate, ParsePredicate(options.where));
    builder.Filter(std::move(predicate));
  }
  // A terminal table shows a screenful unless asked; machine formats get every row.
  if (options.limit) {
    builder.Limit(*options.limit);
  } else if (options.format == "table") {
    builder.Limit(kDefaultTableRows);
  }
  DELTACPP_ASSIGN_OR_RAISE(auto scan, builder.Build());
  DELTACPP_ASSIGN_OR_RAISE(auto reader, scan->Execute());
  return WriteRows(reader, options.format, options.output);
}

}  // namespace

CommandRunner AddScanCommand(CLI::App& app) {
  auto options = std::make_shared<ScanOptions>();
  auto* command = app.add_subcommand("scan", "Print a table's rows");
  AddSnapshotOptions(command, &options->snapshot);
  command
      ->add_option("--columns,-c", options->columns, "Columns to read, comma-separated")
      ->delimiter(',');
  command->add_option(
      "--where,-w", options->where,
      "Keep rows where this holds, e.g. \"id > 10 AND day = '2024-01-01'\" "
      "(files ruled out by partition values or statistics are not read)");
  command
      ->add_option("--limit,-n", options->limit,
                   "Print at most this many rows (table format: 20 by default)")
      ->check(CLI::NonNegativeNumber);
  AddOutputOptions(command, &options->format, &options->output);
  return [options] { return RunScan(*options); };
}

}  // namespace deltacpp::cli
