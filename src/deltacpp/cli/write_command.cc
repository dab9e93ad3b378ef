#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/input_files.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/ops/write_table.h"

namespace deltacpp::cli {

namespace {

struct WriteCommandOptions {
  std::string table;
  std::vector<std::string> inputs;
  std::string format;  // empty: from the first input's extension
  std::string mode = "error";
  std::vector<std::string> partition_by;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::vector<std::string> properties;
  std::string compression = "snappy";
  std::string schema_mode = "reject";
  // Set, even to "", when --replace-where is given: an empty one is refused, never
  // taken for a missing one (which would overwrite every row).
  std::optional<std::string> replace_where;
  int64_t target_file_size = 0;
  int64_t rows_per_file = 0;
  int64_t rows_per_row_group = 0;
  bool progress = false;
  bool allow_non_empty_folder = false;
};

std::string FormatBytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", value,
                units[unit]);
  return text;
}

// Progress on stderr at most once a second: "1048576 rows, 2 files (250.3 MiB) closed".
std::function<void(const WriteProgress&)> ProgressPrinter() {
  auto last = std::make_shared<std::chrono::steady_clock::time_point>(
      std::chrono::steady_clock::now());
  return [last](const WriteProgress& progress) {
    const auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::seconds(1)) return;
    *last = now;
    std::cerr << "progress: " << progress.rows << " rows taken, " << progress.files_closed
              << " files (" << FormatBytes(progress.bytes_closed) << ") written"
              << std::endl;
  };
}

Status RunWrite(const WriteCommandOptions& options) {
  WriteOptions write;
  DELTACPP_ASSIGN_OR_RAISE(write.mode, ParseWriteMode(options.mode));
  write.partition_by = options.partition_by;
  write.name = options.name;
  write.description = options.description;
  write.allow_non_empty_location = options.allow_non_empty_folder;
  write.data_files.compression = options.compression;
  if (options.target_file_size > 0)
    write.data_files.target_file_size = options.target_file_size;
  if (options.rows_per_file > 0)
    write.data_files.max_rows_per_file = options.rows_per_file;
  if (options.rows_per_row_group > 0) {
    write.data_files.max_rows_per_row_group = options.rows_per_row_group;
  }
  DELTACPP_ASSIGN_OR_RAISE(write.schema_mode, ParseSchemaMode(options.schema_mode));
  if (options.replace_where.has_value()) {
    DELTACPP_ASSIGN_OR_RAISE(
        write.replace_where,
        ParseRowPredicate(*options.replace_where, "--replace-where"));
  }
  if (options.progress) write.on_progress = ProgressPrinter();
  DELTACPP_ASSIGN_OR_RAISE(write.configuration, ParseProperties(options.properties));
  DELTACPP_ASSIGN_OR_RAISE(auto format, InputFormat(options.format, options.inputs));
  // Text inputs take the table's column types when the table exists.
  std::shared_ptr<arrow::Schema> types;
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(options.table));
  auto snapshot = table.LatestSnapshot();
  if (snapshot.ok() && format != "parquet" &&
      write.schema_mode != SchemaMode::kOverwrite) {
    types = (*snapshot)->schema();
  }
  DELTACPP_ASSIGN_OR_RAISE(auto inputs, OpenInputs(options.inputs, format, types));
  DELTACPP_ASSIGN_OR_RAISE(auto result, WriteTable(options.table, *inputs, write));
  if (!result.committed) {
    std::cout << "table exists (version " << result.version << "): nothing written\n";
    return Status::OK();
  }
  std::cout << "version " << result.version << ": wrote " << result.rows << " rows in "
            << result.files << " files (" << result.bytes << " bytes)";
  if (result.removed_files > 0) {
    std::cout << ", removed " << result.removed_files << " files";
    if (result.rewritten_rows > 0) {
      std::cout << " (" << result.rewritten_rows << " of their rows written again)";
    }
  }
  std::cout << '\n';
  return Status::OK();
}

}  // namespace

Result<StringMap> ParseProperties(const std::vector<std::string>& properties) {
  StringMap configuration;
  for (const auto& property : properties) {
    const auto equals = property.find('=');
    if (equals == std::string::npos || equals == 0) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "property '", property,
                        "' is not key=value");
    }
    configuration[property.substr(0, equals)] = property.substr(equals + 1);
  }
  return configuration;
}

CommandRunner AddWriteCommand(CLI::App& app) {
  auto options = std::make_shared<WriteCommandOptions>();
  auto* command = app.add_subcommand(
      "write", "Write rows from CSV, JSON lines or Parquet files into a table");
  command->add_option("table", options->table, "Table URI or path")->required();
  command->add_option("inputs", options->inputs, "Input files ('-' for stdin)")
      ->required();
  command->add_option("--format,-f", options->format, "Input format (default: extension)")
      ->check(CLI::IsMember({"csv", "json", "parquet"}));
  command
      ->add_option("--mode,-m", options->mode,
                   "error (create; fail if it exists), append, overwrite, ignore")
      ->check(CLI::IsMember({"error", "append", "overwrite", "ignore"}));
  command
      ->add_option("--partition-by,-p", options->partition_by,
                   "Partition columns of a new table, comma-separated")
      ->delimiter(',');
  command->add_option("--name", options->name, "Name of a new table");
  command->add_option("--description", options->description,
                      "Description of a new table");
  command->add_option("--property", options->properties,
                      "Table property key=value of a new table (repeatable)");
  command
      ->add_option("--compression", options->compression,
                   "Parquet compression: snappy, zstd, gzip, lz4, none")
      ->check(CLI::IsMember({"snappy", "zstd", "gzip", "lz4", "none"}));
  command
      ->add_option("--schema-mode", options->schema_mode,
                   "reject (a schema mismatch fails, the default), merge (add new "
                   "columns, widen narrower data), overwrite (with --mode overwrite)")
      ->check(CLI::IsMember({"reject", "merge", "overwrite"}));
  command->add_option("--replace-where", options->replace_where,
                      "With --mode overwrite: replace only the rows matching this "
                      "predicate; every written row must match it");
  command
      ->add_option("--target-file-size", options->target_file_size,
                   "Close a data file once it reaches this many bytes")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--rows-per-file", options->rows_per_file,
                   "Close a data file once it holds this many rows (default 4194304)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--rows-per-row-group", options->rows_per_row_group,
                   "Rows per Parquet row group (default 1048576)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--progress", options->progress,
                    "Report progress on stderr every second");
  command->add_flag("--allow-non-empty-folder", options->allow_non_empty_folder,
                    "Create the table even in a folder that holds other files (vacuum "
                    "will delete those it takes for garbage)");
  return [options] { return RunWrite(*options); };
}

}  // namespace deltacpp::cli
