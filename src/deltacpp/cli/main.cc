// deltacpp: the command-line front end. Exceptions from CLI11 stop here; everything
// below reports errors as Status values.

#include <CLI/CLI.hpp>

#include <arrow/util/thread_pool.h>

#include <iostream>
#include <utility>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/common/version.h"

int main(int argc, char** argv) {
  CLI::App app{"deltacpp: read, write and inspect Delta Lake tables"};
  app.set_version_flag("--version-info", std::string("deltacpp ") +
                                             deltacpp::kVersionString + " (Arrow " +
                                             deltacpp::kArrowVersionString + ")");
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads,
                 "Threads for decoding data files (default: one per core)")
      ->check(CLI::PositiveNumber);
  std::vector<std::pair<std::string, deltacpp::cli::CommandRunner>> commands = {
      {"describe", deltacpp::cli::AddDescribeCommand(app)},
      {"scan", deltacpp::cli::AddScanCommand(app)},
      {"history", deltacpp::cli::AddHistoryCommand(app)},
      {"files", deltacpp::cli::AddFilesCommand(app)},
      {"changes", deltacpp::cli::AddChangesCommand(app)},
      {"create", deltacpp::cli::AddCreateCommand(app)},
      {"write", deltacpp::cli::AddWriteCommand(app)},
      {"checkpoint", deltacpp::cli::AddCheckpointCommand(app)},
      {"cleanup-metadata", deltacpp::cli::AddCleanupCommand(app)},
      {"vacuum", deltacpp::cli::AddVacuumCommand(app)},
      {"delete", deltacpp::cli::AddDeleteCommand(app)},
      {"optimize", deltacpp::cli::AddOptimizeCommand(app)},
      {"merge", deltacpp::cli::AddMergeCommand(app)},
      {"update", deltacpp::cli::AddUpdateCommand(app)},
  };
  CLI11_PARSE(app, argc, argv);
  if (threads > 0) {
    if (auto status = arrow::SetCpuThreadPoolCapacity(threads); !status.ok()) {
      std::cerr << "error: " << status.message() << '\n';
      return 1;
    }
  }

  for (const auto& [name, run] : commands) {
    if (!app.got_subcommand(name)) continue;
    deltacpp::Status status = run();
    if (!status.ok()) {
      std::cerr << "error: " << status.message() << '\n';
      return 1;
    }
  }
  return 0;
}
