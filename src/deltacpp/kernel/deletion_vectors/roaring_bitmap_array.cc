#include "deltacpp/kernel/deletion_vectors/roaring_bitmap_array.h"

#include <map>

#include <roaring/roaring.h>

namespace deltacpp {

namespace {

constexpr uint32_t kRoaringBitmapArrayMagic = 1681511377;

template <typename T>
T ReadLittleEndian(const char* data) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<unsigned char>(data[i])) << (8 * i);
  }
  return value;
}

void AppendLittleEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

}  // namespace

Result<std::vector<uint64_t>> DecodeRoaringBitmapArray(
    std::string_view bytes, std::optional<uint64_t> expected_cardinality) {
  auto corrupt = [](std::string_view problem) {
    return DeltaError(DeltaErrorCode::kCorruptLog, "deletion vector bitmap ", problem);
  };
  if (bytes.size() < 12) return corrupt("is too short");
  if (ReadLittleEndian<uint32_t>(bytes.data()) != kRoaringBitmapArrayMagic) {
    return corrupt("has a wrong magic number");
  }
  const uint64_t count = ReadLittleEndian<uint64_t>(bytes.data() + 4);
  // Each bitmap takes at least its 4-byte key: a count beyond that is a lie.
  if (count > (bytes.size() - 12) / 4)
    return corrupt("claims more bitmaps than it holds");
  // All bitmaps are checked before any row is materialised: a few crafted bytes of run
  // containers can claim billions of rows.
  std::vector<std::pair<uint64_t, roaring_bitmap_t*>> bitmaps;
  struct FreeAll {
    std::vector<std::pair<uint64_t, roaring_bitmap_t*>>* bitmaps;
    ~FreeAll() {
      for (auto& [key, bitmap] : *bitmaps) roaring_bitmap_free(bitmap);
    }
  } free_all{&bitmaps};
  size_t position = 12;
  uint64_t previous_key = 0;
  uint64_t cardinality = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (position + 4 > bytes.size()) return corrupt("ends inside a bitmap key");
    const uint64_t key = ReadLittleEndian<uint32_t>(bytes.data() + position);
    position += 4;
    if (i > 0 && key <= previous_key) return corrupt("has keys out of order");
    previous_key = key;
    const size_t remaining = bytes.size() - position;
    const size_t size =
        roaring_bitmap_portable_deserialize_size(bytes.data() + position, remaining);
    if (size == 0 || size > remaining) return corrupt("holds a malformed Roaring bitmap");
    roaring_bitmap_t* bitmap =
        roaring_bitmap_portable_deserialize_safe(bytes.data() + position, remaining);
    if (bitmap == nullptr) return corrupt("holds a malformed Roaring bitmap");
    bitmaps.emplace_back(key, bitmap);
    position += size;
    cardinality += roaring_bitmap_get_cardinality(bitmap);
  }
  if (position != bytes.size()) return corrupt("has bytes after its last bitmap");
  if (expected_cardinality.has_value() && cardinality != *expected_cardinality) {
    return corrupt("holds " + std::to_string(cardinality) +
                   " rows, not its cardinality " + std::to_string(*expected_cardinality));
  }
  std::vector<uint64_t> rows;
  rows.reserve(cardinality);
  for (const auto& [key, bitmap] : bitmaps) {
    std::vector<uint32_t> values(roaring_bitmap_get_cardinality(bitmap));
    roaring_bitmap_to_uint32_array(bitmap, values.data());
    for (uint32_t value : values) {
      const uint64_t row = (key << 32) | value;
      // Containers are not checked by the deserialiser: an unsorted or repeated array
      // would make readers drop the wrong rows.
      if (!rows.empty() && row <= rows.back()) {
        return corrupt("lists row " + std::to_string(row) + " after row " +
                       std::to_string(rows.back()) + ": rows must be sorted and unique");
      }
      rows.push_back(row);
    }
  }
  return rows;
}

std::string EncodeRoaringBitmapArray(const std::vector<uint64_t>& rows) {
  std::map<uint32_t, std::vector<uint32_t>> by_key;
  for (uint64_t row : rows) by_key[row >> 32].push_back(static_cast<uint32_t>(row));
  std::string out;
  AppendLittleEndian(&out, kRoaringBitmapArrayMagic, 4);
  AppendLittleEndian(&out, by_key.size(), 8);
  for (const auto& [key, values] : by_key) {
    AppendLittleEndian(&out, key, 4);
    roaring_bitmap_t* bitmap = roaring_bitmap_of_ptr(values.size(), values.data());
    roaring_bitmap_run_optimize(bitmap);
    std::string bytes(roaring_bitmap_portable_size_in_bytes(bitmap), '\0');
    roaring_bitmap_portable_serialize(bitmap, bytes.data());
    roaring_bitmap_free(bitmap);
    out += bytes;
  }
  return out;
}

}  // namespace deltacpp
