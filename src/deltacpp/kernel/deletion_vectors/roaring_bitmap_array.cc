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

Result<std::vector<uint64_t>> DecodeRoaringBitmapArray(std::string_view bytes) {
  auto corrupt = [](std::string_view problem) {
    return DeltaError(DeltaErrorCode::kCorruptLog, "deletion vector bitmap ", problem);
  };
  if (bytes.size() < 12) return corrupt("is too short");
  if (ReadLittleEndian<uint32_t>(bytes.data()) != kRoaringBitmapArrayMagic) {
    return corrupt("has a wrong magic number");
  }
  const uint64_t count = ReadLittleEndian<uint64_t>(bytes.data() + 4);
  size_t position = 12;
  std::vector<uint64_t> rows;
  uint64_t previous_key = 0;
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
    position += size;
    std::vector<uint32_t> values(roaring_bitmap_get_cardinality(bitmap));
    roaring_bitmap_to_uint32_array(bitmap, values.data());
    roaring_bitmap_free(bitmap);
    rows.reserve(rows.size() + values.size());
    for (uint32_t value : values) rows.push_back((key << 32) | value);
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
