#include "deltacpp/ops/z_order.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/exec.h>
#include <arrow/type.h>

#include "deltacpp/kernel/schema/schema_json.h"

namespace deltacpp {

namespace {

constexpr int kBitsPerColumn = 32;

// The rank of every value of `column` among its distinct values (0 for the smallest;
// nulls before everything), scaled to [0, 2^32).
Result<std::vector<uint32_t>> ScaledRanks(const std::shared_ptr<arrow::Array>& column) {
  if (arrow::is_nested(column->type_id())) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "cannot Z-order by a column of type ",
                      DeltaTypeString(*column->type()), ": its values have no order");
  }
  arrow::compute::RankOptions options(arrow::compute::SortOrder::Ascending,
                                      arrow::compute::NullPlacement::AtStart,
                                      arrow::compute::RankOptions::Dense);
  auto ranked = arrow::compute::CallFunction("rank", {column}, &options);
  if (!ranked.ok()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "cannot Z-order by a column of type ",
                      DeltaTypeString(*column->type()), ": ", ranked.status().message());
  }
  auto ranks = std::static_pointer_cast<arrow::UInt64Array>(ranked->make_array());
  const uint64_t* raw = ranks->raw_values();
  const int64_t length = ranks->length();
  // Dense ranks run from 1 to the number of distinct values.
  uint64_t distinct = 0;
  for (int64_t i = 0; i < length; ++i) distinct = std::max(distinct, raw[i]);
  std::vector<uint32_t> scaled(length);
  const int width = std::bit_width(distinct);
  for (int64_t i = 0; i < length; ++i) {
    const uint64_t rank = raw[i] - 1;  // < distinct
    if (width <= kBitsPerColumn) {
      // rank < 2^32, so the shift cannot overflow; the quotient is < 2^32.
      scaled[i] = static_cast<uint32_t>((rank << kBitsPerColumn) / distinct);
    } else {
      scaled[i] = static_cast<uint32_t>(rank >> (width - kBitsPerColumn));
    }
  }
  return scaled;
}

}  // namespace

Result<std::shared_ptr<arrow::FixedSizeBinaryArray>> ZOrderKeys(
    const std::vector<std::shared_ptr<arrow::Array>>& columns) {
  if (columns.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "a Z-order needs at least one column");
  }
  const int64_t rows = columns[0]->length();
  std::vector<std::vector<uint32_t>> ranks;
  for (const auto& column : columns) {
    if (column->length() != rows) {
      return DeltaError(DeltaErrorCode::kInvalidArgument,
                        "the columns of a Z-order must have one length");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto scaled, ScaledRanks(column));
    ranks.push_back(std::move(scaled));
  }
  const int dimensions = static_cast<int>(columns.size());
  const int width = dimensions * kBitsPerColumn / 8;  // bytes per key
  arrow::FixedSizeBinaryBuilder builder(arrow::fixed_size_binary(width));
  DELTACPP_RETURN_NOT_OK(builder.Resize(rows));
  std::vector<uint8_t> key(width);
  for (int64_t row = 0; row < rows; ++row) {
    std::fill(key.begin(), key.end(), 0);
    int position = 0;  // bit of the key, from its most significant
    for (int bit = kBitsPerColumn - 1; bit >= 0; --bit) {
      for (int d = 0; d < dimensions; ++d, ++position) {
        if ((ranks[d][row] >> bit) & 1u) {
          key[position / 8] |= static_cast<uint8_t>(0x80u >> (position % 8));
        }
      }
    }
    builder.UnsafeAppend(key.data());
  }
  std::shared_ptr<arrow::FixedSizeBinaryArray> keys;
  DELTACPP_RETURN_NOT_OK(builder.Finish(&keys));
  return keys;
}

Result<std::shared_ptr<arrow::Int64Array>> ZOrderSortIndices(
    const std::vector<std::shared_ptr<arrow::Array>>& columns) {
  DELTACPP_ASSIGN_OR_RAISE(auto keys, ZOrderKeys(columns));
  std::vector<int64_t> order(keys->length());
  std::iota(order.begin(), order.end(), int64_t{0});
  const uint8_t* data = keys->raw_values();
  const size_t width = static_cast<size_t>(keys->byte_width());
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return std::memcmp(data + a * width, data + b * width, width) < 0;
  });
  arrow::Int64Builder builder;
  DELTACPP_RETURN_NOT_OK(builder.AppendValues(order));
  std::shared_ptr<arrow::Int64Array> indices;
  DELTACPP_RETURN_NOT_OK(builder.Finish(&indices));
  return indices;
}

}  // namespace deltacpp
