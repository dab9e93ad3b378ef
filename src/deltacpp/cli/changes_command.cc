#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/row_output.h"
#include "deltacpp/scan/change_data.h"

namespace deltacpp::cli {

namespace {

struct ChangesOptions {
  std::string table;
  int64_t from = 0;
  std::optional<int64_t> to;
  std::vector<std::string> columns;
  std::optional<int64_t> limit;
  std::string format = "table";
  std::string output;
};

Status RunChanges(const ChangesOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(options.table));
  DELTACPP_RETURN_NOT_OK(CheckOutputOutsideTable(options.output, *table.store()));
  ChangeDataScanBuilder builder(table, options.from);
  if (options.to) builder.EndVersion(*options.to);
  if (!options.columns.empty()) builder.Select(options.columns);
  if (options.limit) {
    builder.Limit(*options.limit);
  } else if (options.format == "table") {
    builder.Limit(kDefaultTableRows);
  }
  DELTACPP_ASSIGN_OR_RAISE(auto changes, builder.Build());
  DELTACPP_ASSIGN_OR_RAISE(auto reader, changes->Execute());
  return WriteRows(reader, options.format, options.output);
}

}  // namespace

CommandRunner AddChangesCommand(CLI::App& app) {
  auto options = std::make_shared<ChangesOptions>();
  auto* command = app.add_subcommand(
      "changes", "Print the change data feed: rows inserted, deleted and updated");
  command->add_option("table", options->table, "Table URI or path")->required();
  command->add_option("--from", options->from, "First version (default 0)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--to", options->to, "Last version (default: the newest)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--columns,-c", options->columns,
                   "Table columns to print, comma-separated (the change columns follow)")
      ->delimiter(',');
  command->add_option("--limit,-n", options->limit, "Print at most this many rows")
      ->check(CLI::NonNegativeNumber);
  AddOutputOptions(command, &options->format, &options->output);
  return [options] { return RunChanges(*options); };
}

}  // namespace deltacpp::cli
