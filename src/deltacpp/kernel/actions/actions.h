#pragma once

// The actions of the Delta transaction log, one struct each, with every field the
// protocol defines (PROTOCOL.md, "Actions"). JSON commits and Parquet checkpoints are
// both parsed into these, so log replay sees one representation.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "deltacpp/common/visibility.h"

namespace deltacpp {

/// Partition values as the log stores them: serialized strings, null for a null value.
using PartitionValues = std::map<std::string, std::optional<std::string>>;
using StringMap = std::map<std::string, std::string>;

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  /// Present only with min_reader_version 3 (table features).
  std::optional<std::vector<std::string>> reader_features;
  /// Present only with min_writer_version 7 (table features).
  std::optional<std::vector<std::string>> writer_features;

  bool operator==(const Protocol&) const = default;
};

struct Format {
  std::string provider = "parquet";
  StringMap options;

  bool operator==(const Format&) const = default;
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  Format format;
  /// The table schema as the protocol's JSON (see kernel/schema/schema_json.h); empty
  /// when the action had none.
  std::string schema_string;
  std::vector<std::string> partition_columns;
  StringMap configuration;
  std::optional<int64_t> created_time;

  bool operator==(const Metadata&) const = default;
};

struct DeletionVectorDescriptor {
  /// 'u' (relative path from a UUID), 'i' (inline) or 'p' (absolute path).
  std::string storage_type;
  std::string path_or_inline_dv;
  std::optional<int32_t> offset;
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;

  /// The identity the protocol reconciles files by, together with the path:
  /// storage_type + path_or_inline_dv (+ "@" + offset when there is one).
  std::string UniqueId() const;

  bool operator==(const DeletionVectorDescriptor&) const = default;
};

struct AddFile {
  /// A relative URI (to the table root) or an absolute one, percent-encoded.
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  /// The file statistics as the JSON the writer produced.
  std::optional<std::string> stats;
  std::optional<StringMap> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  std::optional<std::string> clustering_provider;

  bool operator==(const AddFile&) const = default;
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  std::optional<PartitionValues> partition_values;
  std::optional<int64_t> size;
  std::optional<std::string> stats;
  std::optional<StringMap> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;

  bool operator==(const RemoveFile&) const = default;
};

struct AddCdcFile {
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  bool data_change = false;
  std::optional<StringMap> tags;

  bool operator==(const AddCdcFile&) const = default;
};

struct SetTransaction {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;

  bool operator==(const SetTransaction&) const = default;
};

/// commitInfo is free-form in the protocol; the fields engines agree on are parsed, and
/// the whole object is kept as JSON for history.
struct CommitInfo {
  std::optional<int64_t> timestamp;
  std::optional<int64_t> in_commit_timestamp;
  std::optional<std::string> operation;
  /// Values kept as their JSON text (strings unquoted).
  StringMap operation_parameters;
  /// Values kept as their JSON text (strings unquoted), e.g. numOutputRows.
  StringMap operation_metrics;
  std::optional<std::string> engine_info;
  std::optional<int64_t> read_version;
  std::optional<bool> is_blind_append;
  std::string json;
  /// Written after the known fields: a writer's own top-level string fields. Readers
  /// keep them only in `json`.
  StringMap custom_fields;

  bool operator==(const CommitInfo&) const = default;
};

struct DomainMetadata {
  std::string domain;
  std::string configuration;
  bool removed = false;

  bool operator==(const DomainMetadata&) const = default;
};

struct Sidecar {
  std::string path;
  int64_t size_in_bytes = 0;
  int64_t modification_time = 0;
  std::optional<StringMap> tags;

  bool operator==(const Sidecar&) const = default;
};

struct CheckpointMetadata {
  int64_t version = 0;
  std::optional<StringMap> tags;

  bool operator==(const CheckpointMetadata&) const = default;
};

using Action =
    std::variant<Protocol, Metadata, AddFile, RemoveFile, AddCdcFile, SetTransaction,
                 CommitInfo, DomainMetadata, Sidecar, CheckpointMetadata>;

}  // namespace deltacpp
