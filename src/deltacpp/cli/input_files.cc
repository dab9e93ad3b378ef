#include "deltacpp/cli/input_files.h"

#include <arrow/csv/reader.h>
#include <arrow/io/file.h>
#include <arrow/io/stdio.h>
#include <arrow/json/reader.h>
#include <parquet/arrow/reader.h>

#include "deltacpp/cli/json_lines.h"

namespace deltacpp::cli {

Result<std::string> InputFormat(const std::string& format,
                                const std::vector<std::string>& paths) {
  if (!format.empty()) return format;
  if (paths.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "no input files given");
  }
  const std::string& first = paths.front();
  for (const char* known : {"csv", "json", "parquet"}) {
    const std::string suffix = std::string(".") + known;
    if (first.size() > suffix.size() &&
        first.compare(first.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return std::string(known);
    }
  }
  if (first.size() > 6 && first.compare(first.size() - 6, 6, ".jsonl") == 0) {
    return std::string("json");
  }
  return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot tell the format of '",
                    first, "': name it with --format csv|json|parquet");
}

namespace {

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
    input = DepthCheckedJsonInput(std::move(input), path == "-" ? "<stdin>" : path);
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

}  // namespace

Result<std::shared_ptr<arrow::RecordBatchReader>> OpenInputs(
    std::vector<std::string> paths, std::string format,
    std::shared_ptr<arrow::Schema> types) {
  if (paths.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "no input files given");
  }
  DELTACPP_ASSIGN_OR_RAISE(
      auto reader, InputsReader::Open(std::move(paths), std::move(format), types));
  return reader;
}

}  // namespace deltacpp::cli
