#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/csv/reader.h>
#include <arrow/io/file.h>
#include <arrow/io/stdio.h>
#include <arrow/json/reader.h>
#include <parquet/arrow/reader.h>

#include "deltacpp/cli/commands.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
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
  std::string replace_where;
  int64_t target_file_size = 0;
  int64_t rows_per_file = 0;
  int64_t rows_per_row_group = 0;
  bool progress = false;
};

Result<std::string> FormatOf(const WriteCommandOptions& options) {
  if (!options.format.empty()) return options.format;
  const std::string& first = options.inputs.front();
  for (const char* format : {"csv", "json", "parquet"}) {
    const std::string suffix = std::string(".") + format;
    if (first.size() > suffix.size() &&
        first.compare(first.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return std::string(format);
    }
  }
  if (first.size() > 6 && first.compare(first.size() - 6, 6, ".jsonl") == 0) {
    return std::string("json");
  }
  return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot tell the format of '",
                    first, "': name it with --format csv|json|parquet");
}

Result<std::shared_ptr<arrow::io::InputStream>> OpenInput(const std::string& path) {
  if (path == "-") return std::make_shared<arrow::io::StdinStream>();
  auto file = arrow::io::ReadableFile::Open(path);
  if (!file.ok()) {
    return DeltaError(DeltaErrorCode::kFileNotFound, "cannot open input ", path, ": ",
                      file.status().message());
  }
  return *std::move(file);
}

// One input file as batches; `types`, when given, fixes column types (CSV, JSON).
Result<std::shared_ptr<arrow::RecordBatchReader>> OpenReader(
    const std::string& path, const std::string& format,
    const std::shared_ptr<arrow::Schema>& types) {
  if (format == "parquet") {
    if (path == "-") {
      return DeltaError(DeltaErrorCode::kInvalidArgument,
                        "Parquet cannot be read from stdin: give a file");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto file, arrow::io::ReadableFile::Open(path));
    DELTACPP_ASSIGN_OR_RAISE(
        auto reader, parquet::arrow::OpenFile(file, arrow::default_memory_pool()));
    DELTACPP_ASSIGN_OR_RAISE(auto batches, reader->GetRecordBatchReader());
    // The batch reader borrows the file reader: keep it alive with the batches.
    struct Owning : arrow::RecordBatchReader {
      std::unique_ptr<parquet::arrow::FileReader> file;
      std::unique_ptr<arrow::RecordBatchReader> batches;
      std::shared_ptr<arrow::Schema> schema() const override { return batches->schema(); }
      arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
        return batches->ReadNext(batch);
      }
    };
    auto owning = std::make_shared<Owning>();
    owning->file = std::move(reader);
    owning->batches = std::move(batches);
    return owning;
  }
  DELTACPP_ASSIGN_OR_RAISE(auto input, OpenInput(path));
  if (format == "csv") {
    auto convert = arrow::csv::ConvertOptions::Defaults();
    if (types != nullptr) {
      for (const auto& field : types->fields()) {
        convert.column_types[field->name()] = field->type();
      }
    }
    DELTACPP_ASSIGN_OR_RAISE(
        auto reader,
        arrow::csv::StreamingReader::Make(arrow::io::default_io_context(), input,
                                          arrow::csv::ReadOptions::Defaults(),
                                          arrow::csv::ParseOptions::Defaults(), convert));
    return reader;
  }
  if (format == "json") {
    auto parse = arrow::json::ParseOptions::Defaults();
    if (types != nullptr) {
      parse.explicit_schema = types;
      // Columns the table lacks are typed from the data: the schema mode decides.
      parse.unexpected_field_behavior = arrow::json::UnexpectedFieldBehavior::InferType;
    }
    DELTACPP_ASSIGN_OR_RAISE(auto reader,
                             arrow::json::StreamingReader::Make(
                                 input, arrow::json::ReadOptions::Defaults(), parse));
    return reader;
  }
  return DeltaError(DeltaErrorCode::kInvalidArgument, "unknown input format '", format,
                    "' (csv, json or parquet)");
}

// The inputs one after another, as one stream of the first one's schema.
class InputsReader : public arrow::RecordBatchReader {
 public:
  static Result<std::shared_ptr<InputsReader>> Open(
      std::vector<std::string> paths, std::string format,
      std::shared_ptr<arrow::Schema> types) {
    auto reader = std::shared_ptr<InputsReader>(new InputsReader());
    reader->paths_ = std::move(paths);
    reader->format_ = std::move(format);
    DELTACPP_ASSIGN_OR_RAISE(reader->current_,
                             OpenReader(reader->paths_[0], reader->format_, types));
    reader->schema_ = reader->current_->schema();
    // Later files are read with the first one's types.
    reader->types_ = types != nullptr ? types : reader->schema_;
    return reader;
  }

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    while (true) {
      DELTACPP_RETURN_NOT_OK(current_->ReadNext(batch));
      if (*batch != nullptr) {
        if (!(*batch)->schema()->Equals(*schema_, /*check_metadata=*/false)) {
          return DeltaError(DeltaErrorCode::kInvalidArgument, "input ", paths_[next_ - 1],
                            " has other columns than ", paths_[0]);
        }
        return Status::OK();
      }
      if (next_ >= paths_.size()) return Status::OK();
      DELTACPP_ASSIGN_OR_RAISE(current_, OpenReader(paths_[next_++], format_, types_));
    }
  }

 private:
  InputsReader() = default;
  std::vector<std::string> paths_;
  std::string format_;
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<arrow::Schema> types_;
  std::shared_ptr<arrow::RecordBatchReader> current_;
  size_t next_ = 1;
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
  write.data_files.compression = options.compression;
  if (options.target_file_size > 0)
    write.data_files.target_file_size = options.target_file_size;
  if (options.rows_per_file > 0)
    write.data_files.max_rows_per_file = options.rows_per_file;
  if (options.rows_per_row_group > 0) {
    write.data_files.max_rows_per_row_group = options.rows_per_row_group;
  }
  DELTACPP_ASSIGN_OR_RAISE(write.schema_mode, ParseSchemaMode(options.schema_mode));
  if (!options.replace_where.empty()) {
    DELTACPP_ASSIGN_OR_RAISE(write.replace_where, ParsePredicate(options.replace_where));
  }
  if (options.progress) write.on_progress = ProgressPrinter();
  DELTACPP_ASSIGN_OR_RAISE(write.configuration, ParseProperties(options.properties));
  DELTACPP_ASSIGN_OR_RAISE(auto format, FormatOf(options));
  // Text inputs take the table's column types when the table exists.
  std::shared_ptr<arrow::Schema> types;
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(options.table));
  auto snapshot = table.LatestSnapshot();
  if (snapshot.ok() && format != "parquet" &&
      write.schema_mode != SchemaMode::kOverwrite) {
    types = (*snapshot)->schema();
  }
  DELTACPP_ASSIGN_OR_RAISE(auto inputs,
                           InputsReader::Open(options.inputs, format, types));
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
  return [options] { return RunWrite(*options); };
}

}  // namespace deltacpp::cli
