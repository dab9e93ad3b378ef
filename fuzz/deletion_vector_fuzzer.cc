// Fuzz target: deletion vectors as a table stores them. The first byte picks the form:
//   0: a serialized RoaringBitmapArray (DecodeRoaringBitmapArray); what decodes must be
//      sorted and unique, and encode (EncodeRoaringBitmapArray) and decode to itself;
//   1: Z85 text (Z85Decode); what decodes must encode (Z85Encode) back to the text;
//   2: an inline vector (storage type 'i'), the Z85 text after a descriptor header;
//   3: a vector file (storage type 'u', ReadDeletionVector) after a descriptor header,
//      in an in-memory store.
// The descriptor header (forms 2 and 3), little-endian: sizeInBytes (int32), cardinality
// (int64), offset (int32).

#include <cstring>
#include <vector>

#include <arrow/io/interfaces.h>

#include "deltacpp/kernel/deletion_vectors/dv_reader.h"
#include "deltacpp/kernel/deletion_vectors/roaring_bitmap_array.h"
#include "deltacpp/kernel/deletion_vectors/z85.h"
#include "fuzz_check.h"

namespace {

using deltacpp::fuzz::Check;

constexpr size_t kHeaderSize = 16;
// Z85 of 16 zero bytes: deletion_vector_00000000-0000-0000-0000-000000000000.bin
constexpr const char* kFileId = "00000000000000000000";
constexpr const char* kFilePath =
    "deletion_vector_00000000-0000-0000-0000-000000000000.bin";

template <typename T>
T ReadLittleEndian(const uint8_t* data) {
  std::make_unsigned_t<T> value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<std::make_unsigned_t<T>>(data[i]) << (8 * i);
  }
  return static_cast<T>(value);
}

const deltacpp::ObjectStore& Store() {
  static const auto store = deltacpp::ObjectStore::Make("mock:///table").ValueOrDie();
  return *store;
}

void CheckRows(const std::vector<uint64_t>& rows) {
  for (size_t i = 1; i < rows.size(); ++i) {
    Check(rows[i - 1] < rows[i],
          "decoded deletion vector rows are not sorted and unique");
  }
}

void Bitmap(std::string_view bytes) {
  auto rows = deltacpp::DecodeRoaringBitmapArray(bytes);
  if (!rows.ok()) return;
  CheckRows(*rows);
  auto again =
      deltacpp::DecodeRoaringBitmapArray(deltacpp::EncodeRoaringBitmapArray(*rows));
  Check(again.ok() && *again == *rows,
        "decoded deletion vector rows, encoded, decode to other rows");
}

void Z85(std::string_view text) {
  auto bytes = deltacpp::Z85Decode(text);
  if (!bytes.ok()) return;
  Check(bytes->size() == text.size() / 5 * 4, "Z85 decodes to the wrong length");
  Check(deltacpp::Z85Encode(*bytes) == text, "Z85 text, decoded, encodes to other text");
}

void Descriptor(bool inline_dv, const uint8_t* data, size_t size) {
  if (size < kHeaderSize) return;
  deltacpp::DeletionVectorDescriptor dv;
  dv.size_in_bytes = ReadLittleEndian<int32_t>(data);
  dv.cardinality = ReadLittleEndian<int64_t>(data + 4);
  const std::string_view rest(reinterpret_cast<const char*>(data) + kHeaderSize,
                              size - kHeaderSize);
  if (inline_dv) {
    dv.storage_type = "i";
    dv.path_or_inline_dv = std::string(rest);
  } else {
    dv.storage_type = "u";
    dv.path_or_inline_dv = kFileId;
    dv.offset = ReadLittleEndian<int32_t>(data + 12);
    auto file = Store().OpenForWrite(kFilePath);
    Check(file.ok(), "cannot write the in-memory deletion vector file");
    Check((*file)->Write(rest.data(), static_cast<int64_t>(rest.size())).ok() &&
              (*file)->Close().ok(),
          "cannot write the in-memory deletion vector file");
  }
  auto rows = deltacpp::ReadDeletionVector(Store(), dv);
  if (!rows.ok()) return;
  CheckRows(*rows);
  Check(static_cast<int64_t>(rows->size()) == dv.cardinality,
        "a deletion vector holds other than its cardinality");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Store();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      Bitmap(rest);
      break;
    case 1:
      Z85(rest);
      break;
    case 2:
      Descriptor(/*inline_dv=*/true, data + 1, size - 1);
      break;
    default:
      Descriptor(/*inline_dv=*/false, data + 1, size - 1);
      break;
  }
  return 0;
}
