#include "deltacpp/kernel/table_features/feature_gate.h"

#include <gtest/gtest.h>

#include "deltacpp/kernel/schema/schema_json.h"
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

// A table whose id column has an invariant, whose g column is generated from it, and
// whose configuration holds a CHECK constraint.
Metadata ConstrainedMetadata() {
  Metadata metadata;
  metadata.schema_string =
      R"({"type":"struct","fields":[)"
      R"({"name":"id","type":"long","nullable":true,"metadata":{"delta.invariants":)"
      R"("{\"expression\":{\"expression\":\"id > 0\"}}"}},)"
      R"({"name":"g","type":"long","nullable":true,)"
      R"("metadata":{"delta.generationExpression":"id * 2"}}]})";
  metadata.configuration = {{"delta.constraints.small", "id < 100"}};
  return metadata;
}

TEST(FeatureGateTest, WritesToTablesWithConstraintsAndGeneratedColumns) {
  // ops/write_constraints.h enforces them.
  EXPECT_OK(CheckWriteSupported(Protocol{1, 4, std::nullopt, std::nullopt},
                                ConstrainedMetadata()));
  EXPECT_OK(CheckWriteSupported(
      Protocol{
          1, 7, std::nullopt,
          std::vector<std::string>{"invariants", "checkConstraints", "generatedColumns"}},
      ConstrainedMetadata()));
  // Identity columns are not generated yet.
  Metadata identity;
  identity.schema_string =
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,)"
      R"("metadata":{"delta.identity.start":1,"delta.identity.step":1}}]})";
  ASSERT_RAISES_DELTA(
      kUnsupportedFeature,
      CheckWriteSupported(Protocol{1, 6, std::nullopt, std::nullopt}, identity));
}

TEST(FeatureGateTest, NewTablesGetTheLeastProtocolForTheirRules) {
  auto schema_of = [](const Metadata& metadata) {
    return ParseSchemaJson(metadata.schema_string).ValueOrDie();
  };
  Metadata plain;
  plain.schema_string = R"({"type":"struct","fields":[)"
                        R"({"name":"id","type":"long","nullable":true,"metadata":{}}]})";
  ASSERT_OK_AND_ASSIGN(auto protocol, ProtocolForNewTable(*schema_of(plain), plain));
  EXPECT_EQ(protocol, (Protocol{1, 2, std::nullopt, std::nullopt}));

  // CHECK constraints need writer 3.
  Metadata checked = plain;
  checked.configuration = {{"delta.constraints.positive", "id > 0"}};
  ASSERT_OK_AND_ASSIGN(protocol, ProtocolForNewTable(*schema_of(checked), checked));
  EXPECT_EQ(protocol, (Protocol{1, 3, std::nullopt, std::nullopt}));

  // Invariants are covered by writer 2; generated columns need writer 4.
  Metadata invariant = ConstrainedMetadata();
  invariant.configuration.clear();
  invariant.schema_string =
      R"({"type":"struct","fields":[)"
      R"({"name":"id","type":"long","nullable":true,"metadata":{"delta.invariants":)"
      R"("{\"expression\":{\"expression\":\"id > 0\"}}"}}]})";
  ASSERT_OK_AND_ASSIGN(protocol, ProtocolForNewTable(*schema_of(invariant), invariant));
  EXPECT_EQ(protocol, (Protocol{1, 2, std::nullopt, std::nullopt}));
  Metadata all = ConstrainedMetadata();
  ASSERT_OK_AND_ASSIGN(protocol, ProtocolForNewTable(*schema_of(all), all));
  EXPECT_EQ(protocol, (Protocol{1, 4, std::nullopt, std::nullopt}));

  // With table features, each is listed.
  all.configuration["delta.enableDeletionVectors"] = "true";
  ASSERT_OK_AND_ASSIGN(protocol, ProtocolForNewTable(*schema_of(all), all));
  EXPECT_EQ(protocol.min_reader_version, 3);
  EXPECT_EQ(protocol.min_writer_version, 7);
  EXPECT_EQ(protocol.writer_features,
            (std::vector<std::string>{"deletionVectors", "invariants", "checkConstraints",
                                      "generatedColumns"}));
}

}  // namespace
}  // namespace deltacpp
