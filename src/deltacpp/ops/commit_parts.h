#pragma once

// Pieces that operations rewriting data files share: the transaction they start on an
// existing table, the remove action of a live file, and the JSON texts commitInfo's
// operationParameters hold. Internal to ops/: never included from a public header.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/kernel/table_features/feature_gate.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp::internal {

/// An existing table and a transaction on its newest version.
struct Rewrite {
  Table table;
  Transaction txn;
};

/// Starts an operation that rewrites the data files of the table at `table_uri`
/// (`verb` says what it does there in errors: "delete from", "optimize"). Fails with
/// kTableNotFound when there is no table, and kUnsupportedFeature for column mapping,
/// which delta-cpp does not write yet.
inline Result<Rewrite> BeginRewrite(const std::string& table_uri, std::string_view verb) {
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(table_uri));
  DELTACPP_ASSIGN_OR_RAISE(auto txn, Transaction::Begin(table));
  const auto& snapshot = txn.read_snapshot();
  if (snapshot == nullptr) {
    return DeltaError(DeltaErrorCode::kTableNotFound, "no Delta table at ", table.uri(),
                      ": nothing to ", verb);
  }
  DELTACPP_ASSIGN_OR_RAISE(
      auto mapping, TableConfiguration(snapshot->metadata()).column_mapping_mode());
  if (mapping != ColumnMappingMode::kNone) {
    return DeltaError(DeltaErrorCode::kUnsupportedFeature, "table ", table.uri(),
                      " uses column mapping, which delta-cpp does not write yet");
  }
  return Rewrite{std::move(table), std::move(txn)};
}

/// Fails with kUnsupportedFeature naming the reader features a table of `schema` needs
/// that `protocol` lacks (a schema change may bring in types such as timestamp_ntz).
inline Status CheckProtocolCovers(const Protocol& protocol, const arrow::Schema& schema,
                                  const Metadata& metadata) {
  DELTACPP_ASSIGN_OR_RAISE(auto needed, ProtocolForNewTable(schema, metadata));
  if (!needed.reader_features.has_value()) return Status::OK();
  std::string missing;
  for (const auto& feature : *needed.reader_features) {
    const auto& has = protocol.reader_features;
    if (!has.has_value() || std::find(has->begin(), has->end(), feature) == has->end()) {
      missing += (missing.empty() ? "'" : ", '") + feature + "'";
    }
  }
  if (missing.empty()) return Status::OK();
  return DeltaError(DeltaErrorCode::kUnsupportedFeature,
                    "the new schema needs table feature(s) ", missing,
                    ", which the table's protocol lacks; delta-cpp does not upgrade "
                    "protocols yet");
}

/// The remove action of live file `file`, deleted at `now` (milliseconds since the
/// epoch). `data_change` false says the rows stay in the table (a compaction).
inline RemoveFile RemovalOf(const AddFile& file, int64_t now, bool data_change = true) {
  RemoveFile remove;
  remove.path = file.path;
  remove.deletion_timestamp = now;
  remove.data_change = data_change;
  remove.extended_file_metadata = true;
  remove.partition_values = file.partition_values;
  remove.size = file.size;
  remove.deletion_vector = file.deletion_vector;
  return remove;
}

/// `text` as a JSON string literal.
inline std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// `values` as a JSON array of strings.
inline std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& value : values) {
    if (out.size() > 1) out += ",";
    out += JsonString(value);
  }
  return out + "]";
}

}  // namespace deltacpp::internal
