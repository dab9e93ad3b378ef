#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/input_files.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/ops/merge.h"
#include "deltacpp/ops/merge_clause_text.h"
#include "deltacpp/ops/write_table.h"

namespace deltacpp::cli {

namespace {

struct MergeCommandOptions {
  std::string table;
  std::vector<std::string> inputs;
  std::string format;
  std::string on;
  std::string source_alias = "source";
  std::string target_alias = "target";
  std::vector<std::string> clauses;
  std::string compression = "snappy";
};

Status RunMerge(const MergeCommandOptions& options) {
  MergeOptions merge;
  merge.source_alias = options.source_alias;
  merge.target_alias = options.target_alias;
  merge.data_files.compression = options.compression;
  if (options.clauses.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "merge takes at least one --when clause, e.g. --when 'matched THEN "
                      "UPDATE SET *' --when 'not matched THEN INSERT *'");
  }
  for (const auto& text : options.clauses) {
    DELTACPP_ASSIGN_OR_RAISE(auto parsed, ParseMergeClause(text));
    auto& [when, clause] = parsed;
    switch (when) {
      case MergeWhen::kMatched:
        merge.when_matched.push_back(std::move(clause));
        break;
      case MergeWhen::kNotMatched:
        merge.when_not_matched.push_back(std::move(clause));
        break;
      case MergeWhen::kNotMatchedBySource:
        merge.when_not_matched_by_source.push_back(std::move(clause));
        break;
    }
  }
  DELTACPP_ASSIGN_OR_RAISE(auto on, ParseRowPredicate(options.on, "--on"));
  DELTACPP_ASSIGN_OR_RAISE(auto format, InputFormat(options.format, options.inputs));
  // Text inputs take the types of the table's columns of the same names.
  std::shared_ptr<arrow::Schema> types;
  if (format != "parquet") {
    DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(options.table));
    if (auto snapshot = table.LatestSnapshot(); snapshot.ok()) {
      types = (*snapshot)->schema();
    }
  }
  DELTACPP_ASSIGN_OR_RAISE(auto source, OpenInputs(options.inputs, format, types));
  DELTACPP_ASSIGN_OR_RAISE(auto result,
                           MergeIntoTable(options.table, *source, on, merge));
  if (!result.committed) {
    std::cout << "no row changed (" << result.num_source_rows
              << " source rows); table stays at version " << result.version << '\n';
    return Status::OK();
  }
  std::cout << "version " << result.version << ": merged " << result.num_source_rows
            << " source rows: " << result.num_target_rows_updated << " updated, "
            << result.num_target_rows_deleted << " deleted, "
            << result.num_target_rows_inserted << " inserted, "
            << result.num_target_rows_copied << " copied; removed "
            << result.num_target_files_removed << " files, added "
            << result.num_target_files_added << " (read "
            << result.num_target_files_scanned << " files, skipped "
            << result.num_target_files_skipped << ")\n";
  return Status::OK();
}

}  // namespace

CommandRunner AddMergeCommand(CLI::App& app) {
  auto options = std::make_shared<MergeCommandOptions>();
  auto* command = app.add_subcommand(
      "merge", "Merge rows from CSV, JSON lines or Parquet files into a table (upsert)");
  command->add_option("table", options->table, "Table URI or path")->required();
  command->add_option("inputs", options->inputs, "Source files ('-' for stdin)")
      ->required();
  command
      ->add_option("--on", options->on,
                   "How source rows match target rows, e.g. \"target.id = source.id\"")
      ->required();
  command->add_option(
      "--when", options->clauses,
      "A clause, tried in the order given (repeatable): \"matched [AND cond] THEN "
      "UPDATE SET * | UPDATE SET col = expr, ... | DELETE\", \"not matched [AND cond] "
      "THEN INSERT * | INSERT (cols) VALUES (exprs)\", \"not matched by source [AND "
      "cond] THEN UPDATE SET ... | DELETE\"");
  command->add_option("--source-alias", options->source_alias,
                      "How expressions name the source (default: source)");
  command->add_option("--target-alias", options->target_alias,
                      "How expressions name the table (default: target)");
  command->add_option("--format,-f", options->format, "Input format (default: extension)")
      ->check(CLI::IsMember({"csv", "json", "parquet"}));
  command
      ->add_option("--compression", options->compression,
                   "Parquet compression of the files written: snappy, zstd, gzip, lz4, "
                   "none")
      ->check(CLI::IsMember({"snappy", "zstd", "gzip", "lz4", "none"}));
  return [options] { return RunMerge(*options); };
}

}  // namespace deltacpp::cli
