#pragma once

// Reading checkpoints (PROTOCOL.md, "Checkpoints"): classic and multi-part Parquet
// checkpoints, V2 checkpoints in Parquet or JSON, and the sidecar files V2 checkpoints
// point to. All come back as the same Action values JSON commits give.

#include <functional>
#include <string>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

/// Where the sidecar files of V2 checkpoints live, from the table root.
inline constexpr std::string_view kSidecarDir = "_delta_log/_sidecars";

/// Receives the actions of a checkpoint one at a time, so that a large checkpoint is
/// never held whole in memory.
using ActionVisitor = std::function<void(Action&&)>;

/// Hands every action of one Parquet checkpoint file (a whole checkpoint, one part, or a
/// sidecar) at `relative_path` to `visit`, in file order. Errors as
/// ReadParquetCheckpoint.
DELTACPP_EXPORT Status VisitParquetCheckpoint(const ObjectStore& store,
                                              const std::string& relative_path,
                                              int64_t size, const ActionVisitor& visit);

/// Hands every action of a checkpoint file of either format to `visit`, then those of the
/// sidecars a V2 checkpoint names. Errors as ReadCheckpointFile.
DELTACPP_EXPORT Status VisitCheckpointFile(const ObjectStore& store,
                                           const std::string& relative_path, int64_t size,
                                           const ActionVisitor& visit);

/// The actions of one Parquet checkpoint file (a whole checkpoint, one part, or a
/// sidecar) at `relative_path`. Reads only the action columns replay needs (add, remove,
/// metaData, protocol, txn, domainMetadata, sidecar, checkpointMetadata). Fails with
/// kFileNotFound for a missing file and kCorruptLog for one that is not Parquet or whose
/// action columns have the wrong types, naming the file and the field.
DELTACPP_EXPORT Result<std::vector<Action>> ReadParquetCheckpoint(
    const ObjectStore& store, const std::string& relative_path, int64_t size = -1);

/// The actions of a checkpoint file of either format (by its extension), with the
/// sidecars a V2 checkpoint names read and appended.
DELTACPP_EXPORT Result<std::vector<Action>> ReadCheckpointFile(
    const ObjectStore& store, const std::string& relative_path, int64_t size = -1);

}  // namespace deltacpp
