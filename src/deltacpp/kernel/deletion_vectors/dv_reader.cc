#include "deltacpp/kernel/deletion_vectors/dv_reader.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <arrow/util/crc32.h>

#include "deltacpp/kernel/deletion_vectors/roaring_bitmap_array.h"
#include "deltacpp/kernel/deletion_vectors/z85.h"

namespace deltacpp {

namespace {

constexpr size_t kUuidZ85Length = 20;
constexpr std::string_view kDvFilePrefix = "deletion_vector_";
constexpr std::string_view kDvFileSuffix = ".bin";

uint32_t ReadBigEndian32(const char* data) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i)
    value = (value << 8) | static_cast<unsigned char>(data[i]);
  return value;
}

std::string FormatUuid(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    const auto byte = static_cast<unsigned char>(bytes[i]);
    text.push_back(kHex[byte >> 4]);
    text.push_back(kHex[byte & 0xF]);
  }
  return text;
}

Status Corrupt(const DeletionVectorDescriptor& dv, std::string_view problem) {
  return DeltaError(DeltaErrorCode::kCorruptLog, "deletion vector ", dv.storage_type, ":",
                    dv.path_or_inline_dv, " ", problem);
}

}  // namespace

Result<std::string> DeletionVectorPath(const DeletionVectorDescriptor& dv) {
  if (dv.storage_type == "p") return dv.path_or_inline_dv;
  if (dv.storage_type != "u") {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "deletion vector of storage type '", dv.storage_type,
                      "' has no file");
  }
  const std::string& id = dv.path_or_inline_dv;
  if (id.size() < kUuidZ85Length) return Corrupt(dv, "has an id shorter than a UUID");
  const std::string_view prefix(id.data(), id.size() - kUuidZ85Length);
  // Writers use a few random letters or digits; anything else could name a path.
  for (char c : prefix) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      return Corrupt(dv, "has a path prefix that is not letters and digits");
    }
  }
  auto uuid = Z85Decode(std::string_view(id).substr(id.size() - kUuidZ85Length));
  if (!uuid.ok()) return Corrupt(dv, uuid.status().message());
  std::string path(prefix);
  if (!path.empty()) path += '/';
  path += kDvFilePrefix;
  path += FormatUuid(*uuid);
  path += kDvFileSuffix;
  return path;
}

Result<std::vector<uint64_t>> ReadDeletionVector(const ObjectStore& store,
                                                 const DeletionVectorDescriptor& dv) {
  std::string serialized;
  if (dv.size_in_bytes < 0 || dv.offset.value_or(0) < 0) {
    return Corrupt(dv, "has a negative size or offset");
  }
  if (dv.storage_type == "i") {
    auto decoded = Z85Decode(dv.path_or_inline_dv);
    if (!decoded.ok()) return Corrupt(dv, decoded.status().message());
    if (decoded->size() < static_cast<size_t>(dv.size_in_bytes)) {
      return Corrupt(dv, "is shorter than its sizeInBytes");
    }
    serialized = decoded->substr(0, dv.size_in_bytes);
  } else {
    DELTACPP_ASSIGN_OR_RAISE(const std::string logged, DeletionVectorPath(dv));
    // One rule for every path the log names: no escape from the root, and absolute
    // ones only where the store allows them.
    DELTACPP_ASSIGN_OR_RAISE(auto location, store.ResolveLogPath(logged));
    const ObjectStore* file_store = location.store.get();
    const std::string& path = location.path;
    // On disk: [version byte at 0] ... at offset: size (4 bytes, big-endian), the
    // bitmap, its CRC-32 (4 bytes, big-endian).
    const int64_t offset = dv.offset.value_or(1);
    DELTACPP_ASSIGN_OR_RAISE(auto file, file_store->OpenForRead(path));
    const int64_t block_size = 4 + static_cast<int64_t>(dv.size_in_bytes) + 4;
    // Checked before reading: the buffer is allocated at the size asked for.
    auto file_size = file->GetSize();
    if (!file_size.ok() || offset > *file_size || block_size > *file_size - offset) {
      return Corrupt(dv, "file " + file_store->FullPath(path) +
                             " is shorter than the descriptor says");
    }
    auto block = file->ReadAt(offset, block_size);
    if (!block.ok() || (*block)->size() != block_size) {
      return Corrupt(dv, "file " + file_store->FullPath(path) +
                             " is shorter than the descriptor says");
    }
    const char* data = (*block)->data_as<char>();
    if (ReadBigEndian32(data) != static_cast<uint32_t>(dv.size_in_bytes)) {
      return Corrupt(dv, "file " + file_store->FullPath(path) +
                             " stores a size other than the descriptor's");
    }
    serialized.assign(data + 4, dv.size_in_bytes);
    const uint32_t stored_crc = ReadBigEndian32(data + 4 + dv.size_in_bytes);
    if (arrow::internal::crc32(0, serialized.data(), serialized.size()) != stored_crc) {
      return Corrupt(dv, "file " + file_store->FullPath(path) +
                             " fails its checksum: the deletion vector is damaged");
    }
  }
  if (dv.cardinality < 0) return Corrupt(dv, "has a negative cardinality");
  auto rows = DecodeRoaringBitmapArray(serialized, static_cast<uint64_t>(dv.cardinality));
  if (!rows.ok()) return Corrupt(dv, rows.status().message());
  return rows;
}

}  // namespace deltacpp
