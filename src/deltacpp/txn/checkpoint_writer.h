#pragma once

// Checkpoints (PROTOCOL.md, "Checkpoints"): the reconciled state of a version in one
// Parquet file, so readers need not replay every commit before it.

#include <cstdint>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/snapshot.h"

namespace deltacpp {

inline constexpr std::string_view kCheckpointIntervalKey = "delta.checkpointInterval";
inline constexpr int64_t kDefaultCheckpointInterval = 10;

/// Writes the classic single-file checkpoint of `snapshot`
/// (`_delta_log/<version>.checkpoint.parquet`: its protocol, metadata, app transactions,
/// domain metadata, live files and tombstones, one action per row, stats as JSON), then
/// points `_last_checkpoint` at it. The file is written under a hidden temporary name
/// and renamed into place, so readers never meet a partial checkpoint; writing the same
/// checkpoint again replaces it with the same content. Fails with the store's errors.
DELTACPP_EXPORT Status WriteCheckpoint(const Snapshot& snapshot);

/// The table's checkpoint interval (delta.checkpointInterval, default 10).
DELTACPP_EXPORT int64_t CheckpointInterval(const Metadata& metadata);

}  // namespace deltacpp
