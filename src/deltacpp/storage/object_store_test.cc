#include "deltacpp/storage/object_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <future>

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

TEST_F(ObjectStoreTest, RefusesPathsThatLeaveTheRoot) {
  ASSERT_OK(testing::WriteFile(dir_->path() / "outside.txt", "secret"));
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make((dir_->path() / "log").string()));
  for (const char* path :
       {"../outside.txt", "c/../../outside.txt", "..", "/etc/passwd", "c/.."}) {
    SCOPED_TRACE(path);
    ASSERT_RAISES_DELTA(kInvalidArgument, store->ReadAll(path));
    ASSERT_RAISES_DELTA(kInvalidArgument, store->OpenForRead(path));
    ASSERT_RAISES_DELTA(kInvalidArgument, store->GetInfo(path));
    ASSERT_RAISES_DELTA(kInvalidArgument, store->Delete(path));
    ASSERT_RAISES_DELTA(kInvalidArgument, store->OpenForWrite(path));
    ASSERT_RAISES_DELTA(kInvalidArgument, store->PutIfAbsent(path, "x"));
  }
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "outside.txt"));
}

TEST_F(ObjectStoreTest, ResolvesLogPathsInsideTheRoot) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  const std::string root = dir_->path().string();
  for (const std::string& logged :
       {std::string("c/nested.json"), std::string("./c//nested.json"),
        std::string("c/nested%2Ejson"), root + "/c/nested.json",
        "file://" + root + "/c/nested.json", "file://localhost" + root + "/c/nested.json",
        "file:" + root + "/c/nested.json"}) {
    SCOPED_TRACE(logged);
    ASSERT_OK_AND_ASSIGN(auto location, store->ResolveLogPath(logged));
    EXPECT_EQ(location.path, "c/nested.json");
    EXPECT_FALSE(location.outside_root);
    EXPECT_EQ(location.store.get(), store.get());
  }
}

TEST_F(ObjectStoreTest, RefusesLogPathsClimbingOutOfTheRoot) {
  ASSERT_OK(testing::WriteFile(dir_->path() / "outside.txt", "secret"));
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make((dir_->path() / "log").string()));
  for (const std::string& logged :
       {std::string("../outside.txt"), std::string("%2E%2E/outside.txt"),
        std::string("%2e%2e%2Foutside.txt"), std::string("c/../../outside.txt"),
        std::string(""), std::string("."), std::string("a/%00/b"),
        dir_->path().string() + "/log/../outside.txt"}) {
    SCOPED_TRACE(logged);
    ASSERT_RAISES_DELTA(kCorruptLog, store->ResolveLogPath(logged));
    ASSERT_RAISES_DELTA(kCorruptLog, store->TableRelativePath(logged));
  }
}

TEST_F(ObjectStoreTest, AbsolutePathsElsewhereAreAStoreOfTheirOwnUnlessConfined) {
  ASSERT_OK(testing::WriteFile(dir_->path() / "clone-source" / "a b.parquet", "data"));
  const std::string elsewhere =
      "file://" + dir_->path().string() + "/clone-source/a%20b.parquet";
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make((dir_->path() / "log").string()));
  ASSERT_OK_AND_ASSIGN(auto relative, store->TableRelativePath(elsewhere));
  EXPECT_FALSE(relative.has_value());
  ASSERT_OK_AND_ASSIGN(auto location, store->ResolveLogPath(elsewhere));
  EXPECT_TRUE(location.outside_root);
  EXPECT_EQ(location.path, "a b.parquet");
  ASSERT_OK_AND_ASSIGN(auto contents, location.store->ReadAll(location.path));
  EXPECT_EQ(contents->ToString(), "data");

  StoreOptions confined;
  confined.allow_paths_outside_root = false;
  ASSERT_OK_AND_ASSIGN(auto strict,
                       ObjectStore::Make((dir_->path() / "log").string(), confined));
  ASSERT_RAISES_DELTA(kCorruptLog, strict->ResolveLogPath(elsewhere));
  ASSERT_OK(strict->ResolveLogPath("a.json").status());
}

