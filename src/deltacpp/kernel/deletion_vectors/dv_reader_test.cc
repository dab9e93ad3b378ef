#include "deltacpp/kernel/deletion_vectors/dv_reader.h"

#include <fstream>

#include <gtest/gtest.h>

#include "deltacpp/kernel/deletion_vectors/roaring_bitmap_array.h"
#include "deltacpp/kernel/deletion_vectors/z85.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

std::string Serialize(const std::vector<uint64_t>& rows) {
  return EncodeRoaringBitmapArray(rows);
}

TEST(DvReaderTest, PathFromTheProtocolExample) {
  DeletionVectorDescriptor dv{"u", "ab^-aqEH.-t@S}K{vb[*k^", 4, 40, 6};
  ASSERT_OK_AND_ASSIGN(auto path, DeletionVectorPath(dv));
  EXPECT_EQ(path, "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
  dv.path_or_inline_dv = "^-aqEH.-t@S}K{vb[*k^";
  ASSERT_OK_AND_ASSIGN(auto no_prefix, DeletionVectorPath(dv));
  EXPECT_EQ(no_prefix, "deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
  ASSERT_RAISES_DELTA(kCorruptLog, DeletionVectorPath({"u", "short", 1, 1, 1}));
  ASSERT_RAISES_DELTA(kInvalidArgument, DeletionVectorPath({"i", "x", {}, 1, 1}));
}

TEST(DvReaderTest, DecodesBitmapsAcrossKeys) {
  const std::vector<uint64_t> rows = {0, 3, 70000, (uint64_t{1} << 32) + 5};
  ASSERT_OK_AND_ASSIGN(auto decoded, DecodeRoaringBitmapArray(Serialize(rows)));
  EXPECT_EQ(decoded, rows);
  ASSERT_OK_AND_ASSIGN(auto empty, DecodeRoaringBitmapArray(Serialize({})));
  EXPECT_TRUE(empty.empty());
}

TEST(DvReaderTest, RejectsCorruptBitmaps) {
  std::string bytes = Serialize({1, 2});
  ASSERT_RAISES_DELTA(kCorruptLog, DecodeRoaringBitmapArray(bytes.substr(0, 8)));
  ASSERT_RAISES_DELTA(kCorruptLog,
                      DecodeRoaringBitmapArray(bytes.substr(0, bytes.size() - 2)));
  bytes[0] ^= 1;
  ASSERT_RAISES_DELTA(kCorruptLog, DecodeRoaringBitmapArray(bytes));
}

// One bitmap (key 0) of one array container holding `values` as given: the portable
// Roaring format does not forbid writing them unsorted or repeated.
std::string CraftedArray(const std::vector<uint16_t>& values) {
  std::string out;
  auto put = [&out](uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
  };
  put(1681511377, 4);  // RoaringBitmapArray magic
  put(1, 8);           // one bitmap
  put(0, 4);           // its key
  put(12346, 4);       // portable cookie, no run containers
  put(1, 4);           // one container
  put(0, 2);           // container key
  put(values.size() - 1, 2);
  put(16, 4);  // offset of the container's data
  for (uint16_t value : values) put(value, 2);
  return out;
}

TEST(DvReaderTest, RejectsUnsortedAndRepeatedRows) {
  ASSERT_OK_AND_ASSIGN(auto fine, DecodeRoaringBitmapArray(CraftedArray({0, 3, 9})));
  EXPECT_EQ(fine, (std::vector<uint64_t>{0, 3, 9}));
  auto unsorted = DecodeRoaringBitmapArray(CraftedArray({9, 0}));
  ASSERT_RAISES_DELTA(kCorruptLog, unsorted);
  EXPECT_NE(unsorted.status().message().find("sorted and unique"), std::string::npos);
  ASSERT_RAISES_DELTA(kCorruptLog, DecodeRoaringBitmapArray(CraftedArray({5, 5})));
}

TEST(DvReaderTest, ChecksCardinalityBeforeMaterialisingRows) {
  const std::string bytes = Serialize({1, 2, 3});
  ASSERT_OK(DecodeRoaringBitmapArray(bytes, 3).status());
  ASSERT_RAISES_DELTA(kCorruptLog, DecodeRoaringBitmapArray(bytes, 2));
  // A count of bitmaps larger than the bytes could hold is refused at once.
  std::string lying = bytes;
  lying[4] = '\xff';
  lying[5] = '\xff';
  ASSERT_RAISES_DELTA(kCorruptLog, DecodeRoaringBitmapArray(lying));
  ASSERT_RAISES_DELTA(kCorruptLog, DecodeRoaringBitmapArray(bytes + "junk"));
}

TEST(DvReaderTest, RefusesPrefixesAndSizesThatCouldNameOtherFiles) {
  ASSERT_RAISES_DELTA(kCorruptLog,
                      DeletionVectorPath({"u", "../^-aqEH.-t@S}K{vb[*k^", 1, 40, 6}));
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir.path().string()));
  const std::string bytes = Serialize({2, 9});
  DeletionVectorDescriptor negative{"i", Z85Encode(bytes), std::nullopt, -4, 2};
  ASSERT_RAISES_DELTA(kCorruptLog, ReadDeletionVector(*store, negative));
  DeletionVectorDescriptor escaping{"p", "../elsewhere.bin", 1, 40, 2};
  ASSERT_RAISES_DELTA(kCorruptLog, ReadDeletionVector(*store, escaping));
}

