#include "deltacpp/storage/object_store.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

using testing::TempDir;

class ObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(auto dir, TempDir::Make());
    dir_ = std::make_unique<TempDir>(std::move(dir));
    ASSERT_OK(testing::WriteFile(dir_->path() / "log" / "b.json", "bbb"));
    ASSERT_OK(testing::WriteFile(dir_->path() / "log" / "a.json", "a"));
    ASSERT_OK(testing::WriteFile(dir_->path() / "log" / "c" / "nested.json", "n"));
  }
  std::unique_ptr<TempDir> dir_;
};

TEST_F(ObjectStoreTest, ListsDirectChildrenSorted) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto entries, store->List("log"));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "a.json");
  EXPECT_EQ(entries[0].size, 1);
  EXPECT_FALSE(entries[0].is_directory);
  EXPECT_GT(entries[0].modification_time_ms, 0);
  EXPECT_EQ(entries[1].name, "b.json");
  EXPECT_EQ(entries[2].name, "c");
  EXPECT_TRUE(entries[2].is_directory);
}

TEST_F(ObjectStoreTest, ListsFromAStartKey) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto entries, store->List("log", "a.json"));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "b.json");
}

TEST_F(ObjectStoreTest, MissingFolderAndFileAreFileNotFound) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_RAISES_DELTA(kFileNotFound, store->List("nope"));
  ASSERT_RAISES_DELTA(kFileNotFound, store->ReadAll("log/missing.json"));
  ASSERT_RAISES_DELTA(kFileNotFound, store->OpenForRead("log/missing.json"));
}

TEST_F(ObjectStoreTest, ReadsWholeFiles) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto buffer, store->ReadAll("log/b.json"));
  EXPECT_EQ(buffer->ToString(), "bbb");
  ASSERT_OK_AND_ASSIGN(auto file, store->OpenForRead("log/b.json", 3));
  ASSERT_OK_AND_ASSIGN(auto part, file->ReadAt(1, 2));
  EXPECT_EQ(part->ToString(), "bb");
}

TEST_F(ObjectStoreTest, GetsTheInfoOfOneFile) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto info, store->GetInfo("log/b.json"));
  EXPECT_EQ(info.name, "b.json");
  EXPECT_EQ(info.size, 3);
  EXPECT_FALSE(info.is_directory);
  ASSERT_OK_AND_ASSIGN(auto entries, store->List("log"));
  EXPECT_EQ(info.modification_time_ms, entries[1].modification_time_ms);
  ASSERT_RAISES_DELTA(kFileNotFound, store->GetInfo("log/missing.json"));
}

TEST_F(ObjectStoreTest, PutIfAbsentCreatesOnceAndLeavesNoTemporaryFile) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_OK(store->PutIfAbsent("new/0.json", "first"));
  ASSERT_RAISES_DELTA(kConflict, store->PutIfAbsent("new/0.json", "second"));
  ASSERT_OK_AND_ASSIGN(auto buffer, store->ReadAll("new/0.json"));
  EXPECT_EQ(buffer->ToString(), "first");
  ASSERT_OK_AND_ASSIGN(auto entries, store->List("new"));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "0.json");
}

// A local failure is an I/O error, not a missing file: here the hidden temporary name
// (the target's name plus a suffix) is longer than a file name may be.
TEST_F(ObjectStoreTest, PutIfAbsentReportsLocalFailuresAsIoErrors) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  const std::string name(250, 'x');
  auto status = store->PutIfAbsent("log/" + name, "x");
  ASSERT_RAISES_DELTA(kIOError, status);
  EXPECT_TRUE(status.IsIOError());
  EXPECT_NE(status.message().find("cannot create"), std::string::npos)
      << status.message();
}

TEST_F(ObjectStoreTest, AcceptsFileUrisAndTrailingSlashes) {
  ASSERT_OK_AND_ASSIGN(auto store,
                       ObjectStore::Make("file://" + dir_->path().string() + "/"));
  EXPECT_EQ(store->FullPath("log/a.json"), dir_->path().string() + "/log/a.json");
  ASSERT_OK_AND_ASSIGN(auto entries, store->List("log"));
  EXPECT_EQ(entries.size(), 3u);
}

TEST_F(ObjectStoreTest, RelativePathsBecomeAbsolute) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make("some/relative/table/"));
  EXPECT_EQ(store->table_uri().front(), '/');
  EXPECT_EQ(store->table_uri().back(), 'e');
}

TEST_F(ObjectStoreTest, RejectsEmptyAndUnknownUris) {
  ASSERT_RAISES_DELTA(kInvalidArgument, ObjectStore::Make(""));
  ASSERT_RAISES_DELTA(kInvalidArgument, ObjectStore::Make("nosuchscheme://bucket/t"));
}

}  // namespace
}  // namespace deltacpp
