#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/ops/optimize.h"

namespace deltacpp::cli {

namespace {

struct OptimizeCommandOptions {
  std::string table_uri;
  std::string where;
  std::optional<int64_t> target_file_size;
  std::vector<std::string> z_order;
  std::string compression = "snappy";
  std::optional<double> min_commit_interval_seconds;
};

std::string Count(int64_t count, const char* noun) {
  return std::to_string(count) + ' ' + noun + (count == 1 ? "" : "s");
}

// "3 files, 1234 bytes (min 400, max 434, avg 411.3)".
std::string Sizes(const FileSizeMetrics& sizes) {
  std::string text = Count(sizes.total_files, "file") + ", " +
                     std::to_string(sizes.total_size) + " bytes";
  if (sizes.total_files > 0) {
    char avg[32];
    std::snprintf(avg, sizeof(avg), "%.1f", sizes.avg);
    text += " (min " + std::to_string(sizes.min) + ", max " + std::to_string(sizes.max) +
            ", avg " + avg + ")";
  }
  return text;
}

Status RunOptimize(const OptimizeCommandOptions& options) {
  OptimizeOptions optimize;
  if (!options.where.empty()) {
    DELTACPP_ASSIGN_OR_RAISE(optimize.partition_filter, ParsePredicate(options.where));
  }
  optimize.target_file_size = options.target_file_size;
  optimize.z_order_columns = options.z_order;
  optimize.data_files.compression = options.compression;
  if (options.min_commit_interval_seconds.has_value()) {
    const double millis = *options.min_commit_interval_seconds * 1000.0;
    if (!std::isfinite(millis) || millis < 0 || millis > 9.0e18) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "minimum commit interval of ",
                        *options.min_commit_interval_seconds, " seconds is out of range");
    }
    optimize.min_commit_interval_ms = std::llround(millis);
  }
  DELTACPP_ASSIGN_OR_RAISE(auto result, OptimizeTable(options.table_uri, optimize));
  auto& out = std::cout;
  if (!result.committed) {
    out << "nothing to optimize: table stays at version " << result.version << " ("
        << Count(result.total_considered_files, "file") << " considered, "
        << result.total_files_skipped << " left as they were)\n";
    return Status::OK();
  }
  out << "version " << result.version << ": "
      << (result.z_order ? "Z-ordered " : "compacted ")
      << Count(result.num_files_removed, "file") << " into "
      << Count(result.num_files_added, "file") << " in "
      << Count(result.partitions_optimized, "partition");
  if (result.versions.size() > 1) {
    out << " (" << result.versions.size() << " commits, versions "
        << result.versions.front() << " to " << result.versions.back() << ")";
  }
  out << '\n';
  out << "Target size:       " << result.target_file_size << " bytes\n";
  out << "Files considered:  " << result.total_considered_files << " ("
      << result.total_files_skipped << " left as they were)\n";
  out << "Removed:           " << Sizes(result.files_removed) << '\n';
  out << "Added:             " << Sizes(result.files_added) << '\n';
  out << "Deletion vectors:  " << result.num_deletion_vectors_removed << " removed ("
      << Count(result.num_deletion_vector_rows_removed, "deleted row") << " dropped)\n";
  out << "Batches read:      " << result.num_batches << '\n';
  return Status::OK();
}

}  // namespace

CommandRunner AddOptimizeCommand(CLI::App& app) {
  auto options = std::make_shared<OptimizeCommandOptions>();
  auto* command = app.add_subcommand(
      "optimize",
      "Rewrite small files into larger ones (or Z-order partitions) without changing "
      "the rows");
  command->add_option("table", options->table_uri, "Table path or URI")->required();
  command->add_option("--where,-w", options->where,
                      "Only the partitions where this holds; partition columns only, "
                      "e.g. \"day >= '2024-01-01'\"");
  command
      ->add_option("--target-file-size", options->target_file_size,
                   "Bytes new files aim at; smaller files are compacted (default: the "
                   "table's delta.targetFileSize, else 104857600)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--z-order", options->z_order,
                   "Sort every file of each partition along a Z-order curve of these "
                   "columns (comma-separated)")
      ->delimiter(',');
  command->add_option("--compression", options->compression,
                      "Parquet compression of the new files: snappy (default), zstd, "
                      "gzip, brotli, lz4, lz4_raw or none");
  command->add_option("--min-commit-interval", options->min_commit_interval_seconds,
                      "Commit the work done so far whenever this many seconds have "
                      "passed (0: a commit per group of files); default: one commit");
  return [options] { return RunOptimize(*options); };
}

}  // namespace deltacpp::cli
