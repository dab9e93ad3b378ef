#pragma once

// Deletion vectors (PROTOCOL.md, "Deletion Vectors"): the rows of a data file that are
// deleted, stored inline in the log or in `deletion_vector_<uuid>.bin` files as a
// serialized RoaringBitmapArray.

#include <cstdint>
#include <string>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/storage/object_store.h"

namespace deltacpp {

/// The path, relative to the table root, of the file holding `dv` (storage type 'u'), or
/// the absolute URI (type 'p'). Fails with kCorruptLog for a malformed id and with
/// kInvalidArgument for an inline ('i') vector, which has no file.
DELTACPP_EXPORT Result<std::string> DeletionVectorPath(
    const DeletionVectorDescriptor& dv);

/// The sorted indexes of the deleted rows. Reads the vector's file (or decodes it
/// inline), checks its size, and checks that it holds `cardinality` rows. Fails with
/// kFileNotFound when its file is missing, kCorruptLog when it does not decode or does
/// not match the descriptor, kUnsupportedFeature for absolute-path vectors outside the
/// table's store.
DELTACPP_EXPORT Result<std::vector<uint64_t>> ReadDeletionVector(
    const ObjectStore& store, const DeletionVectorDescriptor& dv);

}  // namespace deltacpp
