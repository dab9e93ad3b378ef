#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_primitive.h>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/snapshot_options.h"
#include "deltacpp/cli/table_printer.h"
#include "deltacpp/kernel/history.h"
#include "deltacpp/kernel/table.h"

namespace deltacpp::cli {

namespace {

struct HistoryOptions {
  std::string table_uri;
  std::optional<int64_t> limit;
};

std::string JoinParameters(const StringMap& parameters) {
  std::string text;
  for (const auto& [key, value] : parameters) {
    if (!text.empty()) text += ", ";
    text += key + "=" + value;
  }
  return text;
}

Status RunHistory(const HistoryOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(options.table_uri));
  DELTACPP_ASSIGN_OR_RAISE(auto latest, table.LatestSnapshot());
  DELTACPP_ASSIGN_OR_RAISE(
      auto history, ReadHistory(*table.store(), latest->metadata(), options.limit));
  arrow::Int64Builder versions;
  arrow::StringBuilder timestamps, operations, parameters, engines;
  for (const auto& entry : history) {
    DELTACPP_RETURN_NOT_OK(versions.Append(entry.version));
    DELTACPP_RETURN_NOT_OK(timestamps.Append(FormatTimestampMillis(entry.timestamp_ms)));
    const auto& info = entry.commit_info;
    DELTACPP_RETURN_NOT_OK(info && info->operation ? operations.Append(*info->operation)
                                                   : operations.AppendNull());
    DELTACPP_RETURN_NOT_OK(parameters.Append(
        info ? JoinParameters(info->operation_parameters) : std::string()));
    DELTACPP_RETURN_NOT_OK(info && info->engine_info ? engines.Append(*info->engine_info)
                                                     : engines.AppendNull());
  }
  return PrintColumns({{"version", &versions},
                       {"timestamp", &timestamps},
                       {"operation", &operations},
                       {"parameters", &parameters},
                       {"engine", &engines}},
                      std::cout);
}

}  // namespace

CommandRunner AddHistoryCommand(CLI::App& app) {
  auto options = std::make_shared<HistoryOptions>();
  auto* command = app.add_subcommand("history", "List a table's commits, newest first");
  command->add_option("table", options->table_uri, "Table path or URI")->required();
  command->add_option("--limit,-n", options->limit, "Show at most this many commits")
      ->check(CLI::NonNegativeNumber);
  return [options] { return RunHistory(*options); };
}

}  // namespace deltacpp::cli
