#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/snapshot_options.h"
#include "deltacpp/common/ids.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/txn/log_cleanup.h"

namespace deltacpp::cli {

namespace {

struct CleanupOptions {
  std::string table_uri;
  std::optional<std::string> retention;
  bool dry_run = false;
};

Status RunCleanup(const CleanupOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(options.table_uri));
  DELTACPP_ASSIGN_OR_RAISE(auto snapshot, table.LatestSnapshot());
  LogCleanupOptions cleanup;
  cleanup.dry_run = options.dry_run;
  if (options.retention.has_value()) {
    DELTACPP_ASSIGN_OR_RAISE(cleanup.retention_ms,
                             ParseIntervalMillis(*options.retention));
  }
  const int64_t now_ms = NowMillis();
  DELTACPP_ASSIGN_OR_RAISE(auto result, CleanupExpiredLogs(*snapshot, now_ms, cleanup));
  const char* verb = options.dry_run ? "would delete" : "deleted";
  for (const auto& name : result.deleted) std::cout << verb << ' ' << name << '\n';
  const std::string cutoff = FormatTimestampMillis(result.cutoff_timestamp_ms);
  if (!result.checkpoint_version.has_value()) {
    std::cout << "nothing to clean up: no checkpoint at or before the newest commit "
                 "made before "
              << cutoff << '\n';
  } else {
    std::cout << verb << ' ' << result.deleted.size()
              << (result.deleted.size() == 1 ? " file" : " files")
              << " from before the checkpoint of version " << *result.checkpoint_version
              << " (commits before " << cutoff << " expired)\n";
  }
  return Status::OK();
}

}  // namespace

CommandRunner AddCleanupCommand(CLI::App& app) {
  auto options = std::make_shared<CleanupOptions>();
  auto* command =
      app.add_subcommand("cleanup-metadata",
                         "Delete expired commits, checkpoints and checksums from the log "
                         "(delta.logRetentionDuration)");
  command->add_option("table", options->table_uri, "Table path or URI")->required();
  command->add_flag("--dry-run", options->dry_run,
                    "List the files that would be deleted, delete nothing");
  command->add_option("--retention", options->retention,
                      "Keep this long instead of the table's log retention "
                      "(e.g. 'interval 7 days')");
  return [options] { return RunCleanup(*options); };
}

}  // namespace deltacpp::cli
