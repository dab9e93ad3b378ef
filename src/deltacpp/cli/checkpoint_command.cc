#include <iostream>
#include <memory>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/snapshot_options.h"
#include "deltacpp/txn/checkpoint_writer.h"

namespace deltacpp::cli {

namespace {

Status RunCheckpoint(const SnapshotOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto snapshot, OpenSnapshot(options));
  DELTACPP_RETURN_NOT_OK(WriteCheckpoint(*snapshot));
  std::cout << "checkpoint of version " << snapshot->version() << " written ("
            << snapshot->files().size() << " live files)\n";
  return Status::OK();
}

}  // namespace

CommandRunner AddCheckpointCommand(CLI::App& app) {
  auto options = std::make_shared<SnapshotOptions>();
  auto* command =
      app.add_subcommand("checkpoint", "Write a checkpoint of a version (the newest)");
  AddSnapshotOptions(command, options.get());
  return [options] { return RunCheckpoint(*options); };
}

}  // namespace deltacpp::cli
