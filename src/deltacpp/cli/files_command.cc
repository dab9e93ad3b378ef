#include <iostream>
#include <memory>
#include <string>

#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/util/uri.h>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/snapshot_options.h"
#include "deltacpp/cli/table_printer.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/scan/scan.h"

namespace deltacpp::cli {

namespace {

std::string JoinPartitionValues(const PartitionValues& values) {
  std::string text;
  for (const auto& [key, value] : values) {
    if (!text.empty()) text += ", ";
    text += key + "=" + (value ? *value : std::string("null"));
  }
  return text;
}

struct FilesOptions {
  SnapshotOptions snapshot;
  std::string where;
};

Status RunFiles(const FilesOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto snapshot, OpenSnapshot(options.snapshot));
  ScanBuilder builder(snapshot);
  if (!options.where.empty()) {
    DELTACPP_ASSIGN_OR_RAISE(auto predicate, ParsePredicate(options.where));
    builder.Filter(std::move(predicate));
  }
  DELTACPP_ASSIGN_OR_RAISE(auto scan, builder.Build());
  arrow::StringBuilder paths, partitions, modified;
  arrow::Int64Builder sizes, deleted_rows;
  for (const AddFile* file_pointer : scan->Files()) {
    const AddFile& file = *file_pointer;
    DELTACPP_RETURN_NOT_OK(paths.Append(arrow::util::UriUnescape(file.path)));
    DELTACPP_RETURN_NOT_OK(sizes.Append(file.size));
    DELTACPP_RETURN_NOT_OK(partitions.Append(JoinPartitionValues(file.partition_values)));
    DELTACPP_RETURN_NOT_OK(
        modified.Append(FormatTimestampMillis(file.modification_time)));
    DELTACPP_RETURN_NOT_OK(file.deletion_vector
                               ? deleted_rows.Append(file.deletion_vector->cardinality)
                               : deleted_rows.Append(0));
  }
  return PrintColumns({{"path", &paths},
                       {"size", &sizes},
                       {"partition", &partitions},
                       {"modified", &modified},
                       {"deleted_rows", &deleted_rows}},
                      std::cout);
}

}  // namespace

CommandRunner AddFilesCommand(CLI::App& app) {
  auto options = std::make_shared<FilesOptions>();
  auto* command = app.add_subcommand("files", "List the live data files of a version");
  AddSnapshotOptions(command, &options->snapshot);
  command->add_option("--where,-w", options->where,
                      "Only the files a scan with this filter would read (those whose "
                      "partition values and statistics do not rule it out)");
  return [options] { return RunFiles(*options); };
}

}  // namespace deltacpp::cli
