#pragma once

// Checkpoints (PROTOCOL.md, "Checkpoints"): the reconciled state of a version in one
// Parquet file, so readers need not replay every commit before it.

#include <cstdint>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/snapshot.h"

namespace deltacpp {

/// Writes the classic single-file checkpoint of `snapshot`
/// (`_delta_log/<version>.checkpoint.parquet`: its protocol, metadata, app transactions,
/// domain metadata, live files and tombstones, one action per row, stats as JSON), then
/// points `_last_checkpoint` at it. The file is written under a hidden temporary name
/// and renamed into place, so readers never meet a partial checkpoint; writing the same
/// checkpoint again replaces it with the same content. Fails, writing nothing, with
/// kUnsupportedFeature naming the table, the version and the features for a table
/// CheckLogWriteSupported refuses; and with the store's errors.
DELTACPP_EXPORT Status WriteCheckpoint(const Snapshot& snapshot);

/// OK when delta-cpp may write or delete the log files of a table with `protocol` that
/// are not commits (checkpoints, `_last_checkpoint`, expired log files): the writer
/// gate of commits (CheckWriteSupported), since a writer feature delta-cpp does not know
/// may ask something of checkpoints too (v2Checkpoint asks for checkpointMetadata). The
/// rules of table properties on the rows a commit writes (identity columns, row
/// tracking) do not apply, and neither does checkpointProtection, which only asks
/// cleanup to leave a checkpoint at its boundary (txn/log_cleanup.h always does).
/// Otherwise fails with kUnsupportedFeature naming the features.
DELTACPP_EXPORT Status CheckLogWriteSupported(const Protocol& protocol);

}  // namespace deltacpp
