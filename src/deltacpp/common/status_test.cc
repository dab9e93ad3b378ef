#include "deltacpp/common/status.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

TEST(StatusTest, DeltaErrorCarriesCodeAndMessage) {
  Status status = DeltaError(DeltaErrorCode::kVersionNotFound, "version ", 7, " of /t");
  EXPECT_TRUE(status.IsKeyError());
  EXPECT_EQ(status.message(), "version 7 of /t");
  ASSERT_TRUE(GetDeltaErrorCode(status).has_value());
  EXPECT_EQ(*GetDeltaErrorCode(status), DeltaErrorCode::kVersionNotFound);
  EXPECT_NE(status.ToString().find("VersionNotFound"), std::string::npos);
}

TEST(StatusTest, ArrowCodesFollowTheDeltaCode) {
  EXPECT_TRUE(DeltaError(DeltaErrorCode::kTableNotFound, "x").IsIOError());
  EXPECT_TRUE(DeltaError(DeltaErrorCode::kUnsupportedFeature, "x").IsNotImplemented());
  EXPECT_TRUE(DeltaError(DeltaErrorCode::kCorruptLog, "x").IsInvalid());
  EXPECT_TRUE(DeltaError(DeltaErrorCode::kIOError, "x").IsIOError());
  EXPECT_STREQ(DeltaErrorCodeName(DeltaErrorCode::kIOError), "IOError");
  EXPECT_TRUE(DeltaError(DeltaErrorCode::kSchemaMismatch, "x").IsInvalid());
  EXPECT_STREQ(DeltaErrorCodeName(DeltaErrorCode::kSchemaMismatch), "SchemaMismatch");
}

TEST(StatusTest, PlainStatusesHaveNoDeltaCode) {
  EXPECT_FALSE(GetDeltaErrorCode(Status::OK()).has_value());
  EXPECT_FALSE(GetDeltaErrorCode(Status::Invalid("plain")).has_value());
}

TEST(StatusTest, ResultPropagatesWithMacros) {
  auto fails = []() -> Result<int> {
    return DeltaError(DeltaErrorCode::kCorruptLog, "bad");
  };
  auto caller = [&]() -> Status {
    DELTACPP_ASSIGN_OR_RAISE(int value, fails());
    (void)value;
    return Status::OK();
  };
  ASSERT_RAISES_DELTA(kCorruptLog, caller());
}

}  // namespace
}  // namespace deltacpp
