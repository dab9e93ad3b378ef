#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/csv/writer.h>
#include <arrow/io/file.h>
#include <arrow/io/stdio.h>
#include <parquet/arrow/writer.h>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/json_lines.h"
#include "deltacpp/cli/snapshot_options.h"
#include "deltacpp/cli/table_printer.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/scan/scan.h"

namespace deltacpp::cli {

namespace {

constexpr int64_t kDefaultTableRows = 20;

struct ScanOptions {
  SnapshotOptions snapshot;
  std::vector<std::string> columns;
  std::string where;
  std::optional<int64_t> limit;
  std::string format = "table";
  std::string output;
};

// Writes every batch of `reader` as one Parquet file to `path`, or to stdout when empty.
Status WriteParquet(const std::shared_ptr<arrow::RecordBatchReader>& reader,
                    const std::string& path) {
  std::shared_ptr<arrow::io::OutputStream> out;
  if (path.empty()) {
    out = std::make_shared<arrow::io::StdoutStream>();
  } else {
    DELTACPP_ASSIGN_OR_RAISE(out, arrow::io::FileOutputStream::Open(path));
  }
  DELTACPP_ASSIGN_OR_RAISE(
      auto writer, parquet::arrow::FileWriter::Open(*reader->schema(),
                                                    arrow::default_memory_pool(), out));
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    DELTACPP_RETURN_NOT_OK(reader->ReadNext(&batch));
    if (batch == nullptr) break;
    DELTACPP_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
  }
  DELTACPP_RETURN_NOT_OK(writer->Close());
  return out->Close();
}

Status RunScan(const ScanOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto snapshot, OpenSnapshot(options.snapshot));
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
  if (options.format == "parquet") return WriteParquet(reader, options.output);
  if (!options.output.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "--output is only for --format parquet");
  }
  if (options.format == "csv") {
    arrow::io::StdoutStream stdout_stream;
    return arrow::csv::WriteCSV(reader, arrow::csv::WriteOptions::Defaults(),
                                &stdout_stream);
  }
  if (options.format == "json") return WriteJsonLines(*reader, std::cout);
  return PrintTable(*reader, std::cout);
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
  command
      ->add_option("--format,-f", options->format,
                   "Output format: table, csv, json (one object per line) or parquet")
      ->check(CLI::IsMember({"table", "csv", "json", "parquet"}));
  command->add_option("--output,-o", options->output,
                      "With --format parquet: the file to write (default: stdout)");
  return [options] { return RunScan(*options); };
}

}  // namespace deltacpp::cli
