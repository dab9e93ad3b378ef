#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/ops/merge_clause_text.h"
#include "deltacpp/ops/update.h"
#include "deltacpp/ops/write_table.h"

namespace deltacpp::cli {

namespace {

struct UpdateCommandOptions {
  std::string table;
  std::vector<std::string> sets;
  // Set, even to "", when --where is given.
  std::optional<std::string> where;
  bool all = false;
};

Status RunUpdate(const UpdateCommandOptions& options) {
  // Updating every row takes saying so, as delete does.
  if (options.where.has_value() == options.all) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "update takes either --where PREDICATE or --all");
  }
  std::vector<std::pair<std::string, PredicatePtr>> assignments;
  for (const auto& set : options.sets) {
    DELTACPP_ASSIGN_OR_RAISE(auto parsed, ParseAssignments(set));
    for (auto& assignment : parsed) assignments.push_back(std::move(assignment));
  }
  PredicatePtr predicate;
  if (options.where.has_value()) {
    DELTACPP_ASSIGN_OR_RAISE(predicate, ParseRowPredicate(*options.where, "--where"));
  }
  DELTACPP_ASSIGN_OR_RAISE(
      auto result, UpdateRows(options.table, predicate, std::move(assignments), {}));
  if (!result.committed) {
    std::cout << "no rows matched; table stays at version " << result.version << '\n';
    return Status::OK();
  }
  std::cout << "version " << result.version << ": updated " << result.num_updated_rows
            << " rows, copied " << result.num_copied_rows << "; removed "
            << result.num_removed_files << " files, added " << result.num_added_files
            << '\n';
  return Status::OK();
}

}  // namespace

CommandRunner AddUpdateCommand(CLI::App& app) {
  auto options = std::make_shared<UpdateCommandOptions>();
  auto* command =
      app.add_subcommand("update", "Set columns of the rows matching a predicate");
  command->add_option("table", options->table, "Table URI or path")->required();
  command
      ->add_option("--set,-s", options->sets,
                   "column = value (repeatable, or comma-separated), the value a SQL "
                   "expression of the row, e.g. \"score = score * 2\"")
      ->required();
  command->add_option("--where,-w", options->where,
                      "Update the rows where this holds (files it rules out by partition "
                      "values or statistics are not read)");
  command->add_flag("--all", options->all, "Update every row");
  return [options] { return RunUpdate(*options); };
}

}  // namespace deltacpp::cli