TEST(DvReaderTest, ReadsInlineVectors) {
  const std::string bytes = Serialize({2, 9});
  DeletionVectorDescriptor dv{"i", Z85Encode(bytes), std::nullopt,
                              static_cast<int32_t>(bytes.size()), 2};
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto rows, ReadDeletionVector(*store, dv));
  EXPECT_EQ(rows, (std::vector<uint64_t>{2, 9}));
  dv.cardinality = 3;
  ASSERT_RAISES_DELTA(kCorruptLog, ReadDeletionVector(*store, dv));
}

TEST(DvReaderTest, ReadsTheFilesOfASparkTable) {
  ASSERT_OK_AND_ASSIGN(
      auto table,
      Table::Open(testing::TestdataPath("delta-rs/table-with-dv-small").string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  int with_dv = 0;
  for (const auto& file : snapshot->files()) {
    if (!file.deletion_vector) continue;
    ++with_dv;
    ASSERT_OK_AND_ASSIGN(auto rows,
                         ReadDeletionVector(*table.store(), *file.deletion_vector));
    EXPECT_EQ(static_cast<int64_t>(rows.size()), file.deletion_vector->cardinality);
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
  }
  EXPECT_GT(with_dv, 0);
}

TEST(DvReaderTest, DamagedFileFailsItsChecksum) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK(testing::CopyTable(testing::TestdataPath("delta-rs/table-with-dv-small"),
                               dir.path()));
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table.LatestSnapshot());
  const DeletionVectorDescriptor* dv = nullptr;
  for (const auto& file : snapshot->files()) {
    if (file.deletion_vector) dv = &*file.deletion_vector;
  }
  ASSERT_NE(dv, nullptr);
  ASSERT_OK_AND_ASSIGN(auto relative, DeletionVectorPath(*dv));
  // Flip the last byte of the bitmap: the size still matches, the CRC-32 does not.
  std::fstream file(dir.path() / relative,
                    std::ios::in | std::ios::out | std::ios::binary);
  const auto position = dv->offset.value_or(1) + 4 + dv->size_in_bytes - 1;
  file.seekg(position);
  char byte = 0;
  file.get(byte);
  file.seekp(position);
  file.put(static_cast<char>(byte ^ 0x40));
  file.close();
  auto damaged = ReadDeletionVector(*table.store(), *dv);
  ASSERT_RAISES_DELTA(kCorruptLog, damaged);
  EXPECT_NE(damaged.status().message().find("fails its checksum"), std::string::npos)
      << damaged.status().message();
}

TEST(DvReaderTest, MissingFileIsFileNotFound) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir.path().string()));
  DeletionVectorDescriptor dv{"u", "^-aqEH.-t@S}K{vb[*k^", 1, 34, 1};
  ASSERT_RAISES_DELTA(kFileNotFound, ReadDeletionVector(*store, dv));
}

}  // namespace
}  // namespace deltacpp
