#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "deltacpp/cli/commands.h"
#include "deltacpp/ops/write_table.h"

namespace deltacpp::cli {

namespace {

struct DeleteOptions {
  std::string table_uri;
  // Set, even to "", when --where is given.
  std::optional<std::string> where;
  bool all = false;
};

Status RunDelete(const DeleteOptions& options) {
  // Deleting every row takes saying so: a forgotten --where, or an empty one, must not
  // empty a table.
  if (options.where.has_value() == options.all) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "delete takes either --where PREDICATE or --all");
  }
  PredicatePtr predicate;
  if (options.where.has_value()) {
    DELTACPP_ASSIGN_OR_RAISE(predicate, ParseRowPredicate(*options.where, "--where"));
  }
  DELTACPP_ASSIGN_OR_RAISE(auto result, DeleteRows(options.table_uri, predicate, {}));
  if (!result.committed) {
    std::cout << "no rows matched; table stays at version " << result.version << '\n';
    return Status::OK();
  }
  std::cout << "version " << result.version << ": deleted " << result.deleted_rows
            << " rows, removed " << result.removed_files << " files";
  if (result.files > 0) {
    std::cout << ", wrote " << result.rewritten_rows << " other rows again in "
              << result.files << " files";
  }
  std::cout << '\n';
  return Status::OK();
}

}  // namespace

CommandRunner AddDeleteCommand(CLI::App& app) {
  auto options = std::make_shared<DeleteOptions>();
  auto* command = app.add_subcommand("delete", "Delete the rows matching a predicate");
  command->add_option("table", options->table_uri, "Table path or URI")->required();
  command->add_option("--where,-w", options->where,
                      "Delete the rows where this holds, e.g. \"day < '2024-01-01'\" "
                      "(files it rules out by partition values or statistics are not "
                      "read; files whose rows all match are removed unread)");
  command->add_flag("--all", options->all, "Delete every row");
  return [options] { return RunDelete(*options); };
}

}  // namespace deltacpp::cli
