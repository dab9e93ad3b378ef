#pragma once

// The protocol's table features (PROTOCOL.md, "Table Features"), by the names the log
// uses. No other file spells a feature name.

#include <string_view>

namespace deltacpp::table_features {

inline constexpr std::string_view kAppendOnly = "appendOnly";
inline constexpr std::string_view kInvariants = "invariants";
inline constexpr std::string_view kCheckConstraints = "checkConstraints";
inline constexpr std::string_view kChangeDataFeed = "changeDataFeed";
inline constexpr std::string_view kGeneratedColumns = "generatedColumns";
inline constexpr std::string_view kColumnMapping = "columnMapping";
inline constexpr std::string_view kIdentityColumns = "identityColumns";
inline constexpr std::string_view kDeletionVectors = "deletionVectors";
inline constexpr std::string_view kRowTracking = "rowTracking";
inline constexpr std::string_view kTimestampNtz = "timestampNtz";
inline constexpr std::string_view kDomainMetadata = "domainMetadata";
inline constexpr std::string_view kV2Checkpoint = "v2Checkpoint";
inline constexpr std::string_view kIcebergCompatV1 = "icebergCompatV1";
inline constexpr std::string_view kIcebergCompatV2 = "icebergCompatV2";
inline constexpr std::string_view kClustering = "clustering";
inline constexpr std::string_view kVacuumProtocolCheck = "vacuumProtocolCheck";
inline constexpr std::string_view kInCommitTimestamp = "inCommitTimestamp";
inline constexpr std::string_view kTypeWidening = "typeWidening";
inline constexpr std::string_view kTypeWideningPreview = "typeWidening-preview";
inline constexpr std::string_view kVariantType = "variantType";
inline constexpr std::string_view kVariantTypePreview = "variantType-preview";
inline constexpr std::string_view kVariantShreddingPreview = "variantShredding-preview";
inline constexpr std::string_view kAllowColumnDefaults = "allowColumnDefaults";
inline constexpr std::string_view kCheckpointProtection = "checkpointProtection";
inline constexpr std::string_view kCatalogManaged = "catalogManaged";

}  // namespace deltacpp::table_features
