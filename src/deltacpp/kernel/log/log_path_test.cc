#include "deltacpp/kernel/log/log_path.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

TEST(LogPathTest, CommitNamesRoundTrip) {
  EXPECT_EQ(CommitFileName(0), "00000000000000000000.json");
  EXPECT_EQ(CommitFileName(1234567), "00000000000001234567.json");
  EXPECT_EQ(CommitFilePath(10), "_delta_log/00000000000000000010.json");
  auto parsed = ParseLogFileName(CommitFileName(1234567));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, LogFileKind::kCommit);
  EXPECT_EQ(parsed->version, 1234567);
}

TEST(LogPathTest, ParsesEveryCheckpointForm) {
  auto classic = ParseLogFileName("00000000000000000010.checkpoint.parquet");
  ASSERT_TRUE(classic.has_value());
  EXPECT_EQ(classic->kind, LogFileKind::kClassicCheckpoint);
  EXPECT_EQ(classic->version, 10);
  EXPECT_TRUE(classic->IsCheckpoint());

  auto part =
      ParseLogFileName("00000000000000000010.checkpoint.0000000002.0000000003.parquet");
  ASSERT_TRUE(part.has_value());
  EXPECT_EQ(part->kind, LogFileKind::kMultiPartCheckpoint);
  EXPECT_EQ(part->part, 2);
  EXPECT_EQ(part->num_parts, 3);

  for (const char* name :
       {"00000000000000000002.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json",
        "00000000000000000002.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.parquet"}) {
    auto uuid = ParseLogFileName(name);
    ASSERT_TRUE(uuid.has_value()) << name;
    EXPECT_EQ(uuid->kind, LogFileKind::kUuidCheckpoint);
    EXPECT_EQ(uuid->version, 2);
  }
}

TEST(LogPathTest, ParsesCompactedCommitsAndChecksums) {
  auto compacted =
      ParseLogFileName("00000000000000000004.00000000000000000010.compacted.json");
  ASSERT_TRUE(compacted.has_value());
  EXPECT_EQ(compacted->kind, LogFileKind::kCompactedCommit);
  EXPECT_EQ(compacted->version, 4);
  EXPECT_EQ(compacted->end_version, 10);
  EXPECT_FALSE(compacted->IsCheckpoint());

  auto crc = ParseLogFileName("00000000000000000007.crc");
  ASSERT_TRUE(crc.has_value());
  EXPECT_EQ(crc->kind, LogFileKind::kChecksum);
}

TEST(LogPathTest, IgnoresOtherFiles) {
  for (const char* name :
       {"_last_checkpoint", ".00000000000000000000.json.crc",
        "00000000000000000000.json.tmp", "0000000000000000000.json",
        "00000000000000000000.JSON", "_staged_commits",
        "00000000000000000010.checkpoint.0000000004.0000000003.parquet",
        "00000000000000000010.checkpoint.not-a-uuid.parquet",
        "00000000000000000010.00000000000000000004.compacted.json",
        "0000000000000000000x.json", ""}) {
    EXPECT_FALSE(ParseLogFileName(name).has_value()) << name;
  }
}

TEST(LogPathTest, TheLastVersionHasANameAndNoSuccessor) {
  EXPECT_EQ(CommitFileName(kMaxVersion), "09223372036854775807.json");
  EXPECT_EQ(CheckpointFileName(kMaxVersion - 1),
            "09223372036854775806.checkpoint.parquet");
  auto last = ParseLogFileName("09223372036854775807.json");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->version, kMaxVersion);

  ASSERT_OK_AND_ASSIGN(int64_t first, NextVersion(-1, "/t"));
  EXPECT_EQ(first, 0);
  ASSERT_OK_AND_ASSIGN(int64_t last_version, NextVersion(kMaxVersion - 1, "/t"));
  EXPECT_EQ(last_version, kMaxVersion);
  auto past = NextVersion(kMaxVersion, "/data/t");
  ASSERT_RAISES_DELTA(kInvalidArgument, past);
  EXPECT_NE(past.status().message().find(
                "table /data/t is at version 9223372036854775807, the last version"),
            std::string::npos)
      << past.status().message();
}

TEST(LogPathTest, VersionsPastTheLastAreRecognisedNotParsed) {
  for (const char* name :
       {"09223372036854775808.json", "99999999999999999999.json",
        "18446744073709551616.checkpoint.parquet",
        "99999999999999999999.checkpoint.0000000001.0000000002.parquet",
        "99999999999999999999.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json",
        "00000000000000000004.99999999999999999999.compacted.json"}) {
    EXPECT_FALSE(ParseLogFileName(name).has_value()) << name;
    EXPECT_TRUE(IsLogFileNamePastMaxVersion(name)) << name;
  }
  // Checksums, other files and names of a fitting version are not.
  for (const char* name :
       {"99999999999999999999.crc", "99999999999999999999.json.tmp",
        "09223372036854775807.json", "00000000000000000010.checkpoint.parquet",
        "00000000000000000010.checkpoint.9999999999.9999999999.parquet", "x.json"}) {
    EXPECT_FALSE(IsLogFileNamePastMaxVersion(name)) << name;
  }
}

}  // namespace
}  // namespace deltacpp
