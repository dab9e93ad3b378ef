#include "deltacpp/kernel/table_features/feature_gate.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

TEST(FeatureGateTest, LegacyReaderVersionOneIsReadable) {
  EXPECT_OK(CheckReadSupported(Protocol{1, 2, std::nullopt, std::nullopt}));
  EXPECT_OK(
      CheckReadSupported(Protocol{1, 7, std::nullopt, std::vector<std::string>{"x"}}));
}

TEST(FeatureGateTest, ReaderVersionTwoIsColumnMappingWhichIsRead) {
  EXPECT_OK(CheckReadSupported(Protocol{2, 5, std::nullopt, std::nullopt}));
  EXPECT_OK(CheckReadSupported(Protocol{
      3, 7, std::vector<std::string>{"columnMapping", "v2Checkpoint"}, std::nullopt}));
}

TEST(FeatureGateTest, NamesEveryUnsupportedReaderFeature) {
  Protocol protocol{
      3, 7,
      std::vector<std::string>{"timestampNtz", "variantShredding-preview", "madeUp"},
      std::nullopt};
  Status status = CheckReadSupported(protocol);
  ASSERT_RAISES_DELTA(kUnsupportedFeature, status);
  EXPECT_NE(status.message().find("'variantShredding-preview', 'madeUp'"),
            std::string::npos)
      << status.message();
}

TEST(FeatureGateTest, AcceptsSupportedReaderFeatures) {
  EXPECT_OK(CheckReadSupported(
      Protocol{3, 7, std::vector<std::string>{"timestampNtz", "vacuumProtocolCheck"},
               std::nullopt}));
  EXPECT_OK(CheckReadSupported(Protocol{3, 7, std::vector<std::string>{}, std::nullopt}));
}

TEST(FeatureGateTest, RefusesUnknownReaderVersions) {
  ASSERT_RAISES_DELTA(kUnsupportedFeature,
                      CheckReadSupported(Protocol{4, 7, std::nullopt, std::nullopt}));
  ASSERT_RAISES_DELTA(kUnsupportedFeature,
                      CheckReadSupported(Protocol{0, 7, std::nullopt, std::nullopt}));
}

}  // namespace
}  // namespace deltacpp
