#include "deltacpp/kernel/table_features/feature_gate.h"

#include <array>
#include <cctype>
#include <functional>
#include <set>
#include <string>

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include "deltacpp/kernel/schema/field_metadata.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/kernel/table_configuration.h"
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

namespace {

// Writer features whose every writer-side rule delta-cpp honours for the commits it
// makes (appends and overwrites with plain column names).
constexpr std::array kSupportedWriterFeatures = {
    table_features::kAppendOnly,           // no data removed (txn/ refuses)
    table_features::kInvariants,           // enforced by ops/write_constraints.h
    table_features::kCheckConstraints,     // enforced by ops/write_constraints.h
    table_features::kGeneratedColumns,     // computed/checked by ops/write_constraints.h
    table_features::kIdentityColumns,      // only without identity columns
    table_features::kChangeDataFeed,       // appends and overwrites need no cdc files
    table_features::kTimestampNtz,         // a type
    table_features::kDeletionVectors,      // files with vectors are removed with them
    table_features::kDomainMetadata,       // kept as they are
    table_features::kInCommitTimestamp,    // txn/ writes commitInfo first, with its ICT
    table_features::kVacuumProtocolCheck,  // no commit-time rule
    table_features::kTypeWidening,         // writes use the current types
    table_features::kTypeWideningPreview, table_features::kVariantType,
    table_features::kVariantTypePreview,
    table_features::kColumnMapping,  // mode none only (ops/ checks the mode)
};

bool AnyFieldHas(const arrow::FieldVector& fields, std::string_view key) {
  for (const auto& field : fields) {
    if (field->metadata() != nullptr && field->metadata()->Contains(std::string(key))) {
      return true;
    }
    if (AnyFieldHas(field->type()->fields(), key)) return true;
  }
  return false;
}

bool AnyTypeIs(const arrow::FieldVector& fields,
               const std::function<bool(const arrow::DataType&)>& test) {
  for (const auto& field : fields) {
    if (test(*field->type()) || AnyTypeIs(field->type()->fields(), test)) return true;
  }
  return false;
}

// Rules a table's metadata turns on that delta-cpp does not enforce yet.
std::vector<std::string> UnenforcedRules(const arrow::Schema* schema,
                                         const Metadata& metadata) {
  std::vector<std::string> rules;
  if (schema != nullptr) {
    if (AnyFieldHas(schema->fields(), field_metadata::kIdentityStart)) {
      rules.push_back("identity columns");
    }
  }
  if (TableConfiguration(metadata).row_tracking_enabled())
    rules.push_back("row tracking");
  return rules;
}

Status RefuseRules(const std::vector<std::string>& rules) {
  if (rules.empty()) return Status::OK();
  std::string list;
  for (const auto& rule : rules) list += (list.empty() ? "" : ", ") + rule;
  return DeltaError(DeltaErrorCode::kUnsupportedFeature, "the table uses ", list,
                    ", which delta-cpp does not enforce on writes yet");
}

}  // namespace

Status CheckWriteSupported(const Protocol& protocol, const Metadata& metadata) {
  DELTACPP_RETURN_NOT_OK(CheckReadSupported(protocol));
  if (protocol.min_writer_version < 1 || protocol.min_writer_version > 7) {
    return DeltaError(DeltaErrorCode::kUnsupportedFeature, "writer protocol version ",
                      protocol.min_writer_version, " is not supported");
  }
  if (protocol.writer_features.has_value()) {
    std::string missing;
    for (const auto& feature : *protocol.writer_features) {
      bool supported = false;
      for (auto known : kSupportedWriterFeatures) supported |= known == feature;
      if (!supported) missing += (missing.empty() ? "'" : ", '") + feature + "'";
    }
    if (!missing.empty()) {
      return DeltaError(DeltaErrorCode::kUnsupportedFeature,
                        "the table needs writer feature(s) ", missing,
                        ", which delta-cpp does not support yet");
    }
  }
  std::shared_ptr<arrow::Schema> schema;
  if (!metadata.schema_string.empty()) {
    auto parsed = ParseSchemaJson(metadata.schema_string);
    if (parsed.ok()) schema = *parsed;
  }
  return RefuseRules(UnenforcedRules(schema.get(), metadata));
}

Result<Protocol> ProtocolForNewTable(const arrow::Schema& schema,
                                     const Metadata& metadata) {
  DELTACPP_RETURN_NOT_OK(RefuseRules(UnenforcedRules(&schema, metadata)));
  const TableConfiguration configuration(metadata);
  if (configuration.column_mapping_requested()) {
    return DeltaError(DeltaErrorCode::kUnsupportedFeature,
                      "delta-cpp does not create column-mapped tables yet");
  }
  std::vector<std::string> reader_features, writer_features;
  const bool ntz = AnyTypeIs(schema.fields(), [](const arrow::DataType& type) {
    return type.id() == arrow::Type::TIMESTAMP &&
           static_cast<const arrow::TimestampType&>(type).timezone().empty();
  });
  const bool variant = AnyTypeIs(schema.fields(), [](const arrow::DataType& type) {
    return type.Equals(*VariantStorageType());
  });
  if (ntz) reader_features.emplace_back(table_features::kTimestampNtz);
  if (variant) reader_features.emplace_back(table_features::kVariantType);
  if (configuration.deletion_vectors_enabled()) {
    reader_features.emplace_back(table_features::kDeletionVectors);
  }
  Protocol protocol;
  const bool cdf = configuration.change_data_feed_enabled();
  // Rules ops/write_constraints.h enforces: legacy writer 2 covers invariants, 3 CHECK
  // constraints, 4 generated columns.
  const bool invariants = AnyFieldHas(schema.fields(), field_metadata::kInvariants);
  const bool checks = !configuration.check_constraints().empty();
  const bool generated =
      AnyFieldHas(schema.fields(), field_metadata::kGenerationExpression);
  // In-commit timestamps have no legacy writer version: writer 7, listing features.
  const bool ict = configuration.in_commit_timestamps_enabled();
  if (reader_features.empty() && !ict) {
    protocol.min_reader_version = 1;
    protocol.min_writer_version = (cdf || generated) ? 4 : checks ? 3 : 2;
    return protocol;
  }
  writer_features = reader_features;
  if (configuration.append_only()) {
    writer_features.emplace_back(table_features::kAppendOnly);
  }
  if (cdf) writer_features.emplace_back(table_features::kChangeDataFeed);
  if (invariants) writer_features.emplace_back(table_features::kInvariants);
  if (checks) writer_features.emplace_back(table_features::kCheckConstraints);
  if (generated) writer_features.emplace_back(table_features::kGeneratedColumns);
  if (ict) writer_features.emplace_back(table_features::kInCommitTimestamp);
  // A writer-only feature leaves the reader version alone.
  protocol.min_reader_version = reader_features.empty() ? 1 : 3;
  protocol.min_writer_version = 7;
  if (!reader_features.empty()) protocol.reader_features = std::move(reader_features);
  protocol.writer_features = std::move(writer_features);
  return protocol;
}

}  // namespace deltacpp
