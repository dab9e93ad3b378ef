#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/snapshot_options.h"
#include "deltacpp/common/ids.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/ops/vacuum.h"

namespace deltacpp::cli {

namespace {

struct VacuumCommandOptions {
  std::string table_uri;
  std::optional<double> retention_hours;
  bool dry_run = false;
  bool no_enforce_retention = false;
  bool lite = false;
  std::vector<int64_t> keep_versions;
};

std::string Files(size_t count) {
  return std::to_string(count) + (count == 1 ? " file" : " files");
}

Status RunVacuum(const VacuumCommandOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(options.table_uri));
  VacuumOptions vacuum;
  vacuum.dry_run = options.dry_run;
  vacuum.enforce_retention = !options.no_enforce_retention;
  vacuum.mode = options.lite ? VacuumMode::kLite : VacuumMode::kFull;
  vacuum.keep_versions = options.keep_versions;
  if (options.retention_hours.has_value()) {
    const double millis = *options.retention_hours * 3600.0 * 1000.0;
    if (!std::isfinite(millis) || std::fabs(millis) > 9.0e18) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "retention of ",
                        *options.retention_hours, " hours is out of range");
    }
    vacuum.retention_ms = std::llround(millis);
  }
  const int64_t now_ms = NowMillis();
  DELTACPP_ASSIGN_OR_RAISE(auto result, Vacuum(table, now_ms, vacuum));
  const char* verb = options.dry_run ? "would delete" : "deleted";
  for (const auto& path : result.deleted) std::cout << verb << ' ' << path << '\n';
  const std::string cutoff = FormatTimestampMillis(result.cutoff_timestamp_ms);
  if (result.deleted.empty()) {
    std::cout << "nothing to vacuum: no file that version " << result.version
              << " does not need was removed or written before " << cutoff << '\n';
    return Status::OK();
  }
  std::cout << verb << ' ' << Files(result.deleted.size()) << " (" << result.bytes
            << " bytes) that version " << result.version
            << " does not need, removed or written before " << cutoff;
  if (result.start_version.has_value() && result.end_version.has_value()) {
    std::cout << "; recorded as versions " << *result.start_version << " and "
              << *result.end_version;
  }
  std::cout << '\n';
  return Status::OK();
}

}  // namespace

CommandRunner AddVacuumCommand(CLI::App& app) {
  auto options = std::make_shared<VacuumCommandOptions>();
  auto* command =
      app.add_subcommand("vacuum",
                         "Delete the data files no version within the retention needs "
                         "(delta.deletedFileRetentionDuration, one week by default)");
  command->add_option("table", options->table_uri, "Table path or URI")->required();
  command->add_option("--retention-hours", options->retention_hours,
                      "Keep files this many hours instead of the table's retention");
  command->add_flag("--dry-run", options->dry_run,
                    "List the files that would be deleted, delete nothing");
  command->add_flag("--no-enforce-retention", options->no_enforce_retention,
                    "Allow a retention shorter than the table's (files that readers of "
                    "older versions or writers in progress use may go)");
  command->add_flag("--lite", options->lite,
                    "Only delete the files of expired tombstones, without listing the "
                    "table (deltalake's default mode)");
  command
      ->add_option("--keep-versions", options->keep_versions,
                   "Also keep the files of these versions (comma-separated)")
      ->delimiter(',');
  return [options] { return RunVacuum(*options); };
}

}  // namespace deltacpp::cli
