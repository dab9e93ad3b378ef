#include "deltacpp/kernel/log/last_checkpoint.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"
#include "deltacpp/testing/temp_dir.h"
#include "deltacpp/testing/test_tables.h"

namespace deltacpp {
namespace {

TEST(LastCheckpointTest, ParsesVersionSizeAndParts) {
  ASSERT_OK_AND_ASSIGN(
      auto hint, ParseLastCheckpoint(R"({"version":10,"size":13,"parts":2,"x":{}})"));
  EXPECT_EQ(hint.version, 10);
  EXPECT_EQ(hint.size, 13);
  EXPECT_EQ(hint.parts, 2);
  ASSERT_OK_AND_ASSIGN(auto bare, ParseLastCheckpoint(R"({"version":0})"));
  EXPECT_FALSE(bare.parts.has_value());
}

TEST(LastCheckpointTest, RejectsCorruptContent) {
  for (const char* text :
       {"", "{", "[]", R"({"size":3})", R"({"version":"3"})", R"({"version":-1})"}) {
    SCOPED_TRACE(text);
    ASSERT_RAISES_DELTA(kCorruptLog, ParseLastCheckpoint(text));
  }
}

TEST(LastCheckpointTest, MissingOrCorruptFileIsNoHint) {
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto missing, ReadLastCheckpoint(*store));
  EXPECT_FALSE(missing.has_value());
  ASSERT_OK(
      testing::WriteFile(dir.path() / "_delta_log" / "_last_checkpoint", "{garbage"));
  ASSERT_OK_AND_ASSIGN(auto corrupt, ReadLastCheckpoint(*store));
  EXPECT_FALSE(corrupt.has_value());
  ASSERT_OK(testing::WriteFile(dir.path() / "_delta_log" / "_last_checkpoint",
                               R"({"version":4,"size":7})"));
  ASSERT_OK_AND_ASSIGN(auto good, ReadLastCheckpoint(*store));
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->version, 4);
}

// Issue 14: a _last_checkpoint nested 100,000 deep overflowed the stack of every reader.
TEST(LastCheckpointTest, DeepNestingIsCorruptNotACrash) {
  const std::string deep = R"({"version":1,"x":)" + std::string(100'000, '[') +
                           std::string(100'000, ']') + "}";
  auto hint = ParseLastCheckpoint(deep);
  ASSERT_RAISES_DELTA(kCorruptLog, hint);
  EXPECT_NE(hint.status().message().find("nests JSON deeper than 1000 levels"),
            std::string::npos)
      << hint.status().message();
  // Read from a table, it is no hint: the log is listed instead.
  ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Make());
  ASSERT_OK_AND_ASSIGN(auto store, ObjectStore::Make(dir.path().string()));
  ASSERT_OK(testing::WriteFile(dir.path() / "_delta_log" / "_last_checkpoint", deep));
  ASSERT_OK_AND_ASSIGN(auto read, ReadLastCheckpoint(*store));
  EXPECT_FALSE(read.has_value());
}

}  // namespace
}  // namespace deltacpp
