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
