#include "deltacpp/kernel/table_features/feature_gate.h"

#include <array>
#include <string>

#include "deltacpp/kernel/table_features/table_feature.h"

namespace deltacpp {

namespace {

// Reader features whose every reader-side rule delta-cpp implements. A feature joins this
// list in the same change that implements it, together with its tests.
constexpr std::array kSupportedReaderFeatures = {
    table_features::kTimestampNtz,         // a type: timestamp without time zone
    table_features::kVacuumProtocolCheck,  // no reader-side rule
    table_features::kV2Checkpoint,         // V2 checkpoints and sidecars (kernel/log/)
    table_features::kColumnMapping,        // physical names and field ids (scan/)
    table_features::kDeletionVectors,      // deleted rows skipped by scan/
    // Files written before a type change keep the narrower type: scan/ casts them
    // (physical_to_logical.h), statistics and partition values parse as the new type.
    table_features::kTypeWidening,
    table_features::kTypeWideningPreview,
    // Unshredded variants read as their binary encoding (schema_json.h); shredded ones
    // (variantShredding) are not read yet.
    table_features::kVariantType,
    table_features::kVariantTypePreview,
};

}  // namespace

bool IsReaderFeatureSupported(std::string_view feature) {
  for (auto supported : kSupportedReaderFeatures) {
    if (supported == feature) return true;
  }
  return false;
}

Status CheckReadSupported(const Protocol& protocol) {
  const int32_t version = protocol.min_reader_version;
  if (version < 1 || version > kMaxSupportedReaderVersion) {
    return DeltaError(DeltaErrorCode::kUnsupportedFeature, "reader protocol version ",
                      version, " is not supported (delta-cpp reads versions 1 to ",
                      kMaxSupportedReaderVersion, ")");
  }
  // Reader version 2 means column mapping, without a feature list; delta-cpp reads it.
  if (version == 3 && protocol.reader_features.has_value()) {
    std::string missing;
    for (const auto& feature : *protocol.reader_features) {
      if (IsReaderFeatureSupported(feature)) continue;
      if (!missing.empty()) missing += ", ";
      missing += "'" + feature + "'";
    }
    if (!missing.empty()) {
      return DeltaError(DeltaErrorCode::kUnsupportedFeature,
                        "the table needs reader feature(s) ", missing,
                        ", which delta-cpp does not support yet");
    }
  }
  return Status::OK();
}

}  // namespace deltacpp
