#include "deltacpp/kernel/table_configuration.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

constexpr int64_t kDayMs = 86400000;

TableConfiguration Of(StringMap configuration) {
  return TableConfiguration(std::move(configuration));
}

TEST(ParseIntervalTest, ReadsSparkIntervals) {
  auto millis = [](std::string_view text) {
    auto parsed = ParseIntervalMillis(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    return parsed.ValueOr(-1);
  };
  EXPECT_EQ(millis("interval 30 days"), 30 * kDayMs);
  EXPECT_EQ(millis("interval 1 hours"), 3600000);
  EXPECT_EQ(millis("interval 1 hour"), 3600000);
  EXPECT_EQ(millis("2 weeks"), 14 * kDayMs);
  EXPECT_EQ(millis("  INTERVAL 1 Day 12 Hours "), kDayMs + kDayMs / 2);
  EXPECT_EQ(millis("interval 90 minutes"), 90 * 60000);
  EXPECT_EQ(millis("interval 1.5 seconds"), 1500);
  EXPECT_EQ(millis("interval 250 milliseconds 1000 microseconds"), 251);
  EXPECT_EQ(millis("interval 2 days -1 day"), kDayMs);
  EXPECT_EQ(millis("interval 0 days"), 0);
}

TEST(ParseIntervalTest, RefusesGarbage) {
  for (const char* text :
       {"", "interval", "30", "days", "30 dayz", "interval 1 month", "2 years",
        "interval -1 days", "abc days", "1.5 days", "1. seconds", "1.1234567 seconds",
        "999999999999999 weeks", "30 days 4", "30days"}) {
    SCOPED_TRACE(text);
    ASSERT_RAISES_DELTA(kInvalidArgument, ParseIntervalMillis(text));
  }
  auto month = ParseIntervalMillis("interval 1 month");
  EXPECT_NE(month.status().message().find("months and years"), std::string::npos);
}

TEST(TableConfigurationTest, RetentionsAndTheirDefaults) {
  const auto unset = Of(StringMap{});
  ASSERT_OK_AND_ASSIGN(int64_t retention, unset.log_retention_millis());
  EXPECT_EQ(retention, 30 * kDayMs);
  ASSERT_OK_AND_ASSIGN(retention, unset.deleted_file_retention_millis());
  EXPECT_EQ(retention, 7 * kDayMs);
  EXPECT_TRUE(unset.expired_log_cleanup_enabled());
  const auto set = Of({{"delta.logRetentionDuration", "interval 2 days"},
                       {"delta.deletedFileRetentionDuration", "interval 3 hours"},
                       {"delta.enableExpiredLogCleanup", "False"}});
  ASSERT_OK_AND_ASSIGN(retention, set.log_retention_millis());
  EXPECT_EQ(retention, 2 * kDayMs);
  ASSERT_OK_AND_ASSIGN(retention, set.deleted_file_retention_millis());
  EXPECT_EQ(retention, 3 * 3600000);
  EXPECT_FALSE(set.expired_log_cleanup_enabled());
  const auto bad = Of({{"delta.logRetentionDuration", "soon"},
                       {"delta.deletedFileRetentionDuration", "a fortnight"}});
  auto log = bad.log_retention_millis();
  ASSERT_RAISES_DELTA(kInvalidArgument, log);
  EXPECT_NE(log.status().message().find("delta.logRetentionDuration"), std::string::npos);
  auto files = bad.deleted_file_retention_millis();
  ASSERT_RAISES_DELTA(kInvalidArgument, files);
  EXPECT_NE(files.status().message().find("delta.deletedFileRetentionDuration"),
            std::string::npos);
}

// Booleans read as Delta Spark reads them: "true" in any case; anything else is false.
TEST(TableConfigurationTest, BooleansAreTrueInAnyCase) {
  const auto on = Of({{"delta.appendOnly", "TRUE"},
                      {"delta.enableChangeDataFeed", "true"},
                      {"delta.enableDeletionVectors", "True"},
                      {"delta.enableRowTracking", "tRUE"},
                      {"delta.enableInCommitTimestamps", "true"}});
  EXPECT_TRUE(on.append_only());
  EXPECT_TRUE(on.change_data_feed_enabled());
  EXPECT_TRUE(on.deletion_vectors_enabled());
  EXPECT_TRUE(on.row_tracking_enabled());
  EXPECT_TRUE(on.in_commit_timestamps_enabled());
  const auto off = Of({{"delta.appendOnly", "yes"},
                       {"delta.enableChangeDataFeed", "false"},
                       {"delta.enableDeletionVectors", ""}});
  EXPECT_FALSE(off.append_only());
  EXPECT_FALSE(off.change_data_feed_enabled());
  EXPECT_FALSE(off.deletion_vectors_enabled());
  EXPECT_FALSE(off.row_tracking_enabled());
  EXPECT_FALSE(off.in_commit_timestamps_enabled());
}

TEST(TableConfigurationTest, InCommitTimestampsStartAtTheirEnablementVersion) {
  EXPECT_EQ(Of({}).in_commit_timestamps_from(), std::nullopt);
  EXPECT_EQ(Of({{"delta.enableInCommitTimestamps", "true"}}).in_commit_timestamps_from(),
            0);
  EXPECT_EQ(Of({{"delta.enableInCommitTimestamps", "true"},
                {"delta.inCommitTimestampEnablementVersion", "7"}})
                .in_commit_timestamps_from(),
            7);
}

TEST(TableConfigurationTest, CheckpointIntervalFallsBackToTen) {
  EXPECT_EQ(Of({}).checkpoint_interval(), 10);
  EXPECT_EQ(Of({{"delta.checkpointInterval", "3"}}).checkpoint_interval(), 3);
  for (const char* bad : {"0", "-2", "ten", "5x", ""}) {
    EXPECT_EQ(Of({{"delta.checkpointInterval", bad}}).checkpoint_interval(), 10) << bad;
  }
}

TEST(TableConfigurationTest, TargetFileSizeIsBytes) {
  ASSERT_OK_AND_ASSIGN(auto unset, Of({}).target_file_size());
  EXPECT_EQ(unset, std::nullopt);
  ASSERT_OK_AND_ASSIGN(auto size,
                       Of({{"delta.targetFileSize", "1048576"}}).target_file_size());
  EXPECT_EQ(size, 1048576);
  auto bad = Of({{"delta.targetFileSize", "1mb"}}).target_file_size();
  ASSERT_RAISES_DELTA(kInvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("delta.targetFileSize"), std::string::npos);
}

TEST(TableConfigurationTest, ColumnMappingModes) {
  ASSERT_OK_AND_ASSIGN(auto none, Of({}).column_mapping_mode());
  EXPECT_EQ(none, ColumnMappingMode::kNone);
  EXPECT_FALSE(Of({{"delta.columnMapping.mode", "none"}}).column_mapping_requested());
  const auto name = Of({{"delta.columnMapping.mode", "name"}});
  ASSERT_OK_AND_ASSIGN(auto mode, name.column_mapping_mode());
  EXPECT_EQ(mode, ColumnMappingMode::kName);
  EXPECT_TRUE(name.column_mapping_requested());
  ASSERT_OK_AND_ASSIGN(mode,
                       Of({{"delta.columnMapping.mode", "id"}}).column_mapping_mode());
  EXPECT_EQ(mode, ColumnMappingMode::kId);
  ASSERT_RAISES_DELTA(kCorruptLog,
                      Of({{"delta.columnMapping.mode", "ID"}}).column_mapping_mode());
}

TEST(TableConfigurationTest, CheckConstraintsMatchTheirPrefixInAnyCase) {
  const auto configuration = Of({{"delta.constraints.positive", "x > 0"},
                                 {"DELTA.Constraints.Named", "y < 1"},
                                 {"delta.constraints.", "ignored: no name"},
                                 {"delta.appendOnly", "true"}});
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Named", "y < 1"}, {"positive", "x > 0"}};
  EXPECT_EQ(configuration.check_constraints(), expected);
}

TEST(TableConfigurationTest, StatsColumnsAndUniversalFormatAsWritten) {
  const auto configuration =
      Of({{"delta.dataSkippingStatsColumns", "a,`b.c`"},
          {"delta.dataSkippingNumIndexedCols", "5"},
          {"delta.universalFormat.enabledFormats", "hudi,ICEBERG"}});
  EXPECT_EQ(configuration.data_skipping_stats_columns(), "a,`b.c`");
  EXPECT_EQ(configuration.data_skipping_num_indexed_cols(), "5");
  EXPECT_TRUE(configuration.iceberg_enabled());
  EXPECT_FALSE(Of({}).iceberg_enabled());
  EXPECT_EQ(Of({}).data_skipping_stats_columns(), std::nullopt);
}

}  // namespace
}  // namespace deltacpp
