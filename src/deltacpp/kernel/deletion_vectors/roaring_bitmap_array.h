#pragma once

// The RoaringBitmapArray serialization of deletion vectors (PROTOCOL.md, "Deletion Vector
// Format"): a magic number, the number of 32-bit bitmaps, then for each its key (the high
// 32 bits of the row indexes it holds) and the bitmap in the portable Roaring format.
//
// Tested by: kernel/deletion_vectors/dv_reader_test.cc (every deletion vector decodes
// through it).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deltacpp/common/status.h"

namespace deltacpp {

/// The sorted row indexes that `bytes` holds. Fails with kCorruptLog when the bytes are
/// not a RoaringBitmapArray (wrong magic, truncated, malformed bitmap, keys out of
/// order, bytes left over, rows unsorted or repeated inside a bitmap), or when they hold
/// another number of rows than `expected_cardinality` (checked before any row is
/// materialised, so that a small crafted vector cannot claim billions of rows).
DELTACPP_EXPORT Result<std::vector<uint64_t>> DecodeRoaringBitmapArray(
    std::string_view bytes, std::optional<uint64_t> expected_cardinality = std::nullopt);

/// Serializes `rows` (any order, duplicates allowed) as a RoaringBitmapArray.
DELTACPP_EXPORT std::string EncodeRoaringBitmapArray(const std::vector<uint64_t>& rows);

}  // namespace deltacpp
