#pragma once

// `_delta_log/_last_checkpoint`: a hint to the newest checkpoint, so that a reader can
// list the log from there instead of from version 0. Only a hint: it may be missing,
// stale (an older checkpoint than the newest) or corrupt, and readers must then list.

#include <cstdint>
#include <optional>
#include <string_view>

#include "deltacpp/common/status.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

struct LastCheckpointHint {
  int64_t version = 0;
  /// Number of actions in the checkpoint, when written.
  std::optional<int64_t> size;
  /// Number of parts of a multi-part checkpoint.
  std::optional<int32_t> parts;
  /// Number of add actions in the checkpoint, its parts and sidecars together
  /// (numOfAddFiles), when written.
  std::optional<int64_t> num_add_files;
};

/// Parses the content of `_last_checkpoint`. Fails with kCorruptLog when it is not a JSON
/// object with an integer `version` of at least 0.
DELTACPP_EXPORT Result<LastCheckpointHint> ParseLastCheckpoint(std::string_view contents);

/// Reads the hint of the table in `store`: nullopt when the file is missing or corrupt
/// (both are legal states to recover from by listing); other I/O errors fail.
DELTACPP_EXPORT Result<std::optional<LastCheckpointHint>> ReadLastCheckpoint(
    const ObjectStore& store);

}  // namespace deltacpp
