#include "deltacpp/cli/snapshot_options.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp::cli {
namespace {

TEST(SnapshotOptionsTest, ParsesIso8601Forms) {
  const std::pair<const char*, int64_t> cases[] = {
      {"1970-01-01", 0},
      {"1970-01-02", 86'400'000},
      {"2020-04-27T06:23:46Z", 1587968626000},
      {"2020-04-27 06:23:46", 1587968626000},
      {"2020-04-27T06:23:46.537Z", 1587968626537},
      {"2020-04-27T08:23:46+02:00", 1587968626000},
      {"2020-04-27T01:23:46-05:00", 1587968626000},
  };
  for (const auto& [text, millis] : cases) {
    ASSERT_OK_AND_ASSIGN(auto parsed, ParseTimestampMillis(text));
    EXPECT_EQ(parsed, millis) << text;
  }
}

TEST(SnapshotOptionsTest, RejectsOtherText) {
  for (const char* text :
       {"", "yesterday", "2020-13-01", "2020-02-30", "2020-04-27T25:00:00",
        "2020-04-27T06:23", "2020-04-27X06:23:46", "2020-04-27T06:23:46Q"}) {
    SCOPED_TRACE(text);
    ASSERT_RAISES_DELTA(kInvalidArgument, ParseTimestampMillis(text));
  }
}

TEST(SnapshotOptionsTest, FormatsMillis) {
  EXPECT_EQ(FormatTimestampMillis(1587968626537), "2020-04-27 06:23:46.537 UTC");
}

}  // namespace
}  // namespace deltacpp::cli