TEST_F(ObjectStoreTest, ConfinedStoresRefuseSymlinksLeadingOut) {
  ASSERT_OK(testing::WriteFile(dir_->path() / "outside" / "secret.json", "secret"));
  std::filesystem::create_directory_symlink(dir_->path() / "outside",
                                            dir_->path() / "log" / "link");
  StoreOptions confined;
  confined.allow_paths_outside_root = false;
  ASSERT_OK_AND_ASSIGN(auto strict,
                       ObjectStore::Make((dir_->path() / "log").string(), confined));
  ASSERT_RAISES_DELTA(kInvalidArgument, strict->ReadAll("link/secret.json"));
  ASSERT_OK(strict->ReadAll("a.json").status());
  // The default follows links, as readers of tables on linked folders expect.
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make((dir_->path() / "log").string()));
  ASSERT_OK_AND_ASSIGN(auto contents, store->ReadAll("link/secret.json"));
  EXPECT_EQ(contents->ToString(), "secret");
}

TEST_F(ObjectStoreTest, NonRegularFilesFailInsteadOfBlocking) {
  ASSERT_EQ(::mkfifo((dir_->path() / "log" / "fifo.json").c_str(), 0644), 0);
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  // Nobody ever opens the FIFO for writing: a blocking open would never return.
  auto read =
      std::async(std::launch::async, [&] { return store->ReadAll("log/fifo.json"); });
  ASSERT_EQ(read.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto status = read.get().status();
  ASSERT_RAISES_DELTA(kCorruptLog, status);
  EXPECT_NE(status.message().find("FIFO"), std::string::npos) << status.message();
  ASSERT_RAISES_DELTA(kCorruptLog, store->OpenForRead("log/c"));
}

TEST_F(ObjectStoreTest, AFileOfAnotherSizeThanTheLogRecordsIsCorrupt) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_OK(store->OpenForRead("log/b.json", 3).status());
  auto status = store->OpenForRead("log/b.json", 7).status();
  ASSERT_RAISES_DELTA(kCorruptLog, status);
  EXPECT_NE(status.message().find("has 3 bytes, but the log records 7"),
            std::string::npos)
      << status.message();
}

TEST_F(ObjectStoreTest, DeleteNeverReachesThroughASymlinkedFolder) {
  ASSERT_OK(testing::WriteFile(dir_->path() / "outside" / "victim.parquet", "keep me"));
  ASSERT_OK(testing::WriteFile(dir_->path() / "table" / "own.parquet", "mine"));
  std::filesystem::create_directory_symlink(dir_->path() / "outside",
                                            dir_->path() / "table" / "link");
  std::filesystem::create_directory_symlink(".", dir_->path() / "table" / "self");
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make((dir_->path() / "table").string()));
  ASSERT_RAISES_DELTA(kInvalidArgument, store->Delete("link/victim.parquet"));
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "outside" / "victim.parquet"));
  ASSERT_OK_AND_ASSIGN(auto entries, store->List(""));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(entries[0].is_symlink);   // link
  EXPECT_FALSE(entries[1].is_symlink);  // own.parquet
  EXPECT_TRUE(entries[2].is_symlink);   // self
  // Deleting a link itself never touches what it points to.
  ASSERT_OK(store->Delete("link"));
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "outside" / "victim.parquet"));
  ASSERT_OK(store->Delete("own.parquet"));
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "table" / "own.parquet"));
}

TEST_F(ObjectStoreTest, WrittenFilesAreCompleteAfterClose) {
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir_->path().string()));
  ASSERT_OK_AND_ASSIGN(auto out, store->OpenForWrite("new/deep/part-0.parquet"));
  ASSERT_OK(out->Write("hello", 5));
  ASSERT_OK_AND_ASSIGN(int64_t position, out->Tell());
  EXPECT_EQ(position, 5);
  ASSERT_OK(out->Close());
  EXPECT_TRUE(out->closed());
  ASSERT_OK_AND_ASSIGN(auto contents, store->ReadAll("new/deep/part-0.parquet"));
  EXPECT_EQ(contents->ToString(), "hello");
  ASSERT_OK(store->Rename("new/deep/part-0.parquet", "new/renamed.parquet"));
  ASSERT_OK_AND_ASSIGN(contents, store->ReadAll("new/renamed.parquet"));
  EXPECT_EQ(contents->ToString(), "hello");
}

}  // namespace
}  // namespace deltacpp
