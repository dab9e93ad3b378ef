#include "deltacpp/kernel/table.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

using testing::TempDir;

TEST(TableTest, NewTablesGoInMissingOrEmptyFolders) {
  ASSERT_OK_AND_ASSIGN(auto dir, TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto missing, ObjectStore::Make((dir.path() / "new").string()));
  ASSERT_OK(CheckLocationForNewTable(*missing));
  ASSERT_OK_AND_ASSIGN(auto empty, ObjectStore::Make(dir.path().string()));
  ASSERT_OK(CheckLocationForNewTable(*empty));
  // A log folder with only a killed writer's hidden temporary file is still empty.
  ASSERT_OK(testing::WriteFile(
      dir.path() / "_delta_log" / ".00000000000000000000.json.1.tmp", "partial"));
  ASSERT_OK(CheckLocationForNewTable(*empty));
}

TEST(TableTest, NonEmptyFoldersThatAreNoTableAreRefusedNamingAFile) {
  ASSERT_OK_AND_ASSIGN(auto dir, TempDir::Make());
  ASSERT_OK(testing::WriteFile(dir.path() / "report.csv", "a,b"));
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir.path().string()));
  auto status = CheckLocationForNewTable(*store);
  ASSERT_RAISES_DELTA(kInvalidArgument, status);
  EXPECT_NE(status.message().find("not empty and not a Delta table (report.csv"),
            std::string::npos)
      << status.message();

  ASSERT_OK_AND_ASSIGN(auto other, TempDir::Make());
  ASSERT_OK(testing::WriteFile(other.path() / "_delta_log" / "notes.txt", "x"));
  ASSERT_OK_AND_ASSIGN(auto with_log, ObjectStore::Make(other.path().string()));
  ASSERT_RAISES_DELTA(kInvalidArgument, CheckLocationForNewTable(*with_log));
}

}  // namespace
}  // namespace deltacpp
