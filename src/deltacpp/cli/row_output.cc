#include "deltacpp/cli/row_output.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <system_error>

#include <arrow/csv/writer.h>
#include <arrow/io/file.h>
#include <arrow/io/stdio.h>
#include <parquet/arrow/writer.h>

#include "deltacpp/cli/json_lines.h"
#include "deltacpp/cli/table_printer.h"

namespace deltacpp::cli {

namespace {

// Writes every batch of `reader` as one Parquet file to `path`, or to stdout when empty.
Status WriteParquet(const std::shared_ptr<arrow::RecordBatchReader>& reader,
                    const std::string& path) {
  std::shared_ptr<arrow::io::OutputStream> out;
  if (path.empty()) {
    out = std::make_shared<arrow::io::StdoutStream>();
  } else {
    DELTACPP_ASSIGN_OR_RAISE(out, arrow::io::FileOutputStream::Open(path));
  }
  // As pyarrow writes by default (snappy), with the columns encoded in parallel.
  auto properties = parquet::WriterProperties::Builder()
                        .compression(arrow::Compression::SNAPPY)
                        ->build();
  auto arrow_properties =
      parquet::ArrowWriterProperties::Builder().set_use_threads(true)->build();
  DELTACPP_ASSIGN_OR_RAISE(
      auto writer,
      parquet::arrow::FileWriter::Open(*reader->schema(), arrow::default_memory_pool(),
                                       out, properties, arrow_properties));
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    DELTACPP_RETURN_NOT_OK(reader->ReadNext(&batch));
    if (batch == nullptr) break;
    DELTACPP_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
  }
  DELTACPP_RETURN_NOT_OK(writer->Close());
  return out->Close();
}

}  // namespace

Status CheckOutputOutsideTable(const std::string& output, const ObjectStore& table) {
  if (output.empty() || !table.is_local()) return Status::OK();
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path root = fs::weakly_canonical(table.FullPath(""), error);
  if (error) {
    return DeltaError(DeltaErrorCode::kIOError, "cannot resolve the folder of table ",
                      table.table_uri(), ": ", error.message());
  }
  fs::path path = fs::absolute(output, error);
  // A link as the file itself is followed when it is opened, even when its target does
  // not exist yet, which weakly_canonical leaves unresolved.
  for (int hops = 0; !error && hops < 40; ++hops) {
    std::error_code missing;  // a file not there yet is no link
    if (!fs::is_symlink(fs::symlink_status(path, missing))) break;
    fs::path target = fs::read_symlink(path, error);
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  if (!error) path = fs::weakly_canonical(path, error);
  if (error) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot resolve --output ",
                      output, ": ", error.message());
  }
  auto [root_end, path_end] =
      std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  // Trailing empty elements ("dir/") do not make a folder another.
  const bool inside = std::all_of(root_end, root.end(),
                                  [](const fs::path& part) { return part.empty(); });
  if (inside) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "--output ", output, " (",
                      path.string(), ") is inside the folder of table ",
                      table.table_uri(),
                      ": writing there could overwrite the table's own files; write "
                      "outside it");
  }
  return Status::OK();
}

void AddOutputOptions(CLI::App* command, std::string* format, std::string* output) {
  command
      ->add_option("--format,-f", *format,
                   "Output format: table, csv, json (one object per line) or parquet")
      ->check(CLI::IsMember({"table", "csv", "json", "parquet"}));
  command->add_option("--output,-o", *output,
                      "With --format parquet: the file to write (default: stdout)");
}

Status WriteRows(const std::shared_ptr<arrow::RecordBatchReader>& reader,
                 const std::string& format, const std::string& output) {
  if (format == "parquet") return WriteParquet(reader, output);
  if (!output.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "--output is only for --format parquet");
  }
  if (format == "csv") {
    arrow::io::StdoutStream stdout_stream;
    return arrow::csv::WriteCSV(reader, arrow::csv::WriteOptions::Defaults(),
                                &stdout_stream);
  }
  if (format == "json") return WriteJsonLines(*reader, std::cout);
  return PrintTable(*reader, std::cout);
}

}  // namespace deltacpp::cli
