#include "deltacpp/kernel/deletion_vectors/z85.h"

#include <gtest/gtest.h>

#include "deltacpp/testing/gtest_util.h"

namespace deltacpp {
namespace {

TEST(Z85Test, DecodesTheSpecExample) {
  // ZeroMQ RFC 32: "HelloWorld" encodes 0x86 0x4F 0xD2 0x6F 0xB5 0x59 0xF7 0x5B.
  ASSERT_OK_AND_ASSIGN(auto bytes, Z85Decode("HelloWorld"));
  EXPECT_EQ(bytes, std::string("\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B", 8));
  EXPECT_EQ(Z85Encode(bytes), "HelloWorld");
}

TEST(Z85Test, RoundTripsAndPads) {
  const std::string data("\x00\x01\x02\xff\xfe", 5);
  const std::string text = Z85Encode(data);
  EXPECT_EQ(text.size(), 10u);
  ASSERT_OK_AND_ASSIGN(auto decoded, Z85Decode(text));
  EXPECT_EQ(decoded.substr(0, 5), data);
  EXPECT_EQ(decoded.size(), 8u);
}

TEST(Z85Test, RejectsBadText) {
  ASSERT_RAISES_DELTA(kCorruptLog, Z85Decode("abcd"));
  ASSERT_RAISES_DELTA(kCorruptLog, Z85Decode("abc d"));
  ASSERT_RAISES_DELTA(kCorruptLog, Z85Decode("#####"));  // above 2^32
}

}  // namespace
}  // namespace deltacpp
